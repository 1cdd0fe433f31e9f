"""Columns and row rules of the organisation sheets (clusters, units, people).

Pure: takes plain text cells, returns cleaned records or the complete list of
problems, never stopping at the first one, so an officer fixes the whole sheet
in one pass. The rules:

- a header is matched case- and diacritic-insensitively ("Mã đơn vị",
  "ma don vi", "MA_DON_VI" and "code" are the same column) against the
  aliases of its kind; unknown columns are ignored;
- required cells are not blank; codes use ``[A-Za-z0-9._-]``, at most 40
  characters; text fits the stored column (``MAX_LENGTHS`` mirror
  ``emulation/models/org.py``);
- a code appears once per file (both rows are named); a referenced code (a
  unit's cluster, a person's unit) exists already;
- gender is Nam/Nữ/M/F or blank; an e-mail, when given, looks like one.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from .messages import N_, Templated


KINDS: Final = ("clusters", "units", "people")
MAX_ROWS: Final = 20_000
CODE_RE: Final = re.compile(r"[A-Za-z0-9._-]{1,40}")
EMAIL_RE: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
GENDERS: Final = {"nam": "M", "m": "M", "male": "M", "nu": "F", "f": "F", "female": "F", "": ""}


@dataclass(frozen=True)
class Column:
    key: str            # model field ("cluster"/"unit" hold the referenced code)
    label: str          # the Vietnamese header of the template
    aliases: tuple[str, ...]
    required: bool = False
    max_length: int = 200
    code: bool = False  # holds a code: [A-Za-z0-9._-]


COLUMNS: Final[dict[str, tuple[Column, ...]]] = {
    "clusters": (
        Column("code", N_("Mã cụm"), ("ma_cum", "ma_cum_thi_dua", "ma_khoi", "ma", "code",
                                      "cluster_code"), True, 40, True),
        Column("name", N_("Tên cụm"), ("ten_cum", "ten_cum_thi_dua", "ten_khoi", "ten", "name",
                                       "cluster_name"), True, 200),
    ),
    "units": (
        Column("code", N_("Mã đơn vị"), ("ma_don_vi", "ma_dv", "ma", "code", "unit_code"),
               True, 40, True),
        Column("name", N_("Tên đơn vị"), ("ten_don_vi", "ten_dv", "ten", "name", "unit_name"),
               True, 200),
        Column("kind", N_("Loại"), ("loai", "loai_don_vi", "kind", "type"), False, 40),
        Column("district", N_("Quận/Huyện"), ("quan_huyen", "quan", "huyen", "district"),
               False, 120),
        Column("cluster", N_("Mã cụm"), ("ma_cum", "ma_cum_thi_dua", "cum", "cum_thi_dua",
                                         "cluster", "cluster_code"), False, 40, True),
    ),
    "people": (
        Column("staff_code", N_("Mã cán bộ"), ("ma_can_bo", "ma_cb", "ma_nhan_vien", "ma",
                                               "staff_code", "code"), True, 40, True),
        Column("full_name", N_("Họ và tên"), ("ho_va_ten", "ho_ten", "full_name", "name", "ten"),
               True, 200),
        Column("gender", N_("Giới tính"), ("gioi_tinh", "gender", "sex"), False, 10),
        Column("position", N_("Chức vụ"), ("chuc_vu", "position", "title"), False, 200),
        Column("unit", N_("Mã đơn vị"), ("ma_don_vi", "ma_dv", "don_vi", "unit", "unit_code"),
               True, 40, True),
        Column("email", N_("Email"), ("email", "e_mail", "thu_dien_tu"), False, 200),
        Column("phone", N_("Điện thoại"), ("dien_thoai", "so_dien_thoai", "sdt", "phone",
                                           "telephone", "mobile"), False, 40),
    ),
}
#: The code column each kind is upserted by, and the column that references another table.
KEY_COLUMN: Final = {"clusters": "code", "units": "code", "people": "staff_code"}
REFERENCE: Final = {"units": "cluster", "people": "unit"}
MAX_LENGTHS: Final = {kind: {c.key: c.max_length for c in cols} for kind, cols in COLUMNS.items()}

REQUIRED = N_("Ô này bắt buộc nhưng đang để trống. Hãy điền giá trị.")
BAD_CODE = N_("mã «{value}» không hợp lệ: chỉ dùng chữ cái không dấu, chữ số và các dấu . _ - "
              "(không có dấu cách), tối đa 40 ký tự, ví dụ «{suggestion}».")
TOO_LONG = N_("nội dung dài {length} ký tự, vượt quá giới hạn {limit} ký tự. Hãy rút gọn.")
DUPLICATE = N_("mã «{value}» trùng với dòng {first}. Mỗi mã chỉ được xuất hiện một lần trong tệp; "
               "hãy xóa hoặc sửa một trong hai dòng.")
NO_CLUSTER = N_("không có cụm thi đua «{value}». Hãy tạo cụm trước hoặc sửa mã.")
NO_UNIT = N_("không có đơn vị «{value}». Hãy tạo đơn vị trước hoặc sửa mã.")
DID_YOU_MEAN = N_("không có mã «{value}»; có phải ý bạn là «{suggestion}»? Mã phân biệt chữ hoa, "
                  "chữ thường.")
BAD_GENDER = N_("giới tính «{value}» không hợp lệ. Hãy ghi «Nam» hoặc «Nữ» (hoặc M/F), "
                "hoặc để trống.")
BAD_EMAIL = N_("email «{value}» không đúng dạng. Hãy ghi dạng ten@coquan.gov.vn hoặc để trống.")
_MISSING_REFERENCE = {"cluster": NO_CLUSTER, "unit": NO_UNIT}


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


def column_for(kind: str, key: str) -> Column:
    return next(c for c in COLUMNS[kind] if c.key == key)


def match_headers(kind: str, cells: Iterable[str]) -> tuple[dict[int, str], dict[str, list[int]]]:
    """Map cell positions of a header row to column keys; also each key's positions (duplicates)."""
    alias = {a: c.key for c in COLUMNS[kind] for a in c.aliases}
    mapping: dict[int, str] = {}
    seen: dict[str, list[int]] = {}
    for index, text in enumerate(cells):
        key = alias.get(fold(text))
        if key is not None:
            seen.setdefault(key, []).append(index)
            mapping.setdefault(index, key)
    return {i: k for i, k in mapping.items() if seen[k][0] == i}, seen


