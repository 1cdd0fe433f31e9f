"""A CSV without quotes whose cells need no stripping is read by the fast path of ``services.sheets``:
it gives exactly the rows the general path (the csv module's rules, every cell stripped) gives."""
from __future__ import annotations

import sys

import pytest

from emulation.domain.review_sheets import SCORE_COLUMNS
from emulation.services import ServiceError, sheets

HEADER = "Mã đơn vị;Tài khoản người chấm;Mã tiêu chí;Điểm chấm;Nhận xét"
TEXTS = [
    HEADER + "\r\nU1;r0;C00;5;Theo biên bản chấm\r\nU1;r0;C01;4,5;\r\n",
    HEADER + "\nU1;r0;C00;5;x\n\n;;;;\nU1;r0;C01\nU2;r1;C02;7;a;extra;cells\n",
    HEADER + "\rU1;r0;C00;5;x\r\nU1;r0;C01;6;y\n",
    HEADER + "\nU1 ;r0;C00;5;x\n",
    HEADER + "\nU1;r0;C00;5; x\n",
    HEADER + "\nU1;r0;C00;5;x \n",
    HEADER + "\n U1;r0;C00;5;x",
    HEADER + "\nU1;r0;C00;5;x\u00a0\n",
    HEADER + "\nU1;r0;C00;5;a\u00a0b\n",
    HEADER + "\nU1;r0;C00;5;\t\n",
    "Bảng điểm;;\n\n" + HEADER + "\nU1;r0;C00;5;x\n",
    HEADER.replace(";", "\t") + "\nU1\tr0\tC00\t5\t\n\t\t\t\t\nU1\t\tC01\n",
    HEADER.replace(";", ",") + "\nU1,r0,C00,5,x\nU1,r0,C01",
    "Mã đơn vị;Điểm chấm;Nhận xét;Tài khoản người chấm;Mã tiêu chí;Mã cán bộ;Minh chứng\nU1;5;x;r0;C00;S1;Đạt\nU1;5\n",
]


def _general(monkeypatch, data: bytes):
    monkeypatch.setattr(sheets, "_plain_lines", lambda text, delimiter: None)
    try:
        return sheets.read_rows("d.csv", data, SCORE_COLUMNS)
    finally:
        monkeypatch.undo()


@pytest.mark.parametrize("text", TEXTS)
def test_fast_path_reads_as_the_general_one(app, monkeypatch, text):
    data = text.encode()
    with app.test_request_context():
        assert sheets.read_rows("d.csv", data, SCORE_COLUMNS) == _general(monkeypatch, data)


def test_whitespace_touching_a_cell_takes_the_general_path():
    assert sheets._plain_lines("a;b\nc;d\n", ";") == ["a;b", "c;d", ""]
    assert sheets._plain_lines("a;b\r\nc;d", ";") == ["a;b", "c;d"]
    assert sheets._plain_lines("a;b c\r\n", ";") is not None
    for text in ("a ;b\n", "a; b\n", "a;b \n", "a;b\n c\n", "a;b\u3000\n", '"a";b\n', " a;b", "a;b\r\n\u2028"):
        assert sheets._plain_lines(text, ";") is None, text


def test_spaces_are_every_character_strip_removes():
    assert sorted(sheets.SPACES) == [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()]


@pytest.mark.parametrize("text, limit", [(HEADER + "\n", 5), (HEADER + "\nU1;r0;C00;5;x\n" * 3, 2)])
def test_fast_path_refuses_as_the_general_one(app, monkeypatch, text, limit):
    with app.test_request_context():
        with pytest.raises(ServiceError) as fast:
            sheets.read_rows("d.csv", text.encode(), SCORE_COLUMNS, max_rows=limit)
        monkeypatch.setattr(sheets, "_plain_lines", lambda text, delimiter: None)
        with pytest.raises(ServiceError) as general:
            sheets.read_rows("d.csv", text.encode(), SCORE_COLUMNS, max_rows=limit)
    assert str(fast.value) == str(general.value)
