"""The decision document (Quyết định) as PDF: the administrative layout's parts, Điều 1's counts,
the annex listing every awarded name, a draft marked as such, and who may download it."""
from __future__ import annotations

import datetime as dt

import pytest

from emulation.models import Campaign, Decision, DecisionAward, User
from emulation.services import decision_pdf
from emulation.services.decisions import Line
from emulation.services.demo import DEMO_PASSWORD, seed_demo
from tests.web.test_certificate_render import embedded_fonts, flat, pages_text

NUMBER = "2468/QĐ-UBND"


@pytest.fixture
def decision(app):
    seed_demo()
    return Decision.get(Decision.number == NUMBER)


def _line(target: str, title: str, name: str) -> Line:
    return Line(1, 1, title, target, name, "", name, "", None, None, "", "rule", "")


def test_article_one_counts_each_title_in_list_order():
    bk, gk = "Bằng khen của Chủ tịch UBND Thành phố", "Giấy khen của Chủ tịch UBND Thành phố"
    lines = [_line("collective", bk, "A"), _line("collective", bk, "B"), _line("collective", gk, "C"),
             _line("individual", bk, "Bà D")]
    assert decision_pdf.counts(lines) == "03 tập thể và 01 cá nhân"
    assert decision_pdf.article_one(lines, "Văn hóa công sở") == (
        f"Tặng {bk} cho 02 tập thể và 01 cá nhân; {gk} cho 01 tập thể (có danh sách kèm theo), đã có thành "
        "tích xuất sắc trong phong trào thi đua “Văn hóa công sở”.")
    assert decision_pdf.counts(lines[3:]) == "01 cá nhân"
    sections = decision_pdf.sections(lines[3:])
    assert [s.heading for s in sections] == ["I. CÁ NHÂN (01)"]


def test_the_decision_pdf_has_the_official_parts(decision):
    decision.signed_on = dt.date(2025, 12, 5)                 # as the samples show it; not saved
    awards = list(decision.awards.order_by(DecisionAward.position))
    pdf = decision_pdf.render_decision(decision)
    pages = pages_text(pdf)
    assert len(pages) >= 2
    first = pages[0]
    for part in ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", f"Số: {NUMBER}", "Hà Nội, ngày 05 tháng 12 năm 2025",
                 "QUYẾT ĐỊNH", "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", "Căn cứ Luật Thi đua, khen thưởng",
                 "QUYẾT ĐỊNH:", "Điều 1.", "Điều 2.", "Điều 3.", "Nơi nhận:", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
                 "Nguyễn Mạnh Quyền"):
        assert part in first, part
    assert "Về việc khen thưởng" in first and "DỰ THẢO" not in first
    assert flat("cho 02 tập thể và 01 cá nhân") in flat(first)
    assert flat("Chánh Văn phòng Ủy ban nhân dân thành phố Hà Nội") in flat(first)
    annex = flat("\n".join(pages[1:]))
    assert "PHỤLỤC" in annex and flat("DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG") in annex
    assert flat(f"(Kèm theo Quyết định số {NUMBER} ngày 05/12/2025") in annex
    assert awards and all(flat(a.recipient_name) in annex for a in awards)
    assert flat("Bà Lê Trà My") in annex and flat("Bí thư Đoàn thanh niên phường Thanh Xuân Bắc") in annex
    assert "STT" in annex and "I.TẬPTHỂ" in annex and "II.CÁNHÂN(01)" in annex
    assert {program for _, program in embedded_fonts(pdf)} <= {
        "LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic", "LiberationSerif-BoldItalic"}


def test_a_draft_is_marked_and_lists_the_live_list(decision):
    from emulation.services import decisions
    committee = User.get(User.username == "btdkt")
    draft = decisions.draft_decision(committee, decision.campaign, {
        "number": "2500/QĐ-UBND", "signed_on": None, "authority": decision.authority,
        "signer_title": "CHỦ TỊCH", "signer_name": "Trần Sỹ Thanh", "basis": ""})
    pages = pages_text(decision_pdf.render_decision(draft))
    assert "DỰ THẢO" in pages[0] and "Số: 2500/QĐ-UBND" in pages[0]
    assert "Hà Nội, ngày" in pages[0] and "Trần Sỹ Thanh" in pages[0]
    assert "Phường Thanh Xuân Bắc" in "\n".join(pages[1:])


def _client(app, login, username):
    client = app.test_client()
    login(User.get(User.username == username), DEMO_PASSWORD, c=client)
    return client


def test_committee_and_secretary_download_it(app, login, decision):
    url = f"/decisions/{decision.id}/document.pdf"
    for username in ("btdkt", "thuky"):
        response = _client(app, login, username).get(url)
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert f"Số: {NUMBER}" in pages_text(response.get_data())[0]
    client = _client(app, login, "btdkt")
    assert client.get("/decisions/999999/document.pdf").status_code == 404
    page = client.get(f"/decisions/{decision.id}").get_data(as_text=True)
    assert f'href="{url}"' in page


def test_others_cannot(app, login, make, decision):
    url = f"/decisions/{decision.id}/document.pdf"
    officer = make.user("officer")
    leader = make.user("leader", campaign=Campaign.get(Campaign.id == decision.campaign_id))
    for user in (officer, leader):
        client = app.test_client()
        login(user, c=client)
        assert client.get(url).status_code in (403, 404)
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
