"""Reviews (phiếu chấm): reviewers score their assigned submissions in the review window.

Rules:
- only the assigned reviewer writes a review, only inside the review window (the closing
  instant is too late); after the window closes scores are locked;
- each value obeys its criterion's bounds and step (``check_value``); a comment is
  required when the value differs from the unit's self-score by more than
  ``policy.comment_pct`` % of the criterion's maximum; the evidence verdict is one of
  accepted / insufficient / missing (or not given);
- a save sends the version it was loaded with; an older version is refused (409);
- submitting needs a value for every criterion; a submitted review may still be
  corrected inside the window, and every changed value is audited old → new;
- a peer sees the other reviews of a submission only after submitting their own;
- submitting, or changing a submitted review, queues a refresh of the campaign's results.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _

from ..database import db
from ..domain.criteria import check_value, format_decimal_vi
from ..domain.policy import parse_decimal
from ..domain.submission import window_open
from ..models import Assignment, Campaign, Criterion, Review, Score, Submission, User, utcnow
from . import CriterionErrors, ServiceError
from .audit import changes, record
from .campaigns import to_local
from .review_totals import recompute as recompute_totals
from .submissions import StaleSave, criteria_of, stored_scores

VERDICTS = ("", "accepted", "insufficient", "missing")


@dataclass(frozen=True)
class ScoreEntry:
    raw: str
    comment: str = ""
    verdict: str = ""


class ReviewErrors(CriterionErrors):
    """Some review values are refused; nothing was saved."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_("Chưa lưu phiếu chấm: %(n)d tiêu chí cần sửa.", n=len(errors)), errors)


def check_review_window(submission: Submission, now: dt.datetime) -> None:
    check_campaign_review_window(submission.campaign, now)


def check_campaign_review_window(campaign: Campaign, now: dt.datetime) -> None:
    """Refuse a write outside [review_opens, review_closes): scores are locked after the window."""
    if not window_open(now, campaign.review_opens, campaign.review_closes):
        when = to_local(campaign.review_opens if now < campaign.review_opens else campaign.review_closes,
                        campaign.timezone).strftime("%H:%M ngày %d/%m/%Y")
        if now < campaign.review_opens:
            raise ServiceError(_("Chưa đến thời gian chấm: mở từ %(d)s.", d=when))
        raise ServiceError(_("Đã hết thời gian chấm lúc %(d)s; điểm đã được khóa.", d=when))


def review_of(assignment: Assignment) -> Review:
    review, _created = Review.get_or_create(assignment=assignment)
    return review


def scores_of(review: Review) -> dict[str, Score]:
    rows = Score.select(Score, Criterion.id, Criterion.code).join(Criterion).where(Score.review == review)
    return {s.criterion.code: s for s in rows}


def _parse(submission: Submission, entries: dict[str, ScoreEntry]) -> tuple[dict, dict[str, str]]:
    cs, _rows = criteria_of(submission)
    threshold = submission.campaign.policy.comment_pct / 100
    self_values = {code: row.value for code, row in stored_scores(submission).items()}
    values, errors = {}, {}
    for c in cs.criteria:
        entry = entries.get(c.code, ScoreEntry(""))
        if entry.verdict not in VERDICTS:
            errors[c.code] = _("Tiêu chí %(code)s: đánh giá minh chứng không hợp lệ.", code=c.code)
            continue
        raw = entry.raw.strip()
        if not raw:
            values[c.code] = None
            continue
        value = parse_decimal(raw)
        problem = (_("Tiêu chí %(code)s: «%(raw)s» không phải là số.", code=c.code, raw=raw)
                   if value is None else check_value(c, value))
        own = self_values.get(c.code)
        if not problem and own is not None and abs(value - own) > c.max * threshold and not entry.comment.strip():
            problem = _("Tiêu chí %(code)s: điểm chấm lệch điểm tự chấm (%(own)s) quá %(pct)s%% điểm tối đa; "
                        "hãy ghi nhận xét giải thích.", code=c.code, own=format_decimal_vi(own), pct=format_decimal_vi(threshold * 100))
        if problem:
            errors[c.code] = problem
        else:
            values[c.code] = value
    return values, errors


def save_review(actor: User, assignment: Assignment, entries: dict[str, ScoreEntry], expected_version: int,
                submit: bool = False, now: dt.datetime | None = None) -> Review:
    """Save (and with ``submit`` submit) one reviewer's scores; all or nothing."""
    now = now or utcnow()
    if assignment.reviewer_id != actor.id:
        raise ServiceError(_("Chỉ người được phân công mới chấm được phiếu này."))
    submission = assignment.submission
    check_review_window(submission, now)
    values, errors = _parse(submission, entries)
    if submit:
        for code, value in values.items():
            if value is None and code not in errors:
                errors[code] = _("Tiêu chí %(code)s: chưa chấm điểm.", code=code)
    if errors:
        raise ReviewErrors(errors)
    _cs, rows = criteria_of(submission)
    with db.atomic():
        review = review_of(assignment)
        if review.version != expected_version:
            raise StaleSave(review.version, [])
        if not Review.update(version=Review.version + 1, updated_at=now).where(
                Review.id == review.id, Review.version == expected_version).execute():
            raise StaleSave(review.version + 1, [])
        stored = scores_of(review)
        old, new = {}, {}
        for code, value in values.items():
            entry = entries.get(code, ScoreEntry(""))
            fields = {"value": value, "comment": entry.comment.strip(), "evidence_verdict": entry.verdict}
            row = stored.get(code)
            if row is None and value is None and not fields["comment"] and not fields["evidence_verdict"]:
                continue  # nothing entered for this criterion yet
            if row is None:
                Score.create(review=review, criterion=rows[code], **fields)
                new[code] = fields
                continue
            # audited old → new: only the fields that changed (the score import writes the same)
            before, after = changes(row, list(fields), fields)
            if after:
                old[code], new[code] = before, after
                Score.update(**fields).where(Score.id == row.id).execute()
        if new:
            recompute_totals([review.id])
            action = "review.change" if review.state == "submitted" else "review.save"
            record(actor, action, review, old=old, new=new)
        if submit and review.state != "submitted":
            Review.update(state="submitted", submitted_at=now).where(Review.id == review.id).execute()
            record(actor, "review.submit", review, old={"state": "draft"}, new={"state": "submitted"})
    review = Review.get_by_id(review.id)
    if review.state == "submitted" and (new or submit):
        from .results_refresh import request_refresh
        request_refresh(submission.campaign, now)   # a submitted review counts: the results are stale
    return review


def visible_reviews(user: User, submission: Submission) -> list[Review]:
    """The reviews of a submission this user may read (council sees all; a peer after submitting)."""
    query = (Review.select(Review, Assignment).join(Assignment)
             .where(Assignment.submission == submission).order_by(Assignment.id))
    if user.has_role("committee", "secretary") \
            or submission.campaign_id in user.reviewer_campaign_ids("leader"):
        return list(query)
    mine = [r for r in query if r.assignment.reviewer_id == user.id]
    if mine and mine[0].state == "submitted":
        return list(query)
    return mine


__all__ = ["ScoreEntry", "ReviewErrors", "save_review", "visible_reviews", "review_of", "scores_of",
           "check_review_window", "check_campaign_review_window", "VERDICTS"]
