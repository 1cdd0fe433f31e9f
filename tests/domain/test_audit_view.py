"""Reading the audit log: old → new JSON as lines per field, Vietnamese names, typed days."""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from emulation.domain import audit_labels as labels, audit_view as view
from emulation.domain.audit_view import ABSENT, DAY, EMPTY, LABEL, MOMENT, NULL, NUMBER, TEXT, Line, Name, Value


def _side(v: Value) -> str:
    return {NULL: "—", EMPTY: "(trống)", LABEL: f"[{v.text}]", TEXT: v.text, NUMBER: f"#{v.data!r}",
            MOMENT: f"@{v.data!r}", DAY: f"@{v.data!r}"}[v.kind]


def _plain(line: Line) -> str:
    """A line as the page reads it, in plain text (labels in brackets)."""
    head = (f"{line.within.text} · " if line.within else "") + (f"{line.key.text}: " if line.key.text else "")
    if line.changed:
        return f"{head}{_side(line.old)} → {_side(line.new)}"
    if line.new.kind == ABSENT:
        return f"{head}-{_side(line.old)}"
    return head + _side(line.new)


def _j(value) -> str:
    """As ``services.audit`` stores it."""
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


CASES = [
    pytest.param(None, None, [], id="neither"),
    pytest.param(None, {"state": "submitted"}, ["Trạng thái: [Đã nộp]"], id="new-only-known-value"),
    pytest.param({"state": "draft"}, {"state": "submitted"}, ["Trạng thái: [Bản nháp] → [Đã nộp]"], id="state"),
    pytest.param({"I.1": {"comment": ""}}, {"I.1": {"comment": "Đã đối chiếu"}},
                 ["I.1 · Nhận xét: (trống) → Đã đối chiếu"], id="score-comment"),
    pytest.param({"I.10": {"value": "2"}, "I.2": {"value": None, "evidence_verdict": ""}},
                 {"I.10": {"value": "3"}, "I.2": {"value": "1.5", "evidence_verdict": "accepted"}},
                 ["I.2 · Điểm: — → #Decimal('1.5')", "I.2 · Minh chứng: (trống) → [Minh chứng đạt]",
                  "I.10 · Điểm: #Decimal('2') → #Decimal('3')"],
                 id="scores-natural-order"),
    pytest.param(None, {"II.1": {"value": "4", "comment": "", "evidence_verdict": ""}},
                 ["II.1 · Điểm: #Decimal('4')", "II.1 · Nhận xét: (trống)", "II.1 · Minh chứng: (trống)"],
                 id="score-created"),
    pytest.param({"active": True}, {"active": False}, ["Đang hoạt động: [Có] → [Không]"], id="bool"),
    pytest.param({"role": "peer", "unit": None}, None, ["Vai trò: -[Người chấm chéo]", "Đơn vị: -—"],
                 id="old-only"),
    pytest.param({"x_unknown": 1}, {"x_unknown": 2, "zz": [1, 2]}, ["x_unknown: #Decimal('1') → #Decimal('2')", "zz: 1, 2"],
                 id="unknown-keys"),
    pytest.param({"name": "A"}, {"name": "A"}, ["Tên: A"], id="unchanged"),
    pytest.param(None, {"awards": [["Bằng khen", "Nguyễn Văn A"]], "conflicts": []},
                 ["Xung đột lợi ích: (trống)", "Khen thưởng: Bằng khen – Nguyễn Văn A"], id="rows"),
    pytest.param(None, {"awards": [["Bằng khen", "Phường A"], ["Giấy khen", None]]},
                 ["Khen thưởng: Bằng khen – Phường A; Giấy khen – —"], id="rows-joined"),
    pytest.param(None, {"awards": [["Bằng khen", {"x": 1}], 2]},
                 ['Khen thưởng: [["Bằng khen", {"x": 1}], 2]'], id="deeper-as-json"),
    pytest.param(None, {"awards": [[], []]}, ["Khen thưởng: [[], []]"], id="empty-rows"),
    pytest.param(None, {"state": "returned", "reasons": {"12": "Thiếu minh chứng"}},
                 ["Trạng thái: [Bị trả lại – cần sửa]", "Lý do trả lại · 12: Thiếu minh chứng"], id="dict-of-text"),
    pytest.param(None, {"reasons": {}}, ["Lý do trả lại: (trống)"], id="empty-inner-dict"),
    pytest.param({"I.1": {"value": 1}}, {"I.1": 5}, ["I.1: {\"value\": 1} → #Decimal('5')"], id="dict-against-scalar"),
    pytest.param(None, [1, "a", None], ["1, a, —"], id="top-level-list"),
    pytest.param(5, "5", ["5"], id="top-level-scalars-equal-text"),
    pytest.param("", "x", ["(trống) → x"], id="top-level-strings"),
    pytest.param({"review_closes": "2026-12-04 17:00:00"}, {"review_closes": dt.datetime(2026, 12, 5, 9, 30, 15, 250)},
                 ["Kết thúc chấm: @datetime.datetime(2026, 12, 4, 17, 0) → "
                  "@datetime.datetime(2026, 12, 5, 9, 30, 15, 250)"], id="instants-as-stored"),
    pytest.param(None, {"revoked_at": "2026-12-04T10:00:00+07:00", "closes": "2026-12-04T03:00:00Z"},
                 ["Hết hạn: @datetime.datetime(2026, 12, 4, 3, 0)", "Thu hồi lúc: @datetime.datetime(2026, 12, 4, 3, 0)"],
                 id="instants-with-offset-in-utc"),
    pytest.param(None, {"signed_on": "2026-12-04", "number": "2026-13-01"},
                 ["Số: 2026-13-01", "Ngày ký: @datetime.date(2026, 12, 4)"], id="days-and-not-a-day"),
    pytest.param({"min_score": "90.5", "code": "1234"}, {"min_score": "tám", "code": "1235"},
                 ["Mã: 1234 → 1235", "Điểm tối thiểu: #Decimal('90.5') → tám"], id="numbers-only-of-numeric-fields"),
    pytest.param({"rows": 1500000}, {"rows": 1.5e300}, ["Số dòng: #Decimal('1500000') → #Decimal('1.5E+300')"],
                 id="json-numbers"),
    pytest.param(None, float("nan"), ["nan"], id="not-a-number"),
    pytest.param({"value": "5"}, {"value": "5.0"}, ["Điểm: #Decimal('5') → #Decimal('5.0')"], id="same-number-other-text"),
    pytest.param(None, None, [], id="nothing"),
    pytest.param(None, {"batch": 1, "mode": "blank"}, ["Lô: #Decimal('1')", "Chế độ in: [Bản in trên phôi (chỉ chữ)]"],
                 id="print-mode"),
]


