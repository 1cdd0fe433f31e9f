"""The reviewer's pages: queue, scoring form beside the unit's self-assessment, save and submit, 404 for others."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from emulation.clock import clock
from emulation.models import CampaignUnit, Evidence, LoginSession, Review, Submission
from emulation.services.accounts import grant_role
from emulation.services.assignments import assign_reviewer
from emulation.services.submissions import Entry, criteria_of, open_collective, save_draft
from tests.helpers import csrf_from


@pytest.fixture
def world(app, make):
    campaign = make.campaign()
    unit = make.unit(name="Phường Hạ Đình")
    CampaignUnit.get_or_create(campaign=campaign, unit=unit)
    officer = make.user("officer", unit=unit)
    s = open_collective(campaign, unit)
    cs, rows = criteria_of(s)
    save_draft(officer, s, {cs.criteria[0].code: Entry("5", "Có kế hoạch số 15/KH-UBND")}, s.version)
    from emulation.storage import evidence_store
    digest = evidence_store.put(b"%PDF-1.4\n%%EOF\n")
    Evidence.create(submission=s, criterion=rows[cs.criteria[0].code], sha256=digest, original_name="ke-hoach.pdf",
                    size=10, content_type="application/pdf", uploaded_by=officer)
    Submission.update(state="submitted").where(Submission.id == s.id).execute()
    peers = [make.user("peer", campaign=campaign, full_name=n) for n in ("Hoàng Thị Mai", "Vũ Văn Khải")]
    for p in peers:
        grant_role(None, p, "officer", unit=make.unit())
    secretary = make.user("secretary")
    assignments = [assign_reviewer(secretary, Submission.get_by_id(s.id), p, "peer") for p in peers]
    return {"campaign": campaign, "cs": cs, "peers": peers, "a": assignments, "officer": officer, "sub": s}


def _open_window(world):
    clock.frozen = world["campaign"].review_opens + dt.timedelta(hours=2)
    LoginSession.update(last_seen_at=clock.frozen).execute()


def test_queue_and_form_show_the_units_self_assessment(client, world, login):
    login(world["peers"][0])
    queue = client.get("/review/queue").get_data(as_text=True)
    assert "Phường Hạ Đình" in queue and "Chưa chấm" in queue
    page = client.get(f"/assignments/{world['a'][0].id}").get_data(as_text=True)
    assert "Có kế hoạch số 15/KH-UBND" in page and "ke-hoach.pdf" in page and "Đơn vị tự chấm:" in page


def test_save_and_submit_in_the_window(client, world, login):
    login(world["peers"][0])
    url = f"/assignments/{world['a'][0].id}"
    html = client.get(url).get_data(as_text=True)
    _open_window(world)
    data = {"csrf_token": csrf_from(html), "version": re.search(r'name="version" value="(\d+)"', html).group(1),
            "action": "submit"}
    for c in world["cs"].criteria:
        data[f"value-{c.code}"] = "0" if c.kind.value == "penalty" else str(c.max).replace(".", ",")
        data[f"verdict-{c.code}"] = "accepted"
    response = client.post(url, data=data)
    assert response.status_code == 302
    assert Review.get().state == "submitted"
    assert "Đã nộp phiếu chấm." in client.get(url).get_data(as_text=True)


def test_before_the_window_the_form_is_read_only_and_writes_are_refused(client, world, login):
    login(world["peers"][0])
    url = f"/assignments/{world['a'][0].id}"
    html = client.get(url).get_data(as_text=True)
    assert "Nộp phiếu chấm" not in html
    response = client.post(url, data={"csrf_token": csrf_from(html), "version": 1, "action": "save",
                                      f"value-{world['cs'].criteria[0].code}": "4"})
    assert response.status_code == 409 and "Chưa đến thời gian chấm" in response.get_data(as_text=True)


def test_other_reviewers_and_the_unit_get_404(app, world, login):
    other = app.test_client()
    login(world["peers"][1], c=other)
    assert other.get(f"/assignments/{world['a'][0].id}").status_code == 404
    officer = app.test_client()
    login(world["officer"], c=officer)
    assert officer.get(f"/assignments/{world['a'][0].id}").status_code == 403
    page = officer.get(f"/submissions/{world['sub'].id}").get_data(as_text=True)
    assert "Hoàng Thị Mai" not in page and "Vũ Văn Khải" not in page  # units never see who scores them


def test_assigned_peer_may_open_the_evidence(client, world, login):
    login(world["peers"][0])
    evidence = Evidence.get()
    response = client.get(f"/evidence/{evidence.id}/preview")
    assert response.status_code == 200
    response.close()
    assert client.get(f"/submissions/{world['sub'].id}").status_code == 200


def test_queue_shows_the_reviewers_own_deadline_and_when_it_is_past(client, world, login):
    """The deadline the secretary's board counts (review_days after assignment or window opening)."""
    import datetime as dt

    from emulation.clock import clock
    from emulation.domain.progress import Window, deadline
    campaign = world["campaign"]
    due = deadline(world["a"][0].assigned_at, Window(campaign.review_opens, campaign.review_closes,
                                                     campaign.policy.review_days))
    login(world["peers"][0])
    shown = (due + dt.timedelta(hours=7)).strftime("%d/%m/%Y %H:%M")       # Vietnam time
    queue = client.get("/review/queue").get_data(as_text=True)
    assert "Hạn của bạn" in queue and shown in queue and "Quá hạn" not in queue
    clock.frozen = due + dt.timedelta(hours=1)
    LoginSession.update(last_seen_at=clock.frozen).execute()
    assert "Quá hạn" in client.get("/review/queue").get_data(as_text=True)


def test_queue_and_form_name_the_nominated_person(app, client, login):
    """A reviewer of a unit and of its nominated staff tells the two apart: "Lê Trà My – Phường …"."""
    from emulation.models import Assignment, Submission, User
    from emulation.services.demo import DEMO_PASSWORD, seed_demo
    seed_demo()
    reviewer = User.get(User.username == "chamcheo")
    individual = list(Assignment.select().join(Submission).where(Assignment.reviewer == reviewer,
                                                                  Submission.target == "individual"))
    assert individual
    login(reviewer, DEMO_PASSWORD)
    queue = client.get("/review/queue").get_data(as_text=True)
    for a in individual:
        label = f"{a.submission.person.full_name} – {a.submission.unit.name}"
        assert label in queue
        assert f"Phiếu chấm: {label}" in client.get(f"/assignments/{a.id}").get_data(as_text=True)
