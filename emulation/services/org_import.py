"""Importing clusters, units and people from .xlsx or .csv: all rows or none.

Every row is checked before anything is written; one invalid row refuses the
whole file with one line per problem (row, column, what to fix). Rows are
upserted by code: existing ones are updated (only the columns the sheet has,
``active`` untouched), new ones created, in one transaction with one audit event.
"""
from __future__ import annotations

import csv
import io
import warnings
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from flask_babel import gettext as _
from peewee import chunked

from ..database import db
from ..domain import orgsheet
from ..domain.orgsheet import KINDS, MAX_ROWS
from ..models import Cluster, Person, Unit, User
from . import ServiceError, translate
from .audit import record

__all__ = ["KINDS", "ImportReport", "read_sheet", "import_org_sheet", "template_workbook"]

MODELS = {"clusters": Cluster, "units": Unit, "people": Person}
HEADER_SEARCH = 10      # a title line or two above the header row is common in office sheets
MAX_PROBLEM_LINES = 500


@dataclass(frozen=True)
class ImportReport:
    kind: str
    created: int
    updated: int
    rows: int

    @property
    def unchanged(self) -> int:
        return self.rows - self.created - self.updated


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ServiceError(_("Loại dữ liệu «%(k)s» không được hỗ trợ.", k=kind))


def read_sheet(filename: str, data: bytes, kind: str) -> list[tuple[int, dict[str, str]]]:
    """The data rows of the first sheet: (row number as shown, {column key: text}).

    The header is the first of the first few non-blank rows that has every
    required column; blank rows are skipped; unknown columns are ignored.
    """
    _check_kind(kind)
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx":
        lines = _xlsx_rows(filename, data)
    elif extension == "csv":
        lines = _csv_rows(filename, data)
    elif extension == "xls":
        raise ServiceError(_("Tệp «%(f)s» ở định dạng Excel 97–2003 (.xls) cũ. Hãy mở tệp bằng "
                             "Excel, chọn Lưu thành (Save As) → «Sổ làm việc Excel (.xlsx)» rồi "
                             "tải lên lại.", f=filename))
    else:
        raise ServiceError(_("Tệp «%(f)s» không phải bảng tính .xlsx hay .csv. Hãy lưu bảng tính "
                             "dưới dạng Excel (.xlsx) hoặc CSV UTF-8 rồi tải lên lại.", f=filename))
    header, mapping, lines = _find_header(filename, kind, lines)
    rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in lines:
        if len(rows) >= MAX_ROWS:
            raise ServiceError(_("Tệp «%(f)s» có hơn %(n)s dòng dữ liệu. Hãy chia thành nhiều tệp "
                                 "nhỏ hơn rồi nhập lần lượt.",
                                 f=filename, n=f"{MAX_ROWS:,}".replace(",", ".")))
        rows.append((number, {key: cells[i] if i < len(cells) else ""
                              for i, key in mapping.items()}))
    if not rows:
        raise ServiceError(_("Tệp «%(f)s» chưa có dòng dữ liệu nào dưới dòng tiêu đề (dòng %(h)d).",
                             f=filename, h=header))
    return rows


def _find_header(filename: str, kind: str, lines: Iterator[tuple[int, list[str]]]
                 ) -> tuple[int, dict[int, str], Iterator[tuple[int, list[str]]]]:
    best: tuple[int, dict[int, str]] | None = None
    for _attempt, (number, cells) in zip(range(HEADER_SEARCH), lines):
        mapping, seen = orgsheet.match_headers(kind, cells)
        if best is None or len(mapping) > len(best[1]):
            best = (number, mapping)
        if not orgsheet.missing_columns(kind, mapping.values()):
            _refuse_duplicate_columns(kind, seen)
            return number, mapping, lines
    if best is None:
        raise ServiceError(_("Tệp «%(f)s» trống: cần một dòng tiêu đề và ít nhất một dòng dữ liệu.",
                             f=filename))
    missing = orgsheet.missing_columns(kind, best[1].values())
    names = ", ".join(f"«{_(c.label)}»" for c in missing)
    raise ServiceError(_("Tệp «%(f)s» thiếu cột bắt buộc: %(cols)s. Dòng tiêu đề (dòng %(h)d) cần có "
                         "các cột này; hãy xem tệp mẫu.", f=filename, cols=names, h=best[0]))


def _refuse_duplicate_columns(kind: str, seen: dict[str, list[int]]) -> None:
    for key, positions in seen.items():
        if len(positions) > 1:
            letters = " và ".join(_column_letter(p) for p in positions)
            raise ServiceError(_("Cột «%(c)s» xuất hiện nhiều lần trong dòng tiêu đề (cột %(l)s). "
                                 "Hãy giữ lại một cột.",
                                 c=_(orgsheet.column_for(kind, key).label), l=letters))


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(index + 1)


