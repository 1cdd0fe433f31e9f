"""Public certificate verification (/verify/<code>, /verify?code=): the three states, malformed
codes, minimal data, private headers, escaping, and the per-address rate limit."""
from __future__ import annotations

import dataclasses
import datetime as dt
import secrets

import pytest
from playhouse.test_utils import count_queries

from emulation.clock import clock
from emulation.models import Certificate, RateWindow
from emulation.services import verification
from tests.web.verify_helpers import demo_certificates

TRA_MY = "Bà Lê Trà My"
NOT_FOUND = "Không tìm thấy bằng khen/giấy khen với mã này"
TOO_MANY = "Bạn tra cứu quá nhiều lần, vui lòng thử lại sau ít phút."


@pytest.fixture
def issued(app):
    return demo_certificates()


def _revoke(cert: Certificate, at: dt.datetime, reason: str) -> None:
    Certificate.update(revoked_at=at, revoke_reason=reason).where(Certificate.id == cert.id).execute()


def test_valid_certificate_shows_what_the_paper_shows(issued, client):
    cert = issued[TRA_MY]
    response = client.get(f"/verify/{cert.verify_code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Hợp lệ" in html and TRA_MY in html and "Bí thư Đoàn thanh niên phường Thanh Xuân Bắc" in html
    assert "Bằng khen của Chủ tịch UBND Thành phố" in html
    decision = cert.decision
    assert decision.number in html and decision.signed_on.strftime("%d/%m/%Y") in html
    assert decision.authority in html
    assert "Đã thu hồi" not in html and NOT_FOUND not in html
    assert "Xuất sắc" not in html and f">{cert.id}<" not in html     # no band, no internal id
    assert "/login" not in response.headers.get("Location", "")


def test_revoked_certificate_still_verifies_as_revoked_with_date_and_reason(issued, client):
    cert = issued["Phường Láng Hạ"]
    reason = "Quyết định số 99/QĐ-UBND hủy bỏ do kê khai thành tích không trung thực"
    _revoke(cert, dt.datetime(2026, 3, 4, 18, 30), reason)      # 01:30 on 5 March in Hà Nội
    html = client.get(f"/verify/{cert.verify_code}").get_data(as_text=True)
    assert "Đã thu hồi" in html and "Đã thu hồi ngày 05/03/2026" in html and reason in html
    assert "Phường Láng Hạ" in html and cert.decision.number in html and "Hợp lệ" not in html


@pytest.mark.parametrize("code", [
    "a" * 32,                                  # well formed, issued to no one
    secrets.token_urlsafe(24),
])
def test_unknown_code(issued, client, code):
    response = client.get(f"/verify/{code}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert NOT_FOUND in html and TRA_MY not in html


@pytest.mark.parametrize("tamper", [
    pytest.param(lambda c: c.swapcase(), id="other-case"),
    pytest.param(lambda c: c[:-1], id="one-short"),
    pytest.param(lambda c: c + "A", id="one-more"),
    pytest.param(lambda c: c[1:] + c[0], id="rotated"),
])
def test_codes_are_compared_exactly(issued, tamper):
    code = issued[TRA_MY].verify_code
    assert verification.verify(code).recipient == TRA_MY
    assert verification.verify(tamper(code)) is None


@pytest.mark.parametrize("code", [
    "", "abc", "a" * 21, "a" * 65, "a" * 31 + "!", "a" * 31 + "=", "a" * 31 + "+", "a" * 31 + "/",
    "á" * 32, "a" * 16 + " " + "a" * 15, "' OR 1=1 --aaaaaaaaaaaaaaaa", "<script>alert(1)</script>xxxxx",
])
def test_malformed_codes_are_unknown_without_a_query(app, code):
    with app.app_context(), count_queries() as counter:
        assert verification.verify(code) is None
    assert counter.count == 0


@pytest.mark.parametrize("path", ["/verify/abc", "/verify/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                                  "/verify?code=%3Cscript%3Ealert(1)%3C/script%3E"])
def test_malformed_codes_on_the_page(client, path):
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 404)
    assert "<script>alert(1)" not in html
    if response.status_code == 200:
        assert NOT_FOUND in html


def test_verification_is_a_frozen_minimal_record(issued):
    result = verification.verify(issued[TRA_MY].verify_code)
    assert {f.name for f in dataclasses.fields(result)} == {
        "state", "recipient", "detail", "title", "decision_number", "decision_date", "authority", "revoked_at",
        "reason"}
    assert result.state == "valid" and result.revoked_at is None and result.reason == ""
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.state = "revoked"  # type: ignore[misc]


def test_form_page_and_typed_code(issued, client):
    page = client.get("/verify")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="code"' in html and NOT_FOUND not in html
    code = issued[TRA_MY].verify_code
    spaced = " ".join([code[:10], code[10:20], code[20:]])      # as a person copies it from paper
    html = client.get("/verify", query_string={"code": f"  {spaced} "}).get_data(as_text=True)
    assert TRA_MY in html and "Hợp lệ" in html


@pytest.mark.parametrize("path", ["/verify", "/verify/" + "a" * 32, "/verify?code=abc"])
def test_private_headers(client, path):
    response = client.get(path)
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_hostile_names_are_escaped(issued, client):
    cert = issued[TRA_MY]
    Certificate.update(recipient_name="<script>alert(1)</script>",
                       recipient_detail='"><img src=x onerror=alert(2)>').where(Certificate.id == cert.id).execute()
    html = client.get(f"/verify/{cert.verify_code}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "<img src=x" not in html


def test_rate_limit_per_address_and_minute(app, client):
    clock.frozen = dt.datetime(2026, 5, 6, 10, 0, 15)
    for i in range(30):
        assert client.get(f"/verify/{'a' * 31}{i % 10}").status_code == 200, i
    refused = client.get("/verify/" + "b" * 32)
    assert refused.status_code == 429
    assert TOO_MANY in refused.get_data(as_text=True)
    assert refused.headers["Retry-After"] == "45"
    assert refused.headers["Cache-Control"] == "no-store"
    assert client.get("/verify?code=" + "b" * 32).status_code == 429           # the form counts too
    assert client.get("/verify").status_code == 200                            # the empty form does not
    other = app.test_client()
    assert other.get("/verify/" + "b" * 32, environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 200

    clock.frozen = dt.datetime(2026, 5, 6, 10, 1, 0)                           # a new minute
    assert client.get("/verify/" + "b" * 32).status_code == 200
    with app.app_context():
        assert {r.window_start for r in RateWindow.select()} == {dt.datetime(2026, 5, 6, 10, 1)}   # pruned


@pytest.mark.parametrize("hits, allowed", [(1, True), (30, True), (31, False), (45, False)])
def test_allow_lookup_counts_in_the_database(app, hits, allowed):
    now = dt.datetime(2026, 5, 6, 10, 0, 59)
    with app.app_context():
        results = [verification.allow_lookup("198.51.100.7", now) for _ in range(hits)]
        assert results[-1].allowed is allowed
        assert RateWindow.get().hits == hits
        if not allowed:
            assert results[-1].retry_after == 1
        assert verification.allow_lookup("198.51.100.8", now).allowed
