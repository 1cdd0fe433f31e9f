"""`emulation demo`: idempotent seed data and one working login per role."""
from __future__ import annotations

import pytest

from emulation.models import (AuditEvent, Campaign, CampaignUnit, Cluster, CriteriaSet, Criterion, Evidence,
                              Nomination, Person, ReturnNote, RoleGrant, SelfScore, Submission, Unit, User)
from emulation.services.demo import DEMO_PASSWORD, LOGINS
from tests.helpers import login

MODELS = (Cluster, Unit, Person, CriteriaSet, Criterion, Campaign, CampaignUnit, User, RoleGrant, AuditEvent,
          Submission, SelfScore, Evidence, Nomination, ReturnNote)

HOMES = [
    ("btdkt", "committee", "/committee"),
    ("thuky", "secretary", "/secretary"),
    ("txbac", "officer", "/unit"),
    ("hadinh", "officer", "/unit"),
    ("chamcheo", "peer", "/review"),
    ("hoidong", "leader", "/review"),
]


def counts() -> dict[str, int]:
    return {m.__name__: m.select().count() for m in MODELS}


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result


def test_demo_is_idempotent(runner, demo):
    first = counts()
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    assert counts() == first
    assert again.stdout == demo.stdout
    assert first["Campaign"] == 1 and first["CriteriaSet"] == 3


def test_demo_organisation(demo):
    assert Unit.select().count() >= 12
    names = {u.name for u in Unit.select()}
    assert {"Phường Thanh Xuân Bắc", "Phường Hạ Đình"} <= names
    my = Person.get(Person.full_name == "Lê Trà My")
    assert my.position == "Bí thư Đoàn thanh niên phường Thanh Xuân Bắc"
    assert (my.gender, my.honorific, my.unit.name) == ("F", "Bà", "Phường Thanh Xuân Bắc")
    assert Unit.select().where(Unit.cluster.is_null()).count() == 0


def test_demo_campaign_is_open_for_submissions(demo):
    from emulation.services.campaigns import describe
    campaign = Campaign.get()
    assert describe(campaign)["phase"] == "submission"
    assert campaign.collective_set.target == "collective" and campaign.individual_set.target == "individual"
    assert CampaignUnit.select().where(CampaignUnit.campaign == campaign).count() == Unit.select().count()


def test_demo_prints_one_login_per_role(demo):
    assert f"mật khẩu chung: {DEMO_PASSWORD}" in demo.stdout
    lines = demo.stdout.splitlines()[1:]
    printed = {line.split()[0]: line.split()[1] for line in lines}
    assert printed == {username: role for username, role, _ in HOMES}
    assert set(printed.values()) == {"committee", "secretary", "officer", "peer", "leader"}
    assert [u for u, *_ in LOGINS] == [u for u, *_ in HOMES]


@pytest.mark.parametrize("username, role, home", HOMES)
def test_each_demo_login_reaches_its_home(app, demo, username, role, home):
    client = app.test_client()
    response = login(client, username, DEMO_PASSWORD)
    assert response.status_code == 302
    landing = client.get("/")
    assert landing.status_code == 302 and landing.headers["Location"].endswith(home)
    page = client.get(home)
    assert page.status_code == 200
    assert User.get(User.username == username).full_name in page.get_data(as_text=True)
    assert role in User.get(User.username == username).roles()


def test_demo_officer_sees_the_campaign_and_reviewer_is_assigned_to_it(app, demo):
    campaign = Campaign.get()
    officer = app.test_client()
    login(officer, "txbac", DEMO_PASSWORD)
    assert campaign.title in officer.get("/unit").get_data(as_text=True)
    peer = app.test_client()
    login(peer, "chamcheo", DEMO_PASSWORD)
    assert campaign.title in peer.get("/review").get_data(as_text=True)
    assert User.get(User.username == "chamcheo").roles() == {"officer", "peer"}


def test_demo_seeds_every_submission_state_and_le_tra_my(demo):
    def state(code: str) -> str:
        unit = Unit.get(Unit.code == code)
        return Submission.get(Submission.subject_key == f"unit:{unit.id}").state
    assert state("TXB") == "submitted" and state("HDI") == "returned" and state("KDI") == "draft"
    assert ReturnNote.select().where(ReturnNote.resolved_at.is_null()).count() == 2
    my = Nomination.select().join(Person).where(Person.full_name == "Lê Trà My").get()
    assert my.submission.state == "submitted" and my.submission.target == "individual"
    assert "Thứ Bảy tình nguyện" in my.achievements
    assert Evidence.select().where(Evidence.submission == my.submission).count() > 0
    assert {n.submission.state for n in Nomination.select()} == {"submitted", "draft"}
