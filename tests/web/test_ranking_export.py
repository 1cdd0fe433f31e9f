"""The score sheet export (CSV, JSON, .xlsx) from the CLI and the web, and the read-only JSON API.

The demo's second campaign, with two award rules and some council changes: its results
table gives the rows; the council's final list gives the proposals.
"""
from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from emulation.domain.scoring import q6
from emulation.models import AwardRule, Campaign, CouncilChange, Result, RoleGrant, Submission, Unit, User, utcnow
from emulation.services.demo import DEMO_PASSWORD, seed_demo
from emulation.services.demo_reviews import SLUG
from emulation.services.results_refresh import refresh_results

FIELDS = ["id", "unit", "unit_code", "person", "cluster", "target", "state", "S", "P", "L", "F", "pending",
          "rank_overall", "rank_cluster", "band", "flags", "proposal"]
Q6_TEXT = re.compile(r"^-?\d+\.\d{6}$")
BANG_KHEN = "Bằng khen của Chủ tịch UBND Thành phố"
GIAY_KHEN = "Giấy khen của Chủ tịch UBND quận"


@pytest.fixture
def campaign(app):
    seed_demo()
    campaign = Campaign.get(Campaign.slug == SLUG)
    for precedence, title, form, band in ((1, BANG_KHEN, "bang-khen", "Tốt"), (2, GIAY_KHEN, "giay-khen", "")):
        AwardRule.create(campaign=campaign, precedence=precedence, title=title, form=form, target="collective",
                         min_band=band, min_score=Decimal(0), quota_kind="count", quota_value=1)
    refresh_results(campaign)
    return Campaign.get_by_id(campaign.id)


def _sid(code: str) -> int:
    """The demo campaign's submission of the unit ``code``."""
    return (Submission.select(Submission.id).join(Unit).switch(Submission).join(Campaign)
            .where(Unit.code == code, Campaign.slug == SLUG).scalar())


def _client(app, login, username: str):
    client = app.test_client()
    login(User.get(User.username == username), DEMO_PASSWORD, c=client)
    return client


def _entries(response) -> dict[int, dict]:
    assert response.status_code == 200, response.status_code
    return {e["id"]: e for e in response.get_json()["entries"]}


def test_json_fields_and_q6_strings_are_the_result_rows(app, campaign, login):
    response = _client(app, login, "btdkt").get(f"/campaigns/{campaign.id}/ranking/export.json")
    assert response.headers["Content-Disposition"] == f'attachment; filename="bang-diem-{SLUG}-collective.json"'
    document = response.get_json()
    assert list(document) == ["campaign", "title", "target", "cluster", "computed_at", "entries"]
    assert document["campaign"] == SLUG and document["cluster"] is None
    results = {r.submission_id: r for r in Result.select().where(Result.campaign == campaign)}
    entries = document["entries"]
    assert sorted(e["id"] for e in entries) == sorted(results)
    ranked = [e["rank_overall"] for e in entries if not e["pending"]]
    assert ranked == sorted(ranked) and entries[len(ranked)]["pending"]          # pending last
    for entry in entries:
        r = results[entry["id"]]
        assert list(entry) == FIELDS
        for key in ("S", "P", "L", "F"):
            value = getattr(r, key)
            assert entry[key] == (None if value is None else f"{q6(value):f}"), (entry["unit_code"], key)
            assert entry[key] is None or Q6_TEXT.match(entry[key])
        assert (entry["pending"], entry["rank_overall"], entry["rank_cluster"]) == \
            (r.pending, r.rank_overall, r.rank_cluster)
        assert entry["band"] == (r.band or None) and entry["flags"] == [f for f in r.flags.split(",") if f]
        assert entry["state"] == "submitted" and entry["target"] == "collective" and entry["person"] is None
        if r.pending:
            assert entry["rank_overall"] is None and entry["rank_cluster"] is None and entry["band"] is None
    assert any("disagreement" in e["flags"] for e in entries)
    assert "hoidong" not in response.get_data(as_text=True)         # the JSON never names reviewers


