"""One whole campaign through the UI, in a real Chromium, with every role.

1. The committee uploads two criteria files, creates the campaign, sets its award rules and
   grants the reviewers their roles for it.
2. The officers of Thanh Xuân Bắc, Hạ Đình and Khương Đình self-assess with evidence,
   nominate one staff member each and submit both.
3. The review window opens (the platform clock moves on); the secretary assigns automatically.
4. Three peers (each unit's officer, never on their own unit) and the council member score.
5. The council window: Hạ Đình and Khương Đình tie at the boundary of the Bằng khen quota;
   the secretary resolves the tie for Khương Đình.
6. The committee publishes; Hạ Đình's officer objects; the secretary answers; once the
   publication window is over the committee drafts and approves the decision and issues
   the certificates.
7. A member of the public scans the QR code of Lê Trà My's certificate (decoded from the
   rendered PDF page) and opens it on a phone: valid.

Each stage leaves a screenshot in ``test-artifacts/screenshots/e2e-*.png``.
"""
from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest

from emulation.clock import clock
from emulation.database import db
from emulation.models import Certificate, Decision, Result, Submission
from tests.browser.conftest import shot
from tests.browser.test_council_decision import approve_decision
from tests.browser.test_login import _log_in, _unexpected
from tests.browser.whole_campaign_data import (COLLECTIVE_TOML, INDIVIDUAL_TOML, NOMINEES, OBJECTION, PDF, REVIEWERS,
                                               RULES, SELF_SCORES, SLUG, TITLE, UNITS)

expect = pytest.importorskip("playwright.sync_api").expect
zxingcpp = pytest.importorskip("zxingcpp")
DECISION = "3579/QĐ-UBND"
TIE_REASON = "Biên bản họp Hội đồng ngày 05/12: Khương Đình có mô hình «Cà phê doanh nhân» được nhân rộng."
ANSWER = "Hội đồng đã xem xét: hai đơn vị đồng điểm, Hội đồng chọn theo mô hình được nhân rộng."
VN = dt.timedelta(hours=7)


def _as(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    _log_in(page, base, username)
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def _local(moment: dt.datetime) -> str:
    return (moment + VN).strftime("%Y-%m-%dT%H:%M")


def _committee_prepares(page, base: str, t0: dt.datetime, tmp_path) -> int:
    _as(page, base, "btdkt")
    for name, text in (("e2e-tap-the-v1.toml", COLLECTIVE_TOML), ("e2e-ca-nhan-v1.toml", INDIVIDUAL_TOML)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        page.goto(f"{base}/criteria/")
        page.get_by_label("Tệp tiêu chí (.toml)").set_input_files(str(path))
        page.get_by_role("button", name="Kiểm tra và nhập").click()
        expect(page.get_by_text("Đã nhập bộ tiêu chí mới.")).to_be_visible()
    shot(page, "e2e-01-criteria")
    page.goto(f"{base}/campaigns/new")
    page.get_by_label("Tên phong trào").fill(TITLE)
    page.get_by_label("Mã phong trào (dùng trong địa chỉ trang)").fill(SLUG)
    for label, wanted in (("Bộ tiêu chí tập thể", "Tập thể thân thiện"), ("Bộ tiêu chí cá nhân (không bắt buộc)",
                                                                           "Cán bộ thân thiện")):
        select = page.get_by_label(label)
        select.select_option(value=select.locator("option", has_text=wanted).get_attribute("value"))
    for label, days in (("Mở nộp hồ sơ", -1), ("Hạn nộp hồ sơ", 3), ("Bắt đầu chấm", 4), ("Hạn chấm", 10),
                        ("Hội đồng bắt đầu xét", 11), ("Hội đồng kết thúc xét", 40)):
        page.get_by_label(label, exact=True).fill(_local(t0 + dt.timedelta(days=days)))
    page.get_by_label("Cơ quan ban hành").fill("Ủy ban nhân dân quận Thanh Xuân")
    page.get_by_label("Chức danh người tặng (in trên bằng khen)").fill("CHỦ TỊCH ỦY BAN NHÂN DÂN QUẬN THANH XUÂN")
    page.get_by_label("Chức danh người ký").fill("CHỦ TỊCH")
    page.get_by_label("Họ tên người ký").fill("Võ Đăng Dũng")
    page.get_by_role("button", name="Lưu phong trào").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    campaign_id = int(re.search(r"/campaigns/(\d+)", page.url).group(1))
    shot(page, "e2e-02-campaign")

    page.get_by_role("link", name="Hình thức khen thưởng").click()
    for rule in RULES:
        page.get_by_label("Tên hình thức khen thưởng (in trên bằng khen, giấy khen)").fill(rule["title"])
        page.get_by_label("Mẫu").select_option(label=rule["form"])
        page.get_by_label("Đối tượng").select_option(label=rule["target"])
        page.get_by_label("Xếp loại tối thiểu").select_option(label=rule["band"])
        page.get_by_label("Chỉ tiêu", exact=True).fill(rule["quota"])
        page.get_by_role("button", name="Lưu hình thức").click()
        expect(page.get_by_text(f"Đã lưu hình thức «{rule['title']}»")).to_be_visible()
    expect(page.locator("#rules tbody tr")).to_have_count(len(RULES))
    shot(page, "e2e-03-award-rules")

    for username, role in REVIEWERS:
        page.goto(f"{base}/users/")
        page.get_by_role("link", name=username, exact=True).click()
        page.get_by_label("Vai trò").select_option(label=role)
        page.get_by_label("Phong trào (cho người chấm)").select_option(label=TITLE)
        page.get_by_role("button", name="Gán vai trò").click()
        expect(page.get_by_text(f"{role} – {TITLE}")).to_be_visible()
    return campaign_id


def _fill(page, values: dict[str, str]) -> None:
    for code, value in values.items():
        page.locator(f'input[name="value-{code}"]').fill(value)


def _officer_submits(page, base: str, username: str, unit: str, tmp_path) -> None:
    _as(page, base, username)
    page.goto(f"{base}/unit")                     # also a peer of this campaign: home is the review queue
    card = page.locator(".campaign-card", has_text=TITLE)
    card.get_by_role("link", name="Bắt đầu tự đánh giá").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(unit)
    _fill(page, SELF_SCORES[unit])
    evidence = tmp_path / f"Kế hoạch tiếp dân thân thiện – {unit}.pdf"
    evidence.write_bytes(PDF)
    page.locator('input[name="files-I.1"]').set_input_files(str(evidence))
    page.locator('textarea[name="explain-I.1"]').fill(f"Kế hoạch số 12/KH-UBND của {unit}, niêm yết tại bộ phận một cửa.")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_role("status")).to_have_text("Đã lưu nháp.")
    expect(page.locator('[id="c-I.1"] .files li')).to_have_count(1)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("status")).to_contain_text("Đã nộp hồ sơ tự đánh giá")
    if unit == UNITS[0]:
        shot(page, "e2e-04-self-assessment")

    person, position, achievements, scores = NOMINEES[unit]
    page.goto(f"{base}/unit")
    page.locator(".campaign-card", has_text=TITLE).get_by_role("link", name="Đề nghị cá nhân", exact=True).click()
    page.get_by_label("Cán bộ được đề nghị").select_option(label=f"{person} – {position}")
    page.get_by_label("Chức vụ").fill(position)
    page.get_by_label("Tóm tắt thành tích").fill(achievements)
    page.get_by_role("button", name="Tạo đề nghị").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(person)
    _fill(page, scores)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("status")).to_contain_text("Đã nộp hồ sơ tự đánh giá")


