"""Importing assignments and paper scores: validated whole, a per-row report, nothing written on error."""
from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from emulation.clock import clock
from emulation.models import Assignment, AuditEvent, CampaignUnit, Review, Score, Submission
from emulation.services import ServiceError
from emulation.services.accounts import grant_role
from emulation.services.assignments import assign_reviewer, declare_conflict
from emulation.services.audit import _json
from emulation.services.review_import import (assignment_template, import_assignments, import_scores,
                                              score_template)
from emulation.services.reviews import ScoreEntry, save_review
from emulation.services.submissions import Entry, criteria_of, open_collective, save_draft

from .test_org_import import csv_bytes, xlsx

SCORE_HEADER = ["Mã đơn vị", "Tài khoản người chấm", "Mã tiêu chí", "Điểm chấm", "Nhận xét", "Minh chứng"]


@pytest.fixture
def world(app, make):
    campaign = make.campaign()
    units = [make.unit(code=code) for code in ("TXB", "HDI")]
    subs = []
    for unit in units:
        CampaignUnit.get_or_create(campaign=campaign, unit=unit)
        officer = make.user("officer", unit=unit)
        sub = open_collective(campaign, unit)
        cs, _rows = criteria_of(sub)
        save_draft(officer, sub, {cs.criteria[0].code: Entry("5")}, sub.version)
        Submission.update(state="submitted").where(Submission.id == sub.id).execute()
        subs.append(Submission.get_by_id(sub.id))
    secretary = make.user("secretary")
    peer = make.user("peer", campaign=campaign, username="chamcheo")
    grant_role(None, peer, "officer", unit=make.unit(code="KDI"))
    leader = make.user("leader", campaign=campaign, username="hoidong")
    clock.frozen = campaign.review_opens + dt.timedelta(hours=1)
    return {"campaign": campaign, "cs": cs, "subs": subs, "peer": peer, "leader": leader, "secretary": secretary}


def counts():
    return (Assignment.select().count(), Review.select().count(), Score.select().count(),
            AuditEvent.select().count())


def refused(call, *args) -> ServiceError:
    before = counts()
    with pytest.raises(ServiceError) as caught:
        call(*args)
    assert counts() == before, "a refused import wrote something"
    return caught.value


# --- assignments --------------------------------------------------------------------------------

def test_assignment_sheet_creates_pairs_and_keeps_existing(world):
    assign_reviewer(world["secretary"], world["subs"][0], world["leader"], "leader")
    data = xlsx(["Mã đơn vị", "Tài khoản người chấm", "Vai trò chấm"],
                ["TXB", "chamcheo", "chấm chéo"], ["HDI", "chamcheo", ""], ["TXB", "hoidong", "Hội đồng"],
                ["HDI", "hoidong", None])
    report = import_assignments(world["secretary"], world["campaign"], "phan-cong.xlsx", data)
    assert (report.rows, report.created, report.kept) == (4, 3, 1)
    assert sorted((a.submission.unit.code, a.reviewer.username, a.role) for a in Assignment.select()) == [
        ("HDI", "chamcheo", "peer"), ("HDI", "hoidong", "leader"), ("TXB", "chamcheo", "peer"),
        ("TXB", "hoidong", "leader")]
    assert AuditEvent.get(AuditEvent.action == "assignment.import").actor_id == world["secretary"].id


