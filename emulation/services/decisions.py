"""Decisions (quyết định khen thưởng): drafting, approving, and the list each one freezes.

- The committee drafts a decision for a campaign (one draft at a time). When an approved
  decision exists, the new draft amends it (``supersedes``) and, while it is a draft, the
  council may change the list again (``council.frozen_by``).
- The LIST of a draft is live: every submission the council's final list awards
  (``council.final_states``), ordered collective first, then by the rule's precedence, the
  overall rank and the name. Approving copies it into ``DecisionAward`` rows: from then on
  the decision's list never changes, whatever later refreshes or council changes do.
- Approval is refused with every problem listed (``domain.council.approval_problems``):
  number format and uniqueness per authority, results published and the objection window
  closed, every objection answered, no tie group left to the council, a non-empty list.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from peewee import JOIN

from ..database import bulk_insert, db
from ..domain import council as rules
from ..models import (AwardRule, Campaign, Cluster, Decision, DecisionAward, Nomination, Objection, Person, Result,
                      Submission, Unit, User, utcnow)
from . import ServiceError, translate
from .audit import record
from .council import final_states
from .publication import when

FIELDS = ("number", "signed_on", "authority", "signer_title", "signer_name", "basis")


@dataclass(frozen=True)
class Line:
    """One awarded submission as the decision's annex lists it."""
    rule_id: int
    submission_id: int
    title: str
    target: str
    recipient_name: str
    recipient_detail: str
    unit_name: str
    cluster_code: str
    F: Decimal | None
    rank_overall: int | None
    band: str
    source: str
    reason: str


def live_lines(campaign: Campaign, finals: dict[int, rules.Final] | None = None) -> list[Line]:
    """The awarded submissions of the council's final list, in annex order (module rules)."""
    finals = final_states(campaign) if finals is None else finals
    awarded = {sid: f for sid, f in finals.items() if f.status == rules.AWARDED}
    if not awarded:
        return []
    rule_rows = {r.id: r for r in AwardRule.select().where(AwardRule.campaign == campaign)}
    positions = {n.submission_id: n.position for n in Nomination.select(Nomination.submission, Nomination.position)
                 .where(Nomination.campaign == campaign, Nomination.submission.in_(list(awarded)))}
    lines = []
    for r in (Result.select(Result, Submission, Unit, Person, Cluster).join(Submission).join(Unit)
              .switch(Submission).join(Person, JOIN.LEFT_OUTER).switch(Result).join(Cluster, JOIN.LEFT_OUTER)
              .where(Result.campaign == campaign, Result.submission.in_(list(awarded)))):
        final, sub = awarded[r.submission_id], r.submission
        person = sub.person if sub.person_id else None
        name = f"{person.honorific} {person.full_name}".strip() if person else sub.unit.name
        detail = ", ".join(x for x in ((positions.get(sub.id) or person.position), sub.unit.name) if x) \
            if person else ""
        rule = rule_rows[final.rule_id]
        lines.append(Line(rule.id, sub.id, rule.title, r.target, name, detail, sub.unit.name,
                          r.cluster.code if r.cluster_id else "", r.F, r.rank_overall, r.band, final.source,
                          final.reason))
    return sorted(lines, key=lambda x: (x.target != "collective", rule_rows[x.rule_id].precedence,
                                        x.rank_overall or 10**9, x.recipient_name, x.submission_id))


def lines_of(decision: Decision, finals: dict[int, rules.Final] | None = None) -> list[Line]:
    """The decision's list: frozen rows once approved, the live list while a draft."""
    if decision.state == "draft":
        return live_lines(decision.campaign, finals)
    return [Line(a.rule_id, a.submission_id, a.title, a.target, a.recipient_name, a.recipient_detail, a.unit_name,
                 a.cluster_code, a.F, a.rank_overall, a.band, a.source, a.reason)
            for a in decision.awards.order_by(DecisionAward.position)]


def _values(form: dict) -> dict:
    values = {k: (form.get(k) or "").strip() if k != "signed_on" else form.get(k) for k in FIELDS}
    if not values["number"]:
        raise ServiceError(_("Hãy ghi số quyết định, ví dụ 1234/QĐ-UBND."), field="number")
    if not values["authority"] or not values["signer_name"] or not values["signer_title"]:
        raise ServiceError(_("Hãy ghi cơ quan ban hành, chức vụ và họ tên người ký."), field="signer_name")
    return values


