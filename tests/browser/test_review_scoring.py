"""A peer reviewer scores an assigned submission in a real Chromium: the review queue, the unit's
self-score, explanation and evidence beside each criterion, refused values kept as typed, the
comment a big deviation needs, the evidence verdict, saving, "save and next", submitting, and
then the other reviewers' reviews, anonymised.

The demo's "Chính quyền thân thiện" campaign is in its review window; it leaves one of
``chamcheo``'s assignments untouched (emulation/services/demo_reviews.py).
"""
from __future__ import annotations

import re

import pytest

from emulation.services.demo_reviews import TITLE
from tests.browser.conftest import shot
from tests.browser.test_login import _log_in, _unexpected

expect = pytest.importorskip("playwright.sync_api").expect

FORM_URL = r"/assignments/(\d+)$"
SELF_SCORE = re.compile(r"Đơn vị tự chấm:\s*([\d,]+)")
COMMENT = "Báo cáo khảo sát chỉ có 85% người dân hài lòng: theo hướng dẫn đạt mức 8 điểm."


def _criterion(page, code: str):
    return page.locator(f'[id="c-{code}"]')


def _value(page, code: str):
    return page.locator(f'input[name="value-{code}"]')


def _self_scores(page) -> dict[str, str]:
    """The unit's own value of every criterion, as the form shows it (Vietnamese decimal comma)."""
    scores = {}
    for i in range(page.locator(".criterion").count()):
        block = page.locator(".criterion").nth(i)
        code = block.get_attribute("id").removeprefix("c-")
        scores[code] = SELF_SCORE.search(block.locator(".unit-side").inner_text()).group(1)
    return scores


def _open_untouched(page, base: str) -> str:
    """From the reviewer's home to the queue, then the first assignment not started; its unit name."""
    card = page.locator("section.card", has_text=TITLE)
    expect(card.locator(".pill.review")).to_be_visible()
    card.get_by_role("link", name="Mở danh sách phiếu chấm").click()
    expect(page).to_have_url(f"{base}/review/queue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Phiếu chấm của tôi")
    rows = page.locator("section.queue", has=page.get_by_role("heading", name=TITLE)).locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="Đã nộp")).not_to_have_count(0)
    expect(rows.filter(has_text="Đang chấm")).not_to_have_count(0)
    untouched = rows.filter(has_text="Chưa chấm").first
    shot(page, "review-queue")
    unit = untouched.get_by_role("link").inner_text()
    untouched.get_by_role("link").click()
    expect(page).to_have_url(re.compile(re.escape(base) + FORM_URL))
    return unit


