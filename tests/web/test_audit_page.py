"""The audit page: Vietnamese names, old → new per field, filters in the query string, escaping."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from emulation.clock import clock
from emulation.database import db
from emulation.models import CampaignUnit, Review, Submission
from emulation.services.accounts import grant_role
from emulation.services.assignments import assign_reviewer
from emulation.services.audit import record
from emulation.services.review_import import import_scores
from emulation.services.reviews import ScoreEntry, save_review
from emulation.services.submissions import Entry, criteria_of, open_collective, save_draft
from emulation.web import system
from emulation.web.audit_filters import page_query, read_filters

from tests.conftest import USE_PG

from .test_org_import import csv_bytes
from .test_review_import import SCORE_HEADER, full_rows

HOSTILE = "Đã đối chiếu <script>alert('xss')</script>"


@pytest.fixture
def scored(app, make):
    """A submitted review: imported complete, its first comment changed by a second import
    (review.import), then its first score changed on the form by the peer (review.change)."""
    campaign = make.campaign()
    unit = make.unit(code="TXB")
    CampaignUnit.get_or_create(campaign=campaign, unit=unit)
    submission = open_collective(campaign, unit)
    cs, _rows = criteria_of(submission)
    save_draft(make.user("officer", unit=unit), submission, {cs.criteria[0].code: Entry("5")}, submission.version)
    Submission.update(state="submitted").where(Submission.id == submission.id).execute()
    secretary = make.user("secretary", username="thuky")
    peer = make.user("peer", campaign=campaign, username="chamcheo")
    grant_role(None, peer, "officer", unit=make.unit(code="KDI"))
    assignment = assign_reviewer(secretary, Submission.get_by_id(submission.id), peer, "peer")
    clock.frozen = campaign.review_opens + dt.timedelta(hours=1)
    import_scores(secretary, campaign, "diem.csv", csv_bytes(SCORE_HEADER, *full_rows(cs)))
    rows = full_rows(cs)
    rows[0][4] = HOSTILE
    import_scores(secretary, campaign, "diem.csv", csv_bytes(SCORE_HEADER, *rows))
    review = Review.get(Review.assignment == assignment)
    entries = {r[2]: ScoreEntry(r[3], r[4], "accepted") for r in rows}
    entries[cs.criteria[0].code] = ScoreEntry("4,5", HOSTILE, "insufficient")
    save_review(peer, assignment, entries, review.version)
    return {"review": review, "code": cs.criteria[0].code, "campaign": campaign, "at": clock.frozen}


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _actions(html: str) -> list[str]:
    """The action codes of the rows shown, top to bottom."""
    return re.findall(r'<code class="code">([^<]+)</code>', html)


def _local_day(at: dt.datetime) -> dt.date:
    return at.replace(tzinfo=dt.timezone.utc).astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()


def test_the_committee_reads_score_changes_line_by_line(scored, make, login, client):
    login(make.user("committee"))
    html = _page(client, "/admin/audit")
    assert _actions(html)[0] == "login"   # the committee member's own
    scoring = [a for a in _actions(html) if a.startswith(("review.", "scores."))]
    assert scoring[:3] == ["review.change", "scores.import", "review.import"]
    assert "Sửa phiếu chấm" in html and "Nhập điểm từ bảng tính" in html
    assert f'Phiếu chấm #{scored["review"].id}</a>' in html
    code = scored["code"]
    # review.change: the value, the verdict (a known value) and nothing unchanged
    assert (f'<span class="within">{code}</span> · <span class="fname">Điểm</span>: '
            '<span class="v old">5</span> <span class="arrow">→</span> '
            '<span class="v new">4,5</span>') in html      # written the Vietnamese way
    assert ('<span class="fname">Minh chứng</span>: <span class="v old">Minh chứng đạt</span> '
            '<span class="arrow">→</span> <span class="v new">Minh chứng chưa đủ</span>') in html
    # review.import: the comment added, the empty side shown as such
    assert ('<span class="fname">Nhận xét</span>: <span class="v old muted">(trống)</span> '
            '<span class="arrow">→</span> <span class="v new" title="Đã đối chiếu') in html
    assert "JSON gốc" in html


def test_numbers_and_instants_read_the_vietnamese_way(make, login, client):
    """Numbers with a decimal comma and grouped thousands; stored UTC instants in local time."""
    login(make.user("committee"))
    record(None, "campaign.update", None, object_type="Campaign", old={"review_closes": "2026-12-04 17:00:00"},
           new={"review_closes": "2026-12-05 16:59:00", "signed_on": "2026-12-04"})
    record(None, "scores.import", None, object_type="Campaign", new={"rows": 1500000, "file": "diem.csv"})
    html = _page(client, "/admin/audit")
    assert ('<span class="v old" title="2026-12-04 17:00:00 UTC">05/12/2026 00:00</span> <span class="arrow">→</span> '
            '<span class="v new" title="2026-12-05 16:59:00 UTC">05/12/2026 23:59</span>') in html
    assert '<span class="fname">Ngày ký</span>: <span class="v new">04/12/2026</span>' in html
    assert '<span class="fname">Số dòng</span>: <span class="v new">1.500.000</span>' in html


def test_hostile_text_is_escaped_everywhere(scored, make, login, client):
    login(make.user("committee"))
    html = _page(client, "/admin/audit")
    assert "<script>alert(" not in html
    assert "Đã đối chiếu &lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in html   # the line and its title
    record(None, "<b>x</b>", None, object_type="<i>T</i>", new={"<u>k</u>": "<img src=x>"})
    html = _page(client, "/admin/audit")
    assert "<b>x</b>" not in html and "<i>T</i>" not in html and "<u>k</u>" not in html and "<img src=x>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "&lt;img src=x&gt;" in html


@pytest.mark.parametrize(("query", "expected"), [
    ("action=review.change", ["review.change"]),
    ("action=review.import", ["review.import", "review.import"]),
    ("actor=chamcheo", ["review.change"]),
    ("actor=ChamCheo", ["review.change"]),
    ("action=scores.import&actor=thuky", ["scores.import", "scores.import"]),
    ("object_type=Campaign&action=scores.import", ["scores.import", "scores.import"]),
])
def test_filters_narrow_the_list(scored, make, login, client, query, expected):
    login(make.user("committee"))
    assert _actions(_page(client, f"/admin/audit?{query}")) == expected


def test_the_history_of_one_object(scored, make, login, client):
    login(make.user("committee"))
    review = scored["review"]
    html = _page(client, f"/admin/audit?object_type=Review&object_id={review.id}")
    assert _actions(html) == ["review.change", "review.import", "review.submit", "review.import"]
    assert _actions(_page(client, f"/admin/audit?object_type=Review&object_id={review.id + 1000}")) == []
    # every row links to the history of its object
    assert f'href="/admin/audit?object_type=Review&amp;object_id={review.id}"' in html


def test_days_are_local_and_both_included(scored, make, login, client):
    login(make.user("committee"))
    day = _local_day(scored["at"])
    same = _page(client, f"/admin/audit?action=review.change&date_from={day:%d/%m/%Y}&date_to={day.isoformat()}")
    assert _actions(same) == ["review.change"]
    assert f'name="date_from" value="{day.isoformat()}"' in same     # dd/mm/yyyy echoed as the date input wants
    before = _page(client, f"/admin/audit?action=review.change&date_to={day - dt.timedelta(days=1)}")
    assert _actions(before) == [] and "Không có sự kiện nào phù hợp." in before
    after = _page(client, f"/admin/audit?action=review.change&date_from={day + dt.timedelta(days=1)}")
    assert _actions(after) == []


@pytest.mark.parametrize(("query", "message"), [
    ("date_from=31/02/2026", "Ngày «31/02/2026» không hợp lệ"),
    ("date_to=h%C3%B4m+qua", "Ngày «hôm qua» không hợp lệ"),
    ("object_type=Review&object_id=abc", "Số hiệu đối tượng «abc» không phải là số nguyên dương"),
    ("object_id=12", "Hãy chọn loại đối tượng"),
    ("actor=khongco", "Không có tài khoản nào có tên đăng nhập «khongco»"),
    ("date_from=%3Cscript%3Ex", "Ngày «&lt;script&gt;x» không hợp lệ"),
])
def test_unreadable_filters_are_explained_and_the_others_still_apply(scored, make, login, client, query, message):
    login(make.user("committee"))
    html = _page(client, f"/admin/audit?action=review.change&{query}")
    assert message in html
    assert _actions(html) == ([] if "actor" in query else ["review.change"])


def test_pages_keep_the_filters(scored, make, login, client, monkeypatch):
    monkeypatch.setattr(system, "PAGE_SIZE", 1)
    login(make.user("committee"))
    first = _page(client, "/admin/audit?action=scores.import&actor=thuky")
    assert _actions(first) == ["scores.import"]
    link = re.search(r'href="([^"]*page=2[^"]*)"', first).group(1).replace("&amp;", "&")
    assert "action=scores.import" in link and "actor=thuky" in link
    second = _page(client, link)
    assert _actions(second) == ["scores.import"]
    back = re.search(r'href="([^"]*page=1[^"]*)"', second).group(1).replace("&amp;", "&")
    assert "action=scores.import" in back and "actor=thuky" in back
    assert _actions(_page(client, link.replace("page=2", "page=3"))) == []


@pytest.mark.parametrize("role", ["secretary", "officer", "peer", "leader"])
def test_only_the_committee_reads_the_log(app, make, login, client, role):
    kwargs = {"unit": make.unit()} if role == "officer" else {"campaign": make.campaign()} if role in (
        "peer", "leader") else {}
    login(make.user(role, **kwargs))
    assert client.get("/admin/audit?action=login").status_code == 403


@pytest.mark.skipif(USE_PG, reason="SQLite's query plan")
@pytest.mark.parametrize(("query", "index"), [
    ("object_type=Review&object_id=3", "auditevent_object_type_object_id"),
    ("object_type=Review", "auditevent_object_type_object_id"),
    ("actor=thuky", "auditevent_actor_id"),
    ("date_from=2026-01-01&date_to=2026-12-31", "auditevent_at"),
])
def test_filtered_pages_are_picked_from_an_index(app, make, query, index):
    """Only the ids are read to pick the page: a covering index, never the whole table."""
    make.user("secretary", username="thuky")
    with app.test_request_context(f"/admin/audit?{query}"):
        from flask import request
        filters = read_filters(request.args, "Asia/Ho_Chi_Minh")
        sql, params = page_query(filters, 2, 50).sql()
        plan = " / ".join(row[3] for row in db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
    assert f"COVERING INDEX {index}" in plan and "SCAN" not in plan, plan


def test_the_committee_opens_an_objects_history_from_its_page(app, login):
    """Campaign, decision, explained result and account pages link to their history in the log,
    for the committee only (the one role that reads it)."""
    from emulation.models import Decision, User
    from emulation.services.demo import DEMO_PASSWORD, seed_demo
    from emulation.services.results_refresh import refresh_results
    seed_demo()
    decision = Decision.get()
    submission = Submission.get(Submission.campaign == decision.campaign, Submission.state == "locked")
    refresh_results(decision.campaign)
    officer = User.get(User.username == "txbac")
    pages = {f"/campaigns/{decision.campaign_id}": f"object_type=Campaign&amp;object_id={decision.campaign_id}",
             f"/decisions/{decision.id}": f"object_type=Decision&amp;object_id={decision.id}",
             f"/submissions/{submission.id}/result": f"object_type=Submission&amp;object_id={submission.id}",
             f"/users/{officer.id}": f"object_type=User&amp;object_id={officer.id}"}
    committee, secretary = app.test_client(), app.test_client()
    login(User.get(User.username == "btdkt"), DEMO_PASSWORD, c=committee)
    login(User.get(User.username == "thuky"), DEMO_PASSWORD, c=secretary)
    for url, query in pages.items():
        page = committee.get(url).get_data(as_text=True)
        assert f'href="/admin/audit?{query}"' in page, url
        assert committee.get(f"/admin/audit?{query.replace('&amp;', '&')}").status_code == 200
        shown = secretary.get(url)
        assert shown.status_code != 200 or "/admin/audit?" not in shown.get_data(as_text=True), url
    # the secretary reads the decision and the explained result, without the link
    assert secretary.get(f"/decisions/{decision.id}").status_code == 200
    assert secretary.get(f"/submissions/{submission.id}/result").status_code == 200
    assert 'href="/admin/audit?actor=txbac"' in committee.get(f"/users/{officer.id}").get_data(as_text=True)
