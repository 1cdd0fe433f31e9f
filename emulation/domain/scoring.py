"""Scoring (DESIGN §3–§5): review totals, role aggregates, the final score F, flags and bands.

Rules (normative), for the submitted or locked submissions of ONE campaign × target:
- A review is complete when every criterion of the set has a value; its total is
  Σscore + Σbonus − Σpenalty. Incomplete reviews never count anywhere (aggregates,
  minimum counts, normalisation, flags, disqualification) and a missing value is
  never read as zero.
- ``S`` = total of the self-assessment; ``P`` / ``L`` = ``policy.aggregation`` of the
  complete peer / leader totals (see :mod:`emulation.domain.aggregation`), after
  z-score normalisation per role across the whole call when ``normalize = "zscore"``.
- ``F`` = w_self·S + w_peer·P + w_leader·L; a role whose weight is 0 contributes 0,
  even when its aggregate is None. A peer/leader role whose weight is > 0 needs at
  least ``min_peer`` / ``min_leader`` complete reviews, and a self weight > 0 needs a
  complete self-assessment; otherwise the submission is pending ("self", "peer",
  "leader" reasons, in that order), F is None and it has no band.
- Flags (DESIGN §4, never change the rank): ``disagreement`` when, for any role,
  max − min of its RAW complete totals exceeds ``disagreement_pct``% of
  ``cs.max_total``; ``self_inflation`` when S − F exceeds ``inflation_pct``% of it
  (only when F is known). "Exceeds" is strict; both sides are compared at q6.
- ``disqualified`` when some COMPLETE leader review gives a ``disqualifying``
  criterion a value > 0. The band (DESIGN §5) is the first of ``policy.bands`` whose
  ``min_score`` q6(F) reaches, else ``lowest_band``; a disqualified submission gets
  the lower of that band and ``cap_band``.
- Comparisons use q6 (0.000001, ROUND_HALF_UP); display uses q2 (0.01, ROUND_HALF_UP).
- Results come back in input order and do not depend on the order of the items or
  of their reviews: role totals are listed by reviewer id, aggregates sort.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import overload

from .aggregation import AGGREGATORS, CONTEXT, Aggregate, ZScore, fit_zscore, mean
from .criteria import CriteriaSet
from .policy import ScoringPolicy
from .submission import signed

__all__ = [
    "Q6", "Q2", "q6", "q2", "ROLES", "Aggregate", "AGGREGATORS", "review_total", "ReviewInput",
    "SubmissionInput", "ReviewTotal", "TotalsInput", "totals_of", "score_totals",
    "RoleResult", "SubmissionScore", "score_submissions", "band_for",
]

Q6 = Decimal("0.000001")
Q2 = Decimal("0.01")
ROLES = ("peer", "leader")
_HALF_UP = CONTEXT.copy()              # CONTEXT rounding half up: q6 and q2
_HALF_UP.rounding = ROUND_HALF_UP


@overload
def q6(x: Decimal) -> Decimal: ...
@overload
def q6(x: None) -> None: ...
def q6(x: Decimal | None) -> Decimal | None:
    """``x`` quantized to 0.000001, ROUND_HALF_UP: the value ranking, bands and awards compare."""
    return None if x is None else _HALF_UP.quantize(x, Q6)


@overload
def q2(x: Decimal) -> Decimal: ...
@overload
def q2(x: None) -> None: ...
def q2(x: Decimal | None) -> Decimal | None:
    """``x`` quantized to 0.01, ROUND_HALF_UP: the value shown."""
    return None if x is None else _HALF_UP.quantize(x, Q2)


def review_total(cs: CriteriaSet, values: Mapping[str, Decimal | None]) -> Decimal | None:
    """Σscore + Σbonus − Σpenalty when EVERY criterion of ``cs`` has a value, else None.

    Values for codes outside the set are ignored.
    """
    total = Decimal(0)
    with localcontext(CONTEXT):
        for criterion in cs.criteria:
            value = values.get(criterion.code)
            if value is None:
                return None
            total += signed(criterion, value)
    return total


@dataclass(frozen=True)
class ReviewInput:
    """One reviewer's values on one submission; ``role`` is "peer" or "leader"."""
    reviewer_id: int
    role: str
    values: Mapping[str, Decimal | None]


@dataclass(frozen=True)
class SubmissionInput:
    """A submitted (or locked) submission: its self-assessment values and its reviews."""
    submission_id: int
    self_values: Mapping[str, Decimal | None]
    reviews: tuple[ReviewInput, ...]


