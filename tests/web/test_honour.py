"""The public hall of honour "Những bông hoa đẹp": approved decisions' lists per campaign,
revoked certificates hidden, amendments replacing the list, accent-insensitive search."""
from __future__ import annotations

import pytest
from markupsafe import escape
from playhouse.test_utils import count_queries

from emulation.models import Campaign, Decision, DecisionAward, Nomination
from emulation.services import honour, verification
from emulation.services.demo import seed_demo
from emulation.services.demo_council import DECISION_NUMBER, SLUG
from tests.web.verify_helpers import committee, demo_certificates, same_subjects_decision, small_decision

TRA_MY = "Bà Lê Trà My"
PAGE = f"/honour/{SLUG}"
COLLECTIVES = ["Phường Thanh Xuân Bắc", "Phường Láng Hạ", "Phường Hạ Đình", "Phường Văn Miếu", "Phường Nhân Chính"]
REASON = "Quyết định số 77/QĐ-UBND hủy bỏ quyết định khen thưởng do kê khai không trung thực"


@pytest.fixture
def demo(app):
    seed_demo()
    return Decision.get(Decision.number == DECISION_NUMBER)


def _story() -> str:
    award = DecisionAward.get(DecisionAward.recipient_name == TRA_MY)
    story = Nomination.get(Nomination.submission == award.submission_id).achievements
    assert story
    return str(escape(story))


def _html(client, url: str, **query) -> str:
    response = client.get(url, query_string=query)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_front_page_lists_decided_campaigns_publicly(demo, client):
    html = _html(client, "/honour")
    campaign = Campaign.get(Campaign.slug == SLUG)
    assert "Những bông hoa đẹp" in html and campaign.title in html and f'href="{PAGE}"' in html
    assert DECISION_NUMBER in html and "1 cá nhân, 5 tập thể" in html
    assert "văn hóa công sở và nơi công cộng" not in html      # the open campaign has no decision yet


def test_campaign_page_people_first_with_their_stories(demo, client):
    html = _html(client, PAGE)
    assert TRA_MY in html and "Bí thư Đoàn thanh niên phường Thanh Xuân Bắc" in html
    assert _story() in html                                     # her nomination's achievements
    assert all(name in html for name in COLLECTIVES)
    assert html.index(TRA_MY) < min(html.index(f"<h3>{name}</h3>") for name in COLLECTIVES)
    assert html.index("Cá nhân tiêu biểu") < html.index("Tập thể tiêu biểu")
    assert DECISION_NUMBER in html and demo.signed_on.strftime("%d/%m/%Y") in html
    assert "Bằng khen của Chủ tịch UBND Thành phố" in html and "Giấy khen của Chủ tịch UBND Thành phố" in html
    assert "/login" not in html.split("<main", 1)[1]          # nothing on the page needs a login


@pytest.mark.parametrize("query, found, absent", [
    ("le tra my", [TRA_MY], COLLECTIVES),
    ("Lê Trà My", [TRA_MY], COLLECTIVES),
    ("LÊ TRÀ MY", [TRA_MY], COLLECTIVES),
    ("tra my", [TRA_MY], COLLECTIVES),
    ("lang ha", ["Phường Láng Hạ"], [TRA_MY, "Phường Hạ Đình"]),
    ("Hạ Đình", ["Phường Hạ Đình"], [TRA_MY, "Phường Láng Hạ"]),
    ("thanh xuan bac", [TRA_MY, "Phường Thanh Xuân Bắc"], ["Phường Láng Hạ"]),
    ("", [TRA_MY, *COLLECTIVES], []),
])
def test_search_with_and_without_accents(demo, client, query, found, absent):
    html = _html(client, PAGE, q=query)
    for name in found:
        assert f"<h3>{name}</h3>" in html, name
    for name in absent:
        assert f"<h3>{name}</h3>" not in html, name


def test_search_without_results_says_so(demo, client):
    html = _html(client, PAGE, q="Nguyễn Văn Không Có")
    assert "Không tìm thấy cá nhân, tập thể nào phù hợp với «Nguyễn Văn Không Có»" in html
    assert "<h3>" not in html