def draft_decision(actor: User, campaign: Campaign, form: dict) -> Decision:
    """Create the draft (amending the latest approved decision, if any); one draft at a time."""
    values = _values(form)
    with db.atomic():
        if Decision.select().where(Decision.campaign == campaign, Decision.state == "draft").exists():
            raise ServiceError(_("Phong trào đã có một dự thảo quyết định; hãy hoàn thành hoặc sửa dự thảo đó."))
        previous = (Decision.select().where(Decision.campaign == campaign, Decision.state == "approved")
                    .order_by(Decision.approved_at.desc(), Decision.id.desc()).first())
        if Decision.select().where(Decision.authority == values["authority"],
                                   Decision.number == values["number"]).exists():
            raise ServiceError(translate(rules.number_used(values["number"])), field="number")
        decision = Decision.create(campaign=campaign, supersedes=previous, created_by=actor, created_at=utcnow(),
                                   **values)
        record(actor, "decision.draft", decision, new={**values, "supersedes": previous.number if previous else None})
    return decision


def update_draft(actor: User, decision: Decision, form: dict) -> Decision:
    if decision.state != "draft":
        raise ServiceError(_("Quyết định đã được phê duyệt; không sửa được nữa."))
    values = _values(form)
    from .audit import changes
    with db.atomic():
        old, new = changes(decision, list(FIELDS), values)
        if new:
            decision.save()
            record(actor, "decision.edit", decision, old=old, new=new)
    return decision


def approval_problems(decision: Decision, now: dt.datetime,
                      finals: dict[int, rules.Final] | None = None) -> list[str]:
    """Everything that stops approval, in the user's language (empty when it may be approved)."""
    campaign = decision.campaign
    finals = (final_states(campaign) if finals is None else finals).values()
    used = Decision.select().where(Decision.authority == decision.authority, Decision.number == decision.number,
                                   Decision.id != decision.id).exists()
    open_objections = Objection.select().where(Objection.campaign == campaign,
                                               Objection.answered_at.is_null()).count()
    problems = rules.approval_problems(
        campaign.results_published_at, campaign.publication_closes, now, open_objections,
        sum(1 for f in finals if f.status == rules.UNDECIDED), decision.number, used,
        sum(1 for f in finals if f.status == rules.AWARDED),
        when(campaign.publication_closes, campaign) if campaign.publication_closes else "")
    if decision.signed_on is None:
        problems.append(rules.Problem(rules.N_("Hãy ghi ngày ký quyết định.")))
    return [translate(p) for p in problems]


def approve(actor: User, decision: Decision, now: dt.datetime | None = None) -> Decision:
    """Approve and freeze the list (module rules); refused whole with every problem listed."""
    now = now or utcnow()
    with db.atomic():
        decision = Decision.get_by_id(decision.id)
        if decision.state != "draft":
            raise ServiceError(_("Quyết định này đã được phê duyệt."))
        finals = final_states(decision.campaign)
        problems = approval_problems(decision, now, finals)
        if problems:
            raise ServiceError(_("Chưa phê duyệt được quyết định:"), problems=problems)
        lines = live_lines(decision.campaign, finals)
        bulk_insert(DecisionAward, [
            DecisionAward.decision, DecisionAward.position, DecisionAward.rule, DecisionAward.submission,
            DecisionAward.title, DecisionAward.target, DecisionAward.recipient_name, DecisionAward.recipient_detail,
            DecisionAward.unit_name, DecisionAward.cluster_code, DecisionAward.F, DecisionAward.rank_overall,
            DecisionAward.band, DecisionAward.source, DecisionAward.reason],
            [(decision.id, i, x.rule_id, x.submission_id, x.title, x.target, x.recipient_name, x.recipient_detail,
              x.unit_name, x.cluster_code, x.F, x.rank_overall, x.band, x.source, x.reason)
             for i, x in enumerate(lines, 1)])
        Decision.update(state="approved", approved_at=now, approved_by=actor).where(
            Decision.id == decision.id).execute()
        record(actor, "decision.approve", decision, new={
            "number": decision.number, "awards": [[x.title, x.recipient_name] for x in lines]})
    return Decision.get_by_id(decision.id)
