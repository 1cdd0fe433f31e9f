"""Each submission's self-assessment totals, kept equal to its self-scores (read by the results
refresh, as ``review_totals`` keeps each review's).

Rule: after ANY write of ``self_score`` values, the writer calls :func:`recompute` with the
ids of the submissions it touched, in the same transaction. Then for every submission:

- ``self_total`` = Σ of its values, those of ``penalty`` criteria subtracted (exact on the
  stored scaled integers; 0 without values);
- ``self_valued`` = how many of its self-scores hold a value (the self-assessment is
  complete when it equals the number of criteria of its set: a missing value is never
  read as zero).

The kind of a criterion never changes under a stored total (see ``review_totals``).
"""
from __future__ import annotations

from collections.abc import Iterable

from peewee import chunked, fn

from ..database import db
from ..models import Campaign, Criterion, SelfScore, Submission
from .review_totals import signed

BATCH = 500


def _sums(submission_ids: list[int]):
    """(submission id, signed Σ, count of values) of the submissions with self-scores."""
    return (SelfScore.select(SelfScore.submission, fn.SUM(signed(SelfScore.value)), fn.COUNT(SelfScore.value))
            .join(Criterion).where(SelfScore.submission.in_(submission_ids)).group_by(SelfScore.submission))


def _found(batch: list[int]) -> dict[int, tuple[int, int]]:
    return {sid: (int(total or 0), n) for sid, total, n in db.execute(_sums(batch)).fetchall()}


def recompute(submission_ids: Iterable[int]) -> None:
    """Store ``self_total`` and ``self_valued`` of these submissions from their self-scores (module rule)."""
    q, mark = db.obj.quote, db.obj.param
    sql = (f"UPDATE {q[0]}{Submission._meta.table_name}{q[1]} SET {q[0]}self_total{q[1]} = {mark}, "
           f"{q[0]}self_valued{q[1]} = {mark} WHERE {q[0]}id{q[1]} = {mark}")
    cursor = db.obj.cursor()
    for batch in chunked(sorted(set(submission_ids)), BATCH):
        found = _found(batch)
        cursor.executemany(sql, [(*found.get(sid, (0, 0)), sid) for sid in batch])


def recompute_campaign(campaign: Campaign | int) -> None:
    """:func:`recompute` for every submission of a campaign (after a bulk load of its self-scores)."""
    recompute([sid for (sid,) in db.execute(Submission.select(Submission.id)
                                            .where(Submission.campaign == campaign)).fetchall()])


def stale(submission_ids: Iterable[int] | None = None) -> list[int]:
    """The submissions whose stored totals differ from their self-scores (empty when the rule holds)."""
    query = Submission.select(Submission.id, Submission.self_total, Submission.self_valued)
    if submission_ids is not None:
        query = query.where(Submission.id.in_(list(submission_ids)))
    stored = {sid: (int(total), n) for sid, total, n in db.execute(query).fetchall()}
    found: dict[int, tuple[int, int]] = {}
    for batch in chunked(sorted(stored), BATCH):
        found.update(_found(batch))
    return [sid for sid, row in stored.items() if found.get(sid, (0, 0)) != row]


__all__ = ["recompute", "recompute_campaign", "stale"]