@dataclass(frozen=True)
class ReviewTotal:
    """One review reduced to what scoring needs: its total (None when incomplete) and whether it
    gives a ``disqualifying`` criterion a value > 0. A database can compute these in one query."""
    reviewer_id: int
    role: str
    total: Decimal | None
    disqualifying: bool = False


@dataclass(frozen=True)
class TotalsInput:
    """A submission reduced to its self total ``S`` (None when incomplete) and its review totals."""
    submission_id: int
    S: Decimal | None
    reviews: tuple[ReviewTotal, ...]


def totals_of(cs: CriteriaSet, item: SubmissionInput) -> TotalsInput:
    """The totals of a submission given by values (``review_total`` of each, and the disqualifying test)."""
    codes = [c.code for c in cs.criteria if c.disqualifying]
    reviews = tuple(ReviewTotal(r.reviewer_id, r.role, review_total(cs, r.values),
                                any((r.values.get(code) or Decimal(0)) > 0 for code in codes))
                    for r in item.reviews)
    return TotalsInput(item.submission_id, review_total(cs, item.self_values), reviews)


@dataclass(frozen=True)
class RoleResult:
    """One role on one submission: complete totals (raw and normalised, by reviewer id) and aggregate."""
    role: str
    raw_totals: tuple[Decimal, ...]
    totals: tuple[Decimal, ...]
    aggregate: Aggregate
    count: int


@dataclass(frozen=True)
class SubmissionScore:
    """The scoring of one submission (see the module docstring for each rule)."""
    submission_id: int
    S: Decimal | None
    peer: RoleResult
    leader: RoleResult
    P: Decimal | None
    L: Decimal | None
    F: Decimal | None
    pending: bool
    pending_reasons: tuple[str, ...]
    flags: frozenset[str]
    disqualified: bool
    band: str | None


_Complete = dict[str, list[tuple[int, Decimal]]]  # role -> [(reviewer id, raw total)]


def score_submissions(policy: ScoringPolicy, cs: CriteriaSet,
                      items: Sequence[SubmissionInput]) -> list[SubmissionScore]:
    """Score every submission of one campaign × target, in input order (rules: module docstring)."""
    return score_totals(policy, cs, [totals_of(cs, item) for item in items])


def score_totals(policy: ScoringPolicy, cs: CriteriaSet, items: Sequence[TotalsInput]) -> list[SubmissionScore]:
    """``score_submissions`` from totals already computed (e.g. summed by the database)."""
    complete = [_complete_totals(item.reviews) for item in items]
    scalers = _fit_scalers(complete) if policy.normalize == "zscore" else {}
    limits = _limits(policy, cs)
    return [_score_one(policy, item, totals, scalers, limits) for item, totals in zip(items, complete)]


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown review role {role!r}")


def _complete_totals(reviews: Sequence[ReviewTotal]) -> _Complete:
    """Per role, the (reviewer id, total) of the complete reviews, sorted by reviewer id then total."""
    found: _Complete = {role: [] for role in ROLES}
    for review in reviews:
        pairs = found.get(review.role)
        if pairs is None:
            _check_role(review.role)
        elif review.total is not None:
            pairs.append((review.reviewer_id, review.total))
    return {role: sorted(pairs) for role, pairs in found.items()}


def _fit_scalers(complete: Sequence[_Complete]) -> dict[str, ZScore]:
    """One z-score rescaling per role, fitted on every complete total of the call."""
    scalers: dict[str, ZScore] = {}
    for role in ROLES:
        by_reviewer: dict[int, list[Decimal]] = {}
        for per_item in complete:
            for reviewer_id, total in per_item[role]:
                by_reviewer.setdefault(reviewer_id, []).append(total)
        scalers[role] = fit_zscore(by_reviewer)
    return scalers


def _role_result(policy: ScoringPolicy, role: str, pairs: Sequence[tuple[int, Decimal]],
                 scaler: ZScore | None) -> RoleResult:
    raw = tuple(total for _, total in pairs)
    totals = raw if scaler is None else tuple(scaler.apply(rid, total) for rid, total in pairs)
    aggregate = AGGREGATORS[policy.aggregation](totals, policy.trim_min)
    return RoleResult(role, raw, totals, aggregate, len(raw))