def _review_all(page, base: str, username: str) -> int:
    """Score every assignment of the campaign as the unit did; the number scored."""
    _as(page, base, username)
    page.goto(f"{base}/review/queue")
    queue = page.locator("section.queue", has=page.get_by_role("heading", name=TITLE))
    links = [a.get_attribute("href") for a in queue.locator("tbody tr a").all()]
    for href in links:
        page.goto(base + href)
        for block in page.locator(".criterion").all():
            code = block.get_attribute("id").removeprefix("c-")
            own = re.search(r"Đơn vị tự chấm:\s*([\d,]+)", block.locator(".unit-side").inner_text()).group(1)
            block.locator(f'input[name="value-{code}"]').fill(own)
        page.get_by_role("button", name="Nộp phiếu chấm").click()
        expect(page.get_by_role("status")).to_have_text("Đã nộp phiếu chấm.")
    return len(links)


def test_a_whole_campaign_through_every_role(live_server, page, browser, console_errors, tmp_path):
    base = live_server
    t0 = clock.now()
    clock.frozen = t0
    try:
        campaign_id = _committee_prepares(page, base, t0, tmp_path)

        for username, unit in zip(("txbac", "hadinh", "chamcheo"), UNITS):
            _officer_submits(page, base, username, unit, tmp_path)

        clock.frozen = t0 + dt.timedelta(days=4, hours=1)             # the review window
        _as(page, base, "thuky")
        page.goto(f"{base}/campaigns/{campaign_id}/assignments")
        page.get_by_role("button", name="Phân công tự động").click()
        expect(page.get_by_text("Đã phân công tự động: 18 lượt chấm mới.")).to_be_visible()
        expect(page.get_by_text("Chưa phân công")).to_have_count(0)
        shot(page, "e2e-05-assignments")

        scored = {name: _review_all(page, base, name) for name in ("txbac", "hadinh", "chamcheo", "hoidong")}
        assert scored == {"txbac": 4, "hadinh": 4, "chamcheo": 4, "hoidong": 6}
        shot(page, "e2e-06-review")

        clock.frozen = t0 + dt.timedelta(days=11, hours=1)            # the council window
        _as(page, base, "thuky")
        page.goto(f"{base}/campaigns/{campaign_id}/ranking")
        expect(page.locator("table").first).to_contain_text(UNITS[0])
        shot(page, "e2e-07-ranking")
        page.goto(f"{base}/campaigns/{campaign_id}/council")
        group = page.locator("form.group")
        expect(group).to_contain_text("Còn 1 suất cho 2 hồ sơ đồng hạng")
        group.get_by_label(UNITS[2], exact=False).check()
        group.get_by_label("Lý do của Hội đồng").fill(TIE_REASON)
        group.get_by_role("button", name="Ghi quyết định của Hội đồng").click()
        expect(page.get_by_text("Đã giải quyết nhóm đồng hạng: 1 hồ sơ được đề nghị, 1 không.")).to_be_visible()
        shot(page, "e2e-08-council")

        _as(page, base, "btdkt")
        page.goto(f"{base}/campaigns/{campaign_id}/council")
        page.get_by_role("button", name="Công khai kết quả (10 ngày)").click()
        expect(page.get_by_text("Đã công khai kết quả")).to_be_visible()

        _as(page, base, "hadinh")
        page.goto(f"{base}/unit")
        page.locator(".campaign-card", has_text=TITLE).get_by_role(
            "link", name="Gửi ý kiến phản hồi về kết quả").click()
        page.get_by_label("Nội dung phản hồi").fill(OBJECTION)
        page.get_by_role("button", name="Gửi ý kiến").click()
        expect(page.get_by_text("Đã gửi ý kiến phản hồi")).to_be_visible()

        _as(page, base, "thuky")
        page.goto(f"{base}/campaigns/{campaign_id}/objections")
        page.get_by_label("Câu trả lời").fill(ANSWER)
        page.get_by_role("button", name="Gửi trả lời").click()
        expect(page.get_by_text("Đã ghi câu trả lời")).to_be_visible()
        shot(page, "e2e-09-objection")

        clock.frozen = t0 + dt.timedelta(days=11 + 10, hours=2)       # publication over
        approve_decision(page, base, campaign_id, DECISION)
        expect(page.get_by_text(ANSWER).first).to_be_visible()
        shot(page, "e2e-10-decision")
        page.get_by_role("link", name="Cấp bằng khen, giấy khen").click()
        page.get_by_role("button", name="Cấp và kết xuất").first.click()
        expect(page.locator("tbody tr", has_text="Bà Lê Trà My")).to_be_visible(timeout=60_000)
        expect(page.get_by_role("link", name="Một tệp PDF").first).to_be_visible(timeout=60_000)
        shot(page, "e2e-11-certificates")
        href = page.locator("tbody tr", has_text="Bà Lê Trà My").get_by_role("link", name="PDF").get_attribute("href")
        answer = page.context.request.get(base + href)        # the committee's session: the PDF shown inline
        assert answer.ok and answer.headers["content-type"] == "application/pdf"
        pdf = tmp_path / "le-tra-my.pdf"
        pdf.write_bytes(answer.body())
    finally:
        clock.frozen = None

    url = _scan_qr(pdf, tmp_path)
    assert url.startswith("http") and "/verify/" in url
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True)
    try:
        public = phone.new_page()
        public.goto(base + "/verify/" + url.rsplit("/verify/", 1)[1])
        expect(public.get_by_text("Bà Lê Trà My")).to_be_visible()
        expect(public.get_by_text("Hợp lệ", exact=False).first).to_be_visible()
        expect(public.get_by_text(DECISION)).to_be_visible()
        shot(public, "e2e-12-verify-phone")
    finally:
        phone.close()
    _check_database(campaign_id)
    assert _unexpected(console_errors) == []


