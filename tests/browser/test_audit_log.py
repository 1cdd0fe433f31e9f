"""The committee reads a reviewer's change in the audit log, in a real Chromium: the action and
the object in Vietnamese, old → new one line per field written the Vietnamese way, the
object's history one click away, and the filters.

The demo's "Chính quyền thân thiện" campaign is in its review window; ``chamcheo`` has a
review in progress there (emulation/services/demo_reviews.py).
"""
from __future__ import annotations

import re

import pytest

from emulation.services.demo_reviews import TITLE
from tests.browser.conftest import shot
from tests.browser.test_login import _log_in, _unexpected

expect = pytest.importorskip("playwright.sync_api").expect

COMMENT = "Đã xem lại <b>minh chứng</b> tại buổi chấm"


def _change_a_review(page, base: str) -> None:
    """As ``chamcheo``: open the review in progress, score I.1 3,5 with a comment, save, log out."""
    _log_in(page, base, "chamcheo")
    page.goto(f"{base}/review/queue")
    rows = page.locator("section.queue", has=page.get_by_role("heading", name=TITLE)).locator("tbody tr")
    rows.filter(has_text="Đang chấm").first.get_by_role("link").click()
    criterion = page.locator('[id="c-I.1"]')
    criterion.locator('input[name="value-I.1"]').fill("3,5")
    criterion.get_by_label("Nhận xét").fill(COMMENT)
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Đã lưu phiếu chấm.")
    page.get_by_role("button", name="Đăng xuất").click()


def test_the_committee_reads_a_review_change_and_its_history(live_server, page, console_errors):
    _change_a_review(page, live_server)
    _log_in(page, live_server, "btdkt")
    page.get_by_role("link", name="Nhật ký").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhật ký thay đổi")
    row = page.locator("table.audit tbody tr", has_text="review.save").first     # a draft's save
    expect(row).to_contain_text("Lưu phiếu chấm (nháp)")
    expect(row).to_contain_text("Hoàng Thị Mai")
    lines = row.locator("ul.changes li")
    # (a criterion not scored yet shows its new value alone)
    expect(lines.filter(has_text="Điểm")).to_have_text(re.compile(r"^I\.1 · Điểm: ([\d,]+ → )?3,5$"))
    expect(lines.filter(has_text="Nhận xét")).to_have_text(
        re.compile(r"^I\.1 · Nhận xét: (\(trống\) → )?" + re.escape(COMMENT) + "$"))
    expect(row.locator("ul.changes b")).to_have_count(0)        # the comment's markup is text
    expect(row.locator("details.raw")).not_to_have_attribute("open", "")

    # The object's history: every event of that review, oldest last.
    row.get_by_role("link", name=re.compile(r"^Phiếu chấm #\d+$")).click()
    expect(page).to_have_url(re.compile(r"object_type=Review&object_id=\d+"))
    expect(page.locator("select[name=object_type]")).to_have_value("Review")
    history = page.locator("table.audit tbody tr")
    expect(history.first).to_contain_text("Lưu phiếu chấm (nháp)")
    expect(history.first).to_contain_text(COMMENT)
    expect(page.locator("table.audit tbody")).not_to_contain_text("Đăng nhập")
    shot(page, "audit-log")

    # Filtered by action, then a day typed wrongly: a message, the rest of the filter kept.
    page.get_by_role("link", name="Bỏ lọc").click()
    page.locator("select[name=action]").select_option(label="Lưu phiếu chấm (nháp)")
    page.get_by_role("button", name="Lọc").click()
    saves = page.locator("table.audit tbody tr")
    expect(saves.first).to_contain_text(COMMENT)
    assert saves.count() == saves.filter(has_text="review.save").count()
    shown = saves.count()
    page.goto(f"{live_server}/admin/audit?action=review.save&date_from=31/02/2026")    # typed in the address
    expect(page.get_by_role("alert")).to_contain_text("Ngày «31/02/2026» không hợp lệ")
    expect(page.locator("table.audit tbody tr")).to_have_count(shown)
    assert _unexpected(console_errors) == []
