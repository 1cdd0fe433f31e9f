"""The printable annex (phụ lục) of an explained result: an A4 portrait PDF made by WeasyPrint.

- The page is the Jinja template ``annex/annex.html`` (autoescaped: a unit or reviewer name
  is text, never markup) and its stylesheet ``annex.css``, both in :data:`ANNEX_DIR`; the
  context holds the plain :class:`~emulation.services.explain.Explanation` and pre-formatted
  Vietnamese numbers (``format_decimal_vi`` of the value rounded for display, 0.01).
- WeasyPrint reads resources only through :class:`FolderFetcher`: ``file:`` URLs of files
  inside :data:`ANNEX_DIR` (after resolving ``..`` and symbolic links) are served; http(s),
  data:, any other scheme or host, and every path outside the folder are refused.
- Importing this module loads WeasyPrint (about a second): import it where a PDF is made.
- No font is downloaded: the stylesheet names Times-compatible families installed on the
  machine and falls back to the generic ``serif``.
"""
from __future__ import annotations

import mimetypes
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from flask import render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..config import PROJECT_ROOT
from ..domain.criteria import format_decimal_vi
from ..domain.scoring import q2
from .explain import Explanation

ANNEX_DIR = PROJECT_ROOT / "templates" / "annex"


class FolderFetcher(URLFetcher):
    """A WeasyPrint (≥ 70) URL fetcher serving only the files of one folder (module rules)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.folder = folder.resolve()
        self.fetched: list[str] = []

    def path_for(self, url: str) -> Path:
        """The file a URL names inside the folder; ValueError for anything else."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"refused URL outside the annex folder: {url!r}")
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_relative_to(self.folder) or not path.is_file():
            raise ValueError(f"refused URL outside the annex folder: {url!r}")
        return path

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        path = self.path_for(url)
        self.fetched.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


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
