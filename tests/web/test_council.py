"""The council screen, publication, objections and the decision that freezes the list (demo's third campaign)."""
from __future__ import annotations

import datetime as dt

import pytest

from emulation.clock import clock
from emulation.models import (AuditEvent, AwardRule, Campaign, CouncilChange, Decision, DecisionAward, Objection, Submission,
                              Unit, User)
from emulation.services import council
from emulation.services.campaigns import to_local
from emulation.services.demo import DEMO_PASSWORD, seed_demo
from emulation.services.demo_council import DECISION_NUMBER, SLUG
from tests.helpers import post

REASON = "Biên bản họp Hội đồng ngày 20/11/2026"


@pytest.fixture
def campaign(app):
    seed_demo(council_upto="council")
    return Campaign.get(Campaign.slug == SLUG)


def _user(name: str) -> User:
    return User.get(User.username == name)


def _sub(campaign: Campaign, code: str) -> Submission:
    return Submission.get(Submission.campaign == campaign, Submission.target == "collective",
                          Submission.unit == Unit.get(Unit.code == code))


def _group_key(campaign: Campaign) -> str:
    return council.open_groups(campaign)[0].key


def test_council_page_shows_the_tie_group_with_its_reason(campaign, client, login):
    login(_user("thuky"), DEMO_PASSWORD)
    page = client.get(f"/campaigns/{campaign.id}/council").get_data(as_text=True)
    assert "Đồng hạng tại ranh giới chỉ tiêu — Hội đồng quyết định" in page
    assert "Phường Hạ Đình" in page and "Phường Láng Hạ" in page
    assert "Còn 1 suất cho 2 hồ sơ đồng hạng" in page
    assert "không đủ điều kiện: xếp loại Tốt &lt; Xuất sắc" in page or "không đủ điều kiện: xếp loại Tốt < Xuất sắc" in page


