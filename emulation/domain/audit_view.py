"""Reading the audit log: Vietnamese names for its codes, and old → new as lines per field.

Rules (the audit page states them by showing them):

- an action code, an object type or a field key has a Vietnamese name when ``audit_labels``
  lists it (marked with ``N_``, or ``NP_`` with a context, translated by the page); an unknown
  one is shown as it is;
- ``old`` and ``new`` are the JSON texts ``services.audit`` stores ("" means none). When each
  side is a JSON object or none, there is one line per key found on either side (in the order
  below); a key whose value is an object on one side and an object or nothing on the other
  (the score events: {criterion code: {field: value}}) gives one line per inner key, named
  "outer · inner". Anything else gives a single unnamed line;
- the keys come in the order of ``FIELD_LABELS`` (a score's value first, then its comment and
  verdict), the others after them in natural order (criterion I.2 before I.10);
- a value is shown as: nothing (absent on that side), null (—), empty (an empty string, list
  or object), a label (true/false, and the known values of a few fields such as ``state``),
  a number (a JSON number, or the decimal text of a numeric field such as ``value``: the page
  writes it the Vietnamese way, 4,5), an instant (text of an ISO date and time, UTC as every
  stored instant: the page shows it in local time) or a day (ISO date), or compact text (a
  list of plain values joined by ", "; a list of such lists, the rows of a table such as a
  decision's awards, each row joined by " – " and the rows by "; "; anything deeper as JSON);
- text that is not JSON is shown as it is: reading the log never fails.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from .audit_labels import ACTION_LABELS, FIELD, FIELD_LABELS, OBJECT, OBJECT_LABELS, VALUE_LABELS, YES, NO

ABSENT, NULL, EMPTY, TEXT, LABEL = "absent", "null", "empty", "text", "label"
NUMBER, MOMENT, DAY = "number", "moment", "day"
# the fields whose text is a decimal number (``services.audit`` writes a Decimal as its text)
NUMERIC_KEYS = frozenset({"value", "min_score", "quota_value", "max", "total", "self_value", "S", "P", "L", "F"})
_DECIMAL = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,9})?")
_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ORDER = {key: i for i, key in enumerate(FIELD_LABELS)}


@dataclass(frozen=True)
class Name:
    """A key or code as shown: ``known`` names are marked Vietnamese to translate, in ``context``
    when they have one (``NP_``: translated with ``pgettext``)."""
    text: str
    known: bool = False
    context: str = ""


@dataclass(frozen=True)
class Value:
    """One side of a line: ``kind`` is ABSENT, NULL, EMPTY, TEXT, LABEL (``text`` to translate), or
    NUMBER, MOMENT, DAY (``data`` is the Decimal, the naive UTC datetime or the date to format)."""
    kind: str
    text: str = ""
    data: Any = None


@dataclass(frozen=True)
class Line:
    """``within · key: old → new``; ``within`` is the outer key of a nested object (or None)."""
    key: Name
    old: Value
    new: Value
    within: Name | None = None

    @property
    def changed(self) -> bool:
        """Both sides present and reading differently (else the page shows the one value)."""
        if self.old.kind == ABSENT or self.new.kind == ABSENT:
            return False
        # the same text is no change (5 and "5"); no text: null, empty
        return self.old.text != self.new.text or (not self.old.text and self.old.kind != self.new.kind)


NOTHING = Value(ABSENT)
_MISSING = object()
_DIGITS = re.compile(r"(\d+)")


def action_name(code: str) -> Name:
    return Name(ACTION_LABELS[code], True) if code in ACTION_LABELS else Name(code)


def object_name(object_type: str) -> Name:
    return Name(OBJECT_LABELS[object_type], True, OBJECT) if object_type in OBJECT_LABELS else Name(object_type)


def field_name(key: str) -> Name:
    return Name(FIELD_LABELS[key], True, FIELD) if key in FIELD_LABELS else Name(key)


def natural_key(key: str) -> list:
    """I.2 sorts before I.10: digit runs compare as numbers."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in _DIGITS.split(key) if part]


