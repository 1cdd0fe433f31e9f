"""Vocabulary and validation rules of the criteria-set TOML format.

``validate(data)`` takes the table that ``tomllib`` produced (floats parsed as
``Decimal``) and returns either a normalised plain structure or the complete
list of problems found: it never stops at the first one, so a council
secretary fixes the whole file in one pass. Each ``Problem`` carries the key
path (``groups[2].criteria[4].max``, 0-based) and a Vietnamese message that
says what is wrong and what to write instead.

The rules (see ``criteria/README.md``):

- top level: ``id`` (slug ``[a-z0-9][a-z0-9-]*``), ``version`` (int >= 1),
  ``title`` (non-empty), ``target`` (``collective`` | ``individual``),
  optional ``description`` and ``source``, and at least one ``[[groups]]``;
- group: unique ``code``, non-empty ``title``, at least one criterion;
- criterion: ``code`` unique across the set (case-insensitive), non-empty
  ``title``, ``kind`` (default ``score``), ``max`` > 0 and ``step`` > 0
  (default 0.5) with at most 3 decimals, ``step`` divides ``max`` exactly;
  ``evidence_required`` needs a non-empty ``evidence_hint``; ``disqualifying``
  only on ``penalty`` criteria;
- the set needs at least one ``score`` or ``bonus`` criterion (max total > 0);
- codes use ``[A-Za-z0-9._-]``; unknown keys are refused at every level, with
  the closest known key suggested.
"""

from __future__ import annotations

import dataclasses
import difflib
import enum
import json
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any, Final

from .messages import N_, Templated


class Kind(str, enum.Enum):
    """How a criterion's value enters a total (DESIGN §3)."""

    SCORE = "score"
    BONUS = "bonus"
    PENALTY = "penalty"


TARGETS: Final = ("collective", "individual")
MAX_DECIMALS: Final = 3
DEFAULT_STEP: Final = Decimal("0.5")

SLUG_RE: Final = re.compile(r"[a-z0-9][a-z0-9-]*")
CODE_RE: Final = re.compile(r"[A-Za-z0-9._-]+")
#: Column sizes of the stored model (``emulation/models/criteria.py``).
MAX_LENGTHS: Final = {"id": 80, "code": 40, "title": 300}

TOP_KEYS: Final = ("id", "version", "title", "target", "description", "source", "groups")
GROUP_KEYS: Final = ("code", "title", "criteria")
CRITERION_KEYS: Final = (
    "code", "title", "guidance", "kind", "max", "step",
    "evidence_required", "evidence_hint", "disqualifying",
)


@dataclasses.dataclass(frozen=True)
class Problem(Templated):
    """One thing wrong in a criteria file, at a key path ("" = whole file)."""

    path: str
    template: str
    params: tuple[tuple[str, str], ...] = ()

    def line(self, filename: str) -> str:
        """``file: key.path: message`` (the path part omitted when empty)."""
        if self.path:
            return f"{filename}: {self.path}: {self.message}"
        return f"{filename}: {self.message}"


