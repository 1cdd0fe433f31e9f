"""Criteria sets (bộ tiêu chí): the model, the TOML loader and the value rule.

A criteria set is a versioned, immutable list of groups (nhóm tiêu chí) of
criteria (tiêu chí). Rules stated here:

- ``max_total`` (DESIGN §4) is Σ ``max`` of ``score`` and ``bonus`` criteria;
  penalties are excluded. A loadable set always has ``max_total`` > 0.
- A value for a criterion (DESIGN §3) is a finite ``Decimal`` within
  ``0..max`` that is an exact multiple of the criterion's ``step``; a penalty
  value is entered as a positive number and subtracted by the scoring rules.
- ``canonical_hash`` identifies the parsed content: whitespace, comments, key
  order and ``10`` vs ``10.0`` do not change it; any content edit does.

The file format and its validation live in ``criteria_validate``; the names
it defines (``Kind``, ``TARGETS``, ``N_``, ``Problem``) are re-exported here.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import tomllib
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from emulation.domain.criteria_validate import (
    TARGETS,
    Kind,
    N_,
    Problem,
    is_multiple,
    validate,
)

__all__ = [
    "N_", "Kind", "TARGETS", "Criterion", "Group", "CriteriaSet", "Problem", "CriteriaError",
    "parse_criteria", "load_criteria", "check_value", "canonical_hash", "format_decimal_vi",
]

_COUNTED = (Kind.SCORE, Kind.BONUS)


@dataclasses.dataclass(frozen=True)
class Criterion:
    """Tiêu chí: one scored leaf of a set."""

    code: str
    title: str
    guidance: str
    kind: Kind
    max: Decimal
    step: Decimal
    evidence_required: bool
    evidence_hint: str
    disqualifying: bool
    group_code: str


@dataclasses.dataclass(frozen=True)
class Group:
    """Nhóm tiêu chí: criteria in file order."""

    code: str
    title: str
    criteria: tuple[Criterion, ...]

    @property
    def max_total(self) -> Decimal:
        """Σ max of the group's score and bonus criteria (penalties excluded)."""
        return sum((c.max for c in self.criteria if c.kind in _COUNTED), Decimal(0))


@dataclasses.dataclass(frozen=True)
class CriteriaSet:
    """Bộ tiêu chí: one version of a set, for one target (collective | individual)."""

    id: str
    version: int
    title: str
    target: str
    description: str
    source: str
    groups: tuple[Group, ...]

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """All criteria, flattened in file order."""
        return tuple(c for g in self.groups for c in g.criteria)

    @property
    def max_total(self) -> Decimal:
        """DESIGN §4 maximum total: Σ max of score and bonus criteria."""
        return sum((g.max_total for g in self.groups), Decimal(0))

    def criterion(self, code: str) -> Criterion:
        """The criterion with this exact code; KeyError if absent."""
        for c in self.criteria:
            if c.code == code:
                return c
        raise KeyError(code)


class CriteriaError(ValueError):
    """A criteria file that cannot be loaded, with every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(p.line("<criteria>") for p in self.problems))

    def __reduce__(self) -> tuple[type[CriteriaError], tuple[tuple[Problem, ...]]]:
        return (type(self), (self.problems,))


SYNTAX = N_(
    "Lỗi cú pháp TOML ở dòng {line}, cột {column}: {detail}. Hãy sửa tại vị trí này: chuỗi phải "
    "nằm trong dấu ngoặc kép, mỗi dòng viết dạng khóa = giá trị, mỗi khóa chỉ khai báo một lần."
)
SYNTAX_AT_END = N_(
    "Lỗi cú pháp TOML (phát hiện ở cuối tệp): {detail}. Hãy kiểm tra chuỗi chưa đóng dấu ngoặc kép, "
    "giá trị bị bỏ trống sau dấu = hoặc khóa được khai báo hai lần trong cùng một bảng."
)
UNREADABLE = N_("Không đọc được tệp: {error}. Hãy kiểm tra đường dẫn và quyền đọc tệp.")
NOT_UTF8 = N_(
    "Tệp không được lưu bằng mã UTF-8 (byte không hợp lệ ở vị trí {position}). "
    "Hãy mở tệp và lưu lại với mã hóa UTF-8."
)
VALUE_NOT_DECIMAL = N_("Tiêu chí {code} «{title}»: điểm phải là một số hữu hạn.")
VALUE_NEGATIVE = N_("Tiêu chí {code} «{title}»: điểm không được âm; điểm phải từ 0 đến {max}.")
PENALTY_NEGATIVE = N_(
    "Tiêu chí {code} «{title}»: nhập số điểm bị trừ là số dương, từ 0 đến {max}; hệ thống tự trừ."
)
VALUE_OUT_OF_RANGE = N_("Tiêu chí {code} «{title}»: điểm {value} vượt quá tối đa; điểm phải từ 0 đến {max}.")
VALUE_OFF_STEP = N_(
    "Tiêu chí {code} «{title}»: điểm {value} không phải bội số của bước {step} (ví dụ {examples})."
)
OR = N_("{first} hoặc {second}")

_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_AT_END = re.compile(r"\s*\(at end of document\)$")


def parse_criteria(text: str) -> CriteriaSet:
    """Parse and validate TOML text; CriteriaError lists every problem found."""
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"), parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise CriteriaError([_syntax_problem(str(exc))]) from None
    normalised, problems = validate(data)
    if normalised is None:
        raise CriteriaError(problems)
    return _build(normalised)


def load_criteria(path: str | os.PathLike[str]) -> CriteriaSet:
    """Read a UTF-8 criteria file (a leading BOM is tolerated) and parse it."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise CriteriaError([Problem("", UNREADABLE, (("error", exc.strerror or str(exc)),))]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CriteriaError([Problem("", NOT_UTF8, (("position", str(exc.start)),))]) from None
    return parse_criteria(text)


