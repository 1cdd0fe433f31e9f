"""Certificate wording (DESIGN §6) and official date forms."""
from __future__ import annotations

import datetime as dt

import pytest

from emulation.domain import certificate_text as ct


@pytest.mark.parametrize(("day", "text"), [
    (dt.date(2025, 3, 5), "Hà Nội, ngày 05 tháng 3 năm 2025"),
    (dt.date(2026, 2, 15), "Hà Nội, ngày 15 tháng 02 năm 2026"),
    (dt.date(2026, 1, 1), "Hà Nội, ngày 01 tháng 01 năm 2026"),
    (dt.date(2025, 12, 20), "Hà Nội, ngày 20 tháng 12 năm 2025"),
])
def test_long_date(day, text):
    assert ct.long_date("Hà Nội", day) == text


def test_long_date_without_place():
    assert ct.long_date("", dt.date(2025, 11, 9)) == "Ngày 09 tháng 11 năm 2025"


@pytest.mark.parametrize(("number", "day", "text"), [
    ("2468/QĐ-UBND", dt.date(2025, 12, 5), "Quyết định số 2468/QĐ-UBND ngày 05/12/2025"),
    ("12/QĐ-UBND", None, "Quyết định số 12/QĐ-UBND"),
])
def test_decision_line(number, day, text):
    assert ct.decision_line(number, day) == text


@pytest.mark.parametrize(("title", "text"), [
    ("Văn hóa công sở năm 2025", "Đã có thành tích xuất sắc trong phong trào thi đua “Văn hóa công sở năm 2025”"),
    ("“Nụ cười công sở”", "Đã có thành tích xuất sắc trong phong trào thi đua “Nụ cười công sở”"),
])
def test_achievement_line(title, text):
    assert ct.achievement_line(title) == text


@pytest.mark.parametrize(("honorific", "name", "text"), [
    ("Bà", "Lê Trà My", "Bà Lê Trà My"), ("", "Phường Thanh Xuân Bắc", "Phường Thanh Xuân Bắc")])
def test_recipient_line(honorific, name, text):
    assert ct.recipient_line(honorific, name) == text


@pytest.mark.parametrize(("form", "text"), [("bang-khen", "TẶNG BẰNG KHEN"), ("giay-khen", "TẶNG GIẤY KHEN")])
def test_heading(form, text):
    assert ct.heading(form) == text


def test_unknown_form_refused():
    with pytest.raises(ValueError):
        ct.heading("huan-chuong")


@pytest.mark.parametrize(("title", "lines"), [
    ("KT. CHỦ TỊCH – PHÓ CHỦ TỊCH", ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
    ("KT. CHỦ TỊCH - PHÓ CHỦ TỊCH", ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
    ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
    ("TM. ỦY BAN NHÂN DÂN – CHỦ TỊCH", ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
    ("CHỦ TỊCH", ("CHỦ TỊCH",)),
    ("Bà Rịa-Vũng Tàu", ("Bà Rịa-Vũng Tàu",)),          # a dash inside a name is not a break
])
def test_signer_lines(title, lines):
    assert ct.signer_lines(title) == lines


@pytest.mark.parametrize(("authority", "lines"), [
    ("Ủy ban nhân dân thành phố Hà Nội", ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI")),
    ("Uỷ ban nhân dân  quận Thanh Xuân", ("UỶ BAN NHÂN DÂN", "QUẬN THANH XUÂN")),
    ("Sở Nội vụ", ("SỞ NỘI VỤ",)),
])
def test_authority_lines(authority, lines):
    assert ct.authority_lines(authority) == lines


def test_quoted_and_count():
    assert ct.quoted(" Văn hóa công sở ") == "“Văn hóa công sở”"
    assert ct.quoted("“Nụ cười”") == "“Nụ cười”"
    assert [ct.count(n) for n in (1, 9, 10, 125)] == ["01", "09", "10", "125"]
