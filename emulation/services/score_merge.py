"""Merging checked score rows into the reviews (the write half of the score import).

Rules (``review_import`` states them for the user):
- a row's value, comment and verdict replace the stored ones; a blank value, comment or
  verdict leaves the stored one (a new score without a value is stored empty);
- a score whose value, comment and verdict are unchanged is not written;
- every review touched gets a new version (``updated_at`` now), so a form open in a
  browser is refused as stale; a review with a value for every criterion of its set
  becomes submitted;
- audit: one ``review.import`` event per review with a change, old → new of each changed
  criterion ({value, comment, evidence_verdict}); one ``review.submit`` per review that
  becomes submitted.

Built for a million rows: the stored scores are read as plain rows in one query, what a
row does to a stored (value, comment, verdict) — unchanged, or its audit text and the
update it joins — is worked out once per distinct case, and scores receiving the same
new values are updated together (``UPDATE … WHERE id IN (…)``).
"""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

from peewee import chunked, fn

from ..database import bulk_insert, db
from ..domain.review_sheets import ScoreRow
from ..models import Assignment, Campaign, Criterion, Review, Score, Submission, User
from .audit import Encoded, record_many
from .review_totals import recompute as recompute_totals

BATCH = 500
PROGRESS_EVERY = 500
_COLUMNS = ("value", "comment", "evidence_verdict")
KEEP = object()   # a column an update leaves as it is


def merge_scores(actor: User | None, campaign: Campaign, records: Sequence[ScoreRow], now: dt.datetime,
                 progress: Callable[[int], None] | None = None) -> tuple[int, int, int]:
    """Merge the rows into the reviews (module rules); (reviews touched, values changed or added,
    reviews complete)."""
    assignments = set(map(itemgetter(1), records))
    reviews = _reviews(campaign, assignments, now)
    set_of = {a: (campaign.collective_set_id if t == "collective" else campaign.individual_set_id)
              for a, t in db.execute(Assignment.select(Assignment.id, Submission.target).join(Submission)
                                     .where(Submission.campaign == campaign)).fetchall() if a in assignments}
    criteria: dict[int, dict[str, int]] = defaultdict(dict)
    for c, set_id, code in db.execute(Criterion.select(Criterion.id, Criterion.criteria_set, Criterion.code)
                                      .where(Criterion.criteria_set.in_(set(set_of.values()) or {0}))).fetchall():
        criteria[set_id][code] = c
    merged = _Merge(_stored(campaign))
    # the rows of a review are merged run by run (a sheet lists a review's rows together, usually)
    for assignment_id, items in groupby(records, itemgetter(1)):
        if merged.review(reviews[assignment_id][0], criteria[set_of[assignment_id]], items) \
                and progress is not None and len(merged.pieces) % PROGRESS_EVERY == 0:
            progress(len(merged.pieces))
    if progress is not None and len(merged.pieces) % PROGRESS_EVERY:
        progress(len(merged.pieces))
    bulk_insert(Score, [Score.review, Score.criterion, Score.value, Score.comment, Score.evidence_verdict],
                merged.new_rows)
    _update_scores(merged.updates)
    review_ids = [rid for rid, _state in reviews.values()]
    recompute_totals(review_ids)
    for batch in chunked(review_ids, BATCH):
        Review.update(version=Review.version + 1, updated_at=now).where(Review.id.in_(batch)).execute()
    newly, complete = _submit_complete(reviews, set_of, now)
    record_many(actor, merged.events() + [(_Ref(rid), "review.submit", {"state": "draft"}, {"state": "submitted"})
                                          for rid in newly], note="import")
    return len(assignments), merged.changed, complete


