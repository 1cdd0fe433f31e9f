"""Spreadsheet columns and cells, shared by every import (organisation, assignments, scores).

Pure: plain text cells in, cleaned values or problems out. The rules common to all sheets:

- a header is matched case- and diacritic-insensitively ("Mã đơn vị", "ma don vi",
  "MA_DON_VI" are the same column) against the aliases of a column; unknown columns
  are ignored; the first of two columns with the same meaning is used;
- a cell is stripped NFC text; whole numbers lose their ``.0`` (Excel stores 101 as 101.0);
- required cells are not blank; codes use ``[A-Za-z0-9._-]``, at most 40 characters;
  text fits its stored column;
- on the way out (every export), a text cell that starts with ``= + - @``, a tab or a
  carriage return gets a leading ``'`` so that a spreadsheet shows it instead of running it.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from .messages import N_, Templated

CODE_RE: Final = re.compile(r"[A-Za-z0-9._-]{1,40}")
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")

REQUIRED = N_("Ô này bắt buộc nhưng đang để trống. Hãy điền giá trị.")
BAD_CODE = N_("mã «{value}» không hợp lệ: chỉ dùng chữ cái không dấu, chữ số và các dấu . _ - "
              "(không có dấu cách), tối đa 40 ký tự, ví dụ «{suggestion}».")
TOO_LONG = N_("nội dung dài {length} ký tự, vượt quá giới hạn {limit} ký tự. Hãy rút gọn.")


@dataclass(frozen=True)
class Column:
    key: str            # the record key (often a model field)
    label: str          # the Vietnamese header of the template
    aliases: tuple[str, ...]
    required: bool = False
    max_length: int = 200
    code: bool = False  # holds a code: [A-Za-z0-9._-]


@dataclass(frozen=True)
class Problem(Templated):
    """One thing wrong in a sheet: at a row (as the user sees it) and a column key."""

    row: int
    column: str
    template: str
    params: tuple[tuple[str, str], ...] = ()


def fold(text: str) -> str:
    """Header text -> comparable key: no diacritics, lower case, ``_`` between words."""
    text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def cell_text(value: Any) -> str:
    """A spreadsheet cell as stripped NFC text; whole numbers lose their ``.0`` (101.0 -> "101")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:-9] if text.endswith("T00:00:00") else text
    return unicodedata.normalize("NFC", str(value)).strip()


def neutralise(value: Any) -> Any:
    """A cell a spreadsheet will not read as a formula: text starting with ``FORMULA_STARTS``
    gets a leading ``'``; numbers and every other value are kept as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def column_for(columns: Sequence[Column], key: str) -> Column:
    return next(c for c in columns if c.key == key)


def match_headers(columns: Sequence[Column], cells: Iterable[str]
                  ) -> tuple[dict[int, str], dict[str, list[int]]]:
    """Map cell positions of a header row to column keys; also each key's positions (duplicates)."""
    alias = {a: c.key for c in columns for a in c.aliases}
    mapping: dict[int, str] = {}
    seen: dict[str, list[int]] = {}
    for index, text in enumerate(cells):
        key = alias.get(fold(text))
        if key is not None:
            seen.setdefault(key, []).append(index)
            mapping.setdefault(index, key)
    return {i: k for i, k in mapping.items() if seen[k][0] == i}, seen


def missing_columns(columns: Sequence[Column], keys: Collection[str]) -> list[Column]:
    return [c for c in columns if c.required and c.key not in keys]


def suggest_code(text: str) -> str:
    """A valid code close to ``text`` ("Cụm Thanh Xuân" -> "Cum-Thanh-Xuan")."""
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    plain = folded.encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-")[:40] or "TXB"


def check_cells(columns: Sequence[Column], record: Mapping[str, str],
                add: Callable[..., None]) -> None:
    """Required, code shape and length of every column present in ``record``."""
    for column in columns:
        value = record.get(column.key)
        if value is None:
            continue
        if not value:
            if column.required:
                add(column.key, REQUIRED)
        elif column.code and not CODE_RE.fullmatch(value):
            add(column.key, BAD_CODE, value=value, suggestion=suggest_code(value))
        elif len(value) > column.max_length:
            add(column.key, TOO_LONG, length=len(value), limit=column.max_length)


class RowProblems:
    """Collects the problems of one row, in column order: ``add(column, template, **params)``."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.found: list[Problem] = []

    def add(self, column: str, template: str, **params: object) -> None:
        self.found.append(Problem(self.number, column, template,
                                  tuple((k, str(v)) for k, v in params.items())))

    def sorted(self, columns: Sequence[Column]) -> list[Problem]:
        order = {c.key: i for i, c in enumerate(columns)}
        return sorted(self.found, key=lambda p: order.get(p.column, len(order)))
