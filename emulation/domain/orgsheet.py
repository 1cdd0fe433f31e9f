"""Columns and row rules of the organisation sheets (clusters, units, people).

Pure: takes plain text cells, returns cleaned records or the complete list of
problems, never stopping at the first one, so an officer fixes the whole sheet
in one pass. Besides the cell rules common to all sheets (``domain.sheets``:
headers, required cells, codes, lengths — ``MAX_LENGTHS`` mirror
``emulation/models/org.py``):

- a code appears once per file (both rows are named); a referenced code (a
  unit's cluster, a person's unit) exists already;
- gender is Nam/Nữ/M/F or blank; an e-mail, when given, looks like one.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Final

from .messages import N_
from .sheets import CODE_RE, Column, Problem, RowProblems, check_cells, fold

KINDS: Final = ("clusters", "units", "people")
EMAIL_RE: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
GENDERS: Final = {"nam": "M", "m": "M", "male": "M", "nu": "F", "f": "F", "female": "F", "": ""}


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


def column_for(kind: str, key: str) -> Column:
    return next(c for c in COLUMNS[kind] if c.key == key)


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
    for number, cells in rows:
        row = RowProblems(number)
        add = row.add
        record = dict(cells)
        _check_cells(kind, record, add)
        code = record.get(key_column, "")
        if code and CODE_RE.fullmatch(code):
            if code in first_row:
                add(key_column, DUPLICATE, value=code, first=first_row[code])
            else:
                first_row[code] = number
        _check_reference(kind, record, references, folded_refs, add)
        problems.extend(row.sorted(COLUMNS[kind]))
        if not row.found:
            records.append({**record, "_row": str(number)})
    return records, problems


def _check_cells(kind: str, record: dict[str, str], add: Callable[..., None]) -> None:
    """Required, code shape, length, gender (normalised in place to M/F/""), e-mail shape."""
    check_cells(COLUMNS[kind], record, add)
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
