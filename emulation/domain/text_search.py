"""Accent-insensitive search for Vietnamese names and text.

Rules stated here:
- Folding: Unicode NFD, combining marks dropped, "đ"/"Đ" read as "d", case folded, runs
  of white space collapsed to one space. So "Lê Trà My", "LE TRA MY" and "le  tra my" all
  fold to "le tra my"; composed and decomposed input fold alike.
- A query matches when every word of the folded query occurs somewhere in the folded text
  of the fields (in any order, possibly inside a longer word): "le tra my" and "My Lê"
  find "Bà Lê Trà My", "thanh xuan" finds "Phường Thanh Xuân Bắc".
- An empty (or blank) query matches everything.
"""
from __future__ import annotations

import unicodedata

_D = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str) -> str:
    """The accent-free, case-folded, space-normalised form of ``text`` (module rule)."""
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_D))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def terms(query: str) -> tuple[str, ...]:
    """The folded words of a query, each once, in order."""
    return tuple(dict.fromkeys(fold(query).split()))


def matches(query_terms: tuple[str, ...], *fields: str) -> bool:
    """True when every term occurs in the folded text of ``fields`` (module rule)."""
    if not query_terms:
        return True
    haystack = " ".join(fold(f) for f in fields if f)
    return all(term in haystack for term in query_terms)