def test_revoked_certificates_are_hidden(app, client):
    issued = demo_certificates()
    verification.revoke(committee(), issued[TRA_MY], REASON)
    html = _html(client, PAGE)
    assert TRA_MY not in html and _story() not in html
    assert all(f"<h3>{name}</h3>" in html for name in COLLECTIVES)
    assert "0 cá nhân, 5 tập thể" in _html(client, "/honour")
    assert "Không tìm thấy" in _html(client, PAGE, q="le tra my")


def test_an_approved_amendment_replaces_the_list(demo, client):
    same_subjects_decision(demo, [TRA_MY, "Phường Láng Hạ"], "2469/QĐ-UBND")
    html = _html(client, PAGE)
    assert "2469/QĐ-UBND" in html and DECISION_NUMBER not in html
    assert TRA_MY in html and "<h3>Phường Láng Hạ</h3>" in html and "<h3>Phường Hạ Đình</h3>" not in html
    assert "1 cá nhân, 1 tập thể" in _html(client, "/honour")


def test_a_draft_amendment_changes_nothing(demo, client):
    draft = same_subjects_decision(demo, [TRA_MY], "2470/QĐ-UBND")
    Decision.update(state="draft", approved_at=None).where(Decision.id == draft.id).execute()
    html = _html(client, PAGE)
    assert "2470/QĐ-UBND" not in html and "<h3>Phường Hạ Đình</h3>" in html


@pytest.mark.parametrize("path", ["/honour/khong-co-phong-trao-nay", "/honour/phong-trao-chua-quyet-dinh"])
def test_unknown_or_undecided_campaign_is_404(app, make, client, path):
    make.campaign(slug="phong-trao-chua-quyet-dinh")
    assert client.get(path).status_code == 404


def test_empty_hall(app, client):
    assert "Chưa có phong trào nào có quyết định khen thưởng" in _html(client, "/honour")


def test_hostile_text_is_escaped_and_line_breaks_kept(app, make, client):
    campaign = make.campaign(slug="phong-trao-thu", title="Phong trào <i>thử</i>")
    small_decision(make, campaign=campaign, collectives=["<script>alert(1)</script>"],
                   people=[("<img src=x onerror=alert(2)>", "Chuyên viên", "Dòng một <b>đậm</b>\nDòng hai")])
    html = _html(client, "/honour/phong-trao-thu")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "Dòng một &lt;b&gt;đậm&lt;/b&gt;\nDòng hai" in html and "<i>thử</i>" not in html
    assert "&lt;i&gt;thử&lt;/i&gt;" in _html(client, "/honour")
    assert "&lt;script&gt;" in _html(client, "/honour/phong-trao-thu", q="<script>")


def test_people_and_collectives_of_one_decision_in_order(app, make):
    decision = small_decision(make, collectives=["Phường Một", "Phường Hai"],
                              people=[("Trần Văn Ba", "Chuyên viên", "Câu chuyện"), ("Lê Thị Bốn", "Cán sự", "")])
    board = honour.campaign_honours(decision.campaign.slug)
    assert [e.name for e in board.people] == ["Ông Trần Văn Ba", "Ông Lê Thị Bốn"]
    assert [e.name for e in board.collectives] == ["Phường Một", "Phường Hai"]
    assert board.people[0].story == "Câu chuyện" and board.collectives[0].story == ""
    assert board.total == 4 and board.found == 4
    assert honour.campaign_honours(decision.campaign.slug, "bon").people[0].name == "Ông Lê Thị Bốn"


def test_pages_take_a_fixed_number_of_queries(app, make, client):
    for n in range(3):
        small_decision(make, collectives=[f"Phường {n}-{i}" for i in range(4)],
                       people=[(f"Người {n}-{i}", "Chuyên viên", "Chuyện") for i in range(4)])
    slug = Campaign.select().order_by(Campaign.id).first().slug
    client.get("/honour")
    with count_queries() as front:
        client.get("/honour")
    with count_queries() as page:
        client.get(f"/honour/{slug}")
    assert front.count <= 4 and page.count <= 6