@pytest.mark.parametrize(("old", "new", "expected"), CASES)
def test_old_and_new_read_as_lines(old, new, expected):
    assert [_plain(line) for line in view.change_lines(_j(old), _j(new))] == expected


@pytest.mark.parametrize(("old_text", "new_text", "expected"), [
    ("{not json", "", ["-{not json"]),
    ("", "[1, 2", ["[1, 2"]),
    ('{"a": 1}', "oops", ['{"a": 1} → oops']),
    ("null", "", ["-—"]),
])
def test_malformed_json_is_shown_as_it_is(old_text, new_text, expected):
    assert [_plain(line) for line in view.change_lines(old_text, new_text)] == expected


def test_known_names_are_marked_and_unknown_ones_kept():
    assert view.action_name("review.import") == Name("Nhập điểm từ bảng tính", True)
    assert view.action_name("review.change") == Name("Sửa phiếu chấm", True)
    assert view.action_name("x.future") == Name("x.future", False)
    assert view.object_name("Review") == Name("Phiếu chấm", True, "audit object")
    assert view.object_name("Gadget") == Name("Gadget")
    assert view.field_name("comment") == Name("Nhận xét", True, "audit field")
    assert view.field_name("I.1") == Name("I.1")


def test_every_action_code_has_one_label():
    codes = [code for _group, codes in labels.ACTION_GROUPS for code, _label in codes]
    assert len(codes) == len(set(codes)) == len(labels.ACTION_LABELS)
    assert all(labels.ACTION_LABELS.values())


def test_a_long_text_is_kept_whole():
    """Shortening is the stylesheet's job; the page keeps the whole text (and its title)."""
    long = "x" * 5000
    (line,) = view.change_lines("", _j({"comment": long}))
    assert line.new == Value(TEXT, long)


@pytest.mark.parametrize(("typed", "day"), [
    ("2026-03-01", dt.date(2026, 3, 1)), ("01/03/2026", dt.date(2026, 3, 1)), (" 1/3/2026 ", dt.date(2026, 3, 1)),
])
def test_days_read_in_both_forms(typed, day):
    assert view.parse_day(typed) == day


@pytest.mark.parametrize("typed", ["", "31/02/2026", "2026-13-01", "hôm qua", "01/01/0001", "9999-12-31", "1/3"])
def test_unreadable_days_are_refused(typed):
    with pytest.raises(ValueError):
        view.parse_day(typed)


def test_a_local_day_starts_seven_hours_earlier_in_utc():
    assert view.day_start_utc(dt.date(2026, 3, 1), "Asia/Ho_Chi_Minh") == dt.datetime(2026, 2, 28, 17, 0)


def test_natural_order_compares_digit_runs_as_numbers():
    assert sorted(["I.10", "II.1", "I.2", "I.1"], key=view.natural_key) == ["I.1", "I.2", "I.10", "II.1"]


def _recorded_codes() -> set[str]:
    """The literal action codes on the lines of the sources that record events."""
    code = re.compile(r'"([a-z_]+\.[a-z_]+|login)"')
    found = set()
    for path in (Path(view.__file__).resolve().parent.parent / "services").glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "record(" in line or "record_many(" in line or "action = " in line or "_Ref(" in line:
                found |= set(code.findall(line))
    return found


def test_every_action_the_services_record_has_a_label():
    """Codes built at run time (``services.org``, ``criteria``, ``council``) are listed here."""
    dynamic = {f"{kind}.{verb}" for kind in ("cluster", "unit", "person")
               for verb in ("create", "update", "deactivate")}
    dynamic |= {"criteria.created", "criteria.replaced", "council.add", "council.remove"}
    recorded = _recorded_codes()
    assert {"login", "review.import", "review.change", "decision.approve"} <= recorded
    assert (recorded | dynamic) - set(labels.ACTION_LABELS) == set()
