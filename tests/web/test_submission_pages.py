"""The self-assessment pages: the officer's flow, 409 on stale forms, deadlines, and
object-level permissions (another unit's officer gets 404 for everything)."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from emulation.clock import clock
from emulation.models import CampaignUnit, Evidence, LoginSession, SelfScore, Submission
from emulation.services import submissions as service
from tests.helpers import csrf_from, login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(app, make):
    campaign = make.campaign()
    units = [make.unit(), make.unit()]
    for u in units:
        CampaignUnit.get_or_create(campaign=campaign, unit=u)
    officers = [make.user("officer", unit=u) for u in units]
    subs = [service.open_collective(campaign, u) for u in units]
    cs, rows = service.criteria_of(subs[0])
    return {"campaign": campaign, "units": units, "officers": officers, "subs": subs, "cs": cs, "rows": rows,
            "secretary": make.user("secretary")}


def _form(client, sub_id: int) -> tuple[str, dict]:
    html = client.get(f"/submissions/{sub_id}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    return html, {"csrf_token": csrf_from(html), "version": version}


def test_officer_starts_fills_and_saves(client, world, login):
    login(world["officers"][0])
    start = client.get(f"/campaigns/{world['campaign'].id}/self-assessment")
    assert start.status_code == 302 and start.headers["Location"].endswith(f"/submissions/{world['subs'][0].id}")
    html, data = _form(client, world["subs"][0].id)
    code = world["cs"].criteria[0].code
    assert f'name="value-{code}"' in html and "Lưu nháp" in html
    data.update({f"value-{code}": "4,5", f"explain-{code}": "Đã ban hành quy chế", "action": "save"})
    response = client.post(f"/submissions/{world['subs'][0].id}", data=data)
    assert response.status_code == 302
    assert SelfScore.get().value == 4.5
    assert "Đã lưu nháp." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_bad_value_is_answered_in_vietnamese_and_the_draft_is_kept(client, world, login):
    login(world["officers"][0])
    _html, data = _form(client, world["subs"][0].id)
    first, second = world["cs"].criteria[:2]
    data.update({f"value-{first.code}": "3", f"value-{second.code}": "2,3", f"explain-{second.code}": "Giải trình dài",
                 "action": "save"})
    response = client.post(f"/submissions/{world['subs'][0].id}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"Tiêu chí {second.code}" in page and "bội số" in page
    assert 'value="2,3"' in page and "Giải trình dài" in page and 'value="3"' in page
    assert SelfScore.select().count() == 0


def test_stale_form_from_a_second_tab_gets_409_with_the_changes(app, world, login):
    tab_a, tab_b = app.test_client(), app.test_client()
    for tab in (tab_a, tab_b):
        login(world["officers"][0], c=tab)
    sub_id = world["subs"][0].id
    code = world["cs"].criteria[0].code
    _h, form_a = _form(tab_a, sub_id)
    _h, form_b = _form(tab_b, sub_id)
    assert tab_a.post(f"/submissions/{sub_id}", data=dict(form_a, **{f"value-{code}": "4", "action": "save"})).status_code == 302
    response = tab_b.post(f"/submissions/{sub_id}", data=dict(form_b, **{f"value-{code}": "2", "action": "save"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Hồ sơ đã được lưu ở nơi khác" in page and 'value="2"' in page  # the user's draft is still there
    assert re.search(rf'href="#c-{re.escape(code)}">{re.escape(code)}</a></td><td>4', page)
    assert SelfScore.get().value == 4
    # a deliberate second save (the form now carries the current version) keeps the user's version
    again = re.search(r'name="version" value="(\d+)"', page).group(1)
    ok = tab_b.post(f"/submissions/{sub_id}", data=dict(form_b, version=again, **{f"value-{code}": "2",
                                                                                   "action": "save"}))
    assert ok.status_code == 302 and SelfScore.get().value == 2


def test_after_the_deadline_even_a_replayed_form_is_refused(client, world, login):
    login(world["officers"][0])
    _html, data = _form(client, world["subs"][0].id)
    code = world["cs"].criteria[0].code
    clock.frozen = world["campaign"].submission_closes + dt.timedelta(minutes=1)
    LoginSession.update(last_seen_at=clock.frozen).execute()  # the officer stayed active in the tab
    response = client.post(f"/submissions/{world['subs'][0].id}",
                           data=dict(data, **{f"value-{code}": "4", "action": "save"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Đã hết thời hạn nộp hồ sơ" in page and 'value="4"' in page
    assert SelfScore.select().count() == 0
    assert "Lưu nháp" not in client.get(f"/submissions/{world['subs'][0].id}").get_data(as_text=True)


def test_upload_with_save_and_download_with_the_vietnamese_name(client, world, login):
    login(world["officers"][0])
    sub_id = world["subs"][0].id
    _html, data = _form(client, sub_id)
    code = world["cs"].criteria[0].code
    data.update({"action": "save", f"files-{code}": (io.BytesIO(PDF), "Quyết định số 12.pdf")})
    assert client.post(f"/submissions/{sub_id}", data=data, content_type="multipart/form-data").status_code == 302
    evidence = Evidence.get()
    assert evidence.original_name == "Quyết định số 12.pdf" and evidence.content_type == "application/pdf"
    download = client.get(f"/evidence/{evidence.id}")
    assert download.data == PDF
    assert "filename*=UTF-8''Quy%E1%BA%BFt" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    download.close()
    preview = client.get(f"/evidence/{evidence.id}/preview")
    assert preview.headers["Content-Disposition"].startswith("inline")
    csp = preview.headers["Content-Security-Policy"]  # the PDF viewer cannot run sandboxed; nothing else may
    assert "default-src 'none'" in csp and "script-src" not in csp
    preview.close()


def test_hostile_upload_is_refused_by_name_and_the_values_still_save(client, world, login):
    login(world["officers"][0])
    sub_id = world["subs"][0].id
    _html, data = _form(client, sub_id)
    code = world["cs"].criteria[0].code
    data.update({"action": "save", f"value-{code}": "4",
                 f"files-{code}": (io.BytesIO(b"<html><script>alert(1)</script></html>"), "bao-cao.pdf")})
    response = client.post(f"/submissions/{sub_id}", data=data, content_type="multipart/form-data",
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "bao-cao.pdf" in page and Evidence.select().count() == 0
    assert SelfScore.get().value == 4


def test_oversized_request_gets_a_friendly_413(app, client, world, login):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    login(world["officers"][0])
    _html, data = _form(client, world["subs"][0].id)
    data.update({"action": "save", f"files-{world['cs'].criteria[0].code}": (io.BytesIO(b"x" * 4096), "lon.pdf")})
    response = client.post(f"/submissions/{world['subs'][0].id}", data=data, content_type="multipart/form-data")
    assert response.status_code == 413 and "Tệp quá lớn" in response.get_data(as_text=True)


def test_officer_of_unit_a_gets_404_for_everything_of_unit_b(client, world, login):
    other = world["subs"][1]
    e = Evidence.create(submission=other, criterion=None, sha256="a" * 64, original_name="b.pdf", size=3,
                        content_type="application/pdf", uploaded_by=world["officers"][1])
    login(world["officers"][0])
    token = csrf_from(client.get(f"/submissions/{world['subs'][0].id}").get_data(as_text=True))
    assert client.get(f"/submissions/{other.id}").status_code == 404
    assert client.post(f"/submissions/{other.id}", data={"csrf_token": token, "version": 1}).status_code == 404
    assert client.get(f"/evidence/{e.id}").status_code == 404
    assert client.get(f"/evidence/{e.id}/preview").status_code == 404
    assert client.post(f"/evidence/{e.id}/delete", data={"csrf_token": token}).status_code == 404
    assert client.get(f"/campaigns/{world['campaign'].id}/self-assessment?unit={world['units'][1].id}").status_code == 404
    assert client.post(f"/submissions/{other.id}/return", data={"csrf_token": token}).status_code == 403
    assert Evidence.select().count() == 1


def test_secretary_lists_returns_and_the_officer_sees_the_reason(app, world, login, make):
    sub = world["subs"][0]
    Submission.update(state="submitted", version=5).where(Submission.id == sub.id).execute()
    secretary = app.test_client()
    login(world["secretary"], c=secretary)
    listing = secretary.get(f"/campaigns/{world['campaign'].id}/submissions").get_data(as_text=True)
    assert world["units"][0].name in listing and "Đã nộp" in listing
    html = secretary.get(f"/submissions/{sub.id}").get_data(as_text=True)
    assert "Trả lại hồ sơ" in html
    code = world["cs"].criteria[0].code
    response = secretary.post(f"/submissions/{sub.id}/return", data={
        "csrf_token": csrf_from(html), "version": 5, f"reason-{code}": "Bổ sung quyết định ban hành quy chế"})
    assert response.status_code == 302
    officer = app.test_client()
    login(world["officers"][0], c=officer)
    page = officer.get(f"/submissions/{sub.id}").get_data(as_text=True)
    assert "Bổ sung quyết định ban hành quy chế" in page and "Bị trả lại" in page and "Lưu nháp" in page
    home = officer.get("/unit").get_data(as_text=True)
    assert "lý do trả lại cần xử lý" in home
