"""The explainable result of one submission (DESIGN §3–§5): who may see it and what it shows.

- WHO: the committee and the secretary, and the council members (leader reviewers) of its
  campaign, see it with each reviewer's name (``NAMED``); the officers of the submitting
  unit see it once the campaign's results are published, reviewers anonymised as
  "Người chấm 1, 2…" (``ANONYMOUS``, numbered as :mod:`emulation.domain.explain` lists
  them); nobody else (the views answer 404).
- WHAT: the stored result (S, P, L, F, ranks, band, the award-rule outcomes with their
  reasons, when it was computed) and, recomputed by the pure scoring from the submitted
  reviews with the campaign's policy, each review's total, the total aggregated (after
  normalisation when it is on) and the totals trimming dropped; then the council's final
  state (``services.council.final_states``). ``stale`` says the reviews changed since the
  results were computed. The explanation holds plain values only (no database rows), so
  the page and the PDF annex render the same thing.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _

from ..domain import explain as rules
from ..domain.criteria import CriteriaSet as SetData
from ..domain.scoring import ReviewInput, SubmissionInput, SubmissionScore, TotalsInput, q6, score_totals, totals_of
from ..models import (Assignment, AwardRule, Criterion, Decision, DecisionAward, Result, Review, Score, SelfScore,
                      Submission, User)
from . import translate
from .council import final_state
from .results_refresh import totals as campaign_totals
from .submissions import criteria_of

NAMED, ANONYMOUS = "named", "anonymous"


def access(user, submission: Submission) -> str | None:
    """``NAMED``, ``ANONYMOUS`` or None (may not see it): the module's WHO rule."""
    if user.has_role("committee", "secretary") or submission.campaign_id in user.reviewer_campaign_ids("leader"):
        return NAMED
    if submission.is_own(user) and submission.campaign.results_published_at is not None:
        return ANONYMOUS
    return None


def available(user, submission: Submission) -> bool:
    """The user may see the submission's explanation and there is a computed result to explain."""
    return access(user, submission) is not None and Result.select().where(Result.submission == submission).exists()


@dataclass(frozen=True)
class ReviewRow:
    label: str                      # the reviewer's name, or "Người chấm n"
    role: str                       # "peer" | "leader"
    total: Decimal | None           # None: incomplete, never counted
    aggregated: Decimal | None
    dropped: bool
    counted: bool


@dataclass(frozen=True)
class OutcomeRow:
    title: str
    status: str                     # proposed | council_decides | outside_quota | below_band | …
    reason: str                     # translated


@dataclass(frozen=True)
class Explanation:
    submission_id: int
    campaign_id: int
    campaign_title: str
    authority: str
    subject: str                    # the nominee's or the unit's name
    unit: str
    cluster: str
    target: str
    named: bool
    S: Decimal | None
    P: Decimal | None
    L: Decimal | None
    F: Decimal | None
    weights: tuple[Decimal, Decimal, Decimal]   # self, peer, leader
    method: str                     # how P and L aggregate the totals (translated)
    normalised: bool
    pending: tuple[str, ...]        # why it is not ranked yet (translated); empty when ranked
    flags: tuple[str, ...]          # council flags (translated); shown to the council only
    band: str
    band_note: str                  # the cap of a disqualifying leader value, when it applies
    rank_overall: int | None
    ranked_overall: int
    rank_cluster: int | None
    ranked_cluster: int
    reviews: tuple[ReviewRow, ...]
    outcomes: tuple[OutcomeRow, ...]
    final: str                      # the council's final state (translated)
    computed_at: dt.datetime
    stale: bool


def explain(submission: Submission, mode: str) -> Explanation | None:
    """The explanation of a submission (None when it has no computed result yet)."""
    result = Result.get_or_none(Result.submission == submission)
    if result is None:
        return None
    campaign, unit = submission.campaign, submission.unit
    cs, _rows = criteria_of(submission)
    item, names = _item(submission, cs)
    score = _score(submission, cs, item)
    lines = rules.review_lines(score, item.reviews)
    named = mode == NAMED
    reviews = tuple(ReviewRow(names.get(line.reviewer_id, "") if named else _("Người chấm %(n)d", n=line.number),
                              line.role, line.total, line.aggregated, line.dropped, line.counted) for line in lines)
    policy, titles = campaign.policy, _titles(campaign.id)
    return Explanation(
        submission_id=submission.id, campaign_id=campaign.id, campaign_title=campaign.title,
        authority=campaign.authority, subject=submission.person.full_name if submission.person_id else unit.name,
        unit=unit.name, cluster=result.cluster.name if result.cluster_id else "", target=submission.target,
        named=named, S=result.S, P=result.P, L=result.L, F=result.F,
        weights=(policy.w_self, policy.w_peer, policy.w_leader), method=_method(policy),
        normalised=policy.normalize == "zscore", pending=_pending(result, policy),
        flags=_flags(result) if named else (), band=result.band, band_note=_band_note(result, policy),
        rank_overall=result.rank_overall, ranked_overall=_ranked(result, cluster=False),
        rank_cluster=result.rank_cluster, ranked_cluster=_ranked(result, cluster=True),
        reviews=reviews, outcomes=_outcomes(result, titles), final=_final(submission, titles),
        computed_at=result.computed_at, stale=_stale(result, score))


