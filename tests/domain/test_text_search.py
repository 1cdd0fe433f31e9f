"""Accent-insensitive folding and matching for Vietnamese search (domain.text_search)."""
from __future__ import annotations

import unicodedata

import pytest

from emulation.domain.text_search import fold, matches, terms


@pytest.mark.parametrize("text, folded", [
    ("Lê Trà My", "le tra my"),
    ("LÊ TRÀ MY", "le tra my"),
    ("le  tra\tmy ", "le tra my"),
    ("Đỗ Thị Lan", "do thi lan"),
    ("đường Đê La Thành", "duong de la thanh"),
    ("Phường Ô Chợ Dừa", "phuong o cho dua"),
    ("Nguyễn Thị Thanh Hương", "nguyen thi thanh huong"),
    ("Ủy ban nhân dân", "uy ban nhan dan"),
    (unicodedata.normalize("NFD", "Trần Minh Đức"), "tran minh duc"),   # decomposed input
    ("", ""),
])
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("query, fields, found", [
    ("le tra my", ("Bà Lê Trà My",), True),
    ("Lê Trà My", ("Bà Lê Trà My",), True),
    ("LE TRA MY", ("Bà Lê Trà My",), True),
    ("my lê", ("Bà Lê Trà My",), True),                      # word order free
    ("tra my", ("Bà Lê Trà My",), True),
    ("thanh xuan", ("Bà Lê Trà My", "Bí thư Đoàn, Phường Thanh Xuân Bắc"), True),   # any field
    ("le tra mi", ("Bà Lê Trà My",), False),
    ("hung", ("Bà Lê Trà My",), False),
    ("", ("Bà Lê Trà My",), True),                            # empty query: everything
    ("   ", (), True),
    ("do", ("Đỗ Thị Lan",), True),
    ("lan", ("",), False),
])
def test_matches(query, fields, found):
    assert matches(terms(query), *fields) is found


def test_terms_are_folded_and_unique():
    assert terms("  Lê lê  TRÀ ") == ("le", "tra")