def _score_one(policy: ScoringPolicy, item: TotalsInput, complete: _Complete,
               scalers: Mapping[str, ZScore], limits: tuple[Decimal, Decimal]) -> SubmissionScore:
    s = item.S
    peer = _role_result(policy, "peer", complete["peer"], scalers.get("peer"))
    leader = _role_result(policy, "leader", complete["leader"], scalers.get("leader"))
    p, lead = peer.aggregate.value, leader.aggregate.value
    reasons = pending_reasons(policy, s, peer.count, p, leader.count, lead)
    f = None if reasons else final_score(policy, s, p, lead)
    disqualified = any(r.role == "leader" and r.total is not None and r.disqualifying for r in item.reviews)
    return SubmissionScore(
        submission_id=item.submission_id, S=s, peer=peer, leader=leader,
        P=p, L=lead, F=f,
        pending=bool(reasons), pending_reasons=reasons,
        flags=flags_for(limits, s, f, [max(r.raw_totals) - min(r.raw_totals) for r in (peer, leader) if r.raw_totals]),
        disqualified=disqualified, band=None if f is None else band_for(policy, f, disqualified),
    )


def pending_reasons(policy: ScoringPolicy, s: Decimal | None, peer_count: int, p: Decimal | None,
                    leader_count: int, lead: Decimal | None) -> tuple[str, ...]:
    """The roles with weight > 0 that lack what F needs: "self", "peer", "leader" in that order
    (a role needs its minimum of complete reviews and an aggregate)."""
    reasons: list[str] = []
    if policy.w_self > 0 and s is None:
        reasons.append("self")
    if policy.w_peer > 0 and (peer_count < policy.min_peer or p is None):
        reasons.append("peer")
    if policy.w_leader > 0 and (leader_count < policy.min_leader or lead is None):
        reasons.append("leader")
    return tuple(reasons)


def final_score(policy: ScoringPolicy, s: Decimal | None, p: Decimal | None,
                lead: Decimal | None) -> Decimal:
    """F = w_self·S + w_peer·P + w_leader·L; a weight of 0 contributes 0 whatever its value."""
    f = Decimal(0)
    add, multiply = CONTEXT.add, CONTEXT.multiply       # f += weight·value in CONTEXT
    # a value a weight > 0 needs is never None: pending_reasons guarantees it
    if policy.w_self != 0:
        f = add(f, multiply(policy.w_self, s))
    if policy.w_peer != 0:
        f = add(f, multiply(policy.w_peer, p))
    if policy.w_leader != 0:
        f = add(f, multiply(policy.w_leader, lead))
    return f


def _threshold(pct: Decimal, cs: CriteriaSet) -> Decimal:
    with localcontext(CONTEXT):
        return pct * cs.max_total / 100


def _limits(policy: ScoringPolicy, cs: CriteriaSet) -> tuple[Decimal, Decimal]:
    """The (disagreement, self-inflation) thresholds at q6: percentages of ``cs.max_total``."""
    return q6(_threshold(policy.disagreement_pct, cs)), q6(_threshold(policy.inflation_pct, cs))


def flags_for(limits: tuple[Decimal, Decimal], s: Decimal | None, f: Decimal | None,
              spreads: Sequence[Decimal]) -> frozenset[str]:
    """``disagreement`` / ``self_inflation`` per DESIGN §4: strictly exceeding, compared at q6.
    ``spreads``: max − min of the RAW complete totals of each role that has some."""
    spread_limit, inflation_limit = limits
    disagreement = False
    for spread in spreads:
        if q6(spread) > spread_limit:
            disagreement = True
            break
    inflated = s is not None and f is not None and q6(CONTEXT.subtract(s, f)) > inflation_limit
    return _FLAGS[disagreement, inflated]


_FLAGS = {(False, False): frozenset(), (True, False): frozenset({"disagreement"}),
          (False, True): frozenset({"self_inflation"}), (True, True): frozenset({"disagreement", "self_inflation"})}


def band_for(policy: ScoringPolicy, f: Decimal, disqualified: bool = False) -> str:
    """The band of q6(F): the first of ``policy.bands`` (in order) whose ``min_score`` it
    reaches, else ``lowest_band``; when disqualified, the lower of that band and ``cap_band``
    (order: ``policy.band_names()``, best first, ``lowest_band`` last)."""
    fq = q6(f)
    name = policy.lowest_band
    for band in policy.bands:
        if fq >= band.min_score:
            name = band.name
            break
    if disqualified:
        order = policy.band_names()
        name = order[max(order.index(name), order.index(policy.cap_band))]
    return name
