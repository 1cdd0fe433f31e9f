"""The column-by-column CSV reader gives exactly what the row-by-row reader gives: cells, row
numbers, refusals."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulation.domain.review_sheets import SCORE_COLUMNS
from emulation.services import ServiceError, sheets

HEADERS = [["Mã đơn vị", "Tài khoản người chấm", "Mã tiêu chí", "Điểm chấm", "Nhận xét"],
           ["Tài khoản người chấm", "Ghi chú", "Mã đơn vị", "Điểm chấm", "Mã tiêu chí", "Minh chứng"],
           ["Mã đơn vị", "Mã tiêu chí"]]                          # lacks required columns
CELL = st.sampled_from(["", "U1", " U2 ", "r0", "C01", "4,5", "Theo biên bản", "\u00a0x", "e\u0301",
                        "a\tb"])
LINE = st.one_of(st.lists(CELL, min_size=0, max_size=7), st.just([]), st.sampled_from([[" "], ["", "", ""]]))


def _read(data: bytes, by_rows: bool, monkeypatch: pytest.MonkeyPatch):
    with monkeypatch.context() as patched:
        if by_rows:
            patched.setattr(sheets, "_csv_table", lambda *args: None)
        try:
            table = sheets.read_rows("d.csv", data, SCORE_COLUMNS, max_rows=12)
        except ServiceError as error:
            return error.message
    return table.present, list(table.numbers), [list(column) for column in table.cells]


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])     # ``app`` only gives the language
@given(title=st.booleans(), header=st.sampled_from(HEADERS), lines=st.lists(LINE, max_size=14),
       sep=st.sampled_from([";", ",", "\t"]), newline=st.sampled_from(["\n", "\r\n", "\r"]),
       end=st.sampled_from(["", "\r\n", "\n\n", "  \n"]), quote=st.booleans())
def test_column_reader_agrees_with_the_row_reader(app, monkeypatch, title, header, lines, sep, newline, end,
                                                   quote):
    rows = ([["Bảng điểm"]] if title else []) + [header] + lines
    text = newline.join(sep.join(cells) for cells in rows) + end
    if quote:
        text = text.replace("Theo", '"Theo"')
    data = text.encode()
    assert _read(data, False, monkeypatch) == _read(data, True, monkeypatch)


def test_a_plain_sheet_is_read_column_by_column(app, monkeypatch):
    data = ("Mã đơn vị;Tài khoản người chấm;Mã tiêu chí;Điểm chấm\r\n"
            "U1;r0;C01; 4,5\r\nU1;r0;C02;5\r\n\r\n").encode()
    table = sheets._csv_table("d.csv", *sheets._csv_text("d.csv", data), SCORE_COLUMNS, 10)
    assert table is not None and list(table.numbers) == [2, 3]
    assert [list(c) for c in table.cells] == [["U1", "U1"], ["", ""], ["r0", "r0"], ["C01", "C02"], ["4,5", "5"],
                                             ["", ""], ["", ""]]
