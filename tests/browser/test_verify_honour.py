"""The public pages in a real Chromium: certificate verification on a phone (390×844, as a
QR code opens it) and the hall of honour on a desktop. No login, no CSP violation, no
horizontal scrolling on the phone."""
from __future__ import annotations

import datetime as dt

import pytest

from emulation.database import db
from emulation.models import Certificate, Decision
from emulation.services.demo_council import DECISION_NUMBER, SLUG
from tests.browser.conftest import TIMEOUT_MS, shot
from tests.web.verify_helpers import issue_all

expect = pytest.importorskip("playwright.sync_api").expect
TRA_MY = "Bà Lê Trà My"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


def _issue() -> dict[str, Certificate]:
    with db.connection_context():
        issued = issue_all(Decision.get(Decision.number == DECISION_NUMBER))
        lang_ha = issued["Phường Láng Hạ"]
        Certificate.update(revoked_at=dt.datetime(2026, 3, 4, 2, 0),
                           revoke_reason="Quyết định số 77/QĐ-UBND ngày 03/3/2026 hủy bỏ khen thưởng do kê khai "
                                         "thành tích không trung thực").where(Certificate.id == lang_ha.id).execute()
        return issued


@pytest.fixture
def phone(browser, console_errors):
    context = browser.new_context(**PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: console_errors.append(str(exc)))
    try:
        yield page
    finally:
        context.close()


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_verify_on_a_phone(live_server, phone, console_errors):
    issued = _issue()
    phone.goto(f"{live_server}/verify/{issued[TRA_MY].verify_code}")
    card = phone.locator(".verify-card")
    expect(card).to_contain_text("Hợp lệ")
    expect(card).to_contain_text(TRA_MY)
    expect(card).to_contain_text(DECISION_NUMBER)
    size = phone.locator(".recipient").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 22
    _fits(phone)
    shot(phone, "verify-mobile")

    phone.goto(f"{live_server}/verify/{issued['Phường Láng Hạ'].verify_code}")
    expect(phone.locator(".revocation")).to_contain_text("Đã thu hồi ngày 04/03/2026")
    _fits(phone)
    shot(phone, "verify-revoked-mobile")

    phone.get_by_label("Mã xác minh").fill("khong-co-ma-nay-0123456789")
    phone.get_by_role("button", name="Tra cứu").click()
    expect(phone.locator(".verify-card")).to_contain_text("Không tìm thấy bằng khen/giấy khen với mã này")
    _fits(phone)
    shot(phone, "verify-unknown-mobile")
    assert console_errors == []


def test_hall_of_honour_on_a_desktop(live_server, page, console_errors):
    _issue()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/honour")
    page.get_by_role("link", name="Xem danh sách").first.click()
    expect(page).to_have_url(f"{live_server}/honour/{SLUG}")
    expect(page.locator("#people")).to_contain_text(TRA_MY)
    expect(page.locator("#collectives")).not_to_contain_text("Phường Láng Hạ")     # its certificate is revoked
    shot(page, "honour")
    page.get_by_label("Tìm theo tên", exact=False).fill("le tra my")
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(page.locator(".honoree")).to_have_count(1)
    expect(page.locator(".honoree")).to_contain_text(TRA_MY)
    assert console_errors == []
