"""A certificate design's metadata (``certificates/<design>/meta.toml``), parsed and validated.

Rules (the format is documented in ``certificates/README.md``):
- ``title`` (non-empty text), ``kind`` (``certificate``, the default, ``decision``, or ``stamp``:
  the mark laid over a revoked certificate's pages),
  ``paper`` (only ``A4``) and ``orientation`` (``landscape`` or ``portrait``) are required
  except ``kind``; ``template`` and ``stylesheet`` name files of the design's own folder
  (plain file names: no folder, no ``..``; defaults ``certificate.html`` and ``style.css``).
- ``fields``: what the ``full`` design prints, a non-empty list without repeats taken from
  :data:`CERTIFICATE_FIELDS` (or :data:`DECISION_FIELDS` for a decision, :data:`STAMP_FIELDS` for a stamp).
- ``[full] border``: ``ornate`` or ``simple`` (default ``simple``).
- ``[blank]``: the print on pre-printed blanks (phôi): ``fields``, a subset of ``fields``
  (default: all of them except the national name and the heading, which the phôi carries),
  and ``top_mm``/``left_mm``, numbers between -50 and 50 (default 0) that shift all the text.
- ``[fit]``: for ``recipient``, ``recipient_detail`` and ``achievement``, the text lengths
  (characters, strictly increasing, positive) from which the text steps down one size:
  ``fit_step`` gives the class index the template prints (``fit-0`` is the largest size).
- Unknown keys are refused (a misspelt ``top_mn`` must not be silently ignored). Every
  problem is reported at once, in Vietnamese, by :class:`DesignError`.
"""
from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from typing import Any

CERTIFICATE_FIELDS = ("national", "issuer_title", "heading", "award_title", "recipient", "recipient_detail",
                      "achievement", "place_date", "signer_title", "signer_name", "decision_line", "golden_book",
                      "number", "qr")
DECISION_FIELDS = ("header", "title", "basis", "articles", "recipients", "signature", "annex")
STAMP_FIELDS = ("stamp",)
KIND_FIELDS = {"certificate": CERTIFICATE_FIELDS, "decision": DECISION_FIELDS, "stamp": STAMP_FIELDS}
PRE_PRINTED = ("national", "heading")           # what a phôi usually carries already
PAPERS = {"A4": (210.0, 297.0)}                 # portrait width × height, mm
ORIENTATIONS = ("landscape", "portrait")
BORDERS = ("ornate", "simple")
FIT_FIELDS = ("recipient", "recipient_detail", "achievement")
MAX_OFFSET_MM = 50.0
TOP_KEYS = {"title", "kind", "paper", "orientation", "template", "stylesheet", "fields", "full", "blank", "fit"}
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class Design:
    """One design folder's validated metadata."""
    name: str
    title: str
    kind: str
    paper: str
    orientation: str
    fields: tuple[str, ...]
    blank_fields: tuple[str, ...]
    blank_top_mm: float
    blank_left_mm: float
    border: str = "simple"
    template: str = "certificate.html"
    stylesheet: str = "style.css"
    fit: tuple[tuple[str, tuple[int, ...]], ...] = ()

    @property
    def page_mm(self) -> tuple[float, float]:
        """(width, height) of the page in mm, after the orientation."""
        width, height = PAPERS[self.paper]
        return (height, width) if self.orientation == "landscape" else (width, height)

    def fields_for(self, mode: str) -> tuple[str, ...]:
        """What a print mode prints: every field in ``full``, the phôi's in ``blank``."""
        return self.fields if mode == "full" else self.blank_fields

    def fit_step(self, field: str, text: str) -> int:
        """0 for short text, then one more for every limit of ``[fit]`` the text reaches."""
        limits = dict(self.fit).get(field, ())
        return sum(1 for limit in limits if len(text) >= limit)


class DesignError(ValueError):
    """A broken meta.toml: ``problems`` lists everything wrong, the message says it in Vietnamese."""

    def __init__(self, name: str, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"Tệp meta.toml của mẫu «{name}» không hợp lệ:\n"
                         + "\n".join(f"- {p}" for p in problems))


