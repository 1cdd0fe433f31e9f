"""``Memo``: each distinct argument worked out once, equal arguments share one value, and the
batch loops that use it (scaled scoring, ranking keys) give what the plain functions give."""
from __future__ import annotations

import gc
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from emulation.domain import ranking
from emulation.domain.memo import Memo
from emulation.memory import no_cycle_collection


def test_the_function_runs_once_per_distinct_argument():
    calls: list[object] = []

    def double(x):
        calls.append(x)
        return 2 * x

    memo = Memo(double)
    assert [memo[x] for x in (1, 2, 1, 2, 3, 1)] == [2, 4, 2, 4, 6, 2]
    assert calls == [1, 2, 3]
    assert memo[0] == 0 and calls == [1, 2, 3, 0]


def test_equal_decimals_share_one_entry():
    """8.125 and 8.1250 are one key (equal values hash alike): what a score is, not how it is written."""
    memo = Memo(ranking._part)
    assert memo[Decimal("8.125")] == memo[Decimal("8.1250")] == (0, -8_125_000)
    assert len(memo) == 1


@given(st.lists(st.one_of(st.none(), st.decimals(-1000, 1000, places=7)), max_size=30))
def test_a_memo_of_the_ranking_key_part_is_the_part(values):
    memo = Memo(ranking._part)
    assert [memo[v] for v in values] == [ranking._part(v) for v in values]


def test_cycle_collection_pauses_and_comes_back():
    assert gc.isenabled()
    with no_cycle_collection():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with no_cycle_collection():
            pass
        assert not gc.isenabled()      # left as it was found
    finally:
        gc.enable()
