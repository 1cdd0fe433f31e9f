"""Explaining a score (domain.explain, aggregation.dropped_positions): which review totals counted,
which trimming dropped, the normalised totals, and the stable "Người chấm n" numbering."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulation.domain.aggregation import AGGREGATORS, Aggregate, dropped_positions, mean
from emulation.domain.explain import review_lines
from emulation.domain.policy import ScoringPolicy
from emulation.domain.scoring import ReviewTotal, TotalsInput, score_totals
from tests.domain.test_scoring import CS

D = Decimal
TRIMMED = ScoringPolicy(aggregation="trimmed", trim_min=3)


def totals(*values: object) -> tuple[Decimal, ...]:
    return tuple(D(str(v)) for v in values)


@pytest.mark.parametrize("values, dropped", [
    ((70, 90, 80), {0, 1}),
    ((80, 80, 80), {0, 2}),                 # all tie: the first as lowest, the last as highest
    ((60, 60, 90, 90, 75), {0, 3}),         # ties at both ends: the first 60, the last 90
    ((90, 60, 75, 60, 90), {1, 4}),
])
def test_dropped_positions_of_trimming(values, dropped):
    ts = totals(*values)
    assert dropped_positions(ts, AGGREGATORS["trimmed"](ts, 3)) == dropped


@pytest.mark.parametrize("method, values", [("mean", (70, 90, 80)), ("median", (70, 90, 80)),
                                            ("trimmed", (70, 90)), ("trimmed", ())])
def test_nothing_dropped_without_trimming(method, values):
    ts = totals(*values)
    assert dropped_positions(ts, AGGREGATORS[method](ts, 3)) == frozenset()


def test_dropped_positions_refuse_an_aggregate_of_other_totals():
    with pytest.raises(ValueError):
        dropped_positions(totals(70, 80, 90), Aggregate(D(80), totals(80), totals(60, 95)))


def _item(sid: int, s: object, reviews: list[tuple[int, str, object]]) -> TotalsInput:
    return TotalsInput(sid, D(str(s)), tuple(ReviewTotal(rid, role, None if t is None else D(str(t)))
                                            for rid, role, t in reviews))


def test_lines_number_peers_then_leaders_by_reviewer_and_mark_the_trimmed():
    item = _item(1, 90, [(9, "leader", 85), (7, "peer", 95), (3, "peer", 70), (5, "peer", 80), (4, "peer", None)])
    score = score_totals(TRIMMED, CS, [item])[0]
    lines = review_lines(score, item.reviews)
    assert [(l.number, l.reviewer_id, l.role) for l in lines] == [
        (1, 3, "peer"), (2, 4, "peer"), (3, 5, "peer"), (4, 7, "peer"), (5, 9, "leader")]
    by_id = {l.reviewer_id: l for l in lines}
    assert by_id[3].dropped and by_id[7].dropped and not by_id[5].dropped
    assert by_id[4].total is None and not by_id[4].counted and not by_id[4].dropped
    assert [l.reviewer_id for l in lines if l.counted] == [5, 9]
    assert score.P == D(80)                 # the counted peer total, alone
    assert all(l.aggregated == l.total for l in lines)  # no normalisation


def test_numbering_does_not_depend_on_input_order():
    reviews = [(9, "leader", 85), (7, "peer", 95), (3, "peer", 70), (5, "peer", 80)]
    first = _item(1, 90, reviews)
    second = _item(1, 90, list(reversed(reviews)))
    a = review_lines(score_totals(TRIMMED, CS, [first])[0], first.reviews)
    b = review_lines(score_totals(TRIMMED, CS, [second])[0], second.reviews)
    assert a == b


def test_normalised_totals_are_what_the_aggregate_saw():
    """Reviewer 1 scores three submissions 10 points below reviewer 2: z-score lines them up."""
    policy = ScoringPolicy(normalize="zscore", min_peer=2)
    items = [_item(sid, 80, [(1, "peer", base - 10), (2, "peer", base + 2 * (sid % 2)), (3, "leader", base)])
             for sid, base in ((1, 70), (2, 80), (3, 90))]
    scores = score_totals(policy, CS, items)
    for item, score in zip(items, scores):
        lines = review_lines(score, item.reviews)
        peers = [l for l in lines if l.role == "peer"]
        assert any(l.aggregated != l.total for l in peers)
        assert mean([l.aggregated for l in peers if l.counted]) == score.P


def test_lines_refuse_reviews_of_another_score():
    item = _item(1, 90, [(3, "peer", 70), (5, "peer", 80), (9, "leader", 85)])
    score = score_totals(TRIMMED, CS, [item])[0]
    with pytest.raises(ValueError):
        review_lines(score, _item(1, 90, [(3, "peer", 71), (5, "peer", 80), (9, "leader", 85)]).reviews)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 210).map(lambda n: D(n) / 2), min_size=1, max_size=8),
       st.sampled_from(["mean", "trimmed"]), st.integers(3, 6))
def test_the_counted_totals_make_the_aggregate(values, method, trim_min):
    """For mean and trimmed, P is exactly the mean of the totals marked counted."""
    policy = ScoringPolicy(aggregation=method, trim_min=trim_min, min_peer=1)
    item = TotalsInput(1, D(80), tuple(ReviewTotal(10 + i, "peer", t) for i, t in enumerate(values))
                       + (ReviewTotal(99, "leader", D(80)),))
    score = score_totals(policy, CS, [item])[0]
    lines = review_lines(score, item.reviews)
    counted = [l.aggregated for l in lines if l.role == "peer" and l.counted]
    assert mean(counted) == score.P
    assert sum(l.dropped for l in lines) == (2 if method == "trimmed" and len(values) >= trim_min else 0)