def test_proposal_is_the_councils_final_state(app, campaign, login):
    lha, kdi, ocd = _sid("LHA"), _sid("KDI"), _sid("OCD")
    giay_khen = AwardRule.get(AwardRule.campaign == campaign, AwardRule.title == GIAY_KHEN)
    # the rule walk proposed Khương Đình; make it a tie at the quota's edge instead (results are derived data)
    Result.update(proposal=json.dumps([{"rule": giay_khen.id, "status": "council_decides", "template": "",
                                        "params": {"remaining": "1"}}])).where(Result.submission == kdi).execute()
    CouncilChange.create(campaign=campaign, submission=ocd, rule=giay_khen, action="add",
                         reason="Thành tích đột xuất trong năm", made_by=User.get(User.username == "btdkt"))
    client = _client(app, login, "hoidong")
    entries = _entries(client.get(f"/campaigns/{campaign.id}/ranking/export.json"))
    assert entries[lha]["proposal"] == {"title": BANG_KHEN, "status": "proposed", "source": "rule"}
    assert entries[kdi]["proposal"] == {"title": GIAY_KHEN, "status": "council_decides"}
    assert entries[ocd]["proposal"] == {"title": GIAY_KHEN, "status": "proposed", "source": "council"}
    assert all(e["proposal"] is None for e in entries.values() if e["pending"])
    bang_khen = AwardRule.get(AwardRule.campaign == campaign, AwardRule.title == BANG_KHEN)
    CouncilChange.create(campaign=campaign, submission=lha, rule=bang_khen, action="remove",
                         reason="Đơn vị có sai phạm được phát hiện", made_by=User.get(User.username == "btdkt"))
    assert _entries(client.get(f"/campaigns/{campaign.id}/ranking/export.json"))[lha]["proposal"] is None
    text = client.get(f"/campaigns/{campaign.id}/ranking/export.csv").get_data(as_text=True)
    assert f"{GIAY_KHEN} (đồng hạng – Hội đồng quyết định)" in text and f"{GIAY_KHEN} (do Hội đồng bổ sung)" in text


def test_cluster_filter_on_the_web_the_api_and_the_cli(app, campaign, login, runner):
    tx = Result.select().where(Result.campaign == campaign).join(Submission).join(Unit) \
        .where(Unit.code == "KDI").get().cluster
    in_tx = {r.submission_id for r in Result.select().where(Result.campaign == campaign, Result.cluster == tx)}
    client = _client(app, login, "thuky")
    web = client.get(f"/campaigns/{campaign.id}/ranking/export.json?cluster={tx.id}").get_json()
    api = client.get(f"/api/v1/campaigns/{SLUG}/ranking?cluster={tx.code}").get_json()
    cli = json.loads(runner.invoke(args=["ranking", "export", SLUG, "--format", "json", "--cluster", tx.code])
                     .output)
    for document in (web, api, cli):
        assert document["cluster"] == tx.code
        assert {e["id"] for e in document["entries"]} == in_tx
        ranks = [e["rank_cluster"] for e in document["entries"] if e["rank_cluster"] is not None]
        assert ranks == sorted(ranks) and ranks[0] == 1
    assert web["entries"] == api["entries"] == cli["entries"]
    assert client.get(f"/api/v1/campaigns/{SLUG}/ranking?cluster=NOPE").status_code == 404
    assert client.get(f"/campaigns/{campaign.id}/ranking/export.csv?cluster=99999").status_code == 404
    refused = runner.invoke(args=["ranking", "export", SLUG, "--cluster", "NOPE"])
    assert refused.exit_code == 1 and "NOPE" in refused.output


def test_csv_has_a_bom_and_neutralised_cells(app, campaign, login):
    Unit.update(name="=cmd|' /C calc'!A0").where(Unit.code == "LHA").execute()
    client = _client(app, login, "btdkt")
    data = client.get(f"/campaigns/{campaign.id}/ranking/export.csv").get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:4] == ["Hạng chung", "Hạng trong cụm", "Mã đơn vị", "Đơn vị"]
    assert "Người chấm 1 (chấm chéo)" in header and "Người chấm 1 (hội đồng)" in header
    lha = next(r for r in rows if r[2] == "LHA")
    assert lha[3] == "'=cmd|' /C calc'!A0"
    result = Result.get(Result.submission == _sid("LHA"))
    assert lha[header.index("F (điểm cuối cùng)")] == f"{result.F.quantize(Decimal('0.01')):f}"
    assert "hoidong" in lha[header.index("Thành viên hội đồng chấm")]     # names, for the council
    book = load_workbook(io.BytesIO(client.get(f"/campaigns/{campaign.id}/ranking/export.xlsx").get_data()))
    cell = next(c for c in book.active["D"] if c.value and "cmd|" in str(c.value))
    assert cell.value == "'=cmd|' /C calc'!A0" and cell.data_type == "s"