def _submit_complete(reviews: dict[int, tuple[int, str]], set_of: dict[int, int],
                     now: dt.datetime) -> tuple[list[int], int]:
    """Submit the touched reviews that now have a value for every criterion; (newly submitted, complete).

    How many values a review holds is its ``valued`` (``review_totals``, recomputed just before)."""
    totals = dict(Criterion.select(Criterion.criteria_set, fn.COUNT(Criterion.id))
                  .where(Criterion.criteria_set.in_(set(set_of.values()) or {0}))
                  .group_by(Criterion.criteria_set).tuples())
    valued: dict[int, int] = {}
    for batch in chunked([rid for rid, _state in reviews.values()], BATCH * 10):
        valued.update(db.execute(Review.select(Review.id, Review.valued).where(Review.id.in_(batch))).fetchall())
    complete = [(rid, state) for a, (rid, state) in reviews.items() if valued.get(rid, 0) == totals[set_of[a]]]
    newly = [rid for rid, state in complete if state != "submitted"]
    for batch in chunked(newly, BATCH):
        Review.update(state="submitted", submitted_at=now).where(Review.id.in_(batch)).execute()
    return newly, len(complete)


class _Merge:
    """The merge of the rows into stored scores: new rows, grouped updates, audit pieces per review."""

    def __init__(self, stored: dict[int, tuple]) -> None:
        self.stored = stored            # review id << 32 | criterion id -> (key, score id, value, comment, verdict)
        self.new_rows: list[tuple] = []
        self.updates: dict[tuple, list[int]] = {}   # (value, comment, verdict or KEEP) -> score ids
        self.pieces: dict[int, tuple[list, list]] = {}      # review id -> (old, new) audit pieces
        self.changed = 0
        self.text = _AuditText()
        # (code, id(new value), stored value, comment, verdict, new comment, new verdict)
        #   -> () when unchanged, else (old piece, new piece, ids of the scores updated alike)
        self.outcomes: dict[tuple, tuple] = {}
        self.fresh: dict[tuple, tuple[str, str]] = {}      # (code, id(value), comment, verdict) -> new piece

    def review(self, review_id: int, codes: dict[str, int], items: Iterable[ScoreRow]) -> bool:
        """Merge rows of one review (module rules); whether the review is new to the merge."""
        stored, outcomes = self.stored, self.outcomes
        first = review_id not in self.pieces
        if first:
            self.pieces[review_id] = ([], [])
        old, new = self.pieces[review_id]
        count = len(new)
        for _row, _a, code, value, comment, verdict in items:
            row = stored.get(review_id << 32 | codes[code])
            if row is None:
                self.new_rows.append((review_id, codes[code], value, comment, verdict))
                piece = self.fresh.get((code, id(value), comment, verdict))
                if piece is None:
                    self.text.keep(value)
                    piece = self.fresh[(code, id(value), comment, verdict)] = self.text.new(code, value, comment,
                                                                                          verdict)
                new.append(piece)
                continue
            _key, score_id, was, was_comment, was_verdict = row
            found = outcomes.get((code, id(value), was, was_comment, was_verdict, comment, verdict))
            if found is None:
                found = self._outcome(code, value, was, was_comment, was_verdict, comment, verdict)
            if found:
                old_piece, new_piece, ids = found
                old.append(old_piece)
                new.append(new_piece)
                ids.append(score_id)
        self.changed += len(new) - count
        return first

    def _outcome(self, code: str, value: Decimal | None, was: int | None, was_comment: str, was_verdict: str,
                 comment: str, verdict: str) -> tuple:
        """What merging a row into a stored score does (module rules), worked out once per distinct case."""
        text = self.text
        key = (code, id(value), was, was_comment, was_verdict, comment, verdict)
        text.keep(value)
        scaled = was if value is None else text.scaled(value)
        comment, verdict = comment or was_comment, verdict or was_verdict
        if scaled == was and comment == was_comment and verdict == was_verdict:
            found: tuple = ()
        else:
            change = (scaled if scaled != was else KEEP, comment if comment != was_comment else KEEP,
                      verdict if verdict != was_verdict else KEEP)
            found = (text.old(code, was, was_comment, was_verdict), text.new(code, value, comment, verdict, was),
                     self.updates.setdefault(change, []))
        self.outcomes[key] = found
        return found

    def events(self) -> list[tuple]:
        """One ``review.import`` event per review with a change, in the order the reviews came."""
        encode = self.text.encode
        return [(_Ref(review_id), "review.import", encode(old), encode(new))
                for review_id, (old, new) in self.pieces.items() if new]