MISSING = N_("Thiếu khóa bắt buộc «{key}». Hãy thêm dòng {key} = … vào phần này của tệp.")
EMPTY_TEXT = N_("«{key}» không được để trống. Hãy ghi nội dung cho {key}.")
UNKNOWN_HINT = N_("Khóa «{key}» không được hỗ trợ. Có phải ý bạn là «{suggestion}»?")
UNKNOWN = N_("Khóa «{key}» không được hỗ trợ. Các khóa hợp lệ ở đây: {known}.")
WRONG_STR = N_("«{key}» phải là chuỗi trong dấu ngoặc kép (ví dụ {key} = \"…\"), không phải {value}.")
WRONG_INT = N_("«{key}» phải là số nguyên viết không có dấu ngoặc kép (ví dụ {key} = 1), không phải {value}.")
WRONG_NUMBER = N_(
    "«{key}» phải là số viết không có dấu ngoặc kép, dùng dấu chấm thập phân "
    "(ví dụ {key} = 10 hoặc {key} = 0.5), không phải {value}."
)
WRONG_BOOL = N_("«{key}» phải là true hoặc false (viết thường, không có dấu ngoặc kép), không phải {value}.")
WRONG_TABLES = N_("«{key}» phải là danh sách bảng, khai báo bằng [[{table}]], không phải {value}.")
WRONG_TABLE = N_("Mỗi phần tử của «{key}» phải là một bảng [[{table}]], không phải {value}.")
BAD_SLUG = N_(
    "Mã bộ tiêu chí {value} không hợp lệ: chỉ dùng chữ thường không dấu a-z, chữ số 0-9 "
    "và dấu gạch ngang, bắt đầu bằng chữ hoặc số, ví dụ \"{suggestion}\"."
)
BAD_CODE = N_(
    "Mã {value} không hợp lệ: chỉ dùng chữ cái không dấu, chữ số và các dấu . _ - "
    "(không có dấu cách), ví dụ \"I.1\"."
)
BAD_VERSION = N_("«version» phải từ 1 trở lên, không phải {value}. Phiên bản đầu tiên là version = 1.")
BAD_TARGET = N_(
    "«target» phải là \"collective\" (tập thể) hoặc \"individual\" (cá nhân), không phải {value}."
)
BAD_KIND = N_(
    "«kind» phải là \"score\" (chấm điểm), \"bonus\" (cộng điểm) hoặc \"penalty\" (trừ điểm), "
    "không phải {value}."
)
TOO_LONG = N_("«{key}» dài {length} ký tự, vượt quá giới hạn {limit} ký tự. Hãy rút gọn.")
NOT_FINITE = N_("«{key}» phải là một số hữu hạn, không phải {value}.")
NOT_POSITIVE = N_("«{key}» phải lớn hơn 0, không phải {value}.")
TOO_PRECISE = N_(
    "«{key}» = {value} có quá {digits} chữ số thập phân. Hãy làm tròn tới tối đa {digits} chữ số."
)
STEP_NOT_DIVIDING = N_(
    "Bước chấm step = {step} không chia hết điểm tối đa max = {max}. "
    "Hãy chọn bước chia hết điểm tối đa, ví dụ step = {suggestion}."
)
DUPLICATE_CRITERION = N_(
    "Mã tiêu chí {value} bị trùng với tiêu chí ở {first}. "
    "Mỗi tiêu chí phải có mã riêng trong cả bộ; hãy đổi một trong hai mã."
)
DUPLICATE_GROUP = N_(
    "Mã nhóm {value} bị trùng với nhóm ở {first}. Mỗi nhóm phải có mã riêng; hãy đổi một trong hai mã."
)
NO_GROUPS = N_("Bộ tiêu chí chưa có nhóm nào. Hãy thêm ít nhất một bảng [[groups]] có code và title.")
EMPTY_GROUP = N_(
    "Nhóm «{code}» chưa có tiêu chí nào. Hãy thêm ít nhất một bảng [[groups.criteria]] ngay sau nhóm này."
)
HINT_REQUIRED = N_(
    "Tiêu chí «{code}» yêu cầu minh chứng (evidence_required = true) nhưng chưa có evidence_hint. "
    "Hãy ghi rõ minh chứng cần nộp, ví dụ \"Quyết định ban hành Quy chế văn hóa công sở của đơn vị\"."
)
DISQUALIFYING_NOT_PENALTY = N_(
    "Chỉ tiêu chí trừ điểm (kind = \"penalty\") mới được đánh dấu disqualifying; tiêu chí «{code}» "
    "có kind = \"{kind}\". Hãy bỏ disqualifying hoặc đổi kind thành \"penalty\"."
)
ZERO_TOTAL = N_(
    "Bộ tiêu chí không có tiêu chí chấm điểm (score) hay cộng điểm (bonus) nào nên tổng điểm tối đa "
    "bằng 0. Hãy thêm ít nhất một tiêu chí kind = \"score\"."
)

_WRONG_TYPE = {str: WRONG_STR, int: WRONG_INT, Decimal: WRONG_NUMBER, bool: WRONG_BOOL}


def toml_repr(value: Any) -> str:
    """Show a parsed value the way it was probably written in the file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:39] + "…"
        return json.dumps(shown, ensure_ascii=False)
    if isinstance(value, Decimal):
        return str(value).lower() if not value.is_finite() else str(value)
    if isinstance(value, list):
        return "[…]"
    if isinstance(value, dict):
        return "{…}"
    return str(value)


def slugify(text: str) -> str:
    """Vietnamese title -> slug, used to suggest a valid ``id``."""
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = folded.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "hn-van-hoa-cong-so"


def decimals(value: Decimal) -> int:
    """Number of significant decimal places (trailing zeros do not count)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def is_multiple(value: Decimal, step: Decimal) -> bool:
    """Exact ``value % step == 0`` for finite Decimals, whatever their size."""
    with localcontext() as ctx:
        ctx.prec = 200
        try:
            return value % step == 0
        except InvalidOperation:
            return False


