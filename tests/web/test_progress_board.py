"""The council secretary's review progress board: completion, overdue and due soon, flags, calibration,
the score distribution chart, the reminder list (text and CSV), who may see it, and its query count."""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
from decimal import Decimal

import pytest
from playhouse.test_utils import count_queries

from emulation.clock import clock
from emulation.models import Campaign, CampaignUnit, Submission
from emulation.services.assignments import assign_reviewer
from emulation.services.campaigns import to_local
from emulation.services.progress import board
from emulation.services.reviews import ScoreEntry, save_review
from emulation.services.submissions import Entry, criteria_of, open_collective, save_draft
from emulation.web.charts import LEFT, PLOT_WIDTH, nice_step, x_of

D, H = dt.timedelta(days=1), dt.timedelta(hours=1)


def _values(cs, cls, full: bool):
    """Every criterion at its maximum (``full``) or at 0; penalties 0."""
    return {c.code: cls("0" if c.kind.value == "penalty" or not full else str(c.max), "Đã đối chiếu minh chứng")
            for c in cs.criteria}


def _hanoi(moment: dt.datetime) -> str:
    return to_local(moment, "Asia/Ho_Chi_Minh").strftime("%d/%m/%Y %H:%M")


@pytest.fixture
def world(app, make):
    """Four submitted units with self-assessments at the maximum, reviewed as follows
    (reviews saved in the window; ``now`` is 7 days 2 hours after it opened):
    A (cluster 1): both peers and the council member give the maximum — scored, no flag;
    B (cluster 1): one peer gives the maximum, the other 0, council the maximum — scored, both flags;
    C (cluster 2): Tâm has a draft, the council member has not started — both overdue;
    D (cluster 2): Khải assigned two days after the opening, not started — due soon."""
    campaign = make.campaign()
    clusters = [make.cluster(name="Cụm Hoàn Kiếm"), make.cluster(name="Cụm Tây Hồ")]
    subs, cs = {}, None
    for name, cluster in (("A", 0), ("B", 0), ("C", 1), ("D", 1)):
        unit = make.unit(cluster=clusters[cluster], name=f"Phường {name}")
        CampaignUnit.get_or_create(campaign=campaign, unit=unit)
        officer = make.user("officer", unit=unit)
        s = open_collective(campaign, unit)
        cs, _rows = criteria_of(s)
        save_draft(officer, s, _values(cs, Entry, True), s.version)
        Submission.update(state="submitted").where(Submission.id == s.id).execute()
        subs[name] = Submission.get_by_id(s.id)
    mai, khai, tam = (make.user("peer", campaign=campaign, full_name=n)
                      for n in ("Hoàng Thị Mai", "Vũ Văn Khải", "Đỗ Minh Tâm"))
    lanh = make.user("leader", campaign=campaign, full_name="Trần Văn Lãnh")
    secretary = make.user("secretary")
    opens = campaign.review_opens
    clock.frozen = opens + H

    def review(reviewer, name, role, full=True, submit=True):
        a = assign_reviewer(secretary, subs[name], reviewer, role)
        save_review(reviewer, a, _values(cs, ScoreEntry, full), 1, submit=submit)

    for reviewer, name, role, full in ((mai, "A", "peer", True), (khai, "A", "peer", True),
                                       (lanh, "A", "leader", True), (mai, "B", "peer", True),
                                       (khai, "B", "peer", False), (lanh, "B", "leader", True)):
        review(reviewer, name, role, full)
    review(tam, "C", "peer", submit=False)
    assign_reviewer(secretary, subs["C"], lanh, "leader")
    clock.frozen = opens + 2 * D
    assign_reviewer(secretary, subs["D"], khai, "peer")
    clock.frozen = opens + 7 * D + 2 * H
    return {"campaign": campaign, "cs": cs, "subs": subs, "secretary": secretary, "now": clock.frozen,
            "people": {"mai": mai, "khai": khai, "tam": tam, "lanh": lanh}}


