"""Reviewers: their queue and the scoring form (self-score, explanation and evidence beside each criterion)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from peewee import JOIN

from ..domain.criteria import check_value
from ..domain.policy import parse_decimal
from ..domain.scoring import review_total
from ..domain.submission import totals
from ..models import Assignment, Campaign, Cluster, Person, Review, Submission, Unit, utcnow
from ..services import ServiceError
from ..services.progress import review_timing
from ..services import reviews as service
from ..services import submissions as submission_service
from ..services.reviews import ReviewErrors, ScoreEntry
from ..services.submissions import StaleSave

bp = Blueprint("reviews", __name__)


def queue_for(user) -> list[dict]:
    """The user's assignments with the state of their review, soonest deadline first."""
    rows = (Assignment.select(Assignment, Submission, Unit, Cluster, Campaign, Person, Review)
            .join(Submission).join(Unit).join(Cluster, JOIN.LEFT_OUTER).switch(Submission).join(Campaign)
            .switch(Submission).join(Person, JOIN.LEFT_OUTER)
            .switch(Assignment).join(Review, JOIN.LEFT_OUTER, on=(Review.assignment == Assignment.id), attr="review")
            .where(Assignment.reviewer == user.id)
            .order_by(Campaign.review_closes, Submission.target, Unit.name, Person.full_name))
    now = utcnow()
    result = []
    for a in rows:
        review = getattr(a, "review", None)
        submitted = review is not None and review.id is not None and review.state == "submitted"
        due, timing = review_timing(a, submitted, now)
        result.append({"assignment": a, "review": review, "due": due, "timing": timing})
    return result


def by_campaign(rows: list[dict]) -> list[tuple[Campaign, list[dict]]]:
    """Queue rows grouped by campaign, in the queue's order (soonest deadline first)."""
    groups: dict[int, tuple[Campaign, list[dict]]] = {}
    for row in rows:
        campaign = row["assignment"].submission.campaign
        groups.setdefault(campaign.id, (campaign, []))[1].append(row)
    return list(groups.values())


def _typed_values(cs, entries: dict[str, ScoreEntry]) -> dict:
    """The usable typed values (unreadable or refused ones left out), for the running total."""
    values = {}
    for c in cs.criteria:
        entry = entries.get(c.code)
        value = parse_decimal(entry.raw) if entry and entry.raw.strip() else None
        if value is not None and check_value(c, value) is None:
            values[c.code] = value
    return values


def _assignment(assignment_id: int) -> Assignment:
    assignment = Assignment.get_or_none(Assignment.id == assignment_id)
    if assignment is None or assignment.reviewer_id != current_user.id:
        abort(404)
    return assignment


def _page(assignment: Assignment, status: int = 200, entries=None, errors=None, version=None, stale=False):
    submission = assignment.submission
    cs, rows = submission_service.criteria_of(submission)
    review = service.review_of(assignment)
    stored = service.scores_of(review)
    if entries is None:
        entries = {code: ScoreEntry("" if s.value is None else format(s.value.normalize(), "f").replace(".", ","),
                                    s.comment, s.evidence_verdict) for code, s in stored.items()}
    others = [r for r in service.visible_reviews(current_user, submission) if r.id != review.id]
    campaign = submission.campaign
    open_now = campaign.review_opens <= utcnow() < campaign.review_closes
    own = submission_service.stored_scores(submission)
    return render_template(
        "reviews/form.html", assignment=assignment, submission=submission, cs=cs, rows=rows, review=review,
        entries=entries, errors=errors or {}, version=review.version if version is None else version,
        own=own, self_total=review_total(cs, {code: r.value for code, r in own.items()}),
        totals=totals(cs, _typed_values(cs, entries)), evidence=submission_service.evidence_by_code(submission),
        others=[(i + 1, r, review_total(cs, {c: s.value for c, s in service.scores_of(r).items()}))
                for i, r in enumerate(others)],
        named=current_user.has_role("secretary", "committee") or assignment.role == "leader",
        editable=open_now, stale=stale), status


@bp.route("/review/queue")
def queue():
    return render_template("reviews/queue.html", groups=by_campaign(queue_for(current_user)))


@bp.route("/assignments/<int:assignment_id>", methods=["GET", "POST"])
def form(assignment_id: int):
    assignment = _assignment(assignment_id)
    if request.method == "GET":
        return _page(assignment)
    cs, _rows = submission_service.criteria_of(assignment.submission)
    entries = {c.code: ScoreEntry(request.form.get(f"value-{c.code}", ""), request.form.get(f"comment-{c.code}", ""),
                                  request.form.get(f"verdict-{c.code}", "")) for c in cs.criteria}
    action = request.form.get("action", "save")
    version = request.form.get("version", type=int, default=-1)
    try:
        service.save_review(current_user, assignment, entries, version, submit=action == "submit")
    except ReviewErrors as error:
        flash(error.message, "error")
        return _page(assignment, 422, entries=entries, errors=error.errors, version=version)
    except StaleSave as error:
        flash(error.message, "error")
        return _page(assignment, 409, entries=entries, version=error.current_version, stale=True)
    except ServiceError as error:
        flash(error.message, "error")
        return _page(assignment, 409, entries=entries, version=version)
    flash(_("Đã nộp phiếu chấm.") if action == "submit" else _("Đã lưu phiếu chấm."), "success")
    if action == "save_next":
        for row in queue_for(current_user):
            if row["assignment"].id != assignment.id and (row["review"] is None or row["review"].id is None
                                                          or row["review"].state != "submitted"):
                return redirect(url_for("reviews.form", assignment_id=row["assignment"].id))
    return redirect(url_for("reviews.form", assignment_id=assignment.id))
