"""Scoring a whole campaign × target from review totals stored in whole thousandths: the results
refresh's path.

It applies :mod:`emulation.domain.scoring`'s rules — ``pending_reasons``, ``final_score``,
``flags_for``, ``band_for`` — and :mod:`emulation.domain.aggregation`'s aggregates, the same
functions ``score_totals`` calls, so no rule is stated twice. What it leaves out is the
per-role record (``RoleResult``, ``SubmissionScore``) the explanation page needs: a
submission comes back as one flat ``Scored`` row with P, L and F at q6, the values the
results table stores. With ``normalize = "zscore"`` (fitted over the whole call) it takes
``score_totals`` itself. ``tests/domain/test_scoring_scaled.py`` holds the two equal.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

from .aggregation import AGGREGATORS, CONTEXT
from .criteria import CriteriaSet
from .memo import Memo
from .policy import ScoringPolicy
from .scoring import (ReviewTotal, SubmissionScore, TotalsInput, _limits, band_for, final_score, flags_for,
                      pending_reasons, q6, score_totals)

__all__ = ["ScaledReview", "ScaledItem", "Scored", "score_scaled"]

ScaledReview = tuple[int, "int | None", str, "int | None", "bool | int"]
"""(submission id, reviewer id, role, total in thousandths or None when incomplete, gives a
disqualifying value > 0: a bool, or 0/1 as a database gives it): a review row as the query gives it.
Only z-score normalisation reads the reviewer id (it may be None without it)."""
ScaledItem = tuple[int, "int | None", Sequence[ScaledReview]]
"""(submission id, self total S in thousandths or None, its reviews)."""


class Scored(NamedTuple):
    """A submission's scoring with P, L, F at q6 and S exact (3 places: its own q6), ``None`` as in
    ``SubmissionScore``."""
    submission_id: int
    S: Decimal | None
    P: Decimal | None
    L: Decimal | None
    F: Decimal | None
    peer_count: int
    leader_count: int
    pending_reasons: tuple[str, ...]
    flags: tuple[str, ...]          # sorted
    disqualified: bool
    band: str | None


def _thousandths(value: int | Decimal) -> Decimal:
    """A number of thousandths as the Decimal it stands for (exact)."""
    return Decimal(value).scaleb(-3, CONTEXT)


def score_scaled(policy: ScoringPolicy, cs: CriteriaSet, items: Iterable[ScaledItem]) -> list[Scored]:
    """``score_totals`` of the items, P, L, F at q6, in input order (module docstring)."""
    items = list(items)
    if policy.normalize == "zscore":
        return [_from_score(s) for s in score_totals(policy, cs, [_totals_input(i) for i in items])]
    if not items:
        return []                      # as score_totals: an unknown aggregation is refused only when used
    aggregate, trim_min = AGGREGATORS[policy.aggregation], policy.trim_min
    limits = _limits(policy, cs)
    scored: list[Scored] = []
    append, make = scored.append, tuple.__new__      # Scored(...) without a Python-level call
    scaled, at_q6 = Memo(_thousandths), Memo(q6)     # totals repeat: each distinct one worked out once
    for sid, s_scaled, reviews in items:
        peer: list[int] = []
        leader: list[int] = []
        disqualified = False
        for _sid, _reviewer, role, total, disqualifying in reviews:
            if role == "peer":
                if total is not None:
                    peer.append(total)
            elif role == "leader":
                if total is not None:
                    leader.append(total)
                    if disqualifying:
                        disqualified = True
            else:
                raise ValueError(f"unknown review role {role!r}")
        s = None if s_scaled is None else scaled[s_scaled]
        # an aggregate of the thousandths, scaled back, is the aggregate of the totals (same digits)
        p = None if not peer else scaled[aggregate(peer, trim_min).value]
        lead = None if not leader else scaled[aggregate(leader, trim_min).value]
        reasons = pending_reasons(policy, s, len(peer), p, len(leader), lead)
        f = None if reasons else final_score(policy, s, p, lead)
        flags = flags_for(limits, s, f, [scaled[max(t) - min(t)] for t in (peer, leader) if t])
        append(make(Scored, (sid, s, at_q6[p], at_q6[lead], q6(f), len(peer), len(leader), reasons,
                             tuple(sorted(flags)) if flags else (), disqualified,
                             None if f is None else band_for(policy, f, disqualified))))
    return scored


def _totals_input(item: ScaledItem) -> TotalsInput:
    sid, s, reviews = item
    return TotalsInput(sid, None if s is None else _thousandths(s), tuple(sorted(
        (ReviewTotal(rid, role, None if t is None else _thousandths(t), flag)
         for _sid, rid, role, t, flag in reviews), key=lambda r: r.reviewer_id)))


def _from_score(s: SubmissionScore) -> Scored:
    return Scored(s.submission_id, q6(s.S), q6(s.P), q6(s.L), q6(s.F), s.peer.count, s.leader.count,
                  s.pending_reasons, tuple(sorted(s.flags)), s.disqualified, s.band)
