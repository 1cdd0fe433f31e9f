"""The printable annex (phụ lục) of an explained result: an A4 portrait PDF made by WeasyPrint.

- The page is the Jinja template ``annex/annex.html`` (autoescaped: a unit or reviewer name
  is text, never markup) and its stylesheet ``annex.css``, both in :data:`ANNEX_DIR`; the
  context holds the plain :class:`~emulation.services.explain.Explanation` and pre-formatted
  Vietnamese numbers (``format_decimal_vi`` of the value rounded for display, 0.01).
- WeasyPrint reads resources only through :class:`~.fetcher.FolderFetcher` (imported here
  for callers): ``file:`` URLs of files inside :data:`ANNEX_DIR` (after resolving ``..`` and
  symbolic links) are served; http(s), data:, any other scheme or host, and every path outside
  the folder are refused.
- Importing this module loads WeasyPrint (about a second): import it where a PDF is made.
- No font is downloaded: the stylesheet names Times-compatible families installed on the
  machine and falls back to the generic ``serif``.
"""
from __future__ import annotations

from decimal import Decimal

from flask import render_template
from weasyprint import HTML

from ..config import PROJECT_ROOT
from ..domain.criteria import format_decimal_vi
from ..domain.scoring import q2
from .explain import Explanation
from .fetcher import FolderFetcher

ANNEX_DIR = PROJECT_ROOT / "templates" / "annex"


def vi(value: Decimal | None) -> str:
    """A score as the annex prints it: rounded to 0.01, comma decimals ("—" when there is none)."""
    return "—" if value is None else format_decimal_vi(q2(value))


def vi_exact(value: Decimal) -> str:
    """A weight as the annex prints it: every digit, comma decimals."""
    return format_decimal_vi(value)


def annex_html(explanation: Explanation) -> str:
    return render_template("annex/annex.html", x=explanation, fmt=vi, exact=vi_exact)


def render_annex(explanation: Explanation, fetcher: FolderFetcher | None = None) -> bytes:
    """The annex as PDF bytes."""
    fetcher = fetcher or FolderFetcher(ANNEX_DIR)
    return HTML(string=annex_html(explanation), base_url=ANNEX_DIR.as_uri() + "/",
                url_fetcher=fetcher).write_pdf()