def parse_design(name: str, text: str) -> Design:
    """The :class:`Design` that ``text`` (meta.toml) describes; :class:`DesignError` otherwise."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DesignError(name, [f"không đọc được TOML: {error}"]) from None
    problems: list[str] = []
    problems += [f"khóa không được hỗ trợ «{k}»" for k in sorted(set(data) - TOP_KEYS)]
    title = _text(data, "title", problems)
    kind = data.get("kind", "certificate")
    if kind not in KIND_FIELDS:
        problems.append(f"kind = «{kind}» không hợp lệ: chỉ «certificate», «decision» hoặc «stamp»")
        kind = "certificate"
    paper = data.get("paper")
    if paper not in PAPERS:
        problems.append(f"khổ giấy paper = «{paper}» không được hỗ trợ: chỉ «A4»" if paper is not None
                        else "thiếu khổ giấy (paper = \"A4\")")
    orientation = data.get("orientation")
    if orientation not in ORIENTATIONS:
        problems.append(f"hướng giấy orientation = «{orientation}» phải là «landscape» (ngang) hoặc "
                        "«portrait» (dọc)")
    template = _file_name(data, "template", "certificate.html", problems)
    stylesheet = _file_name(data, "stylesheet", "style.css", problems)
    fields = _fields(data.get("fields"), "fields", KIND_FIELDS[kind], problems, required=True)
    full = _table(data, "full", {"border"}, problems)
    border = full.get("border", "simple")
    if border not in BORDERS:
        problems.append(f"[full] border = «{border}» phải là «ornate» hoặc «simple»")
    blank = _table(data, "blank", {"fields", "top_mm", "left_mm"}, problems)
    if "fields" in blank:
        blank_fields = _fields(blank["fields"], "[blank] fields", KIND_FIELDS[kind], problems, required=False)
        outside = [f for f in blank_fields if f not in fields]
        if outside:
            problems.append("[blank] fields chỉ được gồm các trường có trong fields; thừa: " + ", ".join(outside))
    else:
        blank_fields = tuple(f for f in fields if f not in PRE_PRINTED)
    top, left = (_offset(blank, key, problems) for key in ("top_mm", "left_mm"))
    fit = _fit(_table(data, "fit", set(FIT_FIELDS), problems), problems)
    if problems:
        raise DesignError(name, problems)
    return Design(name=name, title=title, kind=kind, paper=paper, orientation=orientation, fields=fields,
                  blank_fields=blank_fields, blank_top_mm=top, blank_left_mm=left, border=border,
                  template=template, stylesheet=stylesheet, fit=fit)


def _text(data: dict, key: str, problems: list[str]) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"thiếu «{key}» (một dòng chữ, ví dụ tên mẫu bằng)")
        return ""
    return value.strip()


def _file_name(data: dict, key: str, default: str, problems: list[str]) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or not FILE_NAME.match(value) or ".." in value:
        problems.append(f"{key} = «{value}» phải là tên một tệp trong thư mục mẫu (không có «/» hay «..»)")
        return default
    return value


def _table(data: dict, key: str, allowed: set[str], problems: list[str]) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        problems.append(f"[{key}] phải là một bảng TOML")
        return {}
    problems += [f"khóa không được hỗ trợ «{key}.{k}»" for k in sorted(set(value) - allowed)]
    return value


def _fields(value: Any, label: str, known: tuple[str, ...], problems: list[str], required: bool) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or (required and not value):
        problems.append(f"{label} phải là danh sách tên trường, ví dụ [\"recipient\", \"achievement\"]")
        return ()
    unknown = [v for v in value if v not in known]
    if unknown:
        problems.append(f"{label}: trường không có: {', '.join(unknown)} (có thể dùng: {', '.join(known)})")
    repeated = sorted({v for v in value if value.count(v) > 1})
    if repeated:
        problems.append(f"{label}: trường lặp lại: {', '.join(repeated)}")
    return tuple(v for v in dict.fromkeys(value) if v in known)


def _offset(blank: dict, key: str, problems: list[str]) -> float:
    value = blank.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or abs(value) > MAX_OFFSET_MM:
        problems.append(f"[blank] {key} = «{value}» phải là một số mm từ -{MAX_OFFSET_MM:g} đến {MAX_OFFSET_MM:g}")
        return 0.0
    return float(value)


def _fit(table: dict, problems: list[str]) -> tuple[tuple[str, tuple[int, ...]], ...]:
    fit = []
    for field in FIT_FIELDS:
        limits = table.get(field, [])
        valid = isinstance(limits, list) and all(isinstance(x, int) and not isinstance(x, bool) and x > 0
                                                 for x in limits)
        if not valid or any(a >= b for a, b in zip(limits, limits[1:])):
            problems.append(f"[fit] {field} phải là dãy số nguyên dương tăng dần (số ký tự), ví dụ [40, 70, 120]")
            continue
        if limits:
            fit.append((field, tuple(limits)))
    return tuple(fit)
