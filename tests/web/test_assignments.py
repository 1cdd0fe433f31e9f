"""Manual assignment and conflicts of interest: every path of the rule."""
from __future__ import annotations

import pytest

from emulation.models import AuditEvent, CampaignUnit, Submission
from emulation.services import ServiceError
from emulation.services import assignments as service
from emulation.services.accounts import grant_role
from emulation.services.submissions import open_collective


@pytest.fixture
def world(app, make):
    campaign = make.campaign()
    unit, other = make.unit(), make.unit()
    for u in (unit, other):
        CampaignUnit.get_or_create(campaign=campaign, unit=u)
    submission = open_collective(campaign, unit)
    Submission.update(state="submitted").where(Submission.id == submission.id).execute()
    peer = make.user("peer", campaign=campaign)
    grant_role(None, peer, "officer", unit=other)  # a peer reviewer is an officer of another unit
    return {"campaign": campaign, "unit": unit, "other": other, "submission": Submission.get_by_id(submission.id),
            "peer": peer, "leader": make.user("leader", campaign=campaign), "secretary": make.user("secretary")}


def test_plain_assignment_is_audited(world):
    a = service.assign_reviewer(world["secretary"], world["submission"], world["peer"], "peer")
    assert a.role == "peer" and a.override_reason == ""
    assert AuditEvent.select().where(AuditEvent.action == "assignment.create").count() == 1
    with pytest.raises(ServiceError, match="đã được phân công"):
        service.assign_reviewer(world["secretary"], world["submission"], world["peer"], "peer")


@pytest.mark.parametrize("kind", ["own_unit", "same_unit", "family", "superior", "other"])
def test_each_conflict_blocks_until_the_secretary_gives_a_reason(world, make, kind):
    peer = world["peer"]
    if kind == "own_unit":
        grant_role(None, peer, "officer", unit=world["unit"])
    else:
        service.declare_conflict(world["secretary"], peer, world["unit"], kind, note="Vợ của chủ tịch phường",
                                 campaign=world["campaign"] if kind == "family" else None)
    with pytest.raises(ServiceError, match="xung đột lợi ích") as caught:
        service.assign_reviewer(world["secretary"], world["submission"], peer, "peer")
    assert caught.value.field == "override_reason"
    a = service.assign_reviewer(world["secretary"], world["submission"], peer, "peer",
                                override_reason="Cụm chỉ có 3 đơn vị; đã báo cáo Ban Thi đua")
    assert a.override_reason.startswith("Cụm chỉ có")
    event = AuditEvent.get(AuditEvent.action == "assignment.override")
    assert kind in event.new and "Cụm chỉ có" in event.new


def test_only_the_secretary_may_override(world, make):
    service.declare_conflict(world["secretary"], world["peer"], world["unit"], "superior")
    with pytest.raises(ServiceError, match="Chỉ thư ký"):
        service.assign_reviewer(make.user("committee"), world["submission"], world["peer"], "peer",
                                override_reason="lý do")


def test_conflict_of_another_campaign_does_not_block(world, make):
    service.declare_conflict(world["secretary"], world["peer"], world["unit"], "family", note="x",
                             campaign=make.campaign())
    assert service.assign_reviewer(world["secretary"], world["submission"], world["peer"], "peer")


@pytest.mark.parametrize("case,fragment", [("draft", "đã nộp"), ("no_role", "chưa được giao vai trò"),
                                           ("bad_kind", "Loại xung đột"), ("other_without_note", "ghi rõ lý do")])
def test_refusals(world, make, case, fragment):
    with pytest.raises(ServiceError, match=fragment):
        if case == "draft":
            Submission.update(state="draft").where(Submission.id == world["submission"].id).execute()
            service.assign_reviewer(world["secretary"], Submission.get_by_id(world["submission"].id),
                                    world["peer"], "peer")
        elif case == "no_role":
            service.assign_reviewer(world["secretary"], world["submission"], world["leader"], "peer")
        elif case == "bad_kind":
            service.declare_conflict(world["secretary"], world["peer"], world["unit"], "enemy")
        else:
            service.declare_conflict(world["secretary"], world["peer"], world["unit"], "other", note=" ")


def test_unassign_only_before_the_review_is_submitted(world):
    from emulation.models import Review
    a = service.assign_reviewer(world["secretary"], world["submission"], world["leader"], "leader")
    Review.create(assignment=a, state="submitted")
    with pytest.raises(ServiceError, match="đã nộp phiếu"):
        service.unassign(world["secretary"], a)
    b = service.assign_reviewer(world["secretary"], world["submission"], world["peer"], "peer")
    service.unassign(world["secretary"], b)
    assert AuditEvent.select().where(AuditEvent.action == "assignment.remove").count() == 1


def test_auto_assign_writes_a_balanced_conflict_free_plan_once(app, make):
    from emulation.models import Assignment
    from emulation.services.accounts import grant_role
    campaign = make.campaign()
    cluster = make.cluster()
    units = [make.unit(cluster=cluster) for _ in range(7)]
    secretary = make.user("secretary")
    for u in units:
        CampaignUnit.get_or_create(campaign=campaign, unit=u)
        s = open_collective(campaign, u)
        Submission.update(state="submitted").where(Submission.id == s.id).execute()
        reviewer = make.user("peer", campaign=campaign)
        grant_role(None, reviewer, "officer", unit=u)
    leader = make.user("leader", campaign=campaign)
    plan, created = service.auto_assign(secretary, campaign, seed=7)
    assert not plan.shortfalls and not plan.reciprocal
    peers = list(Assignment.select().where(Assignment.role == "peer"))
    assert created == len(peers) + 7 and len(peers) == 7 * campaign.policy.k_peer
    for a in peers:  # never the reviewer's own unit
        assert not service.conflicts_between(a.reviewer, a.submission)
    loads = {}
    for a in peers:
        loads[a.reviewer_id] = loads.get(a.reviewer_id, 0) + 1
    assert max(loads.values()) - min(loads.values()) <= 1
    assert Assignment.select().where(Assignment.reviewer == leader).count() == 7
    again, created_again = service.auto_assign(secretary, campaign, seed=7)
    assert created_again == 0 and Assignment.select().count() == created
