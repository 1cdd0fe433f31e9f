"""Nominations of exemplary staff: quota, one per person, own staff only, same self-assessment machinery."""
from __future__ import annotations

import pytest

from emulation.models import CampaignUnit, Nomination, Submission
from emulation.services import ServiceError
from emulation.services import nominations as service
from emulation.services import submissions
from tests.helpers import csrf_from

ACHIEVEMENTS = "Tổ chức 12 buổi tuyên truyền văn hóa công sở, được người dân khen ngợi."


@pytest.fixture
def world(app, make):
    individual = make.criteria_set("nu-cuoi-cong-so-v1.toml")
    campaign = make.campaign(individual_set_id=individual.id)
    campaign.nomination_quota = 2
    campaign.save()
    units = [make.unit(name="Phường Thanh Xuân Bắc"), make.unit()]
    for u in units:
        CampaignUnit.get_or_create(campaign=campaign, unit=u)
    staff = [make.person(unit=units[0], full_name=n, gender="F") for n in ("Lê Trà My", "Phạm Thu Hà", "Đỗ Lan")]
    return {"campaign": campaign, "units": units, "staff": staff, "other": make.person(unit=units[1]),
            "officers": [make.user("officer", unit=u) for u in units]}


def _nominate(world, person, **kw):
    return service.nominate(world["officers"][0], world["campaign"], world["units"][0], person,
                            kw.get("position", "Bí thư Đoàn thanh niên phường"), kw.get("achievements", ACHIEVEMENTS))


def test_nomination_opens_an_individual_self_assessment(world):
    n = _nominate(world, world["staff"][0])
    s = n.submission
    assert s.target == "individual" and s.person_id == world["staff"][0].id and s.state == "draft"
    cs, _rows = submissions.criteria_of(s)
    assert cs.id == "nu-cuoi-cong-so" and cs.target == "individual"


@pytest.mark.parametrize("case,fragment", [
    ("twice", "đã được đề nghị"), ("other_unit", "đang công tác tại đơn vị"), ("quota", "đủ 2 cá nhân"),
    ("no_position", "chức vụ"), ("short_story", "ít nhất 20 ký tự")])
def test_refusals(world, case, fragment):
    if case == "twice":
        _nominate(world, world["staff"][0])
        person = world["staff"][0]
    elif case == "quota":
        _nominate(world, world["staff"][0])
        _nominate(world, world["staff"][1])
        person = world["staff"][2]
    else:
        person = world["other"] if case == "other_unit" else world["staff"][0]
    kwargs = {"position": ""} if case == "no_position" else {"achievements": "Tốt"} if case == "short_story" else {}
    before = Nomination.select().count()
    with pytest.raises(ServiceError, match=fragment):
        _nominate(world, person, **kwargs)
    assert Nomination.select().count() == before


def test_campaign_without_individual_set_refuses(app, make):
    campaign = make.campaign()
    unit = make.unit()
    with pytest.raises(ServiceError, match="không xét khen thưởng cá nhân"):
        service.nominate(make.user("officer", unit=unit), campaign, unit, make.person(unit=unit), "Chức vụ",
                         ACHIEVEMENTS)


def test_withdraw_only_drafts(world):
    n = _nominate(world, world["staff"][0])
    service.withdraw(world["officers"][0], n)
    assert Nomination.select().count() == 0 and Submission.select().where(Submission.target == "individual").count() == 0
    n = _nominate(world, world["staff"][0])
    Submission.update(state="submitted").where(Submission.id == n.submission_id).execute()
    with pytest.raises(ServiceError, match="chưa nộp"):
        service.withdraw(world["officers"][0], Nomination.get_by_id(n.id))


def test_web_nominate_then_land_on_the_individual_form(client, world, login):
    login(world["officers"][0])
    url = f"/campaigns/{world['campaign'].id}/nominations/new"
    page = client.get(url).get_data(as_text=True)
    assert "Lê Trà My" in page and "đã đề nghị 0 / 2" in page
    response = client.post(url, data={"csrf_token": csrf_from(page), "person": world["staff"][0].id,
                                      "position": "Bí thư Đoàn thanh niên phường Thanh Xuân Bắc",
                                      "achievements": ACHIEVEMENTS})
    assert response.status_code == 302
    form = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Lê Trà My" in form and ACHIEVEMENTS in form and "Ba không" in form
    home = client.get("/unit").get_data(as_text=True)
    assert "Lê Trà My" in home and "(1/2)" in home


def test_web_refusal_keeps_what_was_typed(client, world, login):
    login(world["officers"][0])
    url = f"/campaigns/{world['campaign'].id}/nominations/new"
    page = client.get(url).get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_from(page), "person": world["staff"][0].id,
                                      "position": "Bí thư", "achievements": "Ngắn"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "ít nhất 20 ký tự" in html and "Ngắn" in html and 'value="Bí thư"' in html


def test_officer_of_another_unit_gets_404(app, world, login):
    n = _nominate(world, world["staff"][0])
    client = app.test_client()
    login(world["officers"][1], c=client)
    token = csrf_from(client.get("/unit").get_data(as_text=True))
    assert client.get(f"/nominations/{n.id}").status_code == 404
    assert client.post(f"/nominations/{n.id}", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/nominations/{n.id}/withdraw", data={"csrf_token": token}).status_code == 404
    assert client.get(f"/submissions/{n.submission_id}").status_code == 404
    assert client.get(f"/campaigns/{world['campaign'].id}/nominations/new?unit={world['units'][0].id}").status_code == 404
    assert Nomination.select().count() == 1