def test_assignment_sheet_conflicts_need_a_reason_on_the_row(world):
    declare_conflict(world["secretary"], world["peer"], world["subs"][1].unit, "family", "Vợ chủ tịch phường")
    rows = [["Mã đơn vị", "Tài khoản người chấm", "Lý do"], ["TXB", "chamcheo", ""], ["HDI", "chamcheo", ""]]
    error = refused(import_assignments, world["secretary"], world["campaign"], "pc.csv", csv_bytes(*rows))
    assert error.message == "Chưa nhập: 1 dòng có lỗi. Không có dữ liệu nào được ghi."
    assert error.problems == ["Dòng 3 – cột «Tài khoản người chấm»: «chamcheo» có xung đột lợi ích với đơn vị "
                              "này (quan hệ gia đình). Chỉ phân công khi ghi lý do ở cột Lý do."]
    rows[2][2] = "Hội đồng đồng ý, không còn người chấm khác"
    assert import_assignments(world["secretary"], world["campaign"], "pc.csv", csv_bytes(*rows)).created == 2
    override = Assignment.get(Assignment.override_reason != "")
    assert override.submission_id == world["subs"][1].id
    event = AuditEvent.get(AuditEvent.action == "assignment.override")
    assert "family" in event.new and "Hội đồng đồng ý" in event.new