class _Ref:
    """What the audit log needs of a review: its type name and id (no model row per review)."""
    __slots__ = ("id",)

    def __init__(self, review_id: int) -> None:
        self.id = review_id


_Ref.__name__ = Review.__name__


def _reviews(campaign: Campaign, assignments: set[int], now: dt.datetime) -> dict[int, tuple[int, str]]:
    """Assignment id -> (review id, state) for every assignment of the rows; missing reviews are created."""
    def load() -> dict[int, tuple[int, str]]:
        return {a: (rid, state) for rid, a, state in db.execute(
            Review.select(Review.id, Review.assignment, Review.state).join(Assignment).join(Submission)
            .where(Submission.campaign == campaign)).fetchall() if a in assignments}
    reviews = load()
    missing = [a for a in assignments if a not in reviews]
    for batch in chunked(missing, BATCH):
        Review.insert_many([{"assignment": a, "updated_at": now} for a in batch]).execute()
    return load() if missing else reviews


def _stored(campaign: Campaign) -> dict[int, tuple]:
    """The campaign's scores: review id << 32 | criterion id -> (that key, score id, scaled value,
    comment, verdict), read and indexed without a Python loop."""
    key = Score.review * (1 << 32) + Score.criterion
    rows = db.execute(Score.select(key, Score.id, Score.value, Score.comment, Score.evidence_verdict)
                      .join(Review).join(Assignment).join(Submission)
                      .where(Submission.campaign == campaign)).fetchall()
    return dict(zip(map(itemgetter(0), rows), rows))


def _update_scores(updates: dict[tuple, list[int]]) -> None:
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


class _AuditText:
    """Stored values <-> Decimals, and the audit text of scores.

    ``encode`` gives exactly what ``audit`` would store for {code: {value, comment,
    evidence_verdict}}: ``json.dumps`` with sorted keys and the value as text. A new value is
    known by its identity, not its equality: equal Decimals may print differently (5 and 5.0),
    and the import hands out one Decimal object per distinct text (``keep`` holds each one
    whose identity is used as a key, so that identity stays its own).
    """

    def __init__(self) -> None:
        self.scaled_of: dict[Decimal, int] = {}
        self._kept: list = []

    def keep(self, value: Decimal | None) -> None:
        self._kept.append(value)

    def scaled(self, value: Decimal) -> int:
        """The integer the database stores for ``value`` (as ``Score.value`` writes it)."""
        found = self.scaled_of.get(value)
        if found is None:
            found = self.scaled_of[value] = Score.value.db_value(value)
        return found

    def old(self, code: str, stored: int | None, comment: str, verdict: str) -> tuple[str, str]:
        """(code, "code": {…}) of a stored score (its value as ``Score.value`` reads it back)."""
        return self._piece(code, Score.value.python_value(stored), comment, verdict)

    def new(self, code: str, value: Decimal | None, comment: str, verdict: str,
            stored: int | None = None) -> tuple[str, str]:
        """(code, "code": {…}) of a score as written: ``value``, or the stored one when it is None."""
        shown = Score.value.python_value(stored) if value is None else value
        return self._piece(code, shown, comment, verdict)

    @staticmethod
    def _piece(code: str, value: Decimal | None, comment: str, verdict: str) -> tuple[str, str]:
        fields = {"value": None if value is None else str(value), "comment": comment, "evidence_verdict": verdict}
        return code, (json.dumps(code, ensure_ascii=False) + ": "
                      + json.dumps(fields, ensure_ascii=False, sort_keys=True))

    @staticmethod
    def encode(pieces: list[tuple[str, str]]) -> Encoded:
        """{code: fields} from its (code, piece) pairs, keys sorted as ``json.dumps`` sorts them."""
        return Encoded("{" + ", ".join(piece for _code, piece in sorted(pieces)) + "}")