def missing_columns(kind: str, keys: Collection[str]) -> list[Column]:
    return [c for c in COLUMNS[kind] if c.required and c.key not in keys]


def suggest_code(text: str) -> str:
    """A valid code close to ``text`` ("Cụm Thanh Xuân" -> "Cum-Thanh-Xuan")."""
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    plain = folded.encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-")[:40] or "TXB"


def validate_rows(kind: str, rows: Iterable[tuple[int, Mapping[str, str]]],
                  references: Collection[str] = ()) -> tuple[list[dict[str, str]], list[Problem]]:
    """Check every row; return cleaned records (with their ``_row``) and all problems.

    ``references`` are the existing codes a row may point to (cluster codes for
    units, unit codes for people). Gender comes back as ``M``/``F``/"".
    """
    records: list[dict[str, str]] = []
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    folded_refs = {code.lower(): code for code in references}
    key_column = KEY_COLUMN[kind]
    order = {c.key: i for i, c in enumerate(COLUMNS[kind])}
    for number, cells in rows:
        found: list[Problem] = []

        def add(column: str, template: str, **params: object) -> None:
            found.append(Problem(number, column, template,
                                 tuple((k, str(v)) for k, v in params.items())))

        record = dict(cells)
        _check_cells(kind, record, add)
        code = record.get(key_column, "")
        if code and CODE_RE.fullmatch(code):
            if code in first_row:
                add(key_column, DUPLICATE, value=code, first=first_row[code])
            else:
                first_row[code] = number
        _check_reference(kind, record, references, folded_refs, add)
        problems.extend(sorted(found, key=lambda p: order[p.column]))
        if not found:
            records.append({**record, "_row": str(number)})
    return records, problems


def _check_cells(kind: str, record: dict[str, str], add: Callable[..., None]) -> None:
    """Required, code shape, length, gender (normalised in place to M/F/""), e-mail shape."""
    for column in COLUMNS[kind]:
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
    if "gender" in record:
        gender = GENDERS.get(fold(record["gender"]))
        if gender is None:
            add("gender", BAD_GENDER, value=record["gender"])
        else:
            record["gender"] = gender
    email = record.get("email", "")
    if email and not EMAIL_RE.fullmatch(email):
        add("email", BAD_EMAIL, value=email)


def _check_reference(kind: str, record: Mapping[str, str], references: Collection[str],
                     folded: Mapping[str, str], add: Callable[..., None]) -> None:
    column = REFERENCE.get(kind)
    value = record.get(column or "", "")
    if not column or not value or not CODE_RE.fullmatch(value) or value in references:
        return
    suggestion = folded.get(value.lower())
    if suggestion is not None:
        add(column, DID_YOU_MEAN, value=value, suggestion=suggestion)
    else:
        add(column, _MISSING_REFERENCE[column], value=value)