def test_assignment_template_lists_current_assignments(world):
    assign_reviewer(world["secretary"], world["subs"][0], world["peer"], "peer")
    sheet = load_workbook(io.BytesIO(assignment_template(world["campaign"]))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["Mã đơn vị", "Mã cán bộ", "Tài khoản người chấm"]
    assert rows[1][:4] == ["TXB", None, "chamcheo", "chấm chéo"]


# --- scores -------------------------------------------------------------------------------------

@pytest.fixture
def assigned(world):
    for sub in world["subs"]:
        assign_reviewer(world["secretary"], sub, world["peer"], "peer")
    return world


def full_rows(cs, unit="TXB", reviewer="chamcheo", first="5"):
    rows = [[unit, reviewer, c.code, "0" if c.kind.value == "penalty" else str(c.max).replace(".", ","), "", "Đạt"]
            for c in cs.criteria]
    rows[0][3] = first
    return rows


def test_complete_sheet_submits_the_review(assigned):
    cs = assigned["cs"]
    data = xlsx(SCORE_HEADER, *full_rows(cs), *full_rows(cs, "HDI")[:3])
    report = import_scores(assigned["secretary"], assigned["campaign"], "diem.xlsx", data)
    assert (report.rows, report.reviews, report.submitted) == (len(cs.criteria) + 3, 2, 1)
    states = {r.assignment.submission.unit.code: r.state for r in Review.select()}
    assert states == {"TXB": "submitted", "HDI": "draft"}
    assert Score.select().where(Score.evidence_verdict == "accepted").count() == len(cs.criteria) + 3


def test_one_bad_row_refuses_the_whole_file_with_a_report(assigned):
    cs = assigned["cs"]
    rows = full_rows(cs)
    rows[0][3] = "7"                       # over the maximum 5
    rows[1][0] = "XYZ"                     # unknown unit
    rows[2][1] = "nguoi.la"                # unknown login
    error = refused(import_scores, assigned["secretary"], assigned["campaign"], "diem.csv",
                    csv_bytes(SCORE_HEADER, *rows))
    assert error.message == "Chưa nhập: 3 dòng có lỗi. Không có dữ liệu nào được ghi."
    assert error.problems[0].startswith("Dòng 2 – cột «Điểm chấm»: ")
    assert error.problems[1].startswith("Dòng 3 – cột «Mã đơn vị»: đơn vị «XYZ» không có hồ sơ đã nộp")
    assert error.problems[2] == "Dòng 4 – cột «Tài khoản người chấm»: không có tài khoản «nguoi.la». " \
                                "Hãy ghi tên đăng nhập của người chấm."


def test_reimport_audits_changes_and_makes_open_forms_stale(assigned):
    cs, peer = assigned["cs"], assigned["peer"]
    assignment = Assignment.get(Assignment.submission == assigned["subs"][0].id)
    review = save_review(peer, assignment, {cs.criteria[0].code: ScoreEntry("5")}, 1)
    import_scores(assigned["secretary"], assigned["campaign"], "d.csv", csv_bytes(SCORE_HEADER, *full_rows(cs)))
    rows = full_rows(cs, first="4,5")      # Excel in Vietnamese saves CSV with ";" (the comma is the decimal mark)
    import_scores(assigned["secretary"], assigned["campaign"], "d.csv", csv_bytes(SCORE_HEADER, *rows, sep=";"))
    score = Score.get(Score.criterion == Score.select(Score.criterion).limit(1))
    changes = [e for e in AuditEvent.select().where(AuditEvent.action == "review.import").order_by(AuditEvent.id)]
    code = cs.criteria[0].code      # only the value changed: the comment and verdict are not repeated
    assert (changes[-1].old, changes[-1].new) == (_json({code: {"value": "5"}}), _json({code: {"value": "4.5"}}))
    assert score.review.state == "submitted"
    from emulation.services.submissions import StaleSave
    with pytest.raises(StaleSave):
        save_review(peer, assignment, {cs.criteria[0].code: ScoreEntry("4")}, review.version)


VERDICT_LABELS = {"": "", "accepted": "Đạt", "insufficient": "Chưa đủ", "missing": "Thiếu"}


@pytest.mark.parametrize("first, then, changed", [
    (("5", "", "accepted"), ("4,5", "", "accepted"), {"value"}),
    (("5", "", ""), ("5", "Theo biên bản", ""), {"comment"}),
    (("5", "", ""), ("5,0", "", "insufficient"), {"evidence_verdict"}),      # 5.0 is 5: no change
    (("5", "Đủ", "accepted"), ("3", "Thiếu ảnh chụp", "missing"), {"value", "comment", "evidence_verdict"}),
])
def test_the_import_audits_a_change_as_the_review_form_does(assigned, first, then, changed):
    """One format for a score's change, whoever makes it: old → new of the fields that changed."""
    cs, peer = assigned["cs"], assigned["peer"]
    code = cs.criteria[0].code
    by_form, by_import = (Assignment.get(Assignment.submission == sub.id) for sub in assigned["subs"])
    for assignment in (by_form, by_import):
        save_review(peer, assignment, {code: ScoreEntry(*first)}, 1)
    save_review(peer, by_form, {code: ScoreEntry(*then)}, 2)
    value, comment, verdict = then
    import_scores(None, assigned["campaign"], "d.csv",
                  csv_bytes(SCORE_HEADER, ["HDI", "chamcheo", code, value, comment, VERDICT_LABELS[verdict]], sep=";"))
    form = AuditEvent.select().where(AuditEvent.action == "review.save").order_by(AuditEvent.id.desc()).get()
    imported = AuditEvent.get(AuditEvent.action == "review.import")
    assert (imported.old, imported.new) == (form.old, form.new)
    assert set(json.loads(form.old)[code]) == set(json.loads(form.new)[code]) == changed


def test_blank_values_keep_what_was_scored(assigned):
    cs, peer = assigned["cs"], assigned["peer"]
    assignment = Assignment.get(Assignment.submission == assigned["subs"][0].id)
    save_review(peer, assignment, {cs.criteria[0].code: ScoreEntry("4,5")}, 1)
    import_scores(None, assigned["campaign"], "d.csv",
                  csv_bytes(SCORE_HEADER, ["TXB", "chamcheo", cs.criteria[0].code, "", "", "Thiếu"]))
    score = Score.get()
    assert (score.value, score.evidence_verdict) == (Decimal("4.5"), "missing")


def test_a_review_split_across_the_sheet_gets_one_event_with_every_change(assigned):
    """Rows of a review in two runs, new and stored scores mixed: one event per review, old → new of
    each changed criterion in code order; unchanged scores are neither written nor audited."""
    cs, peer = assigned["cs"], assigned["peer"]
    first, second, third = cs.criteria[:3]
    assignment = Assignment.get(Assignment.submission == assigned["subs"][0].id)
    save_review(peer, assignment, {first.code: ScoreEntry("4,5"), second.code: ScoreEntry("1")}, 1)
    rows = [["TXB", "chamcheo", third.code, "2", "", ""], ["HDI", "chamcheo", first.code, "5", "", ""],
            ["TXB", "chamcheo", second.code, "1", "", ""],          # unchanged
            ["TXB", "chamcheo", first.code, "5.0", "Theo biên bản", "Đạt"]]
    report = import_scores(None, assigned["campaign"], "d.csv", csv_bytes(SCORE_HEADER, *rows))
    assert (report.rows, report.reviews, report.changed) == (4, 2, 3)
    events = list(AuditEvent.select().where(AuditEvent.action == "review.import").order_by(AuditEvent.id))
    review = Review.get(Review.assignment == assignment)
    assert [e.object_id for e in events] == [review.id, Review.get(Review.assignment != assignment).id]
    blank = {"comment": "", "evidence_verdict": ""}
    assert events[0].old == _json({first.code: {**blank, "value": "4.5"}})
    assert events[0].new == _json({first.code: {"comment": "Theo biên bản", "evidence_verdict": "accepted",
                                                "value": "5.0"}, third.code: {**blank, "value": "2"}})
    assert events[1].old == "{}" and events[1].new == _json({first.code: {**blank, "value": "5"}})
    stored = {(s.review_id, s.criterion.code): s.value for s in Score.select()}
    assert stored[(review.id, first.code)] == 5 and stored[(review.id, third.code)] == 2


def test_a_value_far_from_the_self_score_needs_a_comment(assigned):
    cs = assigned["cs"]
    row = ["TXB", "chamcheo", cs.criteria[0].code, "0", "", ""]     # self-score 5, maximum 5
    error = refused(import_scores, None, assigned["campaign"], "d.csv", csv_bytes(SCORE_HEADER, row))
    assert "hãy ghi nhận xét giải thích" in error.problems[0]
    import_scores(None, assigned["campaign"], "d.csv", csv_bytes(SCORE_HEADER, row[:4] + ["Thiếu minh chứng", ""]))
    assert Score.get().value == 0


def test_scores_are_locked_outside_the_review_window(assigned):
    clock.frozen = assigned["campaign"].review_closes
    error = refused(import_scores, None, assigned["campaign"], "d.csv",
                    csv_bytes(SCORE_HEADER, *full_rows(assigned["cs"])))
    assert "Đã hết thời gian chấm" in error.message


def test_score_template_round_trips(assigned):
    cs = assigned["cs"]
    book = load_workbook(io.BytesIO(score_template(assigned["campaign"])))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:7] == ["Mã đơn vị", "Mã cán bộ", "Tài khoản người chấm", "Mã tiêu chí", "Điểm chấm",
                          "Nhận xét", "Minh chứng"]
    assert "Điểm tự chấm" in header and sheet.max_row == 1 + 2 * len(cs.criteria)
    value_col = header.index("Điểm chấm") + 1
    for row in range(2, sheet.max_row + 1):
        code = sheet.cell(row, 4).value
        criterion = next(c for c in cs.criteria if c.code == code)
        sheet.cell(row, value_col).value = 0 if criterion.kind.value == "penalty" else float(criterion.max)
        if sheet.cell(row, header.index("Điểm tự chấm") + 1).value not in (None, float(criterion.max), criterion.max):
            sheet.cell(row, header.index("Nhận xét") + 1).value = "Đạt đầy đủ"
    out = io.BytesIO()
    book.save(out)
    report = import_scores(None, assigned["campaign"], "phieu-cham.xlsx", out.getvalue())
    assert (report.reviews, report.submitted) == (2, 2)
    again = load_workbook(io.BytesIO(score_template(assigned["campaign"]))).active
    assert again.cell(2, value_col).value is not None