def _page(client, login, user, url) -> str:
    login(user)
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_service_counts_completion_lateness_and_reminders(world):
    data = board(world["campaign"], world["now"])
    people = {line.reviewer.name: line.progress for line in data.reviewers}
    assert [(n, p.assigned, p.submitted, p.draft, p.not_started, p.overdue, p.due_soon) for n, p in people.items()] == [
        ("Hoàng Thị Mai", 2, 2, 0, 0, 0, 0), ("Trần Văn Lãnh", 3, 2, 0, 1, 1, 0),
        ("Vũ Văn Khải", 3, 2, 0, 1, 0, 1), ("Đỗ Minh Tâm", 1, 0, 1, 0, 1, 0)]
    assert people["Đỗ Minh Tâm"].oldest_open_days == 7 and people["Vũ Văn Khải"].oldest_open_days == 5
    subs = {line.subject.label: line for line in data.submissions}
    a, c = subs["Phường A"].progress, subs["Phường C"].progress
    assert (a.peers_submitted, a.peers_wanted, a.peers_min, a.leaders_submitted, a.leaders_wanted) == (2, 2, 2, 1, 1)
    assert (c.peers_submitted, c.peers_assigned, c.leaders_submitted, c.leaders_assigned) == (0, 1, 0, 1)
    assert subs["Phường C"].score.pending and not subs["Phường A"].score.pending
    assert subs["Phường B"].score.flags == {"disagreement", "self_inflation"} and not subs["Phường A"].score.flags
    assert [(d.reviewer.name, d.subject.label, d.timing) for d in data.late] == [
        ("Đỗ Minh Tâm", "Phường C", "overdue"), ("Trần Văn Lãnh", "Phường C", "overdue"),
        ("Vũ Văn Khải", "Phường D", "due_soon")]
    opens = world["campaign"].review_opens
    assert [(r.reviewer.name, [s.label for s in r.subjects], r.deadline, r.overdue) for r in data.reminders] == [
        ("Đỗ Minh Tâm", ["Phường C"], opens + 7 * D + H, 1), ("Trần Văn Lãnh", ["Phường C"], opens + 7 * D + H, 1),
        ("Vũ Văn Khải", ["Phường D"], opens + 9 * D, 0)]
    [dist] = data.distributions
    assert [(cluster, [d.subject.label for d in dots]) for cluster, dots in dist.clusters] == [
        ("Cụm Hoàn Kiếm", ["Phường A", "Phường B"])]


def test_board_page_shows_progress_lateness_flags_calibration_and_chart(client, login, world):
    url = f"/campaigns/{world['campaign'].id}/progress"
    page = _page(client, login, world["secretary"], url)
    assert "Tiến độ chấm điểm" in page and "6/9 phiếu chấm đã nộp" in page  # 9 assigned, 6 submitted
    late = page.split('id="late"')[1].split("</section>")[0]
    assert late.count("Quá hạn") == 2 and late.count("Sắp đến hạn") == 1 and "Phường D" in late
    assert "Chênh lệch điểm giữa người chấm" in page and "Tự chấm cao hơn kết quả" in page
    flags = page.split('id="flags"')[1].split("</section>")[0]
    assert "Phường B" in flags and "Phường A" not in flags
    reviewers = page.split('id="reviewers"')[1].split("</section>")[0]
    assert 'role="progressbar"' in reviewers and "Đỗ Minh Tâm" in reviewers and "7 ngày" in reviewers
    calibration = page.split('id="calibration"')[1].split("</section>")[0]
    quarter = f"{world['cs'].max_total / 4:.2f}".replace(".", ",")
    mai = calibration.split("Hoàng Thị Mai")[1].split("</tr>")[0]
    khai = calibration.split("Vũ Văn Khải")[1].split("</tr>")[0]
    assert f"+{quarter}" in mai and "7 ngày" in mai and ">2<" in mai
    assert f"-{quarter}" in khai or f"−{quarter}" in khai
    chart = page.split("<svg")[1].split("</svg>")[0]
    assert chart.count("<circle") == 2 and chart.count("<title>") == 4  # F dots, and S squares beside them
    assert "Cụm Hoàn Kiếm" in chart and "Phường B: F = " in chart and "Cụm Tây Hồ" not in chart
    assert 'style="' not in page and "<script>" not in page  # the CSP allows neither
    assert "js/copy.js" in page and 'data-copy="reminders"' in page


