"""Assigning reviewers (phân công chấm) and conflicts of interest (xung đột lợi ích).

Rules:
- a peer reviewer holds the ``peer`` role in the campaign, a leader the ``leader`` role;
- only submitted (or locked) submissions are assigned — drafts never reach reviewers;
- a reviewer is assigned to a submission at most once;
- conflicts block an assignment: the reviewer's own unit (automatic: they are an officer
  of the submitting unit) and declared conflicts (same unit, family, direct superior,
  other — for the campaign or for every campaign);
- the council secretary may override a conflict only with a written reason, which is
  stored on the assignment and audited.
"""
from __future__ import annotations

from flask_babel import gettext as _

from ..database import db
from ..models import CONFLICT_KINDS, Assignment, Campaign, Conflict, Review, RoleGrant, Submission, Unit, User
from . import ServiceError
from .audit import record


def declare_conflict(actor: User, reviewer: User, unit: Unit, kind: str, note: str = "",
                     campaign: Campaign | None = None) -> Conflict:
    """Record a typed conflict between a reviewer and a unit (for one campaign, or all)."""
    if kind not in CONFLICT_KINDS:
        raise ServiceError(_("Loại xung đột lợi ích không hợp lệ."), field="kind")
    if kind == "other" and not note.strip():
        raise ServiceError(_("Với loại «khác», hãy ghi rõ lý do xung đột."), field="note")
    with db.atomic():
        conflict = Conflict.create(reviewer=reviewer, unit=unit, campaign=campaign, kind=kind,
                                   note=note.strip(), declared_by=actor)
        record(actor, "conflict.declare", conflict,
               new={"reviewer": reviewer.username, "unit": unit.code, "kind": kind, "note": note.strip()})
    return conflict


def conflicts_between(reviewer: User, submission: Submission) -> list[str]:
    """The kinds of conflict between a reviewer and a submission's unit ("own_unit" if automatic)."""
    kinds = []
    if RoleGrant.select().where(RoleGrant.user == reviewer, RoleGrant.role == "officer",
                                RoleGrant.unit == submission.unit_id).exists():
        kinds.append("own_unit")
    declared = Conflict.select(Conflict.kind).where(
        Conflict.reviewer == reviewer, Conflict.unit == submission.unit_id,
        (Conflict.campaign.is_null()) | (Conflict.campaign == submission.campaign_id))
    kinds.extend(c.kind for c in declared)
    return kinds


def assign_reviewer(actor: User, submission: Submission, reviewer: User, role: str,
                    override_reason: str = "") -> Assignment:
    """Assign one reviewer; a conflicted assignment needs ``override_reason`` (secretary only)."""
    if role not in ("peer", "leader"):
        raise ServiceError(_("Vai trò chấm không hợp lệ."), field="role")
    if submission.state not in ("submitted", "locked"):
        raise ServiceError(_("Chỉ phân công chấm hồ sơ đã nộp."))
    if not RoleGrant.select().where(RoleGrant.user == reviewer, RoleGrant.role == role,
                                    RoleGrant.campaign == submission.campaign_id).exists():
        raise ServiceError(_("%(name)s chưa được giao vai trò chấm này trong phong trào.",
                             name=reviewer.full_name), field="reviewer")
    if Assignment.select().where(Assignment.submission == submission, Assignment.reviewer == reviewer).exists():
        raise ServiceError(_("%(name)s đã được phân công chấm hồ sơ này.", name=reviewer.full_name),
                           field="reviewer")
    kinds = conflicts_between(reviewer, submission)
    reason = override_reason.strip()
    if kinds and not reason:
        raise ServiceError(_("Không thể phân công: %(name)s có xung đột lợi ích với %(unit)s (%(kinds)s). "
                             "Thư ký hội đồng chỉ có thể phân công khi ghi rõ lý do.",
                             name=reviewer.full_name, unit=submission.unit.name,
                             kinds=", ".join(conflict_label(k) for k in kinds)), field="override_reason")
    if kinds and not actor.has_role("secretary"):
        raise ServiceError(_("Chỉ thư ký hội đồng được phân công khi có xung đột lợi ích."))
    with db.atomic():
        assignment = Assignment.create(submission=submission, reviewer=reviewer, role=role, assigned_by=actor,
                                       override_reason=reason if kinds else "")
        record(actor, "assignment.override" if kinds else "assignment.create", assignment,
               new={"submission": submission.id, "reviewer": reviewer.username, "role": role,
                    "conflicts": kinds, "reason": reason if kinds else ""})
    return assignment