class _Reader:
    """Collects problems while reading one parsed document."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, template: str, **params: object) -> None:
        pairs = tuple((name, str(value)) for name, value in params.items())
        self.problems.append(Problem(path, template, pairs))

    def unknown_keys(self, table: Mapping[str, Any], known: tuple[str, ...], base: str) -> None:
        for key in table:
            if key in known:
                continue
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            if close:
                self.add(join(base, key), UNKNOWN_HINT, key=key, suggestion=close[0])
            else:
                self.add(join(base, key), UNKNOWN, key=key, known=", ".join(known))

    def get(self, table: Mapping[str, Any], key: str, base: str, typ: type,
            default: Any = None, required: bool = False) -> Any:
        """Typed value of ``key``; ``default`` when absent; None after a problem."""
        if key not in table:
            if required:
                self.add(join(base, key), MISSING, key=key)
            return default
        value = table[key]
        if typ is Decimal and isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value)
        if isinstance(value, typ) and (typ is bool or not isinstance(value, bool)):
            return value.strip() if isinstance(value, str) else value
        self.add(join(base, key), _WRONG_TYPE[typ], key=key, value=toml_repr(value))
        return None

    def text(self, table: Mapping[str, Any], key: str, base: str, limit: int | None = None) -> str | None:
        value = self.get(table, key, base, str, required=True)
        if value == "":
            self.add(join(base, key), EMPTY_TEXT, key=key)
            return None
        return value if value is None or self.fits(value, key, base, limit) else None

    def fits(self, value: str, key: str, base: str, limit: int | None) -> bool:
        if limit is not None and len(value) > limit:
            self.add(join(base, key), TOO_LONG, key=key, length=len(value), limit=limit)
            return False
        return True

    def code(self, table: Mapping[str, Any], base: str) -> str | None:
        value = self.get(table, "code", base, str, required=True)
        if value is not None and not CODE_RE.fullmatch(value):
            self.add(join(base, "code"), BAD_CODE, value=toml_repr(value))
            return None
        return value if value is None or self.fits(value, "code", base, MAX_LENGTHS["code"]) else None

    def amount(self, table: Mapping[str, Any], key: str, base: str,
               default: Decimal | None = None) -> Decimal | None:
        value = self.get(table, key, base, Decimal, default, required=default is None)
        if value is None or key not in table:
            return value
        path, shown = join(base, key), toml_repr(value)
        if not value.is_finite():
            self.add(path, NOT_FINITE, key=key, value=shown)
        elif value <= 0:
            self.add(path, NOT_POSITIVE, key=key, value=shown)
        elif decimals(value) > MAX_DECIMALS:
            self.add(path, TOO_PRECISE, key=key, value=shown, digits=MAX_DECIMALS)
        else:
            return value
        return None

    def tables(self, table: Mapping[str, Any], key: str, base: str,
               toml_name: str) -> list[tuple[str, Mapping[str, Any]]]:
        """The ``[[…]]`` items under ``key`` with their paths (none if absent or wrong)."""
        value = table.get(key, [])
        if not isinstance(value, list):
            self.add(join(base, key), WRONG_TABLES, key=key, table=toml_name, value=toml_repr(value))
            return []
        items = []
        for index, item in enumerate(value):
            path = f"{join(base, key)}[{index}]"
            if isinstance(item, dict):
                items.append((path, item))
            else:
                self.add(path, WRONG_TABLE, key=key, table=toml_name, value=toml_repr(item))
        return items


def join(base: str, key: str) -> str:
    return f"{base}.{key}" if base else key


def validate(data: Mapping[str, Any]) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Check a parsed document; return (normalised data, []) or (None, problems)."""
    reader = _Reader()
    reader.unknown_keys(data, TOP_KEYS, "")
    header = _read_header(reader, data)
    groups = _read_groups(reader, data)
    if reader.problems:
        return None, reader.problems
    return {**header, "groups": groups}, []


def _read_header(reader: _Reader, data: Mapping[str, Any]) -> dict[str, Any]:
    set_id = reader.get(data, "id", "", str, required=True)
    if set_id is not None and not SLUG_RE.fullmatch(set_id):
        reader.add("id", BAD_SLUG, value=toml_repr(set_id), suggestion=slugify(set_id))
    elif set_id is not None:
        reader.fits(set_id, "id", "", MAX_LENGTHS["id"])
    version = reader.get(data, "version", "", int, required=True)
    if version is not None and version < 1:
        reader.add("version", BAD_VERSION, value=version)
    title = reader.text(data, "title", "", MAX_LENGTHS["title"])
    target = reader.get(data, "target", "", str, required=True)
    if target is not None and target not in TARGETS:
        reader.add("target", BAD_TARGET, value=toml_repr(target))
    return {
        "id": set_id, "version": version, "title": title, "target": target,
        "description": reader.get(data, "description", "", str, ""),
        "source": reader.get(data, "source", "", str, ""),
    }


