"""Revoking a certificate (thu hồi, Luật Thi đua, khen thưởng 2022, chương VII): the committee
only, a written reason, once, audited; the certificate then verifies as revoked."""
from __future__ import annotations

import datetime as dt

import pytest

from emulation.clock import clock
from emulation.models import AuditEvent, Certificate, User
from emulation.services import ServiceError, verification
from emulation.services.demo import DEMO_PASSWORD
from tests.helpers import post
from tests.web.verify_helpers import committee, demo_certificates

TRA_MY = "Bà Lê Trà My"
REASON = "Quyết định số 77/QĐ-UBND ngày 02/3/2026 hủy bỏ quyết định khen thưởng do kê khai không trung thực"


@pytest.fixture
def cert(app):
    return demo_certificates()[TRA_MY]


def _url(cert: Certificate) -> str:
    return f"/certificates/{cert.id}/revoke"


def _events(cert: Certificate) -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.action == "certificate.revoke",
                                          AuditEvent.object_id == cert.id))


def test_committee_sees_the_certificate_and_the_form(cert, client, login):
    login(committee(), DEMO_PASSWORD)
    response = client.get(_url(cert))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert TRA_MY in html and cert.decision.number in html and "Bằng khen của Chủ tịch UBND Thành phố" in html
    assert 'name="reason"' in html and 'name="csrf_token"' in html and "Xác nhận thu hồi" in html


@pytest.mark.parametrize("username", ["thuky", "txbac", "hadinh", "hoidong", "chamcheo"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_only_the_committee_may_revoke(cert, client, login, username, method):
    login(User.get(User.username == username), DEMO_PASSWORD)
    if method == "GET":
        response = client.get(_url(cert))
    else:
        response = post(client, _url(cert), {"reason": REASON}, page="/account/password")
    assert response.status_code == 403
    assert Certificate.get_by_id(cert.id).revoked_at is None


def test_anonymous_is_sent_to_login(cert, client):
    response = client.get(_url(cert))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("reason", ["", "   ", "vi phạm", "x" * 19, "  " + "x" * 19 + "   "])
def test_short_reason_is_refused_and_the_draft_kept(cert, client, login, reason):
    login(committee(), DEMO_PASSWORD)
    response = post(client, _url(cert), {"reason": reason})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    if reason.strip():
        assert "ít nhất 20 ký tự" in html
        assert f"\n{reason}</textarea>" in html          # the typed draft, as typed
    assert Certificate.get_by_id(cert.id).revoked_at is None and not _events(cert)


def test_revocation_is_recorded_audited_and_shown_on_the_verify_page(cert, client, login):
    clock.frozen = dt.datetime(2026, 3, 4, 18, 30)               # 01:30 on 5 March in Hà Nội
    login(committee(), DEMO_PASSWORD)
    response = post(client, _url(cert), {"reason": f"  {REASON}  "})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/decisions/{cert.decision_id}/certificates") \
        or response.headers["Location"].endswith(f"/verify/{cert.verify_code}")
    row = Certificate.get_by_id(cert.id)
    assert row.revoked_at == clock.frozen and row.revoke_reason == REASON
    (event,) = _events(cert)
    assert event.actor_id == committee().id and REASON in event.new and '"revoked_at": null' in event.old

    html = client.get(f"/verify/{cert.verify_code}").get_data(as_text=True)
    assert "Đã thu hồi ngày 05/03/2026" in html and REASON in html and TRA_MY in html
    page = client.get(_url(cert)).get_data(as_text=True)
    assert "Đã thu hồi" in page and 'name="reason"' not in page


def test_double_revocation_is_refused(cert, client, login):
    login(committee(), DEMO_PASSWORD)
    assert post(client, _url(cert), {"reason": REASON}).status_code == 302
    again = post(client, _url(cert), {"reason": REASON + " (lần hai)"}, page=f"/verify/{cert.verify_code}")
    assert again.status_code == 409
    assert "đã bị thu hồi từ trước" in again.get_data(as_text=True)
    assert Certificate.get_by_id(cert.id).revoke_reason == REASON and len(_events(cert)) == 1


@pytest.mark.parametrize("actor, reason, message", [
    ("btdkt", "ngắn quá", "ít nhất 20 ký tự"),
    ("thuky", REASON, "Chỉ Ban Thi đua – Khen thưởng"),
])
def test_service_refusals(cert, actor, reason, message):
    with pytest.raises(ServiceError) as refused:
        verification.revoke(User.get(User.username == actor), cert, reason)
    assert message in refused.value.message
    assert Certificate.get_by_id(cert.id).revoked_at is None


def test_service_revokes_once(cert):
    at = dt.datetime(2026, 3, 1, 9, 0)
    revoked = verification.revoke(committee(), cert, REASON, now=at)
    assert revoked.revoked_at == at
    with pytest.raises(verification.AlreadyRevoked) as refused:
        verification.revoke(committee(), cert, REASON, now=at + dt.timedelta(hours=1))
    assert refused.value.status == 409
    assert verification.verify(cert.verify_code).state == "revoked"
    assert verification.verify(cert.verify_code).revoked_at == at


def test_unknown_certificate_is_404(app, client, login):
    demo_certificates()
    login(committee(), DEMO_PASSWORD)
    assert client.get("/certificates/999999/revoke").status_code == 404