def test_the_untouched_template_imports_as_no_change(assigned):
    save_review(assigned["peer"], Assignment.get(Assignment.submission == assigned["subs"][0]),
                {assigned["cs"].criteria[0].code: ScoreEntry("4")}, 1)
    before = (Score.select().count(), AuditEvent.select().where(AuditEvent.action == "review.import").count())
    report = import_scores(assigned["secretary"], assigned["campaign"], "phieu-cham.xlsx",
                           score_template(assigned["campaign"]))
    assert (report.rows, report.changed, report.submitted) == (2 * len(assigned["cs"].criteria), 0, 0)
    assert (Score.select().count(),
            AuditEvent.select().where(AuditEvent.action == "review.import").count()) == before == (1, 0)
    assert Review.select().count() == 1, "a review was opened for an assignment nothing was entered for"


def test_a_blank_row_with_a_comment_stores_a_score_without_a_value(assigned):
    code = assigned["cs"].criteria[0].code
    report = import_scores(assigned["secretary"], assigned["campaign"], "diem.csv",
                           csv_bytes(SCORE_HEADER, ["TXB", "chamcheo", code, "", "Chưa đủ hồ sơ", ""],
                                     ["TXB", "chamcheo", assigned["cs"].criteria[1].code, "", "", ""]))
    assert report.changed == 1
    assert [(s.criterion.code, s.value, s.comment) for s in Score.select()] == [(code, None, "Chưa đủ hồ sơ")]


