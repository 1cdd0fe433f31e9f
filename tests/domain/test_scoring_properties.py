"""Scoring invariants (DESIGN §3–§4) as hypothesis properties: order invariance, aggregate
bounds, incomplete reviews inert, trimmed = mean below ``trim_min``, F between its parts."""
from __future__ import annotations

import dataclasses
from collections import Counter
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from emulation.domain.policy import ScoringPolicy
from emulation.domain.scoring import (AGGREGATORS, ROLES, ReviewInput, SubmissionInput, q6,
                                      score_submissions)
from tests.domain.test_scoring import CS

D = Decimal
HALF = D("0.5")

WEIGHTS = [("0.2", "0.3", "0.5"), ("0", "0", "1"), ("0.5", "0", "0.5"), ("1", "0", "0"),
           ("0", "0.5", "0.5"), ("0.1", "0.2", "0.7"), ("0.333334", "0.333333", "0.333333")]


@st.composite
def policies(draw: st.DrawFn) -> ScoringPolicy:
    w_self, w_peer, w_leader = (D(w) for w in draw(st.sampled_from(WEIGHTS)))
    return ScoringPolicy(
        w_self=w_self, w_peer=w_peer, w_leader=w_leader,
        aggregation=draw(st.sampled_from(["mean", "median", "trimmed"])),
        trim_min=draw(st.integers(3, 5)), min_peer=draw(st.integers(1, 3)),
        min_leader=draw(st.integers(1, 2)), normalize=draw(st.sampled_from(["none", "zscore"])),
        disagreement_pct=D(draw(st.integers(0, 30))), inflation_pct=D(draw(st.integers(0, 20))),
    )


RADIX = [(c.code, int(c.max / HALF) + 1) for c in CS.criteria]  # allowed steps per criterion


def _decode(number: int) -> dict[str, Decimal | None]:
    """One integer as a value on every criterion (mixed radix), so a review costs one draw."""
    values: dict[str, Decimal | None] = {}
    for code, radix in RADIX:
        number, steps = divmod(number, radix)
        values[code] = steps * HALF
    return values


def complete_values() -> st.SearchStrategy[dict[str, Decimal | None]]:
    size = 1
    for _, radix in RADIX:
        size *= radix
    return st.integers(0, size - 1).map(_decode)


@st.composite
def incomplete_values(draw: st.DrawFn) -> dict[str, Decimal | None]:
    values = draw(complete_values())
    gone = draw(st.sets(st.sampled_from(sorted(values)), min_size=1))
    as_none = draw(st.booleans())
    return {k: (None if k in gone else v) for k, v in values.items() if as_none or k not in gone}


REVIEW_KEYS = st.tuples(st.integers(1, 6), st.sampled_from(ROLES))
ALL_KEYS = [(rid, role) for rid in range(1, 7) for role in ROLES]


@st.composite
def submissions(draw: st.DrawFn) -> list[SubmissionInput]:
    items = []
    for sid in range(1, draw(st.integers(1, 5)) + 1):
        keys = draw(st.permutations(ALL_KEYS))[: draw(st.integers(0, 7))]
        self_values = draw(st.one_of(complete_values(), incomplete_values()))
        items.append(SubmissionInput(sid, self_values, tuple(
            ReviewInput(rid, role, draw(complete_values())) for rid, role in keys)))
    return items


def by_id(results) -> dict:
    return {r.submission_id: r for r in results}


PROPERTY = settings(max_examples=100, deadline=None)


@PROPERTY
@given(policies(), submissions(), st.data())
def test_order_invariance(policy, items, data):
    shuffled = [dataclasses.replace(item, reviews=tuple(data.draw(st.permutations(item.reviews))))
                for item in data.draw(st.permutations(items))]
    original = score_submissions(policy, CS, items)
    again = score_submissions(policy, CS, shuffled)
    assert [r.submission_id for r in again] == [i.submission_id for i in shuffled]
    assert by_id(original) == by_id(again)


@PROPERTY
@given(policies(), submissions(), st.data())
def test_incomplete_reviews_never_change_results(policy, items, data):
    def with_noise(item: SubmissionInput) -> SubmissionInput:
        noise = data.draw(st.lists(st.builds(lambda key, values: ReviewInput(key[0], key[1], values),
                                             REVIEW_KEYS, incomplete_values()), max_size=3))
        reviews = list(item.reviews)
        for review in noise:
            reviews.insert(data.draw(st.integers(0, len(reviews))), review)
        return dataclasses.replace(item, reviews=tuple(reviews))

    noisy = [with_noise(item) for item in items]
    assert score_submissions(policy, CS, noisy) == score_submissions(policy, CS, items)


TOTALS = st.lists(st.decimals(min_value=-5, max_value=105, places=3, allow_nan=False,
                              allow_infinity=False), max_size=9)


@PROPERTY
@given(st.sampled_from(sorted(AGGREGATORS)), TOTALS, st.integers(3, 7), st.randoms())
def test_aggregate_within_used_totals(method, totals, trim_min, rnd):
    agg = AGGREGATORS[method](totals, trim_min)
    assert Counter(agg.used) + Counter(agg.dropped) == Counter(totals)
    if not totals:
        assert agg.value is None
        return
    assert min(agg.used) <= agg.value <= max(agg.used)
    shuffled = list(totals)
    rnd.shuffle(shuffled)
    assert AGGREGATORS[method](shuffled, trim_min) == agg


@PROPERTY
@given(TOTALS, st.integers(3, 7))
def test_trimmed_is_mean_below_trim_min(totals, trim_min):
    totals = totals[: trim_min - 1]
    trimmed = AGGREGATORS["trimmed"](totals, trim_min)
    assert trimmed == AGGREGATORS["mean"](totals, trim_min)
    assert trimmed.dropped == ()


@PROPERTY
@given(policies(), submissions())
def test_final_between_its_parts(policy, items):
    for r in score_submissions(policy, CS, items):
        if r.pending:
            assert r.F is None and r.band is None
            continue
        parts = [q6(x) for w, x in ((policy.w_self, r.S), (policy.w_peer, r.P), (policy.w_leader, r.L))
                 if w > 0]
        assert min(parts) <= q6(r.F) <= max(parts)
        assert r.band in policy.band_names()
