"""`emulation demo`: idempotent seed data and one working login per role."""
from __future__ import annotations

import pytest

from emulation.models import (Assignment, AuditEvent, Campaign, CampaignUnit, Cluster, CouncilChange, CriteriaSet,
                              Criterion, Decision, DecisionAward, Objection, Result,
                              Evidence, Nomination, Person, ReturnNote, Review, RoleGrant, Score, SelfScore,
                              Submission, Unit, User)
from emulation.services.demo import CAMPAIGN_SLUG, DEMO_PASSWORD, LOGINS
from emulation.services.demo_reviews import SLUG as REVIEW_SLUG
from tests.helpers import login

MODELS = (Cluster, Unit, Person, CriteriaSet, Criterion, Campaign, CampaignUnit, User, RoleGrant, AuditEvent,
          Submission, SelfScore, Evidence, Nomination, ReturnNote, Assignment, Review, Score, CouncilChange,
          Objection, Decision, DecisionAward, Result)

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
    assert first["Campaign"] == 3 and first["CriteriaSet"] == 3 and first["DecisionAward"] == 6
    assert first["Assignment"] > 0 and first["Score"] > 0


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
    campaign = Campaign.get(Campaign.slug == CAMPAIGN_SLUG)
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
    campaign = Campaign.get(Campaign.slug == CAMPAIGN_SLUG)
    officer = app.test_client()
    login(officer, "txbac", DEMO_PASSWORD)
    assert campaign.title in officer.get("/unit").get_data(as_text=True)
    peer = app.test_client()
    login(peer, "chamcheo", DEMO_PASSWORD)
    assert campaign.title in peer.get("/review").get_data(as_text=True)
    assert User.get(User.username == "chamcheo").roles() == {"officer", "peer"}


def test_demo_seeds_every_submission_state_and_le_tra_my(demo):
    campaign = Campaign.get(Campaign.slug == CAMPAIGN_SLUG)

    def state(code: str) -> str:
        unit = Unit.get(Unit.code == code)
        return Submission.get(Submission.campaign == campaign, Submission.subject_key == f"unit:{unit.id}").state
    assert state("TXB") == "submitted" and state("HDI") == "returned" and state("KDI") == "draft"
    assert ReturnNote.select().where(ReturnNote.resolved_at.is_null()).count() == 2
    my = Nomination.select().join(Person).where(Person.full_name == "Lê Trà My", Nomination.campaign == campaign).get()
    assert my.submission.state == "submitted" and my.submission.target == "individual"
    assert "Thứ Bảy tình nguyện" in my.achievements
    assert Evidence.select().where(Evidence.submission == my.submission).count() > 0
    assert {n.submission.state for n in Nomination.select().where(Nomination.campaign == campaign)} == {
        "submitted", "draft"}


# The second campaign, "Chính quyền thân thiện": in its review window, with work for reviewers.

def _review_campaign() -> Campaign:
    return Campaign.get(Campaign.slug == REVIEW_SLUG)


def _unit_of(submission_id: int) -> str:
    return Submission.get_by_id(submission_id).unit.code


def test_review_campaign_is_in_its_review_window(demo):
    from emulation.models import utcnow
    from emulation.services.campaigns import describe, to_local
    campaign = _review_campaign()
    assert describe(campaign)["phase"] == "review"
    assert campaign.collective_set.code == "dong-nai-chinh-quyen-than-thien-2025"
    assert campaign.individual_set is None and campaign.policy.k_peer == 2
    today = to_local(utcnow(), campaign.timezone).date()
    local = {name: to_local(getattr(campaign, name), campaign.timezone) for name in
             ("submission_opens", "submission_closes", "review_opens", "review_closes")}
    assert [(d.date() - today).days for d in local.values()] == [-30, -3, -2, 12]
    assert [d.strftime("%H:%M") for d in local.values()] == ["08:00", "17:00", "08:00", "17:00"]
    wards = {u.code for u in Unit.select().join(Cluster).where(Cluster.code.in_(("TX", "DD")))}
    assert {cu.unit.code for cu in campaign.participants} == wards