def test_peer_scores_an_assignment_and_then_sees_the_other_reviews(live_server, page, console_errors):
    _log_in(page, live_server, "chamcheo")
    expect(page).to_have_url(f"{live_server}/review")
    unit = _open_untouched(page, live_server)
    form_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Phiếu chấm: {unit}")
    expect(page.locator(".card-head .pill")).to_have_text("Đang chấm")
    expect(page.get_by_role("heading", name="Các phiếu chấm khác")).to_have_count(0)  # not before submitting

    # Beside each criterion: the unit's self-score, its explanation and its evidence.
    first = _criterion(page, "I.1").locator(".unit-side")
    expect(first).to_contain_text("Kế hoạch thực hiện mô hình “Chính quyền thân thiện”")
    evidence = first.get_by_role("link", name=re.compile(r"^Kế hoạch thực hiện mô hình Chính quyền thân thiện"))
    expect(evidence).to_have_attribute("href", re.compile(r"/evidence/\d+"))
    expect(_criterion(page, "IV.3").locator(".unit-side")).to_contain_text("Không có minh chứng")
    own = _self_scores(page)
    assert len(own) == 17 and own["V.3"] == "15", own

    # Every criterion scored as the unit did, with the running total; then two refused values,
    # and a big deviation without a comment.
    expect(page.locator("#filled")).to_have_text("0/17")
    for code, value in own.items():
        _value(page, code).fill(value)
    self_total = page.locator(".self-total b").inner_text()
    expect(page.locator("#total")).to_have_text(self_total)
    expect(page.locator("#filled")).to_have_text("17/17")
    _value(page, "I.1").fill("6")  # the maximum is 5
    _value(page, "I.2").fill("4,3")  # the step is 0,5
    _value(page, "V.3").fill("8")  # 7 below the unit's 15: more than 20 % of 15 needs a comment
    expect(_value(page, "I.2")).to_have_class(re.compile(r"\binvalid\b"))  # flagged as typed
    expect(page.locator("#filled")).to_have_text("15/17")
    _criterion(page, "I.1").get_by_label("Minh chứng").select_option(label="Minh chứng đạt")
    _criterion(page, "V.3").get_by_label("Minh chứng").select_option(label="Minh chứng chưa đủ")
    page.get_by_role("button", name="Nộp phiếu chấm").click()
    expect(page).to_have_url(form_url)
    expect(page.locator(".flash.error")).to_have_text("Chưa lưu phiếu chấm: 3 tiêu chí cần sửa.")
    problems = page.locator(".problems", has_text="Những điểm cần sửa")
    expect(problems.locator("li")).to_have_count(3)
    for code in ("I.1", "I.2", "V.3"):
        expect(problems.locator(f'a[href="#c-{code}"]')).to_have_count(1)
        expect(_criterion(page, code)).to_have_class(re.compile(r"\bhas-error\b"))
    expect(page.locator('[id="err-I.1"]')).to_contain_text("vượt quá tối đa")
    expect(page.locator('[id="err-I.2"]')).to_contain_text("bước 0,5")
    expect(page.locator('[id="err-V.3"]')).to_have_text(re.compile(
        r"Tiêu chí V\.3: điểm chấm lệch điểm tự chấm \(15\) quá 20% điểm tối đa; hãy ghi nhận xét giải thích\."))
    for code, typed in {"I.1": "6", "I.2": "4,3", "V.3": "8", "II.1": own["II.1"]}.items():
        expect(_value(page, code)).to_have_value(typed)  # what was typed is kept
    expect(_criterion(page, "V.3").get_by_label("Minh chứng")).to_have_value("insufficient")
    expect(page.locator(".card-head .pill")).to_have_text("Đang chấm")
    shot(page, "review-form-errors")

    expect(_criterion(page, "I.2").locator(".js-hint")).to_be_hidden()  # the server's message is enough

    # Corrected, with the comment: saved as a draft, kept on reload.
    _value(page, "I.2").fill("4,4")  # still off-step: the live hint replaces the server's message
    expect(page.locator('[id="err-I.2"]')).to_be_hidden()
    expect(_criterion(page, "I.2").locator(".js-hint")).to_have_text("Điểm phải từ 0 đến 5, bước 0,5.")
    _value(page, "I.1").fill(own["I.1"])
    _value(page, "I.2").fill(own["I.2"])
    _criterion(page, "V.3").get_by_label("Nhận xét").fill(COMMENT)
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Đã lưu phiếu chấm.")
    expect(page.locator(".has-error")).to_have_count(0)
    page.reload()
    expect(_value(page, "V.3")).to_have_value("8")
    expect(_criterion(page, "V.3").get_by_label("Nhận xét")).to_have_value(COMMENT)
    expect(_criterion(page, "I.1").get_by_label("Minh chứng")).to_have_value("accepted")
    expect(page.locator(".card-head .pill")).to_have_text("Đang chấm")

    # "Save and next": saved, and on to the next assignment not yet submitted.
    page.get_by_role("button", name="Lưu và chấm hồ sơ tiếp").click()
    expect(page.get_by_role("status")).to_have_text("Đã lưu phiếu chấm.")
    expect(page).to_have_url(re.compile(re.escape(live_server) + FORM_URL))
    assert page.url != form_url
    expect(page.get_by_role("heading", level=1)).not_to_have_text(f"Phiếu chấm: {unit}")

    # Back to it and submit: the other reviews appear, numbered, without names.
    page.goto(form_url)
    expect(_value(page, "V.3")).to_have_value("8")
    page.get_by_role("button", name="Nộp phiếu chấm").click()
    expect(page).to_have_url(form_url)
    expect(page.get_by_role("status")).to_have_text("Đã nộp phiếu chấm.")
    expect(page.locator(".card-head .pill")).to_have_text("Đã nộp")
    others = page.locator("section.card", has=page.get_by_role("heading", name="Các phiếu chấm khác"))
    expect(others.locator("li")).to_have_count(2)
    expect(others.locator("li").first).to_contain_text("Người chấm 1")
    expect(others.locator("li").nth(1)).to_contain_text("Người chấm 2")
    expect(others).not_to_contain_text("Lê Quang Minh")  # the council member's name stays hidden
    expect(others).not_to_contain_text("Cán bộ thi đua")
    expect(others.locator("li").first).to_contain_text(re.compile(r"\d+,\d\d"))  # a complete review's total
    shot(page, "review-form-submitted")

    page.goto(f"{live_server}/review/queue")
    queue = page.locator("section.queue", has=page.get_by_role("heading", name=TITLE))
    expect(queue.locator("tbody tr", has_text=unit)).to_contain_text("Đã nộp")
    assert _unexpected(console_errors, 422) == []
