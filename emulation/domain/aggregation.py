"""Aggregation of review totals (DESIGN §3): the ``agg`` strategies and z-score normalisation.

Rules stated here:
- Arithmetic runs in :data:`CONTEXT` (34 significant digits), never in the caller's
  thread context, and every sum adds its terms in ascending order, so the same
  totals in any order give the same digits.
- ``mean``: the arithmetic mean. ``median``: the middle total; for an even count the
  mean of the two middle totals. ``trimmed``: when there are at least ``trim_min``
  totals (and at least 3), drop exactly ONE highest and ONE lowest total (one
  instance each, even when several totals tie) and take the mean of the rest;
  otherwise the plain mean. No totals: value ``None`` (never zero).
- z-score (``normalize = "zscore"``): within one role, a reviewer's totals t become
  (t − μ_r)/σ_r · σ_pool + μ_pool, where μ and σ are the mean and the POPULATION
  standard deviation of that reviewer's totals (r) and of all totals of the role
  (pool). A reviewer with fewer than 3 totals, or with σ_r = 0, keeps their totals.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from typing import NamedTuple

__all__ = ["CONTEXT", "MIN_NORMALISED", "Aggregate", "AGGREGATORS", "mean", "pstdev", "ZScore",
           "fit_zscore", "dropped_positions"]

CONTEXT = Context(prec=34, rounding=ROUND_HALF_EVEN)
_ZERO = Decimal(0)
_INT = frozenset({int})
MIN_NORMALISED = 3


class Aggregate(NamedTuple):
    """An aggregate of totals: its value, the totals used (ascending) and those trimming dropped."""
    value: Decimal | None
    used: tuple[Decimal, ...]
    dropped: tuple[Decimal, ...] = ()


def mean(values: Sequence[Decimal | int]) -> Decimal | None:
    """Arithmetic mean, summed in ascending order; None when there is no value.

    Whole numbers (totals in thousandths) are summed exactly, so in any order; a mean of
    thousandths scaled by 10⁻³ is the mean of the totals, digit for digit.
    """
    if not values:
        return None
    if _INT.issuperset(map(type, values)):
        return CONTEXT.divide(Decimal(sum(values)), len(values))
    total, add = _ZERO, CONTEXT.add
    for value in sorted(values):
        total = add(total, value)
    return CONTEXT.divide(total, len(values))


def pstdev(values: Sequence[Decimal]) -> Decimal | None:
    """Population standard deviation √(Σ(t − μ)²/n); None when there is no value."""
    mu = mean(values)
    if mu is None:
        return None
    with localcontext(CONTEXT):
        squares = sorted((t - mu) * (t - mu) for t in values)
        return (sum(squares, Decimal(0)) / len(values)).sqrt()


def _mean_of(values: Sequence[Decimal], trim_min: int) -> Aggregate:
    """``mean``: the arithmetic mean of all totals (``trim_min`` is ignored)."""
    ordered = tuple(sorted(values))
    return Aggregate(mean(ordered), ordered)


def _median_of(values: Sequence[Decimal], trim_min: int) -> Aggregate:
    """``median``: the middle total; for an even count, the mean of the two middle ones."""
    ordered = tuple(sorted(values))
    n = len(ordered)
    if n == 0:
        return Aggregate(None, ordered)
    if n % 2:
        return Aggregate(ordered[n // 2], ordered)
    return Aggregate(mean(ordered[n // 2 - 1:n // 2 + 1]), ordered)


def _trimmed_of(values: Sequence[Decimal], trim_min: int) -> Aggregate:
    """``trimmed``: with n ≥ max(trim_min, 3), drop one highest and one lowest, then mean; else mean."""
    ordered = tuple(sorted(values))
    if len(ordered) < max(trim_min, 3):
        return _mean_of(ordered, trim_min)
    used = ordered[1:-1]
    return Aggregate(mean(used), used, (ordered[0], ordered[-1]))


AGGREGATORS: dict[str, Callable[[Sequence[Decimal], int], Aggregate]] = {
    "mean": _mean_of,
    "median": _median_of,
    "trimmed": _trimmed_of,
}


def dropped_positions(totals: Sequence[Decimal], aggregate: Aggregate) -> frozenset[int]:
    """The positions in ``totals`` (the list ``aggregate`` was computed from) whose totals it dropped.

    Trimming drops one instance of the lowest and one of the highest total; when several
    positions hold that total, the FIRST position holding the lowest and the LAST holding
    the highest are the ones marked, so exactly ``len(aggregate.dropped)`` positions are.
    Nothing dropped (``mean``, ``median``, too few totals): the empty set.
    """
    if not aggregate.dropped:
        return frozenset()
    order = sorted(range(len(totals)), key=lambda i: (totals[i], i))
    low, high = order[0], order[-1]
    if (totals[low], totals[high]) != (min(aggregate.dropped), max(aggregate.dropped)):
        raise ValueError("the aggregate was not computed from these totals")
    return frozenset((low, high))


@dataclass(frozen=True)
class ZScore:
    """A fitted z-score rescaling of one role: pool mean/std and (μ_r, σ_r) per rescaled reviewer."""
    pool_mean: Decimal | None
    pool_std: Decimal | None
    reviewers: Mapping[int, tuple[Decimal, Decimal]] = field(default_factory=dict)

    def apply(self, reviewer_id: int, total: Decimal) -> Decimal:
        """(t − μ_r)/σ_r · σ_pool + μ_pool for a rescaled reviewer; ``total`` unchanged otherwise."""
        params = self.reviewers.get(reviewer_id)
        if params is None or self.pool_mean is None or self.pool_std is None:
            return total
        mu, sigma = params
        with localcontext(CONTEXT):
            return (total - mu) / sigma * self.pool_std + self.pool_mean


def fit_zscore(by_reviewer: Mapping[int, Sequence[Decimal]]) -> ZScore:
    """Fit the rescaling from every complete total of one role, grouped by reviewer.

    The pool is all the totals given; reviewers with fewer than :data:`MIN_NORMALISED`
    totals or with σ_r = 0 are left out (they keep their totals).
    """
    pool = [t for totals in by_reviewer.values() for t in totals]
    rescaled: dict[int, tuple[Decimal, Decimal]] = {}
    for reviewer_id, totals in by_reviewer.items():
        if len(totals) < MIN_NORMALISED:
            continue
        mu, sigma = mean(totals), pstdev(totals)
        if mu is not None and sigma is not None and sigma != 0:
            rescaled[reviewer_id] = (mu, sigma)
    return ZScore(mean(pool), pstdev(pool), rescaled)