def test_reminder_list_and_csv_export(client, login, world):
    campaign = world["campaign"]
    page = _page(client, login, world["secretary"], f"/campaigns/{campaign.id}/progress")
    textarea = page.split('<textarea id="reminders"')[1].split("</textarea>")[0]
    due = _hanoi(campaign.review_opens + 7 * D + H)
    assert (f"Kính gửi Đỗ Minh Tâm: còn 1 phiếu chấm chưa nộp (Phường C), hạn {due}. 1 phiếu đã quá hạn."
            in textarea)
    assert "Kính gửi Vũ Văn Khải" in textarea and "Hoàng Thị Mai" not in textarea and "readonly" in textarea
    response = client.get(f"/campaigns/{campaign.id}/progress/reminders.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"filename*=UTF-8''nh%E1%BA%AFc-ch%E1%BA%A5m-{campaign.slug}.csv" \
        in disposition
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Người chấm", "Thư điện tử", "Số phiếu chưa nộp", "Số phiếu quá hạn"]
    assert [(r[0], r[2], r[3], r[4], r[5]) for r in rows[1:]] == [
        ("Đỗ Minh Tâm", "1", "1", "Phường C", due), ("Trần Văn Lãnh", "1", "1", "Phường C", due),
        ("Vũ Văn Khải", "1", "0", "Phường D", _hanoi(campaign.review_opens + 9 * D))]
    assert rows[1][6].startswith("Kính gửi Đỗ Minh Tâm: còn 1 phiếu chấm chưa nộp")


def test_a_spreadsheet_formula_in_a_name_is_defused(client, login, world):
    tam = world["people"]["tam"]
    tam.full_name = "=HYPERLINK(\"http://x\")"
    tam.save()
    login(world["secretary"])
    rows = list(csv.reader(io.StringIO(client.get(
        f"/campaigns/{world['campaign'].id}/progress/reminders.csv").get_data().decode("utf-8-sig"))))
    assert rows[1][0].startswith("'=HYPERLINK")


def test_committee_reads_units_and_reviewers_do_not(app, make, login, world):
    base = f"/campaigns/{world['campaign'].id}/progress"
    committee = app.test_client()
    login(make.user("committee"), c=committee)
    assert committee.get(base).status_code == 200
    assert committee.get(f"{base}/reminders.csv").status_code == 200
    for user in (make.user("officer", unit=world["subs"]["A"].unit), world["people"]["mai"], world["people"]["lanh"]):
        c = app.test_client()
        login(user, c=c)
        for url in (base, f"{base}/reminders.csv"):
            assert c.get(url).status_code == 403, (user.full_name, url)
    secretary = app.test_client()
    login(world["secretary"], c=secretary)
    assert secretary.get("/campaigns/999/progress").status_code == 404


def test_empty_campaign_and_links(client, login, make):
    campaign = make.campaign()
    secretary = make.user("secretary")
    page = _page(client, login, secretary, f"/campaigns/{campaign.id}/progress")
    assert "Chưa có hồ sơ đã nộp." in page and "<svg" not in page and "<textarea" not in page
    assert f"/campaigns/{campaign.id}/progress" in client.get("/secretary").get_data(as_text=True)
    assert f"/campaigns/{campaign.id}/progress" in client.get(f"/campaigns/{campaign.id}/assignments").get_data(
        as_text=True)


def test_board_loads_in_a_fixed_number_of_queries(world):
    """Subjects, reviews, council size, then per target the criteria set, ids, self-scores and scores."""
    campaign = Campaign.get_by_id(world["campaign"].id)
    with count_queries() as counter:
        board(campaign, world["now"])
    assert counter.count <= 8


@pytest.mark.parametrize("maximum, step", [
    ("100", "10"), ("105", "20"), ("7.5", "1"), ("20", "2"), ("1000", "100"), ("3", "0.5"), ("0", "1"),
])
def test_chart_axis_steps(maximum, step):
    assert nice_step(Decimal(maximum)) == Decimal(step)


@pytest.mark.parametrize("value, x", [("0", LEFT), ("50", LEFT + PLOT_WIDTH // 2), ("100", LEFT + PLOT_WIDTH),
                                      ("-3", LEFT), ("120", LEFT + PLOT_WIDTH)])
def test_chart_positions_are_clamped_to_the_axis(value, x):
    assert x_of(Decimal(value), Decimal(100)) == x