def _xlsx_rows(filename: str, data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    corrupt = ServiceError(_("Tệp «%(f)s» không đọc được như bảng tính Excel (.xlsx): tệp bị hỏng "
                             "hoặc không phải Excel. Hãy mở tệp bằng Excel, lưu lại dạng .xlsx rồi "
                             "thử lại.", f=filename))
    try:
        # openpyxl warns about features it drops (data validation, unknown extensions,
        # missing default style); none of them matter for reading cell values.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                lines = _limited(enumerate(book.worksheets[0].iter_rows(values_only=True), 1))
            finally:
                book.close()
    # A malformed file surfaces as any of BadZipFile, KeyError, ParseError, ValueError,
    # IndexError… from inside openpyxl; each means the same to the user.
    except Exception as error:
        raise corrupt from error
    return iter(lines)


def _limited(rows: Iterable[tuple[int, Iterable[Any]]]) -> list[tuple[int, list[str]]]:
    """Non-blank rows as text, stopping once there are more than a file may hold."""
    kept = []
    for number, values in rows:
        cells = [orgsheet.cell_text(v) for v in values]
        if any(cells):
            kept.append((number, cells))
            if len(kept) > MAX_ROWS + HEADER_SEARCH:
                break
    return kept


def _csv_rows(filename: str, data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text"
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ServiceError(_("Tệp CSV «%(f)s» không ở mã UTF-8 nên chữ tiếng Việt sẽ bị lỗi. Trong "
                             "Excel, chọn Lưu thành (Save As) → «CSV UTF-8 (phân cách bằng dấu "
                             "phẩy)» rồi tải lên lại.", f=filename)) from error
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=first.count) if first else ","
    try:
        lines = _limited(enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1))
    except csv.Error as error:
        raise ServiceError(_("Tệp CSV «%(f)s» không đọc được (%(e)s). Hãy lưu lại dạng "
                             "«CSV UTF-8» rồi thử lại.", f=filename, e=str(error))) from error
    return iter(lines)


def import_org_sheet(actor: User | None, kind: str, filename: str, data: bytes) -> ImportReport:
    """Check every row, then upsert all of them by code in one transaction, or write nothing."""
    rows = read_sheet(filename, data, kind)
    model = MODELS[kind]
    with db.atomic():
        references = _reference_ids(kind)
        records, problems = orgsheet.validate_rows(kind, rows, references.keys())
        if problems:
            raise _refusal(kind, problems)
        created, updated = _upsert(kind, model, records, references)
        record(actor, "org.import", object_type=kind,
               new={"file": filename, "created": created, "updated": updated})
    return ImportReport(kind, created, updated, len(records))


def _reference_ids(kind: str) -> dict[str, int]:
    target = {"units": Cluster, "people": Unit}.get(kind)
    if target is None:
        return {}
    return {code: id_ for id_, code in target.select(target.id, target.code).tuples()}


def _refusal(kind: str, problems: list[orgsheet.Problem]) -> ServiceError:
    lines = []
    for problem in problems[:MAX_PROBLEM_LINES]:
        label = _(orgsheet.column_for(kind, problem.column).label)
        lines.append(_("Dòng %(row)d – cột «%(col)s»: %(msg)s",
                       row=problem.row, col=label, msg=translate(problem)))
    if len(problems) > MAX_PROBLEM_LINES:
        lines.append(_("… và %(n)d lỗi khác.", n=len(problems) - MAX_PROBLEM_LINES))
    bad_rows = len({p.row for p in problems})
    return ServiceError(_("Chưa nhập: %(n)d dòng có lỗi. Không có dữ liệu nào được ghi.", n=bad_rows),
                        problems=lines)


def _upsert(kind: str, model: Any, records: list[dict[str, str]],
            references: dict[str, int]) -> tuple[int, int]:
    key = orgsheet.KEY_COLUMN[kind]
    key_field = getattr(model, key)
    codes = [r[key] for r in records]
    existing: dict[str, dict[str, Any]] = {}
    for batch in chunked(codes, 500):
        for row in model.select().where(key_field.in_(batch)).dicts():
            existing[row[key]] = row
    new_rows, updated = [], 0
    for rec in records:
        values = _values(kind, rec, references)
        old = existing.get(rec[key])
        if old is None:
            new_rows.append(values)
            continue
        changed = {name: v for name, v in values.items() if old[name] != v}
        if changed:
            model.update(changed).where(model.id == old["id"]).execute()
            updated += 1
    for batch in chunked(new_rows, 200):
        model.insert_many(batch).execute()
    return len(new_rows), updated


def _values(kind: str, rec: dict[str, str], references: dict[str, int]) -> dict[str, Any]:
    """Model column -> value for the columns present in the sheet (references as ids)."""
    values: dict[str, Any] = {k: v for k, v in rec.items() if not k.startswith("_")}
    reference = orgsheet.REFERENCE.get(kind)
    if reference and reference in values:
        code = values.pop(reference)
        values[reference] = references[code] if code else None
    return values


def template_workbook(kind: str) -> bytes:
    """An .xlsx to fill in: bold frozen Vietnamese header, widths, text-formatted codes, one example."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    _check_kind(kind)
    columns = orgsheet.COLUMNS[kind]
    book = Workbook()
    sheet = book.active
    sheet.title = {"clusters": "Cụm thi đua", "units": "Đơn vị", "people": "Cán bộ"}[kind]
    sheet.append([_(c.label) for c in columns])
    sheet.append(list(EXAMPLES[kind]))
    for index, column in enumerate(columns, 1):
        letter = _column_letter(index - 1)
        sheet.cell(1, index).font = Font(bold=True)
        sheet.column_dimensions[letter].width = WIDTHS.get(column.key, 18)
        if column.code or column.key == "phone":
            # as text, so Excel keeps leading zeros (0101, 0912…)
            sheet.cell(2, index).number_format = "@"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


WIDTHS = {"name": 40, "full_name": 30, "position": 28, "district": 24, "email": 34, "code": 14,
          "staff_code": 14, "cluster": 14, "unit": 14, "gender": 10, "kind": 14, "phone": 16}
EXAMPLES = {
    "clusters": ("CUM-TX", "Cụm thi đua số 1 – quận Thanh Xuân"),
    "units": ("TXB", "Phường Thanh Xuân Bắc", "phường", "Quận Thanh Xuân", "CUM-TX"),
    "people": ("TXB-001", "Nguyễn Thị Lan", "Nữ", "Chuyên viên", "TXB",
               "lan.nt@thanhxuan.hanoi.gov.vn", "0912345678"),
}
