"""The "ĐÃ THU HỒI" stamp on a revoked certificate's pages (law on emulation and commendation, chapter VII).

Rules:
- A revoked certificate keeps its recorded file (its hash still proves what was issued), but
  every download of it — alone, in the batch PDF, in the ZIP, full design or phôi — carries
  the stamp with the revocation date ("ngày 05 tháng 3 năm 2027", as on official papers),
  laid over the page, so a printed copy cannot pass for a valid one.
- The stamp is the design folder ``certificates/thu-hoi`` (kind ``stamp``), rendered once
  per date by the confined renderer (bundled font, folder fetcher); a page of another size
  gets it scaled to its own size.
"""
from __future__ import annotations

import datetime as dt
import functools
import io

from pypdf import PageObject, PdfReader, PdfWriter, Transformation

from ..domain.certificate_text import long_date
from .certificate_render import document_renderer

DESIGN = "thu-hoi"


@functools.lru_cache(maxsize=16)
def _stamp_pdf(revoked_on: dt.date) -> bytes:
    return document_renderer(DESIGN, "stamp").pdf(revoked_on=long_date("", revoked_on))


def _stamp_page(revoked_on: dt.date) -> PageObject:
    return PdfReader(io.BytesIO(_stamp_pdf(revoked_on))).pages[0]


def stamp(page: PageObject, revoked_on: dt.date) -> None:
    """Lay the stamp over ``page`` (in place), scaled to its size."""
    mark = _stamp_page(revoked_on)
    sx = float(page.mediabox.width) / float(mark.mediabox.width)
    sy = float(page.mediabox.height) / float(mark.mediabox.height)
    if abs(sx - 1) < 1e-3 and abs(sy - 1) < 1e-3:
        page.merge_page(mark)
    else:
        page.merge_transformed_page(mark, Transformation().scale(sx, sy))


def stamped_pdf(data: bytes, revoked: dict[int, dt.date]) -> bytes:
    """``data`` with the pages whose index is in ``revoked`` stamped (unchanged when none is)."""
    if not revoked:
        return data
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for index, revoked_on in revoked.items():
        stamp(writer.pages[index], revoked_on)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
