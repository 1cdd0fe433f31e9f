"""Reading and writing the spreadsheets of every import (.xlsx or .csv), all rows or none.

- .xlsx (first sheet) and .csv (UTF-8 with or without BOM, or Excel's UTF-16 "Unicode
  text"; the delimiter , ; or tab is guessed from the first line) are read; .xls and
  anything else are refused with how to re-save the file;
- the header is the first of the first few non-blank rows that has every required
  column (a title line or two above it is common in office sheets); a column given twice
  is refused; blank rows are skipped; row numbers are those the user sees;
- at most ``MAX_ROWS`` data rows per file (an import may allow more);
- a refusal lists one line per problem (row, column, what to fix), at most
  ``MAX_PROBLEM_LINES`` of them, and says that nothing was written.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from operator import itemgetter
from typing import Any, NamedTuple

from flask_babel import gettext as _

from ..domain import sheets
from ..domain.sheets import Column, Problem
from . import ServiceError, translate

MAX_ROWS = 20_000
HEADER_SEARCH = 10
MAX_PROBLEM_LINES = 500


class Table(NamedTuple):
    """The data rows of a sheet, column by column (a sheet may hold millions of rows)."""
    present: tuple[str, ...]            # keys of the columns the file has, in its order
    numbers: Sequence[int]              # each row's number as the user sees it
    cells: tuple[Sequence[str], ...]    # per column asked for: one text per row ("" when the file lacks it)

    def rows(self) -> Iterator[tuple[int, tuple[str, ...]]]:
        """(row number, one text per column) for each row."""
        return zip(self.numbers, zip(*self.cells))


def read_table(filename: str, data: bytes, columns: Sequence[Column],
               max_rows: int | None = None) -> list[tuple[int, dict[str, str]]]:
    """The data rows of the first sheet: (row number as shown, {column key: text}).

    The header is the first of the first few non-blank rows that has every
    required column; blank rows are skipped; unknown columns are ignored.
    """
    table = read_rows(filename, data, columns, max_rows)
    index = {c.key: i for i, c in enumerate(columns)}
    places = [(key, index[key]) for key in table.present]
    return [(number, {key: cells[i] for key, i in places}) for number, cells in table.rows()]


def read_rows(filename: str, data: bytes, columns: Sequence[Column], max_rows: int | None = None) -> Table:
    """``read_table`` for large sheets: the rows as a ``Table``."""
    limit = max_rows or MAX_ROWS
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx":
        lines = _xlsx_rows(filename, data, limit)
    elif extension == "csv":
        text, delimiter = _csv_text(filename, data)
        table = _csv_table(filename, text, delimiter, columns, limit)
        if table is not None:
            return table
        lines = _csv_rows(filename, text, delimiter, limit)
    elif extension == "xls":
        raise ServiceError(_("Tệp «%(f)s» ở định dạng Excel 97–2003 (.xls) cũ. Hãy mở tệp bằng "
                             "Excel, chọn Lưu thành (Save As) → «Sổ làm việc Excel (.xlsx)» rồi "
                             "tải lên lại.", f=filename))
    else:
        raise ServiceError(_("Tệp «%(f)s» không phải bảng tính .xlsx hay .csv. Hãy lưu bảng tính "
                             "dưới dạng Excel (.xlsx) hoặc CSV UTF-8 rồi tải lên lại.", f=filename))
    header, mapping, lines = _find_header(filename, columns, lines)
    rest = list(lines)
    if len(rest) > limit:
        raise ServiceError(_("Tệp «%(f)s» có hơn %(n)s dòng dữ liệu. Hãy chia thành nhiều tệp "
                             "nhỏ hơn rồi nhập lần lượt.",
                             f=filename, n=f"{limit:,}".replace(",", ".")))
    if not rest:
        raise ServiceError(_("Tệp «%(f)s» chưa có dòng dữ liệu nào dưới dòng tiêu đề (dòng %(h)d).",
                             f=filename, h=header))
    position = {key: i for i, key in mapping.items()}
    width = max(mapping, default=-1) + 1
    # a column the file lacks reads the last "" of ``fill``, added after the row's cells
    fill = [""] * (width + 1)
    if any(c.key not in position for c in columns):
        padded = [cells + fill for _number, cells in rest]
    else:
        padded = [cells if len(cells) >= width else cells + fill for _number, cells in rest]
    return Table(tuple(mapping.values()), [number for number, _cells in rest],
                 tuple(list(map(itemgetter(position.get(c.key, -1)), padded)) for c in columns))


def _find_header(filename: str, columns: Sequence[Column], lines: Iterator[tuple[int, list[str]]]
                 ) -> tuple[int, dict[int, str], Iterator[tuple[int, list[str]]]]:
    best: tuple[int, dict[int, str]] | None = None
    for _attempt, (number, cells) in zip(range(HEADER_SEARCH), lines):
        mapping, seen = sheets.match_headers(columns, cells)
        if best is None or len(mapping) > len(best[1]):
            best = (number, mapping)
        if not sheets.missing_columns(columns, mapping.values()):
            _refuse_duplicate_columns(columns, seen)
            return number, mapping, lines
    if best is None:
        raise ServiceError(_("Tệp «%(f)s» trống: cần một dòng tiêu đề và ít nhất một dòng dữ liệu.",
                             f=filename))
    missing = sheets.missing_columns(columns, best[1].values())
    names = ", ".join(f"«{_(c.label)}»" for c in missing)
    raise ServiceError(_("Tệp «%(f)s» thiếu cột bắt buộc: %(cols)s. Dòng tiêu đề (dòng %(h)d) cần có "
                         "các cột này; hãy xem tệp mẫu.", f=filename, cols=names, h=best[0]))


def _refuse_duplicate_columns(columns: Sequence[Column], seen: dict[str, list[int]]) -> None:
    for key, positions in seen.items():
        if len(positions) > 1:
            letters = " và ".join(column_letter(p) for p in positions)
            raise ServiceError(_("Cột «%(c)s» xuất hiện nhiều lần trong dòng tiêu đề (cột %(l)s). "
                                 "Hãy giữ lại một cột.",
                                 c=_(sheets.column_for(columns, key).label), l=letters))


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(index + 1)


def _xlsx_rows(filename: str, data: bytes, limit: int) -> Iterator[tuple[int, list[str]]]:
    """The rows of the first sheet, read with calamine (Rust; ~8× openpyxl on a 42,000-row sheet)."""
    from python_calamine import CalamineWorkbook

    corrupt = ServiceError(_("Tệp «%(f)s» không đọc được như bảng tính Excel (.xlsx): tệp bị hỏng "
                             "hoặc không phải Excel. Hãy mở tệp bằng Excel, lưu lại dạng .xlsx rồi "
                             "thử lại.", f=filename))
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        try:
            sheet = book.get_sheet_by_index(0)
            # rows are yielded from row 1, but from the first used column: pad back to column A
            pad = [""] * (sheet.start[1] if sheet.start else 0)
            lines = _limited(enumerate((pad + list(row) for row in sheet.iter_rows()), 1), limit)
        finally:
            book.close()
    # A malformed file surfaces as CalamineError, ZipError, XmlError, ValueError… from inside
    # the reader; each means the same to the user.
    except Exception as error:
        raise corrupt from error
    return iter(lines)


def _limited(rows: Iterable[tuple[int, Iterable[Any]]], limit: int) -> list[tuple[int, list[str]]]:
    """Non-blank rows as text, stopping once there are more than a file may hold."""
    kept = []
    for number, values in rows:
        cells = [sheets.cell_text(v) for v in values]
        if any(cells):
            kept.append((number, cells))
            if len(kept) > limit + HEADER_SEARCH:
                break
    return kept


def _csv_text(filename: str, data: bytes) -> tuple[str, str]:
    """The text of a CSV file (NFC) and its delimiter."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text"
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ServiceError(_("Tệp CSV «%(f)s» không ở mã UTF-8 nên chữ tiếng Việt sẽ bị lỗi. Trong "
                             "Excel, chọn Lưu thành (Save As) → «CSV UTF-8 (phân cách bằng dấu "
                             "phẩy)» rồi tải lên lại.", f=filename)) from error
    first = _first_line(text)
    delimiter = max(",;\t", key=first.count) if first else ","
    # Every cell is NFC text (``sheets.cell_text``). Normalising the whole text once gives the
    # same cells: no character composes or reorders with the separators , ; tab " CR LF.
    return (text if text.isascii() else unicodedata.normalize("NFC", text)), delimiter


