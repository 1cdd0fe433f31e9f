"""The committee's award rules page (hình thức khen thưởng) on the demo's third campaign at the council stage."""
from __future__ import annotations

import json

import pytest

from emulation.models import AuditEvent, AwardRule, Campaign, Result, User
from emulation.services import council
from emulation.services.demo import DEMO_PASSWORD, seed_demo
from emulation.services.demo_council import SLUG
from emulation.services.publication import publish_results
from tests.helpers import post

GK = {"title": "Giấy khen của Chủ tịch UBND quận", "form": "giay-khen", "target": "collective", "min_band": "",
      "min_score": "0", "quota_kind": "count", "quota_value": "2", "precedence": "9"}


@pytest.fixture
def campaign(app):
    seed_demo(council_upto="council")
    return Campaign.get(Campaign.slug == SLUG)


def _as(client, login, name: str) -> None:
    login(User.get(User.username == name), DEMO_PASSWORD)


def _proposed(campaign: Campaign, rule: AwardRule) -> set[int]:
    return {r.submission_id for r in Result.select().where(Result.campaign == campaign)
            if any(o["rule"] == rule.id and o["status"] == "proposed" for o in json.loads(r.proposal or "[]"))}


def test_secretary_reads_the_rules_and_cannot_change_them(campaign, client, login):
    _as(client, login, "thuky")
    page = client.get(f"/campaigns/{campaign.id}/awards").get_data(as_text=True)
    for rule in AwardRule.select().where(AwardRule.campaign == campaign):
        assert rule.title in page
    assert "Thêm hình thức khen thưởng" not in page
    response = client.post(f"/campaigns/{campaign.id}/awards/new", data=GK)
    assert response.status_code in (400, 403)
    assert AwardRule.select().where(AwardRule.title == GK["title"]).count() == 0


def test_committee_adds_a_rule_and_the_proposals_follow(campaign, client, login):
    _as(client, login, "btdkt")
    url = f"/campaigns/{campaign.id}/awards"
    before = Campaign.get_by_id(campaign.id).results_computed_at
    response = post(client, url + "/new", GK, page=url)
    assert response.status_code == 302
    rule = AwardRule.get(AwardRule.campaign == campaign, AwardRule.title == GK["title"])
    assert (rule.precedence, rule.quota_value, rule.form) == (9, 2, "giay-khen")
    assert Campaign.get_by_id(campaign.id).results_computed_at > before       # refreshed (tasks run at once here)
    assert len(_proposed(campaign, rule)) == 2                                  # the two best not awarded before
    event = AuditEvent.get(AuditEvent.action == "award_rule.create", AuditEvent.object_id == rule.id)
    assert json.loads(event.new)["title"] == GK["title"]
    assert "Đã lưu hình thức" in client.get(url).get_data(as_text=True)


def test_a_wrong_rule_is_refused_field_by_field_and_what_was_typed_is_kept(campaign, client, login):
    _as(client, login, "btdkt")
    url = f"/campaigns/{campaign.id}/awards"
    taken = AwardRule.select().where(AwardRule.campaign == campaign).first().precedence
    wrong = dict(GK, min_score="-3", quota_value="không", precedence=str(taken), title="Giấy khen <b>đặc biệt</b>")
    response = post(client, url + "/new", wrong, page=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Chưa lưu hình thức khen thưởng: 3 thông tin cần sửa." in page
    assert "Điểm tối thiểu là một số từ 0 trở lên" in page and "Chỉ tiêu là một số nguyên" in page
    assert f"Thứ tự xét {taken} đã dùng" in page
    assert 'value="Giấy khen &lt;b&gt;đặc biệt&lt;/b&gt;"' in page and 'value="không"' in page
    assert AwardRule.select().where(AwardRule.title.contains("đặc biệt")).count() == 0


def test_edit_is_audited_and_a_rule_the_council_decided_on_cannot_be_removed(campaign, client, login):
    _as(client, login, "btdkt")
    group = council.open_groups(campaign)[0]
    rule = group.rule
    page = client.get(f"/awards/{rule.id}").get_data(as_text=True)
    assert f'value="{rule.title}"' in page and "Sửa hình thức" in page
    data = {"title": rule.title, "form": rule.form, "target": rule.target, "min_band": rule.min_band,
            "min_score": "0", "quota_kind": rule.quota_kind, "quota_value": str(rule.quota_value + 1),
            "precedence": str(rule.precedence), "per_cluster": "y" if rule.per_cluster else ""}
    if not rule.per_cluster:
        data.pop("per_cluster")
    assert post(client, f"/awards/{rule.id}", data).status_code == 302
    assert AwardRule.get_by_id(rule.id).quota_value == rule.quota_value + 1
    event = AuditEvent.get(AuditEvent.action == "award_rule.update", AuditEvent.object_id == rule.id)
    assert json.loads(event.old) == {"quota_value": str(rule.quota_value)}
    assert council.open_groups(campaign) == []                 # one more place: the tie fits now

    url = f"/campaigns/{campaign.id}/awards"
    members = [m.submission_id for m in group.members]
    data["quota_value"] = str(rule.quota_value)
    assert post(client, f"/awards/{rule.id}", data).status_code == 302
    council.resolve(User.get(User.username == "thuky"), campaign, group.key, {members[0]},
                    "Biên bản họp Hội đồng ngày 20/11/2026")
    response = post(client, f"/awards/{rule.id}/delete", {}, page=url)
    assert response.status_code == 302
    assert AwardRule.get_or_none(AwardRule.id == rule.id) is not None
    assert "Hội đồng đã có quyết định theo hình thức" in client.get(url).get_data(as_text=True)

    spare = AwardRule.create(campaign=campaign, precedence=50, title="Giấy khen thử", form="giay-khen",
                             target="collective", quota_kind="count", quota_value=1)
    assert post(client, f"/awards/{spare.id}/delete", {}, page=url).status_code == 302
    assert AwardRule.get_or_none(AwardRule.id == spare.id) is None
    assert AuditEvent.select().where(AuditEvent.action == "award_rule.delete").count() == 1


def test_rules_are_locked_once_the_results_are_published(campaign, client, login):
    publish_results(User.get(User.username == "btdkt"), campaign)
    _as(client, login, "btdkt")
    url = f"/campaigns/{campaign.id}/awards"
    page = client.get(url).get_data(as_text=True)
    assert "Kết quả đã công khai lúc" in page and "Thêm hình thức khen thưởng" not in page
    count = AwardRule.select().count()
    response = post(client, url + "/new", GK, page="/account/password")
    assert response.status_code == 422 and "không thể thay đổi hình thức khen thưởng" in response.get_data(as_text=True)
    rule = AwardRule.select().where(AwardRule.campaign == campaign).first()
    assert post(client, f"/awards/{rule.id}/delete", {}, page="/account/password").status_code == 302
    assert AwardRule.select().count() == count
