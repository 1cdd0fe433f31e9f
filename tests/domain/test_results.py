"""Per-criterion comparison a unit sees: its mean against its cluster's mean of means."""
from decimal import Decimal as D

import pytest
from hypothesis import given, strategies as st

from emulation.domain.results import compare, display, mean


def test_unit_against_cluster():
    scores = {1: {"I.1": [D(4), D(5)], "I.2": [D(3)]}, 2: {"I.1": [D(2)]}, 3: {"I.1": [D("3.5")]}}
    rows = {r.code: r for r in compare(["I.1", "I.2", "I.3"], 1, scores)}
    assert rows["I.1"].unit_score == D("4.50") and rows["I.1"].cluster_average == D("3.33")
    assert rows["I.2"].unit_score == D("3.00") and rows["I.2"].cluster_average == D("3.00")
    assert rows["I.3"].unit_score is None and rows["I.3"].cluster_average is None  # nobody scored: no zero


@pytest.mark.parametrize("value,shown", [(D("2.005"), D("2.01")), (D("2.004999"), D("2.00")), (None, None)])
def test_display_rounds_half_up(value, shown):
    assert display(value) == shown


@given(st.lists(st.decimals(min_value=0, max_value=10, places=1), min_size=1, max_size=8))
def test_mean_is_within_bounds_and_order_free(values):
    m = mean(values)
    assert min(values) <= m <= max(values)
    assert mean(list(reversed(values))) == m