# Without a quote the csv module cuts records at CR, LF or CRLF and fields at the delimiter,
# nothing else: so do the readers below (``_csv_rows`` without a quote, ``_csv_table``), in a
# fraction of the time.

def _csv_rows(filename: str, text: str, delimiter: str, limit: int) -> Iterator[tuple[int, list[str]]]:
    if '"' in text:
        records: Iterable[list[str]] = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    else:
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        records = (line.split(delimiter) for line in text.split("\n"))
    kept: list[tuple[int, list[str]]] = []
    numbered = enumerate(records, 1)
    try:
        while len(kept) <= limit + HEADER_SEARCH:
            chunk = [(number, list(map(str.strip, values))) for number, values in islice(numbered, 50_000)]
            if not chunk:
                break
            kept += [row for row in chunk if any(row[1])]
        del kept[limit + HEADER_SEARCH + 1:]        # as many as a file may hold, and one more
    except csv.Error as error:
        raise ServiceError(_("Tệp CSV «%(f)s» không đọc được (%(e)s). Hãy lưu lại dạng "
                             "«CSV UTF-8» rồi thử lại.", f=filename, e=str(error))) from error
    return iter(kept)


def _csv_table(filename: str, text: str, delimiter: str, columns: Sequence[Column], limit: int) -> Table | None:
    """``read_rows`` of the usual large CSV, cut column by column without a loop per row; None
    (read row by row) unless it has no quote, and below its header only non-blank lines of
    one same number of cells, enough for every column, at most ``limit`` of them."""
    if '"' in text:
        return None
    newline = "\r\n" if "\r" in text else "\n"
    if newline == "\r\n" and not text.count("\r") == text.count("\r\n") == text.count("\n"):
        return None     # line breaks of more than one kind
    head = text.split(newline, 4 * HEADER_SEARCH)
    if len(head) > 4 * HEADER_SEARCH:
        head.pop()      # the rest of the text
    if sum(1 for line in head if line.strip()) <= HEADER_SEARCH and len(head) == 4 * HEADER_SEARCH:
        return None     # many blank lines on top
    found = [(n, list(map(str.strip, line.split(delimiter)))) for n, line in enumerate(head, 1)]
    header, mapping, _rest = _find_header(filename, columns, iter([row for row in found if any(row[1])]))
    end = len(text)
    while end and text[end - 1].isspace():      # blank lines at the end are skipped
        end -= 1
    body = text[sum(len(line) + len(newline) for line in head[:header]):end]
    count = body.count(newline) + 1
    if not body or count > limit:
        return None
    # each line break becomes a cell of its own: lines of ``width`` cells put one every width + 1
    flat = body.replace(newline, f"{delimiter}\n{delimiter}").split(delimiter)
    width, odd = divmod(len(flat) - count + 1, count)
    breaks = flat[width::width + 1]
    if odd or width <= max(mapping, default=-1) or breaks.count("\n") != len(breaks):
        return None
    position = {key: i for i, key in mapping.items()}
    cells = []
    blank = True        # some row may be blank: every column has a blank cell
    for column in columns:
        if column.key not in position:
            cells.append([""] * count)
            continue
        found_cells = flat[position[column.key]::width + 1]
        stripped = {cell: cell.strip() for cell in set(found_cells)}
        blank = blank and "" in stripped.values()
        changed = any(cell is not clean for cell, clean in stripped.items())
        cells.append(list(map(stripped.__getitem__, found_cells)) if changed else found_cells)
    if blank:
        return None
    return Table(tuple(mapping.values()), range(header + 1, header + 1 + count), tuple(cells))


