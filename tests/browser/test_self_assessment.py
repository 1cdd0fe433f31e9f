"""A unit officer's self-assessment in a real Chromium: typing with live totals, saving,
what is missing before submitting, evidence uploads, submitting; a returned submission;
nominating a staff member."""
from __future__ import annotations

import re

import pytest

from emulation.services.demo import CAMPAIGN_TITLE, DEMO_PASSWORD
from tests.browser.conftest import shot
from tests.browser.test_login import _log_in, _unexpected

expect = pytest.importorskip("playwright.sync_api").expect

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SUBMISSION_URL = r"/submissions/\d+$"
RETURN_REASONS = {  # seeded by emulation/services/demo_submissions.py for Hạ Đình
    "I.1": "Kế hoạch triển khai chưa có chữ ký, đóng dấu; đề nghị bổ sung bản scan có dấu.",
    "I.2": "Ảnh chụp bảng niêm yết Quy tắc ứng xử bị mờ, không đọc được nội dung.",
}


@pytest.fixture
def kim_giang_officer(live_server) -> str:
    """An officer login for Phường Kim Giang, which the demo leaves without a submission."""
    from emulation.database import connected
    from emulation.models import Unit
    from emulation.services import accounts

    with connected():
        user = accounts.create_user(None, username="kimgiang", full_name="Ngô Thị Hạnh", password=DEMO_PASSWORD)
        accounts.grant_role(None, user, "officer", unit=Unit.get(Unit.code == "KGI"))
    return "kimgiang"


def _criterion(page, code: str):
    return page.locator(f'[id="c-{code}"]')


def _value(page, code: str):
    return page.locator(f'input[name="value-{code}"]')


