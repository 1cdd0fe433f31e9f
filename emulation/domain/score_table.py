"""Checking a score sheet of a million rows: ``review_sheets.validate_scores``, made fast.

The rules, problems and records are those of ``validate_scores`` (see ``review_sheets``),
which stays the reference. What a row's texts allow is worked out once per distinct
text — the (unit, staff code, reviewer) triple, the (criteria set, criterion, value)
triple, the verdict — and a row that is not plainly clean is handed to
``validate_scores``'s own row check, so every problem is found and reads the same.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from .criteria import CriteriaSet, Criterion, check_value
from .policy import parse_decimal
from .review_sheets import SCORE_COLUMNS, VERDICTS, Context, ScoreRow, Target, _score_row
from .sheets import CODE_RE, Problem, fold

__all__ = ["validate_score_table"]

KEYS = ("unit", "staff_code", "reviewer", "criterion", "value", "comment", "verdict")
assert KEYS == tuple(c.key for c in SCORE_COLUMNS)
_LENGTH = {c.key: c.max_length for c in SCORE_COLUMNS}
_UNSEEN = object()

_Value = tuple[Criterion | None, Decimal | None, Decimal | None]   # criterion, value, comment limit


def validate_score_table(present: Sequence[str], rows: Iterable[tuple[int, Sequence[str]]], ctx: Context
                         ) -> tuple[list[ScoreRow], list[Problem]]:
    """``validate_scores`` of rows given as one text per column of ``SCORE_COLUMNS`` (in that
    order, "" for a column the sheet lacks); ``present`` names the columns the sheet has."""
    records: list[ScoreRow] = []
    problems: list[Problem] = []
    first: dict[tuple[int, str], int] = {}
    checked = [c for c in SCORE_COLUMNS if c.key != "value"]
    places = [(key, KEYS.index(key)) for key in present]
    pairs: dict[tuple[str, str, str], tuple[Target, int, int] | None] = {}
    values: dict[tuple[int, str, str], _Value | None] = {}
    verdicts: dict[str, str | None] = {}
    by_code: dict[int, dict[str, Criterion]] = {}
    max_comment = _LENGTH["comment"]
    record, append = tuple.__new__, records.append     # ScoreRow without a Python-level call per row
    for number, cells in rows:
        unit, staff, reviewer, code, raw, comment, raw_verdict = cells
        pair = pairs.get((unit, staff, reviewer), _UNSEEN)
        if pair is _UNSEEN:
            pair = pairs[(unit, staff, reviewer)] = _pair(unit, staff, reviewer, ctx)
        if pair is not None:
            target, assignment, criteria = pair
            value = values.get((criteria, code, raw), _UNSEEN)
            if value is _UNSEEN:
                value = values[(criteria, code, raw)] = _value(target.criteria, code, raw, ctx, by_code)
            verdict = verdicts.get(raw_verdict, _UNSEEN)
            if verdict is _UNSEEN:
                verdict = verdicts[raw_verdict] = _verdict(raw_verdict)
            text, key = comment.strip(), (assignment, code)
            if value is not None and verdict is not None and len(comment) <= max_comment \
                    and (text or not _needs_comment(target, code, value)) and key not in first:
                first[key] = number
                append(record(ScoreRow, (number, assignment, code, value[1], text, verdict)))
                continue
        problems.extend(_score_row(number, {key: cells[i] for key, i in places}, ctx, first, checked, records))
    return records, problems


def _pair(unit: str, staff: str, reviewer: str, ctx: Context) -> tuple[Target, int, int] | None:
    """(target, assignment id, id of its criteria set) when the three cells are clean and name an
    assignment, else None."""
    if not (unit and CODE_RE.fullmatch(unit) and (not staff or CODE_RE.fullmatch(staff))
            and reviewer and len(reviewer) <= _LENGTH["reviewer"]):
        return None
    target, user = ctx.targets.get((unit, staff)), ctx.users.get(reviewer)
    if target is None or user is None:
        return None
    assignment = ctx.assigned.get((target.submission_id, user))
    return None if assignment is None else (target, assignment, id(target.criteria))


def _value(cs: CriteriaSet | None, code: str, raw: str, ctx: Context,
           by_code: dict[int, dict[str, Criterion]]) -> _Value | None:
    """The criterion, the value and the deviation that needs a comment, or None when not clean."""
    if not code or len(code) > _LENGTH["criterion"]:
        return None
    criterion = None
    if cs is not None:
        if id(cs) not in by_code:
            by_code[id(cs)] = {}
            for c in cs.criteria:
                by_code[id(cs)].setdefault(c.code, c)
        criterion = by_code[id(cs)].get(code)
        if criterion is None:
            return None
    if not raw:
        return criterion, None, None
    value = parse_decimal(raw)
    if value is None:
        return None
    if criterion is None:
        return None, value, None
    if check_value(criterion, value):
        return None
    return criterion, value, criterion.max * ctx.comment_pct / 100


def _verdict(raw: str) -> str | None:
    if len(raw) > _LENGTH["verdict"]:
        return None
    return VERDICTS.get(fold(raw)) if fold(raw) or not raw else None


def _needs_comment(target: Target, code: str, value: _Value) -> bool:
    """The value differs from the self-score by more than the limit (the row needs a comment)."""
    _criterion, number, limit = value
    if number is None or limit is None:
        return False
    own = target.self_values.get(code)
    return own is not None and abs(number - own) > limit
