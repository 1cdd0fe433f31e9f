"""The council secretary in a real Chromium: the review progress board of the demo campaign in its
review window (progress bars, flags, calibration, the score chart, the reminder list copied), then
the paper-score import refusing a wrong sheet row by row and accepting the corrected one.
"""
from __future__ import annotations

import pytest
from openpyxl import load_workbook

from emulation.services.demo_reviews import TITLE
from tests.browser.conftest import shot
from tests.browser.test_login import _log_in, _unexpected

expect = pytest.importorskip("playwright.sync_api").expect


def _open_board(page, base: str) -> None:
    _log_in(page, base, "thuky")
    section = page.locator("section.card", has=page.get_by_role("heading", name="Tiến độ chấm điểm"))
    section.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tiến độ chấm điểm")


def test_progress_board_shows_flags_chart_and_copies_reminders(live_server, page, console_errors):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    _open_board(page, live_server)
    expect(page.get_by_text(TITLE).first).to_be_visible()
    expect(page.get_by_role("progressbar").first).to_be_visible()
    expect(page.get_by_text("Chênh lệch điểm giữa người chấm").first).to_be_visible()
    expect(page.get_by_text("Tự chấm cao hơn kết quả").first).to_be_visible()
    expect(page.locator("svg circle").first).to_be_attached()
    expect(page.get_by_role("heading", name="Hiệu chỉnh người chấm")).to_be_visible()
    reminders = page.locator("textarea#reminders")
    expect(reminders).to_contain_text("Kính gửi")
    page.get_by_role("button", name="Sao chép").click()
    expect(page.locator('[data-copy-status="reminders"]')).to_have_text("Đã sao chép.")
    shot(page, "progress-board")
    assert _unexpected(console_errors) == []


def test_paper_scores_refused_row_by_row_then_imported(live_server, page, console_errors, tmp_path):
    _open_board(page, live_server)
    campaign_url = page.url.rsplit("/progress", 1)[0]
    page.goto(f"{campaign_url}/assignments")
    page.get_by_role("link", name="Nhập điểm chấm trên giấy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhập điểm chấm từ bảng tính")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải bảng tính chấm điểm").click()
    downloaded = tmp_path / download.value.suggested_filename
    download.value.save_as(downloaded)
    assert downloaded.name.startswith("phieu-cham-")
    book = load_workbook(downloaded)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    value, own, unit = header.index("Điểm chấm") + 1, header.index("Điểm tự chấm") + 1, header.index("Mã đơn vị") + 1
    blank = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, value).value is None]
    assert blank, "the demo leaves reviews to score"
    for r in blank:
        sheet.cell(r, value).value = sheet.cell(r, own).value
    sheet.cell(blank[0], value).value = 99                 # over any criterion's maximum
    unit_code = sheet.cell(blank[1], unit).value
    sheet.cell(blank[1], unit).value = "KHONG-CO"         # no such unit
    wrong = tmp_path / "phieu-cham-sai.xlsx"
    book.save(wrong)
    page.get_by_label("Tệp .xlsx hoặc .csv").set_input_files(str(wrong))
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    expect(page.get_by_text("Chưa nhập: 2 dòng có lỗi")).to_be_visible()
    expect(page.get_by_text(f"Dòng {blank[0]} – cột «Điểm chấm»")).to_be_visible()
    expect(page.get_by_text(f"Dòng {blank[1]} – cột «Mã đơn vị»")).to_be_visible()
    shot(page, "score-import-errors")

    sheet.cell(blank[0], value).value = sheet.cell(blank[0], own).value
    sheet.cell(blank[1], unit).value = unit_code
    right = tmp_path / "phieu-cham.xlsx"
    book.save(right)
    page.get_by_label("Tệp .xlsx hoặc .csv").set_input_files(str(right))
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    expect(page.get_by_text("phiếu đủ mọi tiêu chí đã được nộp")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tiến độ chấm điểm")
    assert _unexpected(console_errors, 422) == []