def parse(text: str) -> Any:
    """The stored JSON text as a value; ``_MISSING`` for ""; text that is not JSON as it is."""
    if not text:
        return _MISSING
    try:
        return json.loads(text)
    except ValueError:
        return text


def shown(value: Any, key: str = "") -> Value:
    """How one value reads (module rules); ``key`` names the field, for its known values."""
    if value is _MISSING:
        return NOTHING
    if value is None:
        return Value(NULL)
    if isinstance(value, bool):
        return Value(LABEL, YES if value else NO)
    if isinstance(value, (int, float)):
        number = Decimal(str(value))
        return Value(NUMBER, str(value), number) if number.is_finite() else Value(TEXT, str(value))
    if isinstance(value, str):
        label = VALUE_LABELS.get(key, {}).get(value)
        return Value(LABEL, label) if label else _typed(value, key) if value else Value(EMPTY)
    if isinstance(value, (list, dict)) and not value:
        return Value(EMPTY)
    if isinstance(value, list) and value and all(map(_plain_list, value)) and all(value):
        return Value(TEXT, "; ".join(" – ".join(map(_plain_text, row)) for row in value))
    if _plain_list(value):
        return Value(TEXT, ", ".join(map(_plain_text, value)))
    if isinstance(value, (list, dict)):
        return Value(TEXT, json.dumps(value, ensure_ascii=False, separators=(", ", ": ")))
    return Value(TEXT, str(value))


def _plain_text(value: Any) -> str:
    return "—" if value is None else str(value)


def _plain_list(value: Any) -> bool:
    """A list of plain values (no list or object in it)."""
    return isinstance(value, list) and not any(isinstance(v, (list, dict)) for v in value)


def _typed(text: str, key: str) -> Value:
    """Text that reads as a number of a numeric field, an instant or a day, else as text."""
    if key in NUMERIC_KEYS and _DECIMAL.fullmatch(text):
        return Value(NUMBER, text, Decimal(text))
    try:
        if _MOMENT.fullmatch(text):
            moment = dt.datetime.fromisoformat(text)
            if moment.tzinfo is not None:
                moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
            return Value(MOMENT, text, moment)
        if _DAY.fullmatch(text):
            return Value(DAY, text, dt.date.fromisoformat(text))
    except ValueError:      # looks like one, is not one (month 13)
        pass
    return Value(TEXT, text)


def _field_order(key: str) -> tuple:
    """Known fields in ``FIELD_LABELS``'s order, then the others (criterion codes) in natural order."""
    return (_ORDER.get(key, len(_ORDER)), natural_key(key))


def _lines_of(old: dict, new: dict, within: Name | None = None) -> list[Line]:
    lines = []
    for key in sorted(set(old) | set(new), key=_field_order):
        before, after = old.get(key, _MISSING), new.get(key, _MISSING)
        inner = (_lines_of(_as_dict(before), _as_dict(after), field_name(key))
                 if within is None and _mapping_or_missing(before) and _mapping_or_missing(after) else [])
        lines += inner or [Line(field_name(key), shown(before, key), shown(after, key), within)]
    return lines


def _mapping_or_missing(value: Any) -> bool:
    return value is _MISSING or isinstance(value, dict)


def _as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def change_lines(old_text: str, new_text: str) -> list[Line]:
    """The lines of one event's old → new (module rules); [] when it has neither."""
    old, new = parse(old_text), parse(new_text)
    if old is _MISSING and new is _MISSING:
        return []
    if _mapping_or_missing(old) and _mapping_or_missing(new):
        return _lines_of(_as_dict(old), _as_dict(new))
    return [Line(Name(""), shown(old), shown(new))]


def parse_day(text: str) -> dt.date:
    """A day typed as yyyy-mm-dd (what a date input sends) or dd/mm/yyyy, in the years
    1900–9000 (any day the log can hold, with room to shift it by a time zone); ValueError otherwise."""
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if 1900 <= day.year <= 9000:
            return day
    raise ValueError(text)


def day_start_utc(day: dt.date, timezone: str) -> dt.datetime:
    """The naive UTC instant at which ``day`` begins in ``timezone`` (the log stores naive UTC)."""
    local = dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(timezone))
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)
