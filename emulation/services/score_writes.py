"""Writing merged scores (``score_merge``'s last step): the new ones inserted, the changed ones updated.

Built for a million rows: the new scores are inserted column by column as the database stores
them; scores receiving the same new values are updated together, by lists of ids.
"""
from __future__ import annotations

from collections import defaultdict
from itertools import compress
from operator import getitem

from peewee import chunked

from ..database import Stored, bulk_insert_columns, db
from ..domain.memo import Memo
from ..domain.score_table import ScoreRows
from ..models import Score

BATCH = 500         # ids per ``IN (…)`` list
_COLUMNS = ("value", "comment", "evidence_verdict")
KEEP = object()     # a column an update leaves as it is


def insert_new(rows: ScoreRows, fresh: list[bool], review_of: dict[int, int], codes: dict[int, dict[str, int]]
               ) -> None:
    """Insert the rows whose score is new, picked and converted column by column (no tuple per
    row of the sheet; each distinct value converted once)."""
    assignments, criteria, values, comments, verdicts = (list(compress(column, fresh)) for column in rows[1:])
    bulk_insert_columns(Score, {
        Score.review: Stored(map(review_of.__getitem__, assignments)),
        Score.criterion: Stored(map(getitem, map(codes.__getitem__, assignments), criteria)),
        Score.value: Stored(map(Memo(Score.value.db_value).__getitem__, values)),
        Score.comment: Stored(comments), Score.evidence_verdict: Stored(verdicts)}, len(assignments))


def update_scores(updates: dict[tuple, list[int]]) -> None:
    """Write the changed columns: (value, comment, verdict, each ``KEEP`` when unchanged) -> score ids.

    Scores receiving the same new values are updated together (``WHERE id IN (…)``); the
    others, one by one, with one prepared statement per set of changed columns.
    """
    q, mark = db.obj.quote, db.obj.param
    cursor = db.obj.cursor()
    single: dict[tuple[int, ...], list[tuple]] = defaultdict(list)
    for key, ids in updates.items():
        columns = tuple(i for i, v in enumerate(key) if v is not KEEP)
        values = [v for v in key if v is not KEEP]
        if len(ids) == 1:
            single[columns].append((*values, ids[0]))
            continue
        for batch in chunked(ids, BATCH):
            cursor.execute(f"{_set(columns)} WHERE {q[0]}id{q[1]} IN ({', '.join([mark] * len(batch))})",
                           [*values, *batch])
    for columns, rows in single.items():
        cursor.executemany(f"{_set(columns)} WHERE {q[0]}id{q[1]} = {mark}", rows)


def _set(columns: tuple[int, ...]) -> str:
    q, mark = db.obj.quote, db.obj.param
    names = ", ".join(f"{q[0]}{Score._meta.fields[_COLUMNS[i]].column_name}{q[1]} = {mark}" for i in columns)
    return f"UPDATE {q[0]}{Score._meta.table_name}{q[1]} SET {names}"