def unassign(actor: User, assignment: Assignment) -> None:
    """Remove an assignment whose review has not been submitted."""
    if Review.select().where(Review.assignment == assignment, Review.state == "submitted").exists():
        raise ServiceError(_("Không thể bỏ phân công: người chấm đã nộp phiếu chấm."))
    with db.atomic():
        record(actor, "assignment.remove", assignment,
               old={"submission": assignment.submission_id, "reviewer": assignment.reviewer_id,
                    "role": assignment.role})
        assignment.delete_instance(recursive=True)


def conflict_label(kind: str) -> str:
    return {"own_unit": _("cùng đơn vị (tự động)"), "same_unit": _("cùng đơn vị"), "family": _("quan hệ gia đình"),
            "superior": _("cấp trên trực tiếp"), "other": _("khác")}[kind]


def auto_assign(actor: User, campaign: Campaign, target: str = "collective", seed: int = 0):
    """Run the assignment algorithm (``domain.assignment``) over the campaign's submitted work.

    Existing assignments are kept and counted; new pairs are written in one transaction
    with one audit event; what could not be met comes back as the plan's shortfalls.
    """
    from ..domain.assignment import Pair, PeerReviewer, Settings, Target, assign
    policy = campaign.policy
    subs = list(Submission.select(Submission, Unit).join(Unit).where(
        Submission.campaign == campaign, Submission.target == target, Submission.state.in_(("submitted", "locked"))))
    grants = list(RoleGrant.select().where(RoleGrant.campaign == campaign, RoleGrant.role.in_(("peer", "leader"))))
    officer_units = {g.user_id: g.unit for g in RoleGrant.select(RoleGrant, Unit).join(Unit).where(
        RoleGrant.role == "officer", RoleGrant.user.in_([g.user_id for g in grants] or [0]))}
    peers = [PeerReviewer(g.user_id, officer_units[g.user_id].id, officer_units[g.user_id].cluster_id)
             for g in grants if g.role == "peer" and g.user_id in officer_units]
    leaders = sorted(g.user_id for g in grants if g.role == "leader")
    conflicts = {(c.reviewer_id, c.unit_id) for c in Conflict.select().where(
        (Conflict.campaign.is_null()) | (Conflict.campaign == campaign))}
    existing = [Pair(a.submission_id, a.reviewer_id, a.role)
                for a in Assignment.select().where(Assignment.submission.in_([s.id for s in subs] or [0]))]
    plan = assign([Target(s.id, s.unit_id, s.unit.cluster_id) for s in subs], peers, leaders, conflicts,
                  Settings(k_peer=policy.k_peer, same_cluster=policy.same_cluster, leader_mode=policy.leader_mode,
                           k_leader=policy.k_leader, seed=seed), existing)
    new = [p for p in plan.pairs if p not in set(existing)]
    with db.atomic():
        if new:
            Assignment.insert_many([{"submission": p.submission_id, "reviewer": p.reviewer_id, "role": p.role,
                                     "assigned_by": actor.id} for p in new]).execute()
        record(actor, "assignment.auto", campaign,
               new={"target": target, "seed": seed, "created": len(new), "kept": len(existing),
                    "shortfalls": [s.message for s in plan.shortfalls], "reciprocal": list(plan.reciprocal)})
    return plan, len(new)