def test_cli_scores_and_assignments(assigned, runner, tmp_path):
    cs = assigned["cs"]
    slug = assigned["campaign"].slug
    sheet = tmp_path / "diem.csv"
    sheet.write_bytes(csv_bytes(SCORE_HEADER, *full_rows(cs)))
    result = runner.invoke(args=["scores", "import", slug, str(sheet)])
    assert result.exit_code == 0, result.output
    assert "1 phiếu đã đủ mọi tiêu chí" in result.output
    bad = tmp_path / "sai.csv"
    bad.write_bytes(csv_bytes(SCORE_HEADER, ["TXB", "chamcheo", cs.criteria[0].code, "9", "", ""]))
    result = runner.invoke(args=["scores", "import", slug, str(bad)])
    assert result.exit_code == 1 and "Dòng 2 – cột «Điểm chấm»" in result.output
    result = runner.invoke(args=["scores", "import", "khong-co", str(bad)])
    assert result.exit_code != 0 and "Không có phong trào «khong-co»" in result.output
    out = tmp_path / "mau.xlsx"
    assert runner.invoke(args=["scores", "template", slug, str(out)]).exit_code == 0 and out.stat().st_size
    pc = tmp_path / "pc.csv"
    pc.write_bytes(csv_bytes(["Mã đơn vị", "Tài khoản người chấm"], ["TXB", "hoidong"]))
    result = runner.invoke(args=["assignments", "import", str(assigned["campaign"].id), str(pc)])
    assert result.exit_code == 0 and "1 lượt phân công mới" in result.output, result.output


# --- the secretary's pages ----------------------------------------------------------------------

def test_secretary_imports_scores_from_the_web_with_a_row_report(assigned, client, login):
    from tests.helpers import csrf_from
    cs = assigned["cs"]
    login(assigned["secretary"])
    url = f"/campaigns/{assigned['campaign'].id}/import/scores"
    page = client.get(url).get_data(as_text=True)
    assert "Nhập điểm chấm từ bảng tính" in page
    rows = full_rows(cs)
    rows[0][3] = "4,3"
    response = client.post(url, data={"csrf_token": csrf_from(page),
                                       "file": (io.BytesIO(xlsx(SCORE_HEADER, *rows)), "phieu.xlsx")})
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and Score.select().count() == 0
    assert "Chưa nhập: 1 dòng có lỗi" in text and "Dòng 2 – cột «Điểm chấm»" in text
    response = client.post(url, data={"csrf_token": csrf_from(page),
                                      "file": (io.BytesIO(xlsx(SCORE_HEADER, full_rows(cs)[0])), "phieu.xlsx")})
    text = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 điểm thêm mới hoặc thay đổi; 0 phiếu đủ mọi tiêu chí đã được nộp" in text
    assert "1 phiếu còn thiếu tiêu chí nên chưa nộp" in text and Review.get().state == "draft"
    response = client.post(url, data={"csrf_token": csrf_from(page),
                                      "file": (io.BytesIO(xlsx(SCORE_HEADER, *full_rows(cs))), "phieu.xlsx")})
    assert response.status_code == 302 and Review.get().state == "submitted"
    download = client.get(f"{url}/mau.xlsx")
    assert download.status_code == 200 and "phieu-cham" in download.headers["Content-Disposition"]


