"""Self-assessment rules through the service: drafts, stale saves, submit, return, deadlines."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from emulation.clock import clock
from emulation.models import AuditEvent, ReturnNote, SelfScore, Submission
from emulation.services import ServiceError
from emulation.services import submissions as service
from emulation.services.submissions import Entry, EntryErrors, Incomplete, StaleSave


@pytest.fixture
def world(app, make):
    campaign = make.campaign()
    unit = make.unit()
    from emulation.models import CampaignUnit
    CampaignUnit.get_or_create(campaign=campaign, unit=unit)
    officer = make.user("officer", unit=unit)
    secretary = make.user("secretary")
    submission = service.open_collective(campaign, unit)
    cs, rows = service.criteria_of(submission)
    return {"campaign": campaign, "unit": unit, "officer": officer, "secretary": secretary,
            "submission": submission, "cs": cs, "rows": rows}


def full_entries(cs) -> dict[str, Entry]:
    """A valid value for every criterion: max for scores and bonuses, 0 for penalties."""
    return {c.code: Entry("0" if c.kind.value == "penalty" else str(c.max).replace(".", ","), "Đã thực hiện")
            for c in cs.criteria}


def attach_required_evidence(world):
    from emulation.models import Evidence
    for c in world["cs"].criteria:
        if c.evidence_required:
            Evidence.create(submission=world["submission"], criterion=world["rows"][c.code], sha256="0" * 64,
                            original_name="minh-chung.pdf", size=10, content_type="application/pdf",
                            uploaded_by=world["officer"])


def test_open_creates_one_draft(world, make):
    again = service.open_collective(world["campaign"], world["unit"])
    assert again.id == world["submission"].id and again.state == "draft"
    with pytest.raises(ServiceError, match="không tham gia"):
        service.open_collective(world["campaign"], make.unit())


def test_save_draft_stores_values_and_bumps_version(world):
    s = world["submission"]
    first = world["cs"].criteria[0]
    service.save_draft(world["officer"], s, {first.code: Entry("4,5", "Có quy chế")}, expected_version=1)
    row = SelfScore.get(SelfScore.submission == s)
    assert row.value == Decimal("4.5") and row.explanation == "Có quy chế"
    assert Submission.get_by_id(s.id).version == 2
    assert AuditEvent.select().where(AuditEvent.action == "submission.save").count() == 1


@pytest.mark.parametrize("raw,fragment", [
    ("abc", "không phải là số"), ("-1", ""), ("2,3", "bội số"), ("1000", ""), ("NaN", "không phải là số")])
def test_bad_values_are_refused_whole_with_the_criterion_named(world, raw, fragment):
    s = world["submission"]
    first, second = world["cs"].criteria[:2]
    with pytest.raises(EntryErrors) as caught:
        service.save_draft(world["officer"], s, {first.code: Entry("5"), second.code: Entry(raw)}, 1)
    assert list(caught.value.errors) == [second.code]
    assert second.code in caught.value.errors[second.code] and fragment in caught.value.errors[second.code]
    assert SelfScore.select().count() == 0 and Submission.get_by_id(s.id).version == 1


def test_stale_save_from_a_second_tab_is_refused_with_what_changed(world):
    s = world["submission"]
    code = world["cs"].criteria[0].code
    service.save_draft(world["officer"], Submission.get_by_id(s.id), {code: Entry("4")}, 1)   # tab A
    with pytest.raises(StaleSave) as caught:                                                 # tab B, old form
        service.save_draft(world["officer"], Submission.get_by_id(s.id), {code: Entry("3")}, 1)
    assert caught.value.current_version == 2
    assert caught.value.changes[0][0] == code
    assert caught.value.changes[0][2].startswith("4") and caught.value.changes[0][3].startswith("3")
    assert SelfScore.get().value == Decimal(4)  # nothing silently lost or overwritten


def test_submit_incomplete_keeps_the_draft_and_lists_what_is_missing(world):
    s = world["submission"]
    entries = full_entries(world["cs"])
    missing_code = world["cs"].criteria[1].code
    entries[missing_code] = Entry("")
    with pytest.raises(Incomplete) as caught:
        service.submit(world["officer"], s, entries, 1)
    codes = [code for code, _ in caught.value.items]
    assert missing_code in codes
    assert any(c.evidence_required for c in world["cs"].criteria if c.code in codes)  # evidence missing too
    fresh = Submission.get_by_id(s.id)
    assert fresh.state == "draft" and fresh.version == 2
    assert SelfScore.select().count() == len(world["cs"].criteria) - 1


def test_submit_return_resubmit_cycle_is_audited(world):
    attach_required_evidence(world)
    s = service.submit(world["officer"], world["submission"], full_entries(world["cs"]), 1)
    assert s.state == "submitted" and s.submitted_at is not None
    with pytest.raises(ServiceError, match="chỉ xem"):
        service.save_draft(world["officer"], s, full_entries(world["cs"]), s.version)
    criterion = world["rows"][world["cs"].criteria[0].code]
    with pytest.raises(ServiceError, match="ít nhất một tiêu chí"):
        service.return_for_revision(world["secretary"], s, {criterion.id: "  "}, s.version)
    s = service.return_for_revision(world["secretary"], s, {criterion.id: "Thiếu quyết định ban hành quy chế"},
                                    s.version)
    assert s.state == "returned"
    assert ReturnNote.get().reason == "Thiếu quyết định ban hành quy chế"
    s = service.submit(world["officer"], s, full_entries(world["cs"]), s.version)
    assert s.state == "submitted"
    assert ReturnNote.get().resolved_at is not None
    actions = [e.action for e in AuditEvent.select().where(AuditEvent.object_type == "Submission")
               .order_by(AuditEvent.id)]
    assert actions.count("submission.submit") == 2 and "submission.return" in actions


def test_only_submitted_can_be_returned(world):
    criterion = world["rows"][world["cs"].criteria[0].code]
    with pytest.raises(ServiceError, match="đã nộp"):
        service.return_for_revision(world["secretary"], world["submission"], {criterion.id: "x"}, 1)


@pytest.mark.parametrize("when,fragment", [("after", "Đã hết thời hạn"), ("closing", "Đã hết thời hạn"),
                                           ("before", "Chưa đến thời gian")])
def test_writes_outside_the_window_are_refused(world, when, fragment):
    campaign = world["campaign"]
    clock.frozen = {"after": campaign.submission_closes + dt.timedelta(minutes=1),
                    "closing": campaign.submission_closes,
                    "before": campaign.submission_opens - dt.timedelta(seconds=1)}[when]
    with pytest.raises(ServiceError, match=fragment):
        service.save_draft(world["officer"], world["submission"], full_entries(world["cs"]), 1)
    assert SelfScore.select().count() == 0


def test_last_second_inside_the_window_is_accepted(world):
    clock.frozen = world["campaign"].submission_closes - dt.timedelta(seconds=1)
    service.save_draft(world["officer"], world["submission"], {world["cs"].criteria[0].code: Entry("1")}, 1)
    assert SelfScore.select().count() == 1


def test_deadline_message_is_in_the_campaign_time_zone(world):
    clock.frozen = world["campaign"].submission_closes + dt.timedelta(hours=1)
    local = (world["campaign"].submission_closes + dt.timedelta(hours=7)).strftime("%H:%M ngày %d/%m/%Y")
    with pytest.raises(ServiceError, match=local):
        service.save_draft(world["officer"], world["submission"], {}, 1)


def test_lock_due_locks_after_the_window_and_effective_state_agrees(world):
    s = world["submission"]
    assert service.lock_due() == 0
    clock.frozen = world["campaign"].submission_closes + dt.timedelta(minutes=5)
    assert service.effective_state(Submission.get_by_id(s.id)) == "locked"  # before the task ran
    assert service.lock_due() == 1
    assert Submission.get_by_id(s.id).state == "locked"
    assert service.lock_due() == 0