def _first_line(text: str) -> str:
    """The first non-blank line (as ``str.splitlines`` cuts them), without splitting a whole large file."""
    size = 1 << 16
    while True:
        lines = text[:size].splitlines()
        if size < len(text):
            lines = lines[:-1]      # may be cut short
        found = next((line for line in lines if line.strip()), None)
        if found is not None or size >= len(text):
            return found or ""
        size *= 4


def refusal(columns: Sequence[Column], problems: Sequence[Problem]) -> ServiceError:
    """One ServiceError listing every problem as «Dòng N – cột «…»: what to fix»."""
    lines = []
    for problem in problems[:MAX_PROBLEM_LINES]:
        label = _(sheets.column_for(columns, problem.column).label)
        lines.append(_("Dòng %(row)d – cột «%(col)s»: %(msg)s",
                       row=problem.row, col=label, msg=translate(problem)))
    if len(problems) > MAX_PROBLEM_LINES:
        lines.append(_("… và %(n)d lỗi khác.", n=len(problems) - MAX_PROBLEM_LINES))
    bad_rows = len({p.row for p in problems})
    return ServiceError(_("Chưa nhập: %(n)d dòng có lỗi. Không có dữ liệu nào được ghi.", n=bad_rows),
                        problems=lines)


def workbook(title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]],
             widths: dict[str, int] | None = None) -> bytes:
    """An .xlsx with a bold frozen Vietnamese header, column widths, and codes formatted as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([_(c.label) for c in columns])
    count = 1
    for row in rows:
        sheet.append(list(row))
        count += 1
    for index, column in enumerate(columns, 1):
        sheet.cell(1, index).font = Font(bold=True)
        sheet.column_dimensions[column_letter(index - 1)].width = (widths or {}).get(column.key, 18)
        if column.code or column.key == "phone":
            # as text, so Excel keeps leading zeros (0101, 0912…)
            for line in range(2, max(count, 2) + 1):
                sheet.cell(line, index).number_format = "@"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