def _syntax_problem(message: str) -> Problem:
    position = _POSITION.search(message)
    if position:
        detail = message[: position.start()]
        params = (("line", position.group(1)), ("column", position.group(2)), ("detail", detail))
        return Problem("", SYNTAX, params)
    return Problem("", SYNTAX_AT_END, (("detail", _AT_END.sub("", message)),))


def _build(data: dict[str, Any]) -> CriteriaSet:
    groups = tuple(
        Group(
            code=g["code"],
            title=g["title"],
            criteria=tuple(Criterion(**c, group_code=g["code"]) for c in g["criteria"]),
        )
        for g in data["groups"]
    )
    header = {k: v for k, v in data.items() if k != "groups"}
    return CriteriaSet(**header, groups=groups)


def format_decimal_vi(value: Decimal) -> str:
    """Vietnamese-style number: comma decimal separator, no trailing zeros (7,5; 10)."""
    text = format(value.normalize() + 0, "f")
    return text.replace(".", ",")


def check_value(criterion: Criterion, value: Decimal) -> str | None:
    """None if ``value`` is allowed for ``criterion``, else a Vietnamese message.

    Allowed: a finite Decimal with 0 <= value <= max that is an exact multiple
    of ``step`` (``Decimal("7.50")`` is 7.5). The message names the criterion
    (code and title) and says what to enter instead. Floats are a programming
    error (TypeError): scores are Decimal end to end.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if not isinstance(value, Decimal):
        raise TypeError(f"check_value expects Decimal, got {type(value).__name__}")
    params = {"code": criterion.code, "title": criterion.title, "max": format_decimal_vi(criterion.max)}
    if not value.is_finite():
        return VALUE_NOT_DECIMAL.format(**params)
    if value < 0:
        template = PENALTY_NEGATIVE if criterion.kind is Kind.PENALTY else VALUE_NEGATIVE
        return template.format(**params)
    shown = format_decimal_vi(value)
    if value > criterion.max:
        return VALUE_OUT_OF_RANGE.format(value=shown, **params)
    if not is_multiple(value, criterion.step):
        return VALUE_OFF_STEP.format(
            value=shown, step=format_decimal_vi(criterion.step),
            examples=_neighbours(criterion, value), **params,
        )
    return None


def _neighbours(criterion: Criterion, value: Decimal) -> str:
    """The allowed values just below and above an off-step value."""
    lower = (value // criterion.step) * criterion.step
    upper = lower + criterion.step
    if upper > criterion.max:
        return format_decimal_vi(lower)
    return OR.format(first=format_decimal_vi(lower), second=format_decimal_vi(upper))


def canonical_hash(cs: CriteriaSet) -> str:
    """SHA-256 hex of a canonical JSON of the parsed content."""
    def plain(value: Any) -> Any:
        if isinstance(value, Kind):
            return value.value
        if isinstance(value, Decimal):
            return format(value.normalize() + 0, "f")
        if isinstance(value, (tuple, list)):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    document = plain(dataclasses.asdict(cs))
    encoded = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()
