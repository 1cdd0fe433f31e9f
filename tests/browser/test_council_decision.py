"""From the council's meeting to the decision, in a real Chromium, on the demo's third campaign.

The demo ends that campaign with an approved decision; the test first rewinds it to the
council's meeting (the tie at the boundary of the Bằng khen quota unresolved, nothing
published, no objection, no decision). Then: the secretary resolves the tie with a reason,
the committee publishes, Hạ Đình's officer objects with a PDF, the secretary answers, the
publication window closes (the platform clock moves ten days on) and the committee drafts
and approves Decision 2468/QĐ-UBND, which awards Lê Trà My and Phường Thanh Xuân Bắc.
"""
from __future__ import annotations

import datetime as dt

import pytest

from emulation.clock import clock
from emulation.database import db
from emulation.models import Campaign, CouncilChange, Decision, DecisionAward, Objection, utcnow
from emulation.services.demo_council import DECISION_NUMBER, SLUG
from emulation.services.demo_submissions import _pdf
from tests.browser.conftest import shot
from tests.browser.test_login import _log_in, _unexpected

expect = pytest.importorskip("playwright.sync_api").expect
REASON = "Biên bản họp Hội đồng ngày 20/11: Láng Hạ có mô hình «Một cửa thân thiện» được nhân rộng."


def _rewind() -> Campaign:
    with db.connection_context(), db.atomic():
        campaign = Campaign.get(Campaign.slug == SLUG)
        decisions = [d.id for d in Decision.select().where(Decision.campaign == campaign)]
        DecisionAward.delete().where(DecisionAward.decision.in_(decisions)).execute()
        Decision.delete().where(Decision.id.in_(decisions)).execute()
        Objection.delete().where(Objection.campaign == campaign).execute()
        CouncilChange.delete().where(CouncilChange.campaign == campaign).execute()
        Campaign.update(results_published_at=None, publication_closes=None).where(Campaign.id == campaign.id).execute()
        return Campaign.get_by_id(campaign.id)


def _as(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    _log_in(page, base, username)


def approve_decision(page, base: str, campaign_id: int, number: str) -> None:
    """As the committee: draft the decision ``number`` signed on the platform's today, then approve it."""
    _as(page, base, "btdkt")
    page.goto(f"{base}/campaigns/{campaign_id}/decisions")
    page.get_by_label("Số quyết định").fill(number)
    page.get_by_label("Ngày ký").fill(clock.now().date().isoformat())
    page.get_by_role("button", name="Tạo dự thảo").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    expect(page.get_by_role("cell", name="Bà Lê Trà My", exact=False)).to_be_visible()
    page.get_by_role("button", name="Phê duyệt quyết định").click()
    expect(page.get_by_text("danh sách khen thưởng đã được chốt")).to_be_visible()
    expect(page.get_by_text("Đã phê duyệt").first).to_be_visible()


def test_tie_publication_objection_answer_decision(live_server, page, console_errors, tmp_path):
    campaign = _rewind()
    council = f"{live_server}/campaigns/{campaign.id}/council"
    try:
        _as(page, live_server, "thuky")
        page.goto(council)
        group = page.locator("form.group")
        expect(group).to_contain_text("Còn 1 suất cho 2 hồ sơ đồng hạng")
        shot(page, "council-tie")
        group.get_by_label("Phường Láng Hạ", exact=False).check()
        group.get_by_label("Lý do của Hội đồng").fill(REASON)
        group.get_by_role("button", name="Ghi quyết định của Hội đồng").click()
        expect(page.get_by_text("Đã giải quyết nhóm đồng hạng: 1 hồ sơ được đề nghị, 1 không.")).to_be_visible()
        expect(page.locator("form.group")).to_have_count(0)

        _as(page, live_server, "btdkt")
        page.goto(council)
        page.get_by_role("button", name="Công khai kết quả (10 ngày)").click()
        expect(page.get_by_text("Đã công khai kết quả")).to_be_visible()

        _as(page, live_server, "hadinh")
        page.get_by_role("link", name="Gửi ý kiến phản hồi về kết quả").click()
        page.get_by_label("Nội dung phản hồi").fill("Đề nghị xem xét lại tiêu chí 3.2: hòm thư góp ý điện tử "
                                                     "đã lắp từ tháng 3/2025.")
        evidence = tmp_path / "Biên bản lắp đặt hòm thư.pdf"
        evidence.write_bytes(_pdf("Biên bản lắp đặt hòm thư góp ý điện tử"))
        page.get_by_label("Minh chứng kèm theo (không bắt buộc)").set_input_files(str(evidence))
        page.get_by_role("button", name="Gửi ý kiến").click()
        expect(page.get_by_text("Đã gửi ý kiến phản hồi")).to_be_visible()

        _as(page, live_server, "thuky")
        page.goto(f"{live_server}/campaigns/{campaign.id}/objections")
        expect(page.get_by_role("link", name="Biên bản lắp đặt hòm thư.pdf")).to_be_visible()
        page.get_by_label("Câu trả lời").fill("Hội đồng đã kiểm tra: điểm tiêu chí 3.2 đã được tính đủ.")
        page.get_by_role("button", name="Gửi trả lời").click()
        expect(page.get_by_text("Đã ghi câu trả lời")).to_be_visible()
        shot(page, "objections")

        closes = Campaign.get_by_id(campaign.id).publication_closes
        clock.frozen = closes + dt.timedelta(hours=1)          # the ten days of publication are over
        approve_decision(page, live_server, campaign.id, DECISION_NUMBER)
        expect(page.get_by_text(REASON).first).to_be_visible()
        shot(page, "decision")
    finally:
        clock.frozen = None
    with db.connection_context():
        decision = Decision.get(Decision.number == DECISION_NUMBER)
        awarded = {(a.title, a.recipient_name) for a in decision.awards}
        assert decision.state == "approved" and decision.approved_at <= utcnow() + dt.timedelta(days=11)
        assert ("Bằng khen của Chủ tịch UBND Thành phố", "Bà Lê Trà My") in awarded
        assert ("Bằng khen của Chủ tịch UBND Thành phố", "Phường Thanh Xuân Bắc") in awarded
    assert _unexpected(console_errors) == []