def test_resolving_needs_a_reason_keeps_the_draft_and_is_audited(campaign, client, login):
    login(_user("thuky"), DEMO_PASSWORD)
    url = f"/campaigns/{campaign.id}/council"
    lha = _sub(campaign, "LHA")
    key = _group_key(campaign)
    response = post(client, url + "/resolve", {"group": key, "chosen": str(lha.id), "reason": "ngắn"}, page=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "ít nhất 10 ký tự" in page and ">ngắn</textarea>" in page
    assert CouncilChange.select().count() == 0
    both = [str(_sub(campaign, "LHA").id), str(_sub(campaign, "HDI").id)]
    response = post(client, url + "/resolve", {"group": key, "chosen": both, "reason": REASON}, page=url)
    assert response.status_code == 422 and "Chỉ còn 1 suất" in response.get_data(as_text=True)
    response = post(client, url + "/resolve", {"group": key, "chosen": str(lha.id), "reason": REASON}, page=url)
    assert response.status_code == 302
    final = council.final_states(campaign)
    assert final[lha.id].status == "awarded" and final[lha.id].source == "council"
    assert final[_sub(campaign, "HDI").id].status == "none"
    assert not council.open_groups(campaign)
    event = AuditEvent.get(AuditEvent.action == "council.resolve")
    assert REASON in event.new and event.actor_id == _user("thuky").id
    # a second tab posting the same group again is told it is gone
    response = post(client, url + "/resolve", {"group": key, "chosen": str(lha.id), "reason": REASON}, page=url)
    assert response.status_code == 422 and "đã được giải quyết" in response.get_data(as_text=True)


def test_add_and_remove_with_reasons(campaign, client, login):
    login(_user("thuky"), DEMO_PASSWORD)
    url = f"/campaigns/{campaign.id}/council"
    txt = _sub(campaign, "TXT")
    giay_khen = AwardRule.get_by_id(frozen_rule(campaign))
    response = post(client, url + "/change", {"submission": txt.id, "rule": giay_khen.id, "action": "add",
                                              "reason": ""}, page=url)
    assert response.status_code == 422 and "Hãy ghi lý do" in response.get_data(as_text=True)
    assert post(client, url + "/change", {"submission": txt.id, "rule": giay_khen.id, "action": "add",
                                          "reason": REASON}, page=url).status_code == 302
    assert council.final_states(campaign)[txt.id].status == "awarded"
    response = post(client, url + "/change", {"submission": txt.id, "rule": giay_khen.id, "action": "add",
                                              "reason": REASON}, page=url)
    assert response.status_code == 422 and "đã được đề nghị hình thức này" in response.get_data(as_text=True)
    assert post(client, url + "/change", {"submission": txt.id, "rule": giay_khen.id, "action": "remove",
                                          "reason": REASON}, page=url).status_code == 302
    assert council.final_states(campaign)[txt.id].status == "none"
    assert [e.action for e in AuditEvent.select().where(AuditEvent.action.startswith("council."))
            .order_by(AuditEvent.id)] == ["council.add", "council.remove"]


def test_leader_reads_the_council_screen_but_cannot_change(campaign, client, login):
    login(_user("hoidong"), DEMO_PASSWORD)
    url = f"/campaigns/{campaign.id}/council"
    page = client.get(url).get_data(as_text=True)
    assert "Hội đồng xét khen thưởng" in page and "Ghi quyết định của Hội đồng" not in page
    lha = _sub(campaign, "LHA")
    assert post(client, url + "/resolve", {"group": _group_key(campaign), "chosen": str(lha.id),
                                           "reason": REASON}, page=url).status_code == 403


def _publish(client, campaign):
    url = f"/campaigns/{campaign.id}/council"
    return post(client, f"/campaigns/{campaign.id}/publish", page=url)


def test_publication_objection_answer_and_decision(campaign, client, app, login):
    committee, secretary, officer = _user("btdkt"), _user("thuky"), _user("hadinh")
    hdi = _sub(campaign, "HDI")
    # the officer cannot object before publication
    login(officer, DEMO_PASSWORD)
    page = client.get(f"/submissions/{hdi.id}/objection").get_data(as_text=True)
    assert "Kết quả chưa được công khai" in page
    other = app.test_client()
    login(committee, DEMO_PASSWORD, c=other)
    assert _publish(other, campaign).status_code == 302
    campaign = Campaign.get_by_id(campaign.id)
    assert campaign.publication_closes - campaign.results_published_at == dt.timedelta(days=10)
    # officer objects: a short reason is refused with the text kept; another unit's submission is 404
    officer_client = app.test_client()
    login(officer, DEMO_PASSWORD, c=officer_client)
    url = f"/submissions/{hdi.id}/objection"
    response = post(officer_client, url, {"reason": "chưa đúng"})
    assert response.status_code == 422 and "ít nhất 20 ký tự" in response.get_data(as_text=True)
    assert "chưa đúng</textarea>" in response.get_data(as_text=True)
    assert officer_client.get(f"/submissions/{_sub(campaign, 'LHA').id}/objection").status_code == 404
    text = "Đề nghị xem xét lại tiêu chí 3.2: hòm thư góp ý điện tử đã có từ tháng 3."
    assert post(officer_client, url, {"reason": text}).status_code == 302
    objection = Objection.get()
    assert objection.reason == text and objection.answered_at is None
    # the decision cannot be approved yet: window open, objection unanswered, tie unresolved
    decisions_url = f"/campaigns/{campaign.id}/decisions"
    response = post(other, decisions_url, {"number": DECISION_NUMBER, "signed_on": "2026-12-05",
                                           "authority": campaign.authority, "signer_title": "KT. CHỦ TỊCH",
                                           "signer_name": "Nguyễn Mạnh Quyền", "basis": "Căn cứ Luật TĐKT"})
    assert response.status_code == 302
    decision = Decision.get()
    page = other.get(f"/decisions/{decision.id}").get_data(as_text=True)
    for problem in ("Đang trong thời gian công khai", "1 ý kiến phản hồi chưa được trả lời",
                    "2 hồ sơ đồng hạng tại ranh giới"):
        assert problem in page
    assert post(other, f"/decisions/{decision.id}/approve", page=f"/decisions/{decision.id}").status_code == 302
    assert Decision.get_by_id(decision.id).state == "draft"
    # secretary answers; a stale second tab is refused and keeps its text
    sec = app.test_client()
    login(secretary, DEMO_PASSWORD, c=sec)
    obj_url = f"/campaigns/{campaign.id}/objections"
    assert post(sec, f"/objections/{objection.id}/answer", {"answer": "Đã kiểm tra, điểm đã tính đủ.",
                                                            "version": 1}, page=obj_url).status_code == 302
    response = post(sec, f"/objections/{objection.id}/answer", {"answer": "Câu trả lời thứ hai khác hẳn.",
                                                                "version": 1}, page=obj_url)
    assert response.status_code == 409 and "đã được Trần Văn Bình trả lời" in response.get_data(as_text=True)
    assert "Câu trả lời thứ hai khác hẳn." in response.get_data(as_text=True)
    council.resolve(secretary, campaign, _group_key(campaign), {_sub(campaign, "LHA").id}, REASON)
    # after the window closes the officer can no longer object, and the decision can be approved
    clock.frozen = campaign.publication_closes + dt.timedelta(minutes=1)
    try:   # (sessions idle for ten days have ended: everyone signs in again)
        login(officer, DEMO_PASSWORD, c=officer_client)
        response = post(officer_client, url, {"reason": text})
        assert response.status_code == 422 and "Đã hết thời gian nhận ý kiến" in response.get_data(as_text=True)
        login(committee, DEMO_PASSWORD, c=other)
        login(secretary, DEMO_PASSWORD, c=sec)
        assert post(other, f"/decisions/{decision.id}/approve", page=f"/decisions/{decision.id}").status_code == 302
        decision = Decision.get_by_id(decision.id)
        assert decision.state == "approved"
        frozen = [(a.title, a.recipient_name) for a in DecisionAward.select().order_by(DecisionAward.position)]
        assert ("Bằng khen của Chủ tịch UBND Thành phố", "Bà Lê Trà My") in frozen
        assert ("Bằng khen của Chủ tịch UBND Thành phố", "Phường Láng Hạ") in frozen
        page = other.get(f"/decisions/{decision.id}").get_data(as_text=True)
        assert text in page and "Đã kiểm tra, điểm đã tính đủ." in page and REASON in page
        # frozen: a council change needs a new decision
        council_url = f"/campaigns/{campaign.id}/council"
        response = post(sec, council_url + "/change", {"submission": hdi.id, "rule": frozen_rule(campaign),
                                                       "action": "add", "reason": REASON}, page=council_url)
        assert response.status_code == 422 and DECISION_NUMBER in response.get_data(as_text=True)
        # an amending draft reopens changes; the approved decision's list does not move
        assert post(other, decisions_url, {"number": "2500/QĐ-UBND", "signed_on": "2026-12-20",
                                           "authority": campaign.authority, "signer_title": "KT. CHỦ TỊCH",
                                           "signer_name": "Nguyễn Mạnh Quyền", "basis": "x"}).status_code == 302
        assert Decision.get(Decision.number == "2500/QĐ-UBND").supersedes_id == decision.id
        assert post(sec, council_url + "/change", {"submission": hdi.id, "rule": frozen_rule(campaign),
                                                   "action": "add", "reason": REASON},
                    page=council_url).status_code == 302
        assert [(a.title, a.recipient_name) for a in DecisionAward.select().where(
            DecisionAward.decision == decision).order_by(DecisionAward.position)] == frozen
    finally:
        clock.frozen = None


def frozen_rule(campaign: Campaign) -> int:
    return [r for r in campaign.award_rules if r.precedence == 2][0].id


def test_the_demo_ends_with_an_approved_decision(app):
    seed_demo()
    campaign = Campaign.get(Campaign.slug == SLUG)
    decision = Decision.get(Decision.campaign == campaign)
    assert decision.state == "approved" and decision.number == DECISION_NUMBER
    awards = {(a.recipient_name, a.unit_name) for a in decision.awards}
    assert ("Bà Lê Trà My", "Phường Thanh Xuân Bắc") in awards
    thanh_xuan = {u.name for u in Unit.select().where(Unit.district == "Quận Thanh Xuân")}
    assert any(a.target == "collective" and a.unit_name in thanh_xuan for a in decision.awards)
    assert Objection.get().answered_at is not None
    seed_demo()    # idempotent
    assert Decision.select().count() == 1 and CouncilChange.select().count() == 3


def test_the_demo_history_reads_in_order(app):
    """The council meets, then the results are published, objected to and answered, then the
    decision is signed: the dates shown, the reasons' meeting date and the audit log agree."""
    seed_demo()
    campaign = Campaign.get(Campaign.slug == SLUG)
    objection, decision = Objection.get(), Decision.get(Decision.campaign == campaign)
    changes = list(CouncilChange.select().where(CouncilChange.campaign == campaign))
    assert changes and all(c.made_at < campaign.results_published_at < objection.lodged_at
                           < objection.answered_at < decision.approved_at for c in changes)
    assert decision.approved_at < clock.now() and campaign.council_opens < changes[0].made_at
    meeting = to_local(changes[0].made_at, "Asia/Ho_Chi_Minh").strftime("%d/%m/%Y")
    assert all(f"họp ngày {meeting}" in c.reason for c in changes) and meeting in objection.answer
    events = {e.action: e.at for e in AuditEvent.select().where(AuditEvent.action.in_(
        ("council.resolve", "council.add", "results.publish", "objection.lodge", "objection.answer",
         "decision.approve")))}
    assert len(events) == 6, events
    assert events["council.resolve"] == events["council.add"] < events["results.publish"] \
        < events["objection.lodge"] < events["objection.answer"] < events["decision.approve"]


def test_result_page_names_the_decision_that_awarded_it(app, client, login):
    seed_demo()
    campaign = Campaign.get(Campaign.slug == SLUG)
    login(_user("hadinh"), DEMO_PASSWORD)
    page = client.get(f"/submissions/{_sub(campaign, 'HDI').id}/result").get_data(as_text=True)
    assert f"theo Quyết định số {DECISION_NUMBER}" in page and "Giấy khen của Chủ tịch UBND Thành phố" in page


def test_a_closed_objection_page_leads_back_to_the_result(app, client, login):
    seed_demo()
    campaign = Campaign.get(Campaign.slug == SLUG)
    hdi = _sub(campaign, "HDI")
    login(_user("hadinh"), DEMO_PASSWORD)
    page = client.get(f"/submissions/{hdi.id}/objection").get_data(as_text=True)
    assert "Đã hết thời gian nhận ý kiến phản hồi" in page and 'name="reason"' not in page
    assert f'href="/submissions/{hdi.id}/result"' in page
    assert client.get(f"/submissions/{hdi.id}/result").status_code == 200