def _item(submission: Submission, cs: SetData) -> tuple[TotalsInput, dict[int, str]]:
    """The submission's self total and submitted review totals, and each reviewer's name (two queries)."""
    own = dict(SelfScore.select(Criterion.code, SelfScore.value).join(Criterion)
               .where(SelfScore.submission == submission).tuples())
    values: dict[tuple[int, str], dict[str, Decimal | None]] = {}
    names: dict[int, str] = {}
    for reviewer, role, name, code, value in (
            Score.select(Assignment.reviewer, Assignment.role, User.full_name, Criterion.code, Score.value)
            .join(Criterion).switch(Score).join(Review).join(Assignment)
            .join(User, on=(Assignment.reviewer == User.id))
            .where(Assignment.submission == submission, Review.state == "submitted").tuples()):
        values.setdefault((reviewer, role), {})[code] = value
        names[reviewer] = name
    item = SubmissionInput(submission.id, own, tuple(ReviewInput(reviewer, role, v)
                                                     for (reviewer, role), v in sorted(values.items())))
    return totals_of(cs, item), names


def _score(submission: Submission, cs: SetData, item: TotalsInput) -> SubmissionScore:
    """Scoring is per submission, except z-score normalisation: it is fitted on the whole target."""
    policy = submission.campaign.policy
    items = [item]
    if policy.normalize == "zscore":
        others, _subjects = campaign_totals(submission.campaign, submission.target)
        items += [other for other in others if other.submission_id != item.submission_id]
    return score_totals(policy, cs, items)[0]


def _stale(result: Result, score: SubmissionScore) -> bool:
    stored = (result.S, result.P, result.L, result.F, result.peer_count, result.leader_count)
    return stored != (q6(score.S), q6(score.P), q6(score.L), q6(score.F), score.peer.count, score.leader.count)


def _method(policy) -> str:
    if policy.aggregation == "trimmed":
        return _("Trung bình sau khi bỏ một tổng điểm cao nhất và một tổng điểm thấp nhất (khi có từ %(n)d "
                 "phiếu hoàn chỉnh trở lên; ít hơn thì lấy trung bình)", n=max(policy.trim_min, 3))
    if policy.aggregation == "median":
        return _("Trung vị các tổng điểm của phiếu hoàn chỉnh")
    return _("Trung bình cộng các tổng điểm của phiếu hoàn chỉnh")


def _pending(result: Result, policy) -> tuple[str, ...]:
    if not result.pending:
        return ()
    counts = {"peer": (result.peer_count, policy.min_peer), "leader": (result.leader_count, policy.min_leader)}
    lines = []
    for reason in filter(None, result.pending_reasons.split(",")):
        if reason == "self":
            lines.append(_("Tự đánh giá chưa đầy đủ."))
        else:
            have, need = counts[reason]
            label = _("chấm chéo") if reason == "peer" else _("Hội đồng")
            lines.append(_("Cần ít nhất %(need)d phiếu %(role)s hoàn chỉnh, mới có %(have)d.",
                           need=need, role=label, have=have))
    return tuple(lines)


def _flags(result: Result) -> tuple[str, ...]:
    labels = {"disagreement": _("Chênh lệch điểm giữa người chấm"), "self_inflation": _("Tự chấm cao hơn kết quả")}
    return tuple(labels.get(f, f) for f in result.flags.split(",") if f)


def _band_note(result: Result, policy) -> str:
    if not result.disqualified:
        return ""
    return _("Xếp loại tối đa là «%(cap)s» vì phiếu của Hội đồng ghi nhận vi phạm ở tiêu chí loại trừ.",
             cap=policy.cap_band)


def _ranked(result: Result, cluster: bool) -> int:
    """How many entries are ranked in the scope of the result (overall, or its cluster)."""
    if cluster and not result.cluster_id:
        return 0
    query = Result.select().where(Result.campaign == result.campaign_id, Result.target == result.target,
                                  Result.rank_overall.is_null(False))
    return query.where(Result.cluster == result.cluster_id).count() if cluster else query.count()


class _Reason:
    """A stored award outcome, translatable like a domain message."""

    def __init__(self, outcome: dict) -> None:
        self.template, self.params = outcome["template"], tuple(outcome["params"].items())


def _titles(campaign_id: int) -> dict[int, str]:
    return dict(AwardRule.select(AwardRule.id, AwardRule.title).where(AwardRule.campaign == campaign_id).tuples())


def _outcomes(result: Result, titles: dict[int, str]) -> tuple[OutcomeRow, ...]:
    return tuple(OutcomeRow(titles.get(o["rule"], ""), o["status"], translate(_Reason(o)))
                 for o in json.loads(result.proposal or "[]"))


def _final(submission: Submission, titles: dict[int, str]) -> str:
    """The council's final state: awarded by the rules or the council, undecided, or none; once an
    approved decision lists the submission, the decision that awarded it."""
    latest = (Decision.select().where(Decision.campaign == submission.campaign_id, Decision.state == "approved")
              .order_by(Decision.approved_at.desc(), Decision.id.desc()).first())
    decided = latest and DecisionAward.get_or_none(DecisionAward.decision == latest,
                                                   DecisionAward.submission == submission)
    if decided:
        return _("Được khen thưởng «%(title)s» theo Quyết định số %(number)s ngày %(date)s.", title=decided.title,
                 number=latest.number, date=latest.signed_on.strftime("%d/%m/%Y"))
    final = final_state(submission)
    if final is None:
        return _("Không được đề nghị khen thưởng.")
    title = titles.get(final.rule_id, "") if final.rule_id else ""
    if final.source == "council" and final.status == "awarded":
        return _("Hội đồng bổ sung đề nghị «%(title)s»: %(reason)s", title=title, reason=final.reason)
    if final.source == "council":
        return _("Hội đồng bỏ đề nghị «%(title)s»: %(reason)s", title=title, reason=final.reason)
    if final.status == "awarded":
        return _("Được đề nghị «%(title)s» theo kết quả xét chỉ tiêu.", title=title)
    if final.status == "council_decides":
        return _("Đồng hạng tại ranh giới chỉ tiêu «%(title)s» — Hội đồng quyết định.", title=title)
    return _("Không được đề nghị khen thưởng.")