def test_secretary_imports_assignments_from_the_web(assigned, client, login):
    from tests.helpers import csrf_from
    login(assigned["secretary"])
    url = f"/campaigns/{assigned['campaign'].id}/import/assignments"
    token = csrf_from(client.get(url).get_data(as_text=True))
    data = csv_bytes(["Mã đơn vị", "Tài khoản người chấm"], ["TXB", "hoidong"], ["HDI", "hoidong"])
    response = client.post(url, data={"csrf_token": token, "file": (io.BytesIO(data), "pc.csv")})
    assert response.status_code == 302 and Assignment.select().where(Assignment.role == "leader").count() == 2
    assert client.get(f"/campaigns/{assigned['campaign'].id}/import/other").status_code == 404


def test_other_roles_cannot_import(assigned, client, login):
    login(assigned["peer"])
    assert client.get(f"/campaigns/{assigned['campaign'].id}/import/scores").status_code == 403
    assert client.get(f"/campaigns/{assigned['campaign'].id}/import/scores/mau.xlsx").status_code == 403


def test_the_import_leaves_its_log_checkpoint_to_a_thread_beside_it(assigned):
    from peewee import SqliteDatabase

    from emulation import wal
    from emulation.database import db
    if not isinstance(db.obj, SqliteDatabase):
        pytest.skip("SQLite's write-ahead log")
    cs, ended = assigned["cs"], wal.ended()
    refused(import_scores, assigned["secretary"], assigned["campaign"], "diem.csv",
            csv_bytes(SCORE_HEADER, ["XYZ", "chamcheo", cs.criteria[0].code, "1", "", ""]))
    wal.settle()
    assert wal.ended() == ended, "a refused import started a checkpoint"
    import_scores(assigned["secretary"], assigned["campaign"], "diem.csv", csv_bytes(SCORE_HEADER, *full_rows(cs)))
    wal.settle()
    assert wal.ended() == ended + 1
    assert db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == wal.AUTOCHECKPOINT


def test_the_import_writes_without_row_by_row_foreign_key_checks_and_leaves_none_broken(assigned, monkeypatch):
    """Inside the import foreign keys are known by construction (``bulk_write``); afterwards the
    connection checks them again, and every row written has its parents."""
    from peewee import SqliteDatabase

    from emulation.bulk_write import LARGE_CACHE_KIB
    from emulation.database import db
    from emulation.services import score_merge
    if not isinstance(db.obj, SqliteDatabase):
        pytest.skip("SQLite's connection pragmas")
    seen, insert_new = [], score_merge.insert_new

    def spy(*args):
        seen.append((db.execute_sql("PRAGMA foreign_keys").fetchone()[0],
                     db.execute_sql("PRAGMA cache_size").fetchone()[0]))
        return insert_new(*args)

    monkeypatch.setattr(score_merge, "insert_new", spy)
    cs = assigned["cs"]
    cache = db.execute_sql("PRAGMA cache_size").fetchone()[0]
    refused(import_scores, assigned["secretary"], assigned["campaign"], "diem.csv",
            csv_bytes(SCORE_HEADER, ["XYZ", "chamcheo", cs.criteria[0].code, "1", "", ""]))
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    import_scores(assigned["secretary"], assigned["campaign"], "diem.csv", csv_bytes(SCORE_HEADER, *full_rows(cs)))
    assert seen == [(0, -LARGE_CACHE_KIB)]
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA cache_size").fetchone()[0] == cache
    assert Score.select().count() == len(cs.criteria)
    assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []
