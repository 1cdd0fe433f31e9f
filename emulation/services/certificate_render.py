"""Rendering certificates (and other documents of a design folder) to PDF with WeasyPrint.

Rules:
- A design is a folder of :data:`DESIGNS_DIR` named ``[a-z0-9-]+`` (``certificates/README.md``):
  its ``meta.toml`` is validated by :mod:`emulation.domain.certificate_design`, its template
  rendered by a Jinja environment of its OWN (autoescape on, loader on the design folder
  only, undefined names are errors) — never Flask's, so a design cannot reach app templates.
- The render context holds plain values: :class:`CertificateText` fields are text, escaped
  by Jinja. User text never reaches a ``style`` attribute or a URL; the only markup passed
  as safe is the QR code, drawn by segno from the verification URL (path data only).
- Every resource (stylesheet, fonts, images) is read through one :class:`FolderFetcher` on
  the design folder: no network, no file outside the folder.
- Fonts come only from the design's ``fonts/`` folder through ``@font-face``; the CSS names
  no system family.
- Speed: a :class:`Renderer` (one per design × mode per process, :func:`renderer`) keeps one
  FontConfiguration, the parsed stylesheets, the loaded template and an image cache; a
  call costs the template fill, the layout and the PDF writing only.
- ``Renderer.pdf(texts)`` returns ONE PDF of ``len(texts)`` pages, one per text in order;
  any other page count (a text overflowing its page) raises :class:`RenderError`.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from ..config import PROJECT_ROOT
from ..domain.certificate_design import FIT_FIELDS, Design, DesignError, parse_design
from ..domain.certificate_text import CertificateText, signer_lines
from .fetcher import FolderFetcher

DESIGNS_DIR = PROJECT_ROOT / "certificates"
PRINT_MODES = ("full", "blank")                  # as models.issuing.PRINT_MODES (no model import here)
DESIGN_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
QR_SVG = re.compile(r'^<svg viewBox="0 0 \d+ \d+" class="qr"><path stroke="#000" d="[0-9hmvMHV .-]+"/></svg>$')


class RenderError(Exception):
    """A document could not be rendered as asked (the message says why, in Vietnamese)."""


def qr_svg(url: str) -> str:
    """Inline SVG markup (no XML declaration) of a QR code encoding ``url`` (http/https only).

    Error correction M (raised when the version has room), mask pattern 0 fixed instead of
    scored (a valid QR code either way; scoring the eight masks costs five times the rest),
    no quiet zone (the template leaves the margin), sized by CSS through its viewBox. The
    markup is checked to be exactly one path of drawing commands, so it can be inserted
    unescaped.
    """
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"QR code only for http(s) verification links, not {url[:80]!r}")
    symbol = segno.make(url, error="m", mask=0, micro=False)
    svg = symbol.svg_inline(scale=1, border=0, omitsize=True, svgclass="qr", lineclass=None)
    if not QR_SVG.match(svg):
        raise RenderError("Mã QR tạo ra không đúng dạng mong đợi.")
    return svg


class DesignFolder:
    """What every render of one design needs once: metadata, template, stylesheets, fonts, fetcher."""

    def __init__(self, design: str, mode: str = "full", designs_dir: Path = DESIGNS_DIR) -> None:
        if not DESIGN_NAME.match(design):
            raise RenderError(f"Tên mẫu «{design}» không hợp lệ (chỉ chữ thường, số và dấu «-»).")
        self.folder = (designs_dir / design).resolve()
        meta = self.folder / "meta.toml"
        if not meta.is_file() or not meta.resolve().is_relative_to(self.folder):
            raise RenderError(f"Không có mẫu «{design}» (thiếu {design}/meta.toml).")
        self.design: Design = parse_design(design, meta.read_text(encoding="utf-8"))
        self.base_url = self.folder.as_uri() + "/"
        self.fetcher = FolderFetcher(self.folder)
        self.font_config = FontConfiguration()
        self.env = Environment(loader=FileSystemLoader(str(self.folder)), autoescape=True,
                               undefined=StrictUndefined, auto_reload=False, trim_blocks=True, lstrip_blocks=True)
        self.template = self.env.get_template(self.design.template)
        self.stylesheets = [CSS(url=self.base_url + self.design.stylesheet, url_fetcher=self.fetcher,
                                font_config=self.font_config),
                            CSS(string=page_css(self.design, mode), base_url=self.base_url, url_fetcher=self.fetcher,
                                font_config=self.font_config)]
        self.cache: dict[str, Any] = {}           # WeasyPrint's image cache, kept across calls

    def write(self, html: str, pages: int | None = None, labels: Sequence[str] = ()) -> bytes:
        """The PDF of ``html``. With ``pages``: RenderError unless it has exactly that many pages
        and no zone overflows (``labels[i]`` names page i in the message)."""
        document = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render(
            stylesheets=self.stylesheets, font_config=self.font_config, cache=self.cache)
        if pages is not None:
            if len(document.pages) != pages:
                raise RenderError(f"Mẫu «{self.design.name}» cho {len(document.pages)} trang thay vì {pages}: "
                                  "một nội dung quá dài so với trang.")
            for index, page in enumerate(document.pages):
                if zones := overflowing(page):
                    label = labels[index] if index < len(labels) else f"trang {index + 1}"
                    raise RenderError(f"Nội dung {label} quá dài, không vừa khung ({', '.join(zones)}) của mẫu "
                                      f"«{self.design.name}»; hãy rút gọn hoặc chỉnh [fit] trong meta.toml.")
        return document.write_pdf()


def overflowing(page: Any) -> list[str]:
    """The classes of the fixed-height ``overflow: hidden`` boxes whose in-flow content runs past
    their bottom on a laid-out WeasyPrint page (a clipped certificate must never be printed)."""
    found, stack = [], [page._page_box]        # WeasyPrint keeps the laid-out tree there
    while stack:
        box = stack.pop()
        children = getattr(box, "children", None) or ()
        if children and box.style["overflow"] == "hidden" and box.style["height"] != "auto":
            bottom = box.content_box_y() + box.height + 0.5            # px; half a pixel of rounding
            if any(child.is_in_normal_flow() and child.position_y + child.margin_height() > bottom
                   for child in children):
                found.append(box.element.get("class", box.element_tag) if box.element is not None else "?")
        stack.extend(children)
    return found


def page_css(design: Design, mode: str) -> str:
    """The stylesheet meta.toml implies: the page size (certificates: no margin), the phôi offsets."""
    width, height = design.page_mm
    margin = " margin: 0;" if design.kind == "certificate" else ""
    css = f"@page {{ size: {width:g}mm {height:g}mm;{margin} }}\n"
    if mode == "blank":
        css += f".sheet > .frame {{ top: {design.blank_top_mm:g}mm; left: {design.blank_left_mm:g}mm }}\n"
    return css


@dataclass(frozen=True)
class Sheet:
    """One page's context: the text, its QR code, and the presentational choices made from it."""
    t: CertificateText
    qr: Markup
    signer: tuple[str, ...]
    fit: dict[str, int]


class Renderer:
    """One per worker process: one FontConfiguration, the design's CSS parsed once, the template loaded once."""

    def __init__(self, design: str, mode: str = "full", designs_dir: Path = DESIGNS_DIR) -> None:
        if mode not in PRINT_MODES:
            raise RenderError(f"Chế độ in «{mode}» không có: chỉ «full» (đầy đủ) hoặc «blank» (in lên phôi).")
        try:
            self.folder = DesignFolder(design, mode, designs_dir)
        except DesignError as error:
            raise RenderError(str(error)) from None
        if self.folder.design.kind != "certificate":
            raise RenderError(f"Mẫu «{design}» không phải mẫu bằng, giấy khen.")
        self.mode = mode
        self.design = self.folder.design
        self.fields = frozenset(self.design.fields_for(mode))

    def sheet(self, text: CertificateText) -> Sheet:
        fit = {f: self.design.fit_step(f, getattr(text, f)) for f in FIT_FIELDS}
        qr = Markup(qr_svg(text.verify_url)) if "qr" in self.fields else Markup("")
        return Sheet(text, qr, signer_lines(text.signer_title), fit)

    def html(self, texts: Sequence[CertificateText]) -> str:
        """The HTML document of ``texts``, one ``section.sheet`` per text."""
        return self.folder.template.render(sheets=[self.sheet(t) for t in texts], mode=self.mode,
                                           fields=self.fields, design=self.design)

    def pdf(self, texts: Sequence[CertificateText]) -> bytes:
        """One multi-page PDF, one page per text in order (RenderError otherwise)."""
        if not texts:
            raise RenderError("Không có bằng nào để kết xuất.")
        labels = [f"bằng số {t.number}" for t in texts]
        return self.folder.write(self.html(texts), pages=len(texts), labels=labels)


@functools.lru_cache(maxsize=16)
def renderer(design: str, mode: str = "full") -> Renderer:
    """This process's renderer of ``design`` in ``mode`` (built once, then reused)."""
    return Renderer(design, mode)


class DocumentRenderer:
    """A non-certificate design (``kind`` "decision" or "stamp"): its template filled with a plain context."""

    def __init__(self, design: str, designs_dir: Path = DESIGNS_DIR, kind: str = "decision") -> None:
        try:
            self.folder = DesignFolder(design, "full", designs_dir)
        except DesignError as error:
            raise RenderError(str(error)) from None
        if self.folder.design.kind != kind:
            raise RenderError(f"Mẫu «{design}» không phải mẫu loại «{kind}».")

    def html(self, **context: Any) -> str:
        return self.folder.template.render(design=self.folder.design, **context)

    def pdf(self, **context: Any) -> bytes:
        return self.folder.write(self.html(**context))


@functools.lru_cache(maxsize=4)
def document_renderer(design: str, kind: str = "decision") -> DocumentRenderer:
    """This process's renderer of a document design (built once, then reused)."""
    return DocumentRenderer(design, kind=kind)
