"""Helpers for the verification, revocation and hall-of-honour tests: certificates made
directly (what issuing would write) and small decisions with people and collectives."""
from __future__ import annotations

import secrets

from emulation.models import (AwardRule, Certificate, Decision, DecisionAward, Nomination, Submission, User,
                              utcnow)
from emulation.services.demo import seed_demo
from emulation.services.demo_council import DECISION_NUMBER

ACHIEVEMENT = "Đã có thành tích xuất sắc trong phong trào thi đua"


def issue_all(decision: Decision) -> dict[str, Certificate]:
    """One certificate per line of the decision's list, numbered in list order; by recipient name."""
    issued = {}
    for number, award in enumerate(decision.awards.order_by(DecisionAward.position), 1):
        issued[award.recipient_name] = Certificate.create(
            decision=decision, number=number, rule=award.rule_id, submission=award.submission_id,
            verify_code=secrets.token_urlsafe(24), recipient_name=award.recipient_name,
            recipient_detail=award.recipient_detail, achievement=ACHIEVEMENT)
    return issued


def demo_certificates() -> dict[str, Certificate]:
    """The demo (decision 2468/QĐ-UBND approved) with every certificate of its list issued."""
    seed_demo()
    return issue_all(Decision.get(Decision.number == DECISION_NUMBER))


def committee() -> User:
    return User.get(User.username == "btdkt")


def small_decision(make, *, people=(), collectives=(), campaign=None, number=None, supersedes=None) -> Decision:
    """An approved decision: ``people`` are (name, position, story) awarded individually,
    ``collectives`` unit names; people and units are made here."""
    campaign = campaign or make.campaign()
    rules = {}
    for target in ("individual", "collective"):
        rules[target] = (AwardRule.get_or_none(AwardRule.campaign == campaign, AwardRule.target == target)
                         or AwardRule.create(campaign=campaign, precedence=1 if target == "collective" else 2,
                                             title=f"Bằng khen ({'cá nhân' if target == 'individual' else 'tập thể'})",
                                             form="bang-khen", target=target, quota_kind="count", quota_value=10))
    now = utcnow()
    decision = Decision.create(campaign=campaign, number=number or f"{next(make.seq) + 100}/QĐ-UBND",
                               authority=campaign.authority, signed_on=now.date(), state="approved",
                               approved_at=now, created_at=now, supersedes=supersedes)
    lines = []
    for name in collectives:
        unit = make.unit(name=name)
        sub = Submission.create(campaign=campaign, target="collective", unit=unit, subject_key=f"unit:{unit.id}",
                                state="submitted")
        lines.append(("collective", name, "", unit.name, sub))
    for name, position, story in people:
        unit = make.unit()
        person = make.person(unit=unit, full_name=name, position=position)
        sub = Submission.create(campaign=campaign, target="individual", unit=unit, person=person,
                                subject_key=f"person:{person.id}", state="submitted")
        Nomination.create(campaign=campaign, unit=unit, person=person, position=position, achievements=story,
                          submission=sub)
        lines.append(("individual", f"Ông {name}", f"{position}, {unit.name}", unit.name, sub))
    for position, (target, name, detail, unit_name, sub) in enumerate(lines, 1):
        DecisionAward.create(decision=decision, position=position, rule=rules[target], submission=sub,
                             title=rules[target].title, target=target, recipient_name=name,
                             recipient_detail=detail, unit_name=unit_name, source="rule")
    return decision


def same_subjects_decision(previous: Decision, keep: list[str], number: str) -> Decision:
    """An approved amendment of ``previous`` listing only the lines whose recipient is in ``keep``."""
    now = utcnow()
    decision = Decision.create(campaign=previous.campaign, number=number, authority=previous.authority,
                               signed_on=now.date(), state="approved", approved_at=now, created_at=now,
                               supersedes=previous)
    kept = [a for a in previous.awards.order_by(DecisionAward.position) if a.recipient_name in keep]
    for position, a in enumerate(kept, 1):
        DecisionAward.create(decision=decision, position=position, rule=a.rule_id, submission=a.submission_id,
                             title=a.title, target=a.target, recipient_name=a.recipient_name,
                             recipient_detail=a.recipient_detail, unit_name=a.unit_name, source=a.source)
    return decision

