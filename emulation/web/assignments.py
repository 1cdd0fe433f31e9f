"""The council secretary assigns reviewers: automatically, by hand (with conflict override), and records conflicts."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..models import CONFLICT_KINDS, Assignment, Campaign, Conflict, Review, RoleGrant, Submission, Unit, User
from ..services import ServiceError, translate
from ..services import assignments as service

bp = Blueprint("assignments", __name__)


def _campaign(campaign_id: int) -> Campaign:
    return Campaign.get_or_none(Campaign.id == campaign_id) or abort(404)


@bp.route("/campaigns/<int:campaign_id>/assignments")
def index(campaign_id: int):
    campaign = _campaign(campaign_id)
    subs = list(Submission.select(Submission, Unit).join(Unit).where(
        Submission.campaign == campaign, Submission.state.in_(("submitted", "locked"))).order_by(Unit.name))
    rows: dict[int, list] = {s.id: [] for s in subs}
    for a in (Assignment.select(Assignment, User).join(User, on=(Assignment.reviewer == User.id))
              .where(Assignment.submission.in_(list(rows) or [0])).order_by(Assignment.role, User.full_name)):
        rows[a.submission_id].append(a)
    states = {r.assignment_id: r.state for r in Review.select(Review.assignment, Review.state)
              .join(Assignment).where(Assignment.submission.in_(list(rows) or [0]))}
    reviewers = list(User.select(User, RoleGrant.role.alias("campaign_role")).join(RoleGrant)
                     .where(RoleGrant.campaign == campaign).order_by(User.full_name).objects())
    conflicts = list(Conflict.select(Conflict, User, Unit).join(User, on=(Conflict.reviewer == User.id))
                     .switch(Conflict).join(Unit).where((Conflict.campaign.is_null()) | (Conflict.campaign == campaign)))
    done = {sid: sum(1 for a in items if states.get(a.id) == "submitted") for sid, items in rows.items()}
    return render_template("assignments/index.html", campaign=campaign, subs=subs, rows=rows, states=states, done=done,
                           reviewers=reviewers, conflicts=conflicts, kinds=CONFLICT_KINDS,
                           label=service.conflict_label, units=list(Unit.select().order_by(Unit.name)))


@bp.route("/campaigns/<int:campaign_id>/assignments/auto", methods=["POST"])
def auto(campaign_id: int):
    """Assign the submitted work of every target the campaign scores (or of the one posted)."""
    campaign = _campaign(campaign_id)
    targets = [t for t, s in (("collective", campaign.collective_set_id), ("individual", campaign.individual_set_id))
               if s]
    if request.form.get("target") in targets:
        targets = [request.form["target"]]
    created, shortfalls, reciprocal = 0, [], 0
    for target in targets:
        plan, made = service.auto_assign(current_user, campaign, target,
                                         seed=request.form.get("seed", type=int, default=0))
        created += made
        shortfalls += plan.shortfalls
        reciprocal += len(plan.reciprocal)
    flash(_("Đã phân công tự động: %(n)d lượt chấm mới.", n=created), "success")
    for shortfall in shortfalls:
        flash(translate(shortfall), "error")
    if reciprocal:
        flash(_("Còn %(n)d cặp đơn vị chấm chéo lẫn nhau không tránh được.", n=reciprocal), "error")
    return redirect(url_for("assignments.index", campaign_id=campaign.id))


@bp.route("/submissions/<int:submission_id>/assign", methods=["POST"])
def assign(submission_id: int):
    submission = Submission.get_or_none(Submission.id == submission_id) or abort(404)
    reviewer = User.get_or_none(User.id == request.form.get("reviewer", type=int))
    if reviewer is None:
        flash(_("Chọn người chấm."), "error")
    else:
        try:
            service.assign_reviewer(current_user, submission, reviewer, request.form.get("role", ""),
                                    request.form.get("override_reason", ""))
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(_("Đã phân công %(name)s.", name=reviewer.full_name), "success")
    return redirect(url_for("assignments.index", campaign_id=submission.campaign_id) + f"#s-{submission.id}")


@bp.route("/assignments/<int:assignment_id>/remove", methods=["POST"])
def remove(assignment_id: int):
    assignment = Assignment.get_or_none(Assignment.id == assignment_id) or abort(404)
    campaign_id = assignment.submission.campaign_id
    try:
        service.unassign(current_user, assignment)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("Đã bỏ phân công."), "success")
    return redirect(url_for("assignments.index", campaign_id=campaign_id))


@bp.route("/campaigns/<int:campaign_id>/conflicts", methods=["POST"])
def declare(campaign_id: int):
    campaign = _campaign(campaign_id)
    reviewer = User.get_or_none(User.id == request.form.get("reviewer", type=int))
    unit = Unit.get_or_none(Unit.id == request.form.get("unit", type=int))
    if reviewer is None or unit is None:
        flash(_("Chọn người chấm và đơn vị."), "error")
    else:
        try:
            service.declare_conflict(current_user, reviewer, unit, request.form.get("kind", ""),
                                     request.form.get("note", ""), campaign)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(_("Đã ghi nhận xung đột lợi ích."), "success")
    return redirect(url_for("assignments.index", campaign_id=campaign.id))
