"""The score sheet (:mod:`emulation.services.ranking_export`) as an .xlsx ready to print.

Layout: row 1 the campaign's title, row 2 the scope and when the results were computed,
row 3 the header (bold, wrapped, frozen with the rows above, repeated on every printed
page), data from row 4. Printed landscape on A4, fitted to one page wide, pages numbered
in the footer.

Numbers stay numbers: scores are written at q6 (what ranking compares) with the number
format ``#,##0.00``. An Excel number format names its separators with ``.`` (decimal)
and ``,`` (thousands) whatever the locale; Excel shows them with the reader's own, so a
Vietnamese Excel shows 1.234,50. (A format written ``0,00`` would instead mean
"thousands-grouped, no decimals".) Text cells arrive already neutralised.
"""
from __future__ import annotations

import io

from flask_babel import gettext as _

from .ranking_export import ScoreSheet, columns, heading, values
from .sheets import column_letter

SCORE_FORMAT = "#,##0.00"
RANK_FORMAT = "0"
WIDTHS = {"rank": 8, "code": 12, "name": 30, "score": 11, "text": 34, "names": 26}
HEADER_ROW = 3


def to_xlsx(sheet: ScoreSheet) -> bytes:
    """The workbook's bytes (layout: module docstring)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.properties import PageSetupProperties

    book = Workbook()
    ws = book.active
    ws.title = _("Bảng tổng hợp điểm")[:31]
    cols = columns(sheet)
    last = column_letter(len(cols) - 1)
    ws.append([sheet.campaign_title])
    ws.append([heading(sheet)])
    ws.append([label for label, _kind in cols])
    for row in sheet.rows:
        ws.append(values(sheet, row))       # Decimals are written as numbers
    ws.merge_cells(f"A1:{last}1")
    ws.merge_cells(f"A2:{last}2")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"].font = Font(italic=True)
    for cell in ("A1", "A2"):
        ws[cell].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 36
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for index, (_label, kind) in enumerate(cols, 1):
        letter = column_letter(index - 1)
        ws.column_dimensions[letter].width = WIDTHS[kind]
        head = ws.cell(HEADER_ROW, index)
        head.font = Font(bold=True)
        head.fill = PatternFill("solid", fgColor="E8EEF4")
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        head.border = border
        number_format = SCORE_FORMAT if kind == "score" else RANK_FORMAT if kind == "rank" else "@"
        wrap = kind in ("name", "text", "names")
        for line in range(HEADER_ROW + 1, HEADER_ROW + 1 + len(sheet.rows)):
            cell = ws.cell(line, index)
            cell.number_format = number_format
            cell.border = border
            if wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "&P / &N"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
