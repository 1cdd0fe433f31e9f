"""Checking a score sheet of a million rows: ``review_sheets.validate_scores``, made fast.

The rules, problems and records are those of ``validate_scores`` (see ``review_sheets``),
which stays the reference. What a row's texts allow is worked out once per distinct
text — the (unit, staff code, reviewer) triple, the (criteria set, criterion, value)
triple, the verdict, the comment. A sheet whose every distinct text is clean, with no
value needing a comment it lacks and no criterion given twice for a review, is taken
whole, column by column, without a loop per row; any other sheet is checked row by row,
and a row that is not plainly clean is handed to ``validate_scores``'s own row check, so
every problem is found and reads the same.
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from itertools import compress, groupby
from operator import itemgetter, not_
from typing import NamedTuple

from .criteria import CriteriaSet, Criterion, check_value
from .memo import Memo
from .policy import parse_decimal
from .review_sheets import SCORE_COLUMNS, VERDICTS, Context, ScoreRow, Target, _score_row
from .sheets import CODE_RE, Problem, fold

__all__ = ["ScoreRows", "validate_score_table"]

KEYS = ("unit", "staff_code", "reviewer", "criterion", "value", "comment", "verdict")
assert KEYS == tuple(c.key for c in SCORE_COLUMNS)
_LENGTH = {c.key: c.max_length for c in SCORE_COLUMNS}
_second, _third = itemgetter(1), itemgetter(2)

_Value = tuple[Criterion | None, Decimal | None, Decimal | None]   # criterion, value, comment limit
_Pair = tuple[Target, int, int]                                     # target, assignment id, id of its set


class ScoreRows(NamedTuple):
    """The clean rows (``ScoreRow``), column by column: a sheet may hold millions."""
    rows: Sequence[int]
    assignments: Sequence[int]
    criteria: Sequence[str]
    values: Sequence[Decimal | None]
    comments: Sequence[str]
    verdicts: Sequence[str]

    def records(self) -> list[ScoreRow]:
        return list(map(ScoreRow._make, zip(*self)))

    @classmethod
    def of(cls, records: Sequence[ScoreRow]) -> ScoreRows:
        return cls(*(list(map(itemgetter(i), records)) for i in range(len(cls._fields))))


def validate_score_table(present: Sequence[str], numbers: Sequence[int], cells: Sequence[Sequence[str]],
                         ctx: Context) -> tuple[ScoreRows, list[Problem]]:
    """``validate_scores`` of rows given column by column: their numbers, then one sequence per
    column of ``SCORE_COLUMNS`` (in that order, "" for a column the sheet lacks); ``present``
    names the columns the sheet has."""
    sets: dict[int, CriteriaSet | None] = {}
    by_code: dict[int, dict[str, Criterion]] = {}

    def pair(triple: tuple[str, str, str]) -> _Pair | None:
        found = _pair(*triple, ctx)
        if found is not None:
            sets[found[2]] = found[0].criteria
        return found
    pairs = Memo(pair)
    values = Memo(lambda key: _value(sets[key[0]], key[1], key[2], ctx, by_code))
    verdicts = Memo(_verdict)
    whole = _whole(numbers, cells, ctx, pairs, values, verdicts)
    if whole is not None:
        return whole, []
    records: list[ScoreRow] = []
    problems: list[Problem] = []
    first: dict[tuple[int, str], int] = {}
    checked = [c for c in SCORE_COLUMNS if c.key != "value"]
    places = [(key, KEYS.index(key)) for key in present]
    max_comment = _LENGTH["comment"]
    record, append = tuple.__new__, records.append     # ScoreRow without a Python-level call per row
    for number, row in zip(numbers, zip(*cells)):
        unit, staff, reviewer, code, raw, comment, raw_verdict = row
        pair_found = pairs[(unit, staff, reviewer)]
        if pair_found is not None:
            target, assignment, criteria = pair_found
            value, verdict = values[(criteria, code, raw)], verdicts[raw_verdict]
            text, key = comment.strip(), (assignment, code)
            if value is not None and verdict is not None and len(comment) <= max_comment \
                    and (text or not _needs_comment(target, code, value)) and key not in first:
                first[key] = number
                append(record(ScoreRow, (number, assignment, code, value[1], text, verdict)))
                continue
        problems.extend(_score_row(number, {key: row[i] for key, i in places}, ctx, first, checked, records))
    return ScoreRows.of(records), problems


def _whole(numbers: Sequence[int], cells: Sequence[Sequence[str]], ctx: Context, pairs: Memo,
           values: Memo, verdicts: Memo) -> ScoreRows | None:
    """The records of a sheet that is clean throughout (module rules), else None; what it works
    out per distinct text is left in the caches."""
    unit, staff, reviewer, code, raw, comment, raw_verdict = cells
    row_pairs = list(map(pairs.__getitem__, zip(unit, staff, reviewer)))
    if None in pairs.values():
        return None
    row_values = list(map(values.__getitem__, zip(map(_third, row_pairs), code, raw)))
    row_verdicts = list(map(verdicts.__getitem__, raw_verdict))
    texts = Memo(str.strip)
    row_texts = list(map(texts.__getitem__, comment))
    if None in values.values() or None in verdicts.values() \
            or max(map(len, texts), default=0) > _LENGTH["comment"]:
        return None
    if "" in texts.values():    # a blank comment: may the value do without one?
        for triple_code_raw in set(compress(zip(unit, staff, reviewer, code, raw), map(not_, row_texts))):
            target, _assignment, criteria = pairs[triple_code_raw[:3]]
            if _needs_comment(target, triple_code_raw[3], values[(criteria, *triple_code_raw[3:])]):
                return None
    assignments = list(map(_second, row_pairs))
    if _repeated(assignments, code):
        return None
    return ScoreRows(numbers, assignments, code, list(map(_second, row_values)), row_texts, row_verdicts)


def _repeated(assignments: list[int], codes: Sequence[str]) -> bool:
    """Whether a criterion is given twice for a review (by run of rows of one review, as a sheet
    lists them, or else pair by pair)."""
    runs = [(assignment, len(list(run))) for assignment, run in groupby(assignments)]
    if len(runs) > len(set(assignments)):
        return len(set(zip(assignments, codes))) < len(assignments)
    start = 0
    for _assignment, length in runs:
        if len(set(codes[start:start + length])) < length:
            return True
        start += length
    return False


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
