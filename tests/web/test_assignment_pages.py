"""The secretary's assignment page: auto-assign, manual assign with conflict override, conflicts, removal."""
from __future__ import annotations

from emulation.models import Assignment, AuditEvent, CampaignUnit, Conflict, Submission
from emulation.services.accounts import grant_role
from emulation.services.submissions import open_collective
from tests.helpers import csrf_from


def _world(make):
    campaign = make.campaign()
    cluster = make.cluster()
    units = [make.unit(cluster=cluster, name=f"Phường Số {i}") for i in range(5)]
    peers = []
    for u in units:
        CampaignUnit.get_or_create(campaign=campaign, unit=u)
        s = open_collective(campaign, u)
        Submission.update(state="submitted").where(Submission.id == s.id).execute()
        peer = make.user("peer", campaign=campaign)
        grant_role(None, peer, "officer", unit=u)
        peers.append(peer)
    return campaign, units, peers, make.user("leader", campaign=campaign)


def test_secretary_auto_assigns_and_sees_progress(client, make, login):
    campaign, units, peers, leader = _world(make)
    login(make.user("secretary"))
    url = f"/campaigns/{campaign.id}/assignments"
    page = client.get(url).get_data(as_text=True)
    assert "Phường Số 0" in page and "Chưa phân công" in page
    response = client.post(f"{url}/auto", data={"csrf_token": csrf_from(page), "seed": "1"})
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Đã phân công tự động" in page and "Chưa phân công" not in page
    assert Assignment.select().count() == 5 * campaign.policy.k_peer + 5


def test_manual_assign_refused_on_conflict_then_overridden_with_reason(client, make, login):
    campaign, units, peers, leader = _world(make)
    login(make.user("secretary"))
    url = f"/campaigns/{campaign.id}/assignments"
    token = csrf_from(client.get(url).get_data(as_text=True))
    own = Submission.get(Submission.subject_key == f"unit:{units[0].id}")
    client.post(f"/submissions/{own.id}/assign", data={"csrf_token": token, "reviewer": peers[0].id, "role": "peer"})
    page = client.get(url).get_data(as_text=True)
    assert "xung đột lợi ích" in page and Assignment.select().count() == 0
    client.post(f"/submissions/{own.id}/assign", data={"csrf_token": token, "reviewer": peers[0].id, "role": "peer",
                                                      "override_reason": "Đơn vị duy nhất có chuyên môn"})
    assert Assignment.get().override_reason == "Đơn vị duy nhất có chuyên môn"
    assert AuditEvent.select().where(AuditEvent.action == "assignment.override").count() == 1
    client.post(f"/assignments/{Assignment.get().id}/remove", data={"csrf_token": token})
    assert Assignment.select().count() == 0


def test_declare_conflict_from_the_page_and_committee_can_only_look(app, client, make, login):
    campaign, units, peers, leader = _world(make)
    login(make.user("secretary"))
    url = f"/campaigns/{campaign.id}/assignments"
    token = csrf_from(client.get(url).get_data(as_text=True))
    client.post(f"/campaigns/{campaign.id}/conflicts", data={"csrf_token": token, "reviewer": peers[1].id,
                                                            "unit": units[2].id, "kind": "family", "note": "Anh ruột"})
    assert Conflict.get().kind == "family" and "Anh ruột" in client.get(url).get_data(as_text=True)
    committee = app.test_client()
    login(make.user("committee"), c=committee)
    assert committee.get(url).status_code == 200
    assert committee.post(f"{url}/auto", data={"csrf_token": token}).status_code in (400, 403)


def test_auto_assign_covers_the_nominated_staff_too(client, make, login):
    """One press assigns every target the campaign scores: units and nominated staff."""
    individual = make.criteria_set("nu-cuoi-cong-so-v1.toml")
    campaign = make.campaign(individual_set_id=individual.id)
    cluster = make.cluster()
    for i in range(3):
        unit = make.unit(cluster=cluster, name=f"Phường Số {i}")
        CampaignUnit.get_or_create(campaign=campaign, unit=unit)
        s = open_collective(campaign, unit)
        Submission.update(state="submitted").where(Submission.id == s.id).execute()
        person = make.person(unit=unit)
        Submission.create(campaign=campaign, target="individual", unit=unit, person=person,
                          subject_key=f"person:{person.id}", state="submitted")
        grant_role(None, make.user("peer", campaign=campaign), "officer", unit=unit)
    make.user("leader", campaign=campaign)
    login(make.user("secretary"))
    url = f"/campaigns/{campaign.id}/assignments"
    response = client.post(f"{url}/auto", data={"csrf_token": csrf_from(client.get(url).get_data(as_text=True))})
    assert response.status_code == 302
    per_target = {t: Assignment.select().join(Submission).where(Submission.target == t).count()
                  for t in ("collective", "individual")}
    assert per_target == {"collective": 3 * 2 + 3, "individual": 3 * 2 + 3}
    assert "Đã phân công tự động: 18 lượt chấm mới." in client.get(url).get_data(as_text=True)