def _read_groups(reader: _Reader, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    if data.get("groups", []) == []:
        reader.add("groups", NO_GROUPS)
    group_codes: dict[str, str] = {}
    criterion_codes: dict[str, str] = {}
    groups = []
    for path, table in reader.tables(data, "groups", "", "groups"):
        reader.unknown_keys(table, GROUP_KEYS, path)
        code = reader.code(table, path)
        if code is not None:
            _check_unique(reader, group_codes, code, f"{path}.code", DUPLICATE_GROUP)
        title = reader.text(table, "title", path, MAX_LENGTHS["title"])
        criteria = []
        if table.get("criteria", []) == []:
            reader.add(f"{path}.criteria", EMPTY_GROUP, code=table.get("code", "?"))
        for entry_path, entry in reader.tables(table, "criteria", path, "groups.criteria"):
            criterion = _read_criterion(reader, entry, entry_path)
            if criterion["code"] is not None:
                _check_unique(reader, criterion_codes, criterion["code"], f"{entry_path}.code",
                              DUPLICATE_CRITERION)
            criteria.append(criterion)
        groups.append({"code": code, "title": title, "criteria": criteria})
    _check_total(reader, [c for g in groups for c in g["criteria"]])
    return groups


def _check_unique(reader: _Reader, seen: dict[str, str], code: str, path: str, template: str) -> None:
    first = seen.setdefault(code.casefold(), path)
    if first != path:
        reader.add(path, template, value=toml_repr(code), first=first)


def _read_criterion(reader: _Reader, table: Mapping[str, Any], base: str) -> dict[str, Any]:
    reader.unknown_keys(table, CRITERION_KEYS, base)
    code = reader.code(table, base)
    title = reader.text(table, "title", base)
    kind_text = reader.get(table, "kind", base, str, Kind.SCORE.value)
    kind = None
    if kind_text is not None:
        if kind_text in {k.value for k in Kind}:
            kind = Kind(kind_text)
        else:
            reader.add(join(base, "kind"), BAD_KIND, value=toml_repr(kind_text))
    maximum = reader.amount(table, "max", base)
    step = reader.amount(table, "step", base, DEFAULT_STEP)
    if maximum is not None and step is not None and not is_multiple(maximum, step):
        reader.add(join(base, "step"), STEP_NOT_DIVIDING, step=toml_repr(step), max=toml_repr(maximum),
                   suggestion=_suggest_step(maximum, step))
    required = reader.get(table, "evidence_required", base, bool, False)
    hint = reader.get(table, "evidence_hint", base, str, "")
    if required and hint == "":
        reader.add(join(base, "evidence_hint"), HINT_REQUIRED, code=table.get("code", "?"))
    disqualifying = reader.get(table, "disqualifying", base, bool, False)
    if disqualifying and kind is not None and kind is not Kind.PENALTY:
        reader.add(join(base, "disqualifying"), DISQUALIFYING_NOT_PENALTY,
                   code=table.get("code", "?"), kind=kind.value)
    return {
        "code": code, "title": title,
        "guidance": reader.get(table, "guidance", base, str, ""), "kind": kind, "max": maximum,
        "step": step, "evidence_required": required, "evidence_hint": hint,
        "disqualifying": disqualifying,
    }


def _suggest_step(maximum: Decimal, step: Decimal) -> str:
    """Largest usual step not above ``step`` that divides ``maximum``."""
    usual = [Decimal(s) for s in ("10", "5", "2", "1", "0.5", "0.25", "0.2", "0.1", "0.05", "0.01", "0.001")]
    fitting = [s for s in usual if s <= step and is_multiple(maximum, s)] or [Decimal("0.001")]
    return str(fitting[0])


def _check_total(reader: _Reader, criteria: list[dict[str, Any]]) -> None:
    """A set made only of penalties has maximum total 0: nothing to rank on."""
    kinds = [c["kind"] for c in criteria]
    if kinds and None not in kinds and all(k is Kind.PENALTY for k in kinds):
        reader.add("", ZERO_TOTAL)
