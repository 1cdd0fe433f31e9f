"""Each review's totals, kept equal to its scores (read by the results refresh).

Rule: after ANY write of ``score`` values, the writer calls :func:`recompute` with the ids of
the reviews whose values it wrote, in the same transaction (comments and verdicts enter no
total, so a write of those alone needs none). Then for every review:

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

from peewee import SQL, Case, Value, chunked, fn

from ..database import db, temporary_ids
from ..models import Assignment, Campaign, Criterion, Review, Score, Submission

BATCH = 500


def signed(value):
    """A stored value as it enters a total: a ``penalty`` criterion's subtracts (the query joins
    ``criterion``). (``-value`` is DESC in peewee, and ``value * -1`` would scale the -1 like a
    stored value.)"""
    return Case(None, ((Criterion.kind == "penalty", Value(-1, converter=False) * value),), value)


def _sums(touched):
    """(review id ``rid``, signed Σ ``signed``, count of values ``n``, disqualifying 0/1 ``flag``) of
    the reviews with scores among ``touched`` (ids, or a subquery of ids)."""
    flag = Case(None, ((Criterion.disqualifying & (Score.value > 0), 1),), 0)
    return (Score.select(Score.review.alias("rid"), fn.COALESCE(fn.SUM(signed(Score.value)), 0).alias("signed"),
                         fn.COUNT(Score.value).alias("n"), fn.MAX(flag).alias("flag"))
            .join(Criterion).where(Score.review.in_(touched)).group_by(Score.review))


def recompute(review_ids: Iterable[int]) -> None:
    """Store ``total``, ``valued`` and ``disqualifying`` of these reviews from their scores (module rule).

    A few reviews: their sums read, then written back by id. Many (an import): the ids in a
    temporary table and two statements, the sums written by ``UPDATE … FROM`` (the reviews
    with scores) and zeros where a review has none.
    """
    ids = sorted(set(review_ids))
    if len(ids) > BATCH:
        _recompute_many(ids)
        return
    q, mark = db.obj.quote, db.obj.param
    sql = (f"UPDATE {q[0]}{Review._meta.table_name}{q[1]} SET {q[0]}total{q[1]} = {mark}, "
           f"{q[0]}valued{q[1]} = {mark}, {q[0]}disqualifying{q[1]} = {mark} WHERE {q[0]}id{q[1]} = {mark}")
    found = {rid: (int(total or 0), n, bool(flag)) for rid, total, n, flag in db.execute(_sums(ids)).fetchall()}
    db.obj.cursor().executemany(sql, [(*found.get(rid, (0, 0, False)), rid) for rid in ids])


def _recompute_many(ids: list[int]) -> None:
    with temporary_ids("review_totals_ids", ids) as table:
        touched = SQL(f"(SELECT id FROM {table})")
        sums = _sums(touched).alias("sums")
        (Review.update({Review.total: sums.c.signed, Review.valued: sums.c.n,
                        Review.disqualifying: sums.c.flag > 0})
         .from_(sums).where(Review.id == sums.c.rid).execute())
        (Review.update({Review.total: 0, Review.valued: 0, Review.disqualifying: False})
         .where(Review.id.in_(touched), ~fn.EXISTS(Score.select(Score.id).where(Score.review == Review.id)))
         .execute())


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


__all__ = ["recompute", "recompute_campaign", "signed", "stale"]
