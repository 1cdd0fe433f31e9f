"""Recording reviews: window, bounds and step, the comment rule, stale saves, audited changes, visibility."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from emulation.clock import clock
from emulation.models import AuditEvent, CampaignUnit, Score, Submission
from emulation.services import ServiceError
from emulation.services.accounts import grant_role
from emulation.services.reviews import ReviewErrors, ScoreEntry, save_review, visible_reviews
from emulation.services.submissions import StaleSave, criteria_of, open_collective, save_draft, Entry


@pytest.fixture
def world(app, make):
    from emulation.services.assignments import assign_reviewer
    campaign = make.campaign()
    unit = make.unit()
    CampaignUnit.get_or_create(campaign=campaign, unit=unit)
    officer = make.user("officer", unit=unit)
    submission = open_collective(campaign, unit)
    cs, rows = criteria_of(submission)
    save_draft(officer, submission, {cs.criteria[0].code: Entry("5")}, submission.version)  # self-score 5 of 5
    Submission.update(state="submitted").where(Submission.id == submission.id).execute()
    submission = Submission.get_by_id(submission.id)
    secretary = make.user("secretary")
    peers = [make.user("peer", campaign=campaign) for _ in range(2)]
    for p in peers:
        grant_role(None, p, "officer", unit=make.unit())
    assignments = [assign_reviewer(secretary, submission, p, "peer") for p in peers]
    clock.frozen = campaign.review_opens + dt.timedelta(hours=1)
    return {"campaign": campaign, "cs": cs, "submission": submission, "peers": peers, "a": assignments,
            "leader": make.user("leader", campaign=campaign), "secretary": secretary}


def full(cs, value_for_first="5") -> dict[str, ScoreEntry]:
    entries = {c.code: ScoreEntry("0" if c.kind.value == "penalty" else str(c.max), "", "accepted")
               for c in cs.criteria}
    entries[cs.criteria[0].code] = ScoreEntry(value_for_first, "", "accepted")
    return entries


def test_save_then_submit(world):
    r = save_review(world["peers"][0], world["a"][0], {world["cs"].criteria[0].code: ScoreEntry("4,5")}, 1)
    assert r.state == "draft" and Score.get().value == Decimal("4.5")
    with pytest.raises(ReviewErrors, match="tiêu chí cần sửa") as caught:
        save_review(world["peers"][0], world["a"][0], {}, r.version, submit=True)
    assert "chưa chấm điểm" in next(iter(caught.value.errors.values()))
    r = save_review(world["peers"][0], world["a"][0], full(world["cs"]), r.version, submit=True)
    assert r.state == "submitted" and r.submitted_at is not None


@pytest.mark.parametrize("raw,comment,fragment", [
    ("6", "", "từ 0 đến 5"), ("4,3", "", "bội số"), ("x", "", "không phải là số"),
    ("3", "", "lệch điểm tự chấm"),           # 5 → 3 is 40 % of the max 5, over the 20 % threshold
    ("3,5", "", "lệch điểm tự chấm")])
def test_value_rules(world, raw, comment, fragment):
    code = world["cs"].criteria[0].code
    with pytest.raises(ReviewErrors) as caught:
        save_review(world["peers"][0], world["a"][0], {code: ScoreEntry(raw, comment)}, 1)
    assert fragment in caught.value.errors[code] and Score.select().count() == 0


def test_a_comment_lifts_the_deviation_rule_and_small_deviations_need_none(world):
    code = world["cs"].criteria[0].code
    save_review(world["peers"][0], world["a"][0], {code: ScoreEntry("3", "Thiếu bản ký đóng dấu")}, 1)
    save_review(world["peers"][1], world["a"][1], {code: ScoreEntry("4")}, 1)  # 20 %: not over the threshold
    assert Score.select().count() == 2


def test_only_the_assigned_reviewer_and_only_inside_the_window(world):
    with pytest.raises(ServiceError, match="Chỉ người được phân công"):
        save_review(world["peers"][1], world["a"][0], {}, 1)
    clock.frozen = world["campaign"].review_closes
    with pytest.raises(ServiceError, match="Đã hết thời gian chấm"):
        save_review(world["peers"][0], world["a"][0], {}, 1)
    clock.frozen = world["campaign"].review_opens - dt.timedelta(seconds=1)
    with pytest.raises(ServiceError, match="Chưa đến thời gian chấm"):
        save_review(world["peers"][0], world["a"][0], {}, 1)


def test_stale_review_is_refused(world):
    code = world["cs"].criteria[0].code
    save_review(world["peers"][0], world["a"][0], {code: ScoreEntry("5")}, 1)
    with pytest.raises(StaleSave):
        save_review(world["peers"][0], world["a"][0], {code: ScoreEntry("4,5")}, 1)
    assert Score.get().value == 5


def test_changes_after_submission_are_audited_old_to_new(world):
    r = save_review(world["peers"][0], world["a"][0], full(world["cs"]), 1, submit=True)
    code = world["cs"].criteria[0].code
    changed = dict(full(world["cs"]))
    changed[code] = ScoreEntry("4,5", "Sau khi xem lại minh chứng", "insufficient")
    save_review(world["peers"][0], world["a"][0], changed, r.version)
    event = AuditEvent.get(AuditEvent.action == "review.change")
    assert '"value": "5"' in event.old and '"value": "4.5"' in event.new


def test_a_peer_sees_other_reviews_only_after_submitting(world):
    sub = world["submission"]
    save_review(world["peers"][1], world["a"][1], full(world["cs"]), 1, submit=True)
    assert [r.assignment.reviewer_id for r in visible_reviews(world["peers"][0], sub)] == []
    r = save_review(world["peers"][0], world["a"][0], full(world["cs"]), 1)
    assert len(visible_reviews(world["peers"][0], sub)) == 1          # only its own draft
    save_review(world["peers"][0], world["a"][0], full(world["cs"]), r.version, submit=True)
    assert len(visible_reviews(world["peers"][0], sub)) == 2
    assert len(visible_reviews(world["secretary"], sub)) == 2
    assert len(visible_reviews(world["leader"], sub)) == 2