def _scan_qr(pdf, tmp_path) -> str:
    """The text of the QR code on the certificate's page, decoded from a 200 dpi rendering."""
    from PIL import Image
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    codes = [b.text for b in found if b.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(codes) == 1, found
    return codes[0]


def _check_database(campaign_id: int) -> None:
    """What the pages said is what was stored: the awards, gapless numbers, the tie's outcome."""
    with db.connection_context():
        decision = Decision.get(Decision.number == DECISION)
        awarded = {(a.title, a.recipient_name) for a in decision.awards}
        expected = {(RULES[0]["title"], UNITS[0]), (RULES[0]["title"], UNITS[2]),
                    (RULES[1]["title"], "Bà Lê Trà My"), (RULES[2]["title"], "Ông Trần Minh Đức"),
                    (RULES[2]["title"], "Bà Hoàng Thị Mai")}
        assert awarded == expected
        numbers = sorted(c.number for c in Certificate.select().where(Certificate.decision == decision))
        assert numbers == list(range(1, len(expected) + 1))
        ranks = {r.submission.unit.name: r.rank_overall for r in Result.select().join(Submission)
                 .where(Result.campaign == campaign_id, Result.target == "collective")}
        assert ranks == {UNITS[0]: 1, UNITS[1]: 2, UNITS[2]: 2}
