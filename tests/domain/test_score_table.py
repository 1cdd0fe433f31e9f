"""The fast score-sheet check gives exactly what ``validate_scores`` gives: records, problems, messages."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from emulation.domain import score_table
from emulation.domain.review_sheets import SCORE_COLUMNS, validate_scores
from emulation.domain.score_table import KEYS, validate_score_table

from .test_review_sheets import CS, CTX

CELLS = {
    "unit": ["TXB", "HDI", "XYZ", "TX B", "", "txb"],
    "staff_code": ["", "TXB-001", "TXB-999", "bad code"],
    "reviewer": ["chamcheo", "hoidong", "ca.hai", "ghost", "ChamCheo", "", "x" * 61],
    "criterion": [c.code for c in CS.criteria[:3]] + ["Z.9", "", "y" * 41],
    "value": ["4,5", "5", "5.0", "3", "0", "", "6", "4,3", "-1", "bốn", "1e400", "NaN"],
    "comment": ["", "Thiếu biên bản", "  có khoảng trắng  ", "x" * 2001],
    "verdict": ["", "Đạt", "chưa đủ", "THIẾU", "tốt", "z" * 41],
}
row = st.fixed_dictionaries({key: st.sampled_from(options) for key, options in CELLS.items()})


def _both(present, rows):
    as_dicts = [(n, {k: cells[k] for k in present}) for n, cells in rows]
    columns = [[cells[k] if k in present else "" for _n, cells in rows] for k in KEYS]
    fast, problems = validate_score_table(present, [n for n, _cells in rows], columns, CTX)
    return validate_scores(as_dicts, CTX), (fast.records(), problems)


@settings(max_examples=300, deadline=None)
@given(st.lists(row, max_size=12), st.sets(st.sampled_from(["staff_code", "comment", "verdict"])))
def test_same_records_and_problems_as_validate_scores(rows, optional):
    present = [c.key for c in SCORE_COLUMNS if c.required or c.key in optional]
    numbered = [(n, cells) for n, cells in enumerate(rows, 2)]
    (records, problems), (fast_records, fast_problems) = _both(present, numbered)
    assert fast_records == records
    assert [(p.row, p.column, p.message) for p in fast_problems] == [(p.row, p.column, p.message) for p in problems]


def test_values_printed_differently_stay_apart():
    cells = {"unit": "TXB", "staff_code": "", "reviewer": "chamcheo", "comment": "", "verdict": ""}
    rows = [(2, {**cells, "criterion": CS.criteria[1].code, "value": "5"}),
            (3, {**cells, "criterion": CS.criteria[2].code, "value": "5.0"})]
    (records, _problems), (fast, _fast_problems) = _both(list(KEYS), rows)
    assert [str(r.value) for r in fast] == [str(r.value) for r in records] == ["5", "5.0"]


CLEAN = {
    "pair": [("TXB", "", "chamcheo"), ("HDI", "", "hoidong"), ("TXB", "TXB-001", "chamcheo")],
    "criterion": [c.code for c in CS.criteria[:4]],
    "value": ["4,5", "5", "5.0", "0", "", "1"],
    "comment": ["", "Theo biên bản", "  có khoảng trắng  "],
    "verdict": ["", "Đạt", "chưa đủ"],
}
clean_row = st.fixed_dictionaries({key: st.sampled_from(options) for key, options in CLEAN.items()})


def _cells(row):
    unit, staff, reviewer = row["pair"]
    return {"unit": unit, "staff_code": staff, "reviewer": reviewer, "criterion": row["criterion"],
            "value": row["value"], "comment": row["comment"], "verdict": row["verdict"]}


@settings(max_examples=300, deadline=None)
@given(st.lists(clean_row, max_size=20))
def test_clean_sheets_taken_whole_agree_with_validate_scores(rows):
    """Sheets of clean texts, taken whole unless a comment is missing or a criterion repeats."""
    numbered = [(n, _cells(row)) for n, row in enumerate(rows, 2)]
    (records, problems), (fast_records, fast_problems) = _both(list(KEYS), numbered)
    assert fast_records == records
    assert [(p.row, p.message) for p in fast_problems] == [(p.row, p.message) for p in problems]


def test_a_clean_sheet_is_taken_whole(monkeypatch):
    rows = [(n, _cells({"pair": pair, "criterion": code, "value": "4,5", "comment": "x", "verdict": ""}))
            for n, (pair, code) in enumerate([(p, c) for p in CLEAN["pair"] for c in CLEAN["criterion"]], 2)]
    cells = [[cells[k] for _n, cells in rows] for k in KEYS]

    def row_by_row(_records):
        raise AssertionError("checked row by row")
    monkeypatch.setattr(score_table.ScoreRows, "of", row_by_row)
    fast, problems = validate_score_table(list(KEYS), [n for n, _c in rows], cells, CTX)
    assert problems == [] and len(fast.rows) == len(rows) == 12
    assert fast.records() == validate_scores(rows, CTX)[0]
