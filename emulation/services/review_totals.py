"""Each review's totals, kept equal to its scores (read by the results refresh).

Rule: after ANY write of ``score`` rows, the writer calls :func:`recompute` with the ids of
the reviews it touched, in the same transaction. Then for every review:

- ``total`` = Σ of its values, those of ``penalty`` criteria subtracted (Σscore + Σbonus −
  Σpenalty over the values it holds, exact on the stored scaled integers; 0 without values);
- ``valued`` = how many of its scores hold a value (complete when it equals the number of
  criteria of its set: a missing value is never read as zero);
- ``disqualifying`` = it gives a ``disqualifying`` criterion a value > 0.

A criteria set cannot change once a campaign uses it (``services.criteria``), and a
campaign's sets cannot change once it has submissions (``services.campaigns``), so the
kind of a scored criterion never changes under a stored total.
"""
from __future__ import annotations

from collections.abc import Iterable

from peewee import Case, Value, chunked, fn

from ..database import db
from ..models import Assignment, Campaign, Criterion, Review, Score, Submission

BATCH = 500


def _sums(review_ids: list[int]):
    """(review id, signed Σ, count of values, disqualifying 0/1) of the reviews with scores."""
    signed = Case(None, ((Criterion.kind == "penalty", Value(-1, converter=False) * Score.value),), Score.value)
    flag = Case(None, ((Criterion.disqualifying & (Score.value > 0), 1),), 0)
    return (Score.select(Score.review, fn.SUM(signed), fn.COUNT(Score.value), fn.MAX(flag))
            .join(Criterion).where(Score.review.in_(review_ids)).group_by(Score.review))


def recompute(review_ids: Iterable[int]) -> None:
    """Store ``total``, ``valued`` and ``disqualifying`` of these reviews from their scores (module rule)."""
    q, mark = db.obj.quote, db.obj.param
    sql = (f"UPDATE {q[0]}{Review._meta.table_name}{q[1]} SET {q[0]}total{q[1]} = {mark}, "
           f"{q[0]}valued{q[1]} = {mark}, {q[0]}disqualifying{q[1]} = {mark} WHERE {q[0]}id{q[1]} = {mark}")
    cursor = db.obj.cursor()
    for batch in chunked(sorted(set(review_ids)), BATCH):
        found = {rid: (int(total or 0), n, bool(flag)) for rid, total, n, flag in db.execute(_sums(batch)).fetchall()}
        cursor.executemany(sql, [(*found.get(rid, (0, 0, False)), rid) for rid in batch])


def recompute_campaign(campaign: Campaign | int) -> None:
    """:func:`recompute` for every review of a campaign (after a bulk load that wrote its scores)."""
    recompute([rid for (rid,) in db.execute(Review.select(Review.id).join(Assignment).join(Submission)
                                            .where(Submission.campaign == campaign)).fetchall()])


def stale(review_ids: Iterable[int] | None = None) -> list[int]:
    """The reviews whose stored totals differ from their scores (empty when the rule holds)."""
    query = Review.select(Review.id, Review.total, Review.valued, Review.disqualifying)
    if review_ids is not None:
        query = query.where(Review.id.in_(list(review_ids)))
    stored = {rid: (int(total), valued, bool(flag)) for rid, total, valued, flag in db.execute(query).fetchall()}
    found: dict[int, tuple[int, int, bool]] = {}
    for batch in chunked(sorted(stored), BATCH):
        found.update({rid: (int(total or 0), n, bool(flag))
                      for rid, total, n, flag in db.execute(_sums(batch)).fetchall()})
    return [rid for rid, row in stored.items() if found.get(rid, (0, 0, False)) != row]


__all__ = ["recompute", "recompute_campaign", "stale"]