def test_xlsx_is_ready_to_print_with_numbers_as_numbers(app, campaign, login, runner, tmp_path):
    out = tmp_path / "bang-diem.xlsx"
    result = runner.invoke(args=["ranking", "export", str(campaign.id), "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    assert sheet["A1"].value == campaign.title and "Bảng tổng hợp điểm" in sheet["A2"].value
    assert sheet.freeze_panes == "A4" and sheet.print_title_rows == "$3:$3"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9      # A4
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    header = [c.value for c in sheet[3]]
    f_col = header.index("F (điểm cuối cùng)") + 1
    first = Result.get(Result.campaign == campaign, Result.rank_overall == 1)
    cell = sheet.cell(4, f_col)
    assert isinstance(cell.value, (int, float)) and cell.number_format == "#,##0.00"
    assert Decimal(str(cell.value)) == first.F
    assert sheet.cell(4, 1).value == 1 and sheet.column_dimensions["D"].width >= 20
    assert runner.invoke(args=["ranking", "export", SLUG, "--format", "xlsx"]).exit_code == 2   # needs -o
    printed = runner.invoke(args=["ranking", "export", SLUG])
    assert printed.exit_code == 0 and printed.stdout_bytes.startswith(b"\xef\xbb\xbf")


def test_api_is_for_the_council_until_the_results_are_published(app, campaign, login):
    url = f"/api/v1/campaigns/{SLUG}/ranking"
    anonymous = app.test_client()
    refused = anonymous.get(url)
    assert refused.status_code == 404 and refused.get_json()["error"] == "not_found"
    assert anonymous.get("/api/v1/campaigns/khong-co/ranking").status_code == 404
    for username in ("btdkt", "thuky", "hoidong"):
        assert _client(app, login, username).get(url).status_code == 200, username
    assert _client(app, login, "txbac").get(url).status_code == 404
    Campaign.update(results_published_at=utcnow()).where(Campaign.id == campaign.id).execute()
    response = anonymous.get(f"{url}?target=collective")
    assert response.status_code == 200 and response.mimetype == "application/json"
    exported = _client(app, login, "btdkt").get(f"/campaigns/{campaign.id}/ranking/export.json")
    assert response.get_data() == exported.get_data()                   # same document as the export
    assert anonymous.get(f"{url}?target=everyone").status_code == 404


def test_web_export_is_for_the_committee_secretary_and_this_campaigns_council(app, campaign, login):
    url = f"/campaigns/{campaign.id}/ranking/export"
    for username in ("btdkt", "thuky", "hoidong"):
        client = _client(app, login, username)
        for fmt in ("csv", "json", "xlsx"):
            assert client.get(f"{url}.{fmt}").status_code == 200, (username, fmt)
        assert client.get(f"{url}.pdf").status_code == 404
    assert _client(app, login, "txbac").get(f"{url}.csv").status_code == 403      # officer: the policy refuses
    RoleGrant.delete().where(RoleGrant.role == "leader", RoleGrant.campaign == campaign).execute()
    elsewhere = _client(app, login, "hoidong")           # a council member, but of no council of this campaign
    assert elsewhere.get(f"{url}.csv").status_code == 404
    assert elsewhere.get(f"/api/v1/campaigns/{SLUG}/ranking").status_code == 404


def test_ranking_page_links_the_downloads(app, campaign, login):
    page = _client(app, login, "thuky").get(f"/campaigns/{campaign.id}/ranking").get_data(as_text=True)
    assert f"/campaigns/{campaign.id}/ranking/export.xlsx?target=collective" in page