def test_officer_fills_saves_uploads_and_submits(live_server, page, console_errors, kim_giang_officer,
                                                 tmp_path):
    _log_in(page, live_server, kim_giang_officer)
    expect(page).to_have_url(f"{live_server}/unit")
    expect(page.get_by_role("heading", level=1)).to_have_text("Phường Kim Giang")
    expect(page.get_by_text("Đơn vị chưa bắt đầu tự đánh giá.")).to_be_visible()
    page.get_by_role("link", name="Bắt đầu tự đánh giá").click()
    expect(page).to_have_url(re.compile(re.escape(live_server) + SUBMISSION_URL))
    form_url = page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text("Phường Kim Giang")
    expect(page.locator(".card-head .pill")).to_have_text("Bản nháp")
    subtotal_i, subtotal_ii, total = (page.locator('[data-subtotal="I"]'), page.locator('[data-subtotal="II"]'),
                                      page.locator("#total"))
    expect(total).to_have_text("0")

    # Live sums as the officer types, with the Vietnamese decimal comma – no reload.
    _value(page, "I.1").press_sequentially("4,5")
    expect(subtotal_i).to_have_text("4,5")
    expect(total).to_have_text("4,5")
    _value(page, "I.2").press_sequentially("5")
    expect(subtotal_i).to_have_text("9,5")
    _value(page, "II.1").press_sequentially("3")
    expect(subtotal_ii).to_have_text("3")
    expect(total).to_have_text("12,5")
    page.locator('textarea[name="explain-I.1"]').fill("Đã ban hành Kế hoạch số 15/KH-UBND ngày 10/01/2026.")
    off_step = _value(page, "I.3")
    off_step.press_sequentially("4,3")  # the step is 0,5
    expect(off_step).to_have_class(re.compile(r"\binvalid\b"))
    expect(off_step).to_have_attribute("aria-invalid", "true")
    expect(subtotal_i).to_have_text("9,5")  # an invalid value is not counted
    expect(page.locator("#filled")).to_have_text(re.compile(r"^3/\d+$"))
    off_step.scroll_into_view_if_needed()
    shot(page, "self-assessment-form")
    off_step.fill("4")
    expect(off_step).not_to_have_class(re.compile(r"\binvalid\b"))
    expect(subtotal_i).to_have_text("13,5")
    expect(total).to_have_text("16,5")

    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_role("status")).to_have_text("Đã lưu nháp.")
    page.reload()
    for code, typed in {"I.1": "4,5", "I.2": "5", "I.3": "4", "II.1": "3"}.items():
        expect(_value(page, code)).to_have_value(typed)
    expect(page.locator('textarea[name="explain-I.1"]')).to_contain_text("Kế hoạch số 15/KH-UBND")
    expect(total).to_have_text("16,5")

    # Submitting too early: the draft is kept and every missing item links to its criterion.
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("alert").filter(has_text="chưa nộp được")).to_contain_text("mục cần bổ sung")
    problems = page.locator(".problems", has_text="Còn thiếu trước khi nộp")
    expect(problems).to_be_visible()
    count = int(re.search(r"còn (\d+) mục", page.get_by_role("alert").filter(has_text="chưa nộp được")
                          .inner_text()).group(1))
    expect(problems.locator("li")).to_have_count(count)  # every missing item, several per criterion
    items = problems.locator("li a")
    expect(items.first).to_have_text(re.compile(r"^Tiêu chí I\.1: cần ít nhất một tệp minh chứng"))
    missing_value = problems.get_by_role("link", name="Tiêu chí III.1: chưa tự chấm điểm.")
    expect(missing_value).to_have_attribute("href", "#c-III.1")
    for i in range(items.count()):
        code = re.match(r"Tiêu chí (\S+):", items.nth(i).inner_text()).group(1)
        expect(items.nth(i)).to_have_attribute("href", f"#c-{code}")
        expect(_criterion(page, code)).to_have_count(1)
    expect(_criterion(page, "III.1")).to_have_class(re.compile(r"\bhas-error\b"))
    shot(page, "self-assessment-missing")
    missing_value.click()
    expect(page).to_have_url(re.compile(r"#c-III\.1$"))
    expect(_criterion(page, "III.1")).to_be_in_viewport()

    # Everything filled: maximum for scores and bonuses, 0 for penalties; evidence where required.
    inputs = page.locator("input[data-kind]")
    for i in range(inputs.count()):
        box = inputs.nth(i)
        kind, most = box.get_attribute("data-kind"), box.get_attribute("data-max")
        box.fill("0" if kind == "penalty" else most.replace(".", ","))
    expect(page.locator("input.invalid")).to_have_count(0)
    evidence = tmp_path / "Kế hoạch thực hiện văn hóa công sở.pdf"
    evidence.write_bytes(PDF)
    hostile = tmp_path / "bao-cao.pdf"
    hostile.write_bytes(b"<html><body><script>alert(1)</script></body></html>")
    required = page.locator(".criterion", has_text="Bắt buộc minh chứng")
    assert required.count() > 0
    for i in range(required.count()):
        required.nth(i).locator('input[type="file"]').set_input_files(evidence)
    _criterion(page, "II.1").locator('input[name="files-II.1"]').set_input_files(hostile)
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_role("status")).to_have_text("Đã lưu nháp.")
    refused = page.get_by_role("alert")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("bao-cao.pdf")
    expect(page.locator(".evidence .files li")).to_have_count(required.count())
    expect(_criterion(page, "II.1").locator(".files li")).to_have_count(0)

    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page).to_have_url(re.compile(re.escape(form_url) + r"(#c-III\.1)?$"))  # the anchor clicked above
    expect(page.get_by_role("status")).to_contain_text("Đã nộp hồ sơ tự đánh giá")
    expect(page.locator(".card-head .pill")).to_have_text("Đã nộp")
    expect(page.get_by_role("button", name="Lưu nháp")).to_have_count(0)
    expect(page.get_by_role("button", name="Nộp hồ sơ")).to_have_count(0)
    expect(_value(page, "I.1")).to_have_attribute("readonly", "")
    expect(page.locator('input[type="file"]')).to_have_count(0)
    expect(total).to_have_text("105")
    shot(page, "self-assessment-submitted")

    page.goto(f"{live_server}/unit")
    card = _card(page)
    expect(card.locator(".pill.state-submitted")).to_have_text("Đã nộp")
    counts = card.locator(".progress-table td.num")
    expect(counts).to_have_count(5)
    for i in range(5):
        done, needed = counts.nth(i).inner_text().split("/")
        assert done == needed, counts.nth(i).inner_text()
    expect(card.get_by_role("link", name="Xem hồ sơ")).to_be_visible()
    shot(page, "unit-home")
    assert _unexpected(console_errors, 422) == []


