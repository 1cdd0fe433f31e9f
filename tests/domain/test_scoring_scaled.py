"""``scoring_scaled`` (the refresh's flat rows from stored totals) gives exactly what ``score_totals``
(the per-role records) gives, quantized to q6: every policy, aggregation, normalisation, weight and band."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulation.domain.policy import Band, ScoringPolicy
from emulation.domain.scoring import ReviewTotal, TotalsInput, q6, score_totals
from emulation.domain.scoring_scaled import Scored, score_scaled
from tests.domain.test_scoring import CS
from tests.domain.test_scoring_properties import policies

D = Decimal


def reference(policy: ScoringPolicy, items) -> list[Scored]:
    """``score_totals`` on the same totals as Decimals, every number at q6."""
    inputs = [TotalsInput(sid, None if s is None else D(s) / 1000, tuple(
        ReviewTotal(rid, role, None if t is None else D(t) / 1000, flag) for _sid, rid, role, t, flag in reviews))
        for sid, s, reviews in items]
    return [Scored(r.submission_id, q6(r.S), q6(r.P), q6(r.L), q6(r.F), r.peer.count, r.leader.count,
                   r.pending_reasons, tuple(sorted(r.flags)), r.disqualified, r.band)
            for r in score_totals(policy, CS, inputs)]


# totals in thousandths: whole and half points (ties, band limits), then any thousandth
TOTALS = st.one_of(st.integers(-10, 220).map(lambda t: t * 500), st.integers(-5_000, 110_000))
MAYBE = st.one_of(st.none(), TOTALS)


@st.composite
def items(draw: st.DrawFn) -> list[tuple]:
    found = []
    for sid in range(1, draw(st.integers(1, 6)) + 1):
        keys = draw(st.permutations([(rid, role) for rid in range(1, 8) for role in ("peer", "leader")]))
        reviews = [(sid, rid, role, draw(MAYBE), draw(st.booleans())) for rid, role in keys[: draw(st.integers(0, 8))]]
        found.append((sid, draw(MAYBE), reviews))
    return found


@st.composite
def banded(draw: st.DrawFn) -> ScoringPolicy:
    policy = draw(policies())
    limits = sorted({D(draw(st.integers(0, 2000))) / 20 for _ in range(3)}, reverse=True)
    bands = tuple(Band(name, low) for name, low in zip(("A", "B", "C"), limits))
    return dataclasses.replace(policy, bands=bands, lowest_band="Z",
                               cap_band=draw(st.sampled_from([b.name for b in bands] + ["Z"])))


@settings(max_examples=400, deadline=None)
@given(st.one_of(policies(), banded()), items())
def test_scaled_scoring_equals_the_decimal_reference(policy, found):
    assert score_scaled(policy, CS, found) == reference(policy, found)


@pytest.mark.parametrize("aggregation", ["mean", "median", "trimmed"])
def test_thirds_and_sevenths_round_as_the_reference(aggregation):
    """Means that do not terminate (n = 3, 6, 7) are rounded once, as ``aggregation.mean`` rounds them."""
    policy = ScoringPolicy(aggregation=aggregation, trim_min=3, min_peer=1)
    found = [(sid, 70_000, [(sid, rid, "peer", 70_000 + sid * 1 + rid * 333, False) for rid in range(n)]
              + [(sid, 99, "leader", 80_001, True)])
             for sid, n in enumerate((3, 6, 7, 2, 1), 1)]
    assert score_scaled(policy, CS, found) == reference(policy, found)


def test_unknown_role_and_aggregation_are_refused_as_the_reference_refuses_them():
    with pytest.raises(ValueError):
        score_scaled(ScoringPolicy(), CS, [(1, None, [(1, 1, "self", 1000, False)])])
    with pytest.raises(KeyError):
        score_scaled(dataclasses.replace(ScoringPolicy(), aggregation="mode"), CS, [(1, None, [])])
    assert score_scaled(dataclasses.replace(ScoringPolicy(), aggregation="mode"), CS, []) == []


@pytest.mark.parametrize("gap", [-1, 0, 1])
def test_flags_at_their_limits_match_the_reference(gap):
    """Spread and S − F exactly at the limit (10 % of 105 = 10.5 points), one thousandth below and above."""
    policy = ScoringPolicy(disagreement_pct=D(10), inflation_pct=D(10), min_peer=2,
                           w_self=D(0), w_peer=D("0.5"), w_leader=D("0.5"))
    found = [(1, 80_000 + 10_500 + gap, [(1, 1, "peer", 70_000, False), (1, 2, "peer", 80_500 + gap, False),
                                         (1, 3, "leader", 80_000 - 10_500 - gap, False)])]
    got = score_scaled(policy, CS, found)
    assert got == reference(policy, found)
    assert ("disagreement" in got[0].flags) == (gap > 0)