def test_review_campaign_submissions_were_submitted_in_their_window(demo):
    campaign = _review_campaign()
    submissions = list(Submission.select().where(Submission.campaign == campaign))
    assert len(submissions) == 9 and "KGI" not in {s.unit.code for s in submissions}
    for s in submissions:
        assert s.state == "submitted" and campaign.submission_opens <= s.submitted_at < campaign.submission_closes
        assert SelfScore.select().where(SelfScore.submission == s, SelfScore.value.is_null()).count() == 0
        assert Evidence.select().where(Evidence.submission == s).count() == 11  # every required criterion
    totals = {s.unit.code: sum((r.value for r in s.self_scores if r.criterion.kind != "penalty"), start=0)
              for s in submissions}
    assert len(set(totals.values())) >= 5  # varied, not one template


def test_review_campaign_assignments_two_peers_of_the_cluster_and_the_council(demo):
    campaign = _review_campaign()
    hoidong = User.get(User.username == "hoidong")
    peers = {u.username for u in User.select().join(RoleGrant).where(RoleGrant.campaign == campaign,
                                                                       RoleGrant.role == "peer")}
    assert peers == {"chamcheo", "cb.txt", "cb.nch", "cb.lha", "cb.ocd", "cb.tli"}
    for s in Submission.select().where(Submission.campaign == campaign):
        rows = list(s.assignments)
        assert sorted(a.role for a in rows) == ["leader", "peer", "peer"]
        assert [a.reviewer_id for a in rows if a.role == "leader"] == [hoidong.id]
        assert all(campaign.review_opens <= a.assigned_at < campaign.review_closes for a in rows)
        for a in rows:
            if a.role == "peer":
                officer_unit = RoleGrant.get(RoleGrant.user == a.reviewer, RoleGrant.role == "officer").unit
                assert officer_unit.cluster_id == s.unit.cluster_id and officer_unit.id != s.unit_id


def test_review_campaign_reviews_in_every_state(demo):
    campaign = _review_campaign()
    assignments = list(Assignment.select().join(Submission).where(Submission.campaign == campaign))
    reviews = {r.assignment_id: r for r in Review.select().where(Review.assignment.in_(assignments))}
    states = [reviews[a.id].state if a.id in reviews else "none" for a in assignments]
    assert states.count("submitted") >= 10 and states.count("draft") >= 3 and states.count("none") >= 3
    criteria = campaign.collective_set.criteria.count()
    for review in reviews.values():
        valued = Score.select().where(Score.review == review, Score.value.is_null(False)).count()
        assert (valued == criteria) == (review.state == "submitted")  # drafts are incomplete
        assert campaign.review_opens <= review.updated_at < campaign.review_closes
    commented = Score.select().join(Review).where(Review.assignment.in_(assignments), Score.comment != "")
    assert commented.count() > 0 and all(s.comment for s in commented)


def test_review_campaign_leaves_chamcheo_an_unstarted_assignment(demo):
    chamcheo = User.get(User.username == "chamcheo")
    mine = list(Assignment.select().join(Submission).where(Submission.campaign == _review_campaign(),
                                                           Assignment.reviewer == chamcheo))
    states = {_unit_of(a.submission_id): (a.reviews.first().state if a.reviews.exists() else "none")
              for a in mine}
    assert "none" in states.values() and "submitted" in states.values()
    untouched = next(a for a in mine if not a.reviews.exists())
    others = Review.select().join(Assignment).where(Assignment.submission == untouched.submission_id,
                                                    Review.state == "submitted")
    assert others.count() >= 1  # once chamcheo submits, other reviews become visible


def test_review_campaign_scores_show_both_flags(demo):
    from emulation.services.scores import campaign_scores
    scores = {_unit_of(s.submission_id): s for s in campaign_scores(_review_campaign())}
    assert len(scores) == 9
    assert "disagreement" in scores["LHA"].flags
    inflated = scores["OCD"]
    assert "self_inflation" in inflated.flags and not inflated.pending
    assert inflated.S - inflated.F > 10
    assert any(s.pending for s in scores.values()) and sum(not s.pending for s in scores.values()) >= 3


def test_review_campaign_queue_for_the_peer_and_the_secretary(app, demo):
    campaign = _review_campaign()
    peer = app.test_client()
    login(peer, "chamcheo", DEMO_PASSWORD)
    queue = peer.get("/review/queue").get_data(as_text=True)
    assert campaign.title in queue and "Chưa chấm" in queue and "Đã nộp" in queue
    assert campaign.title in peer.get("/review").get_data(as_text=True)
    secretary = app.test_client()
    login(secretary, "thuky", DEMO_PASSWORD)
    assert campaign.title in secretary.get("/secretary").get_data(as_text=True)