def _card(page):
    """The unit home's card of the demo's open campaign (the unit takes part in others too)."""
    return page.locator(".campaign-card", has_text=CAMPAIGN_TITLE)


def test_returned_submission_shows_the_secretarys_reasons(live_server, page, console_errors):
    _log_in(page, live_server, "hadinh")
    expect(page).to_have_url(f"{live_server}/unit")
    card = _card(page)
    expect(card.locator(".pill.state-returned")).to_have_text("Bị trả lại – cần sửa")
    expect(card.locator(".warn")).to_have_text(f"{len(RETURN_REASONS)} lý do trả lại cần xử lý")
    expect(card.locator(".return-reasons li")).to_have_count(len(RETURN_REASONS))
    for reason in RETURN_REASONS.values():
        expect(card.locator(".return-reasons")).to_contain_text(reason)
    card.get_by_role("link", name="Tiếp tục tự đánh giá").click()
    expect(page).to_have_url(re.compile(re.escape(live_server) + SUBMISSION_URL))
    expect(page.locator(".card-head .pill")).to_have_text("Bị trả lại – cần sửa")
    summary = page.get_by_role("alert").filter(has_text="Thư ký hội đồng trả lại hồ sơ để bổ sung")
    for code, reason in RETURN_REASONS.items():
        expect(summary.get_by_role("link", name=code, exact=True)).to_have_attribute("href", f"#c-{code}")
        expect(summary).to_contain_text(reason)
        criterion = _criterion(page, code)
        expect(criterion).to_have_class(re.compile(r"\breturned\b"))
        expect(criterion.locator(".return-note")).to_contain_text(reason)
    expect(page.locator(".return-note")).to_have_count(len(RETURN_REASONS))
    expect(page.get_by_role("button", name="Lưu nháp")).to_be_visible()  # editable again
    shot(page, "self-assessment-returned")
    assert _unexpected(console_errors) == []


def test_officer_nominates_a_staff_member(live_server, page, console_errors):
    _log_in(page, live_server, "txbac")
    expect(page).to_have_url(f"{live_server}/unit")
    nominated = _card(page).locator("ul.plain li", has_text="Lê Trà My")
    expect(nominated.locator(".pill")).to_have_text("Đã nộp")
    _card(page).get_by_role("link", name="Đề nghị cá nhân", exact=True).click()
    expect(page).to_have_url(re.compile(r"/campaigns/\d+/nominations/new\?unit=\d+$"))
    expect(page.get_by_text("đã đề nghị 2 / 3 cá nhân")).to_be_visible()
    page.get_by_label("Cán bộ được đề nghị").select_option(
        label="Nguyễn Văn Hùng – Chủ tịch UBND phường Thanh Xuân Bắc")
    page.get_by_label("Chức vụ").fill("Chủ tịch UBND phường Thanh Xuân Bắc")
    page.get_by_label("Tóm tắt thành tích").fill(
        "Trực tiếp đối thoại với người dân mỗi tháng; chỉ đạo giải quyết 100% hồ sơ thủ tục hành chính "
        "đúng hạn; được Quận ủy Thanh Xuân biểu dương năm 2025.")
    page.get_by_role("button", name="Tạo đề nghị").click()
    expect(page).to_have_url(re.compile(re.escape(live_server) + SUBMISSION_URL))
    expect(page.get_by_role("status")).to_contain_text("Đã tạo đề nghị")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nguyễn Văn Hùng")
    expect(page.locator("section.nomination h2")).to_contain_text("Nguyễn Văn Hùng")
    expect(page.get_by_role("heading", name="I. Ba không")).to_be_visible()
    expect(page.locator(".card-head .pill")).to_have_text("Bản nháp")
    expect(page.get_by_role("button", name="Nộp hồ sơ")).to_be_visible()
    shot(page, "nomination-form")

    page.goto(f"{live_server}/unit")
    expect(_card(page).locator("ul.plain li", has_text="Nguyễn Văn Hùng").locator(".pill")) \
        .to_have_text("Bản nháp")
    assert _unexpected(console_errors) == []
