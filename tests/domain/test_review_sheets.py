"""The assignment and score sheets: every row checked, every problem reported at its row and column."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from emulation.domain.criteria import load_criteria
from emulation.domain.review_sheets import Context, Target, validate_assignments, validate_scores

CS = load_criteria(Path(__file__).parents[2] / "criteria" / "hn-van-hoa-cong-so-v1.toml")
FIRST = CS.criteria[0]          # a "score" criterion, max 5 step 0.5
LABELS = {"own_unit": "cùng đơn vị (tự động)", "family": "quan hệ gia đình"}

# submissions 10 (unit 1, TXB) and 11 (unit 2, HDI); nominee TXB-001 has submission 12
CTX = Context(
    targets={("TXB", ""): Target(10, 1, CS, {FIRST.code: Decimal(5)}), ("HDI", ""): Target(11, 2, CS),
             ("TXB", "TXB-001"): Target(12, 1, CS)},
    users={"chamcheo": 100, "hoidong": 200, "ca.hai": 300, "khong.vai.tro": 400},
    roles={100: frozenset({"peer"}), 200: frozenset({"leader"}), 300: frozenset({"peer", "leader"})},
    conflicts={(100, 2): ("family",), (300, 1): ("own_unit",)},
    assigned={(10, 100): 1000, (11, 200): 1001, (12, 100): 1002},
)


def arow(unit="TXB", reviewer="hoidong", role="", reason="", staff=""):
    return {"unit": unit, "staff_code": staff, "reviewer": reviewer, "role": role, "reason": reason}


@pytest.mark.parametrize("cells,column,fragment", [
    (arow(unit="XYZ"), "unit", "không có hồ sơ đã nộp"),
    (arow(unit="TX B"), "unit", "không hợp lệ"),
    (arow(unit=""), "unit", "bắt buộc"),
    (arow(staff="TXB-999"), "staff_code", "không có hồ sơ đề nghị"),
    (arow(reviewer="nobody"), "reviewer", "không có tài khoản «nobody»"),
    (arow(reviewer="HoiDong"), "reviewer", "có phải ý bạn là «hoidong»"),
    (arow(reviewer="khong.vai.tro"), "reviewer", "chưa được giao vai trò chấm"),
    (arow(reviewer="ca.hai", unit="HDI"), "role", "hãy ghi rõ vai trò"),
    (arow(role="chấm chéo"), "reviewer", "không có vai trò «chấm chéo»"),
    (arow(role="giám khảo"), "role", "không hợp lệ"),
    (arow(unit="HDI", reviewer="chamcheo"), "reviewer", "xung đột lợi ích với đơn vị này (quan hệ gia đình)"),
    (arow(reviewer="ca.hai", role="hội đồng"), "reviewer", "cùng đơn vị (tự động)"),
])
def test_assignment_row_problems(cells, column, fragment):
    records, problems = validate_assignments([(7, cells)], CTX, LABELS)
    assert records == []
    assert [(p.row, p.column) for p in problems][:1] == [(7, column)]
    assert fragment in problems[0].message


def test_assignment_rows_roles_reasons_and_existing_pairs():
    rows = [(2, arow(reviewer="hoidong")),                                   # role inferred: leader
            (3, arow(unit="HDI", reviewer="chamcheo", reason="Đã báo cáo, hội đồng chấp thuận")),
            (4, arow(unit="HDI", reviewer="hoidong", role="Hội đồng")),     # already assigned: kept as it is
            (5, arow(reviewer="ca.hai", role="hội đồng", unit="HDI"))]
    records, problems = validate_assignments(rows, CTX, LABELS)
    assert problems == []
    assert [(r.row, r.submission_id, r.reviewer_id, r.role, r.reason, r.conflicts) for r in records] == [
        (2, 10, 200, "leader", "", ()),
        (3, 11, 100, "peer", "Đã báo cáo, hội đồng chấp thuận", ("family",)),
        (5, 11, 300, "leader", "", ())]


def test_duplicate_pairs_name_the_first_row():
    _records, problems = validate_assignments([(2, arow()), (9, arow(role="hội đồng"))], CTX, LABELS)
    assert [(p.row, p.message) for p in problems] == [
        (9, "người chấm và hồ sơ này trùng với dòng 2. Hãy xóa một trong hai dòng.")]


def srow(value="4,5", code=None, unit="TXB", reviewer="chamcheo", comment="", verdict="", staff=""):
    return {"unit": unit, "staff_code": staff, "reviewer": reviewer, "criterion": code or FIRST.code,
            "value": value, "comment": comment, "verdict": verdict}


@pytest.mark.parametrize("cells,column,fragment", [
    (srow(value="6"), "value", "từ 0 đến 5"),
    (srow(value="4,3"), "value", "bội số"),
    (srow(value="bốn"), "value", "không phải là số"),
    (srow(value="-1"), "value", "không được âm"),
    (srow(value="3"), "comment", "lệch điểm tự chấm (5) quá 20% điểm tối đa"),
    (srow(code="Z.9"), "criterion", "không có tiêu chí «Z.9»"),
    (srow(verdict="tốt"), "verdict", "«tốt» không hợp lệ"),
    (srow(unit="HDI"), "reviewer", "chưa được phân công chấm hồ sơ của đơn vị «HDI»"),
    (srow(reviewer="ghost"), "reviewer", "không có tài khoản"),
    (srow(comment="x" * 2001), "comment", "vượt quá giới hạn 2000"),
])
def test_score_row_problems(cells, column, fragment):
    records, problems = validate_scores([(12, cells)], CTX)
    assert records == []
    assert (problems[0].row, problems[0].column) == (12, column)
    assert fragment in problems[0].message


def test_score_rows_clean_values_verdicts_and_blank_values():
    rows = [(2, srow("4,5", verdict="Đạt")), (3, srow("3", comment="Thiếu biên bản", code=FIRST.code, unit="TXB",
                                                       staff="TXB-001", verdict="chưa đủ")),
            (4, srow("", code=CS.criteria[1].code, verdict="THIẾU")), (5, srow("5.0", code=CS.criteria[2].code))]
    records, problems = validate_scores(rows, CTX)
    assert problems == []
    assert [(r.row, r.assignment_id, r.criterion, r.value, r.verdict) for r in records] == [
        (2, 1000, FIRST.code, Decimal("4.5"), "accepted"), (3, 1002, FIRST.code, Decimal(3), "insufficient"),
        (4, 1000, CS.criteria[1].code, None, "missing"), (5, 1000, CS.criteria[2].code, Decimal(5), "")]


def test_every_problem_of_every_row_is_reported():
    rows = [(2, srow("9", verdict="?", code=CS.criteria[1].code)), (3, srow(reviewer="")), (4, srow()), (5, srow("4"))]
    _records, problems = validate_scores(rows, CTX)
    assert [(p.row, p.column) for p in problems] == [
        (2, "value"), (2, "verdict"), (3, "reviewer"), (5, "criterion")]
    assert "đã có ở dòng 4" in problems[-1].message
