"""DESIGN §4 ranking and §5 award proposals: tables for every tie, quota, precedence and band case,
and properties (any input order gives the same ranking; ranks are 1-based, non-decreasing, skip after ties)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulation.domain.awards import COUNCIL_DECIDES, PROPOSED, AwardRule, propose, quota_for
from emulation.domain.ranking import Entry, rank, rank_scopes

BANDS = ("Xuất sắc", "Tốt", "Khá", "Đạt", "Không đạt")


def e(i, F, L=None, P=None, *, pending=False, cluster="A", band="Xuất sắc", name=None):
    dec = lambda v: None if v is None else Decimal(str(v))  # noqa: E731
    return Entry(i, name or f"Đơn vị {i:02d}", cluster, dec(F), dec(L), dec(P), pending, band)


def ranks(entries):
    return [(r.entry.submission_id, r.rank) for r in rank(entries)]


# --- ranking --------------------------------------------------------------------------------------

@pytest.mark.parametrize("entries,expected", [
    ([e(1, 90), e(2, 95), e(3, 80)], [(2, 1), (1, 2), (3, 3)]),
    ([e(1, 90), e(2, 95), e(3, 90), e(4, 70)], [(2, 1), (1, 2), (3, 2), (4, 4)]),              # 1, 2, 2, 4
    ([e(1, 90, 80), e(2, 90, 85)], [(2, 1), (1, 2)]),                                           # L breaks F ties
    ([e(1, 90, 80, 70), e(2, 90, 80, 75)], [(2, 1), (1, 2)]),                                   # then P
    ([e(1, 90, 80, 70), e(2, 90, 80, 70), e(3, 90, 80, 70)], [(1, 1), (2, 1), (3, 1)]),       # all equal
    ([e(1, "90.0000004"), e(2, "89.9999996")], [(1, 1), (2, 1)]),                               # equal at q6
    ([e(1, "90.0000006"), e(2, "90.0000004")], [(1, 1), (2, 2)]),                               # 90.000001 > 90
    ([e(1, 90, None, 70), e(2, 90, 0, 60)], [(2, 1), (1, 2)]),                                  # None below any number
    ([e(1, 90, pending=True), e(2, 50), e(3, None, pending=True)], [(2, 1), (1, None), (3, None)]),
    ([], []),
])
def test_rank_table(entries, expected):
    assert ranks(entries) == expected


def test_tie_group_listed_by_name_and_cluster_scopes():
    entries = [e(1, 80, cluster="B", name="Phường Z"), e(2, 80, cluster="A", name="Phường A"), e(3, 90, cluster="B")]
    assert ranks(entries) == [(3, 1), (2, 2), (1, 2)]
    scopes = rank_scopes(entries)
    assert list(scopes) == [None, "A", "B"]
    assert [(r.entry.submission_id, r.rank) for r in scopes["B"]] == [(3, 1), (1, 2)]


scores = st.sampled_from([Decimal(v) for v in ("50", "70.5", "80", "80.25", "90", "95")] + [None])
entries_strategy = st.lists(st.tuples(scores, scores, scores, st.booleans(), st.sampled_from(["A", "B"])),
                            max_size=25).map(lambda rows: [
                                Entry(i, f"U{i}", c, F if not pend and F is not None else (F or Decimal(60)), L, P,
                                      pend) for i, (F, L, P, pend, c) in enumerate(rows, 1)])


@given(entries_strategy, st.randoms())
def test_any_input_order_gives_the_same_ranking(entries, rnd):
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    assert rank(shuffled) == rank(entries)


@given(entries_strategy)
def test_ranks_are_one_based_non_decreasing_and_skip_after_ties(entries):
    ranked = [r.rank for r in rank(entries) if r.rank is not None]
    assert all(r.rank is None for r in rank(entries)[len(ranked):]), "pending entries come last"
    for i, value in enumerate(ranked):
        if i == 0:
            assert value == 1
        elif value != ranked[i - 1]:
            assert value == i + 1 > ranked[i - 1], "the rank after a tie group skips to the position"


# --- awards ---------------------------------------------------------------------------------------

def rule(i=1, *, precedence=None, target="collective", min_band="", min_score=0, kind="count", quota=1,
         per_cluster=False, title=None):
    return AwardRule(i, precedence if precedence is not None else i, title or f"Danh hiệu {i}", target, min_band,
                     Decimal(min_score), kind, quota, per_cluster)


def statuses(outcomes, rule_id=1):
    return {o.submission_id: o.status for o in outcomes if o.rule_id == rule_id}


@pytest.mark.parametrize("scores,quota,expected", [
    ([95, 90, 85], 2, {1: PROPOSED, 2: PROPOSED, 3: "outside_quota"}),
    ([95, 90, 90, 85], 2, {1: PROPOSED, 2: COUNCIL_DECIDES, 3: COUNCIL_DECIDES, 4: "outside_quota"}),
    ([95, 90, 90, 85], 3, {1: PROPOSED, 2: PROPOSED, 3: PROPOSED, 4: "outside_quota"}),
    ([90, 90, 90], 2, {1: COUNCIL_DECIDES, 2: COUNCIL_DECIDES, 3: COUNCIL_DECIDES}),       # tie at rank 1
    ([90, 90, 85, 85], 3, {1: PROPOSED, 2: PROPOSED, 3: COUNCIL_DECIDES, 4: COUNCIL_DECIDES}),
    ([95, 90], 0, {1: "outside_quota", 2: "outside_quota"}),
    ([95, 90], 5, {1: PROPOSED, 2: PROPOSED}),
])
def test_count_quota_and_boundary_ties(scores, quota, expected):
    entries = [e(i, s) for i, s in enumerate(scores, 1)]
    assert statuses(propose([rule(quota=quota)], {"collective": entries}, BANDS)) == expected


@pytest.mark.parametrize("ranked,pct,quota", [(19, 5, 0), (20, 5, 1), (39, 5, 1), (10, 15, 1), (10, 0, 0),
                                             (7, 100, 7)])
def test_percentage_quotas_floor(ranked, pct, quota):
    assert quota_for(rule(kind="percent", quota=pct), ranked) == quota


def test_percentage_counts_all_ranked_entries_not_only_eligible():
    entries = [e(i, 95 - i, band="Xuất sắc" if i <= 2 else "Khá") for i in range(1, 21)] + [e(99, 99, pending=True)]
    out = statuses(propose([rule(kind="percent", quota=10, min_band="Xuất sắc")], {"collective": entries}, BANDS))
    assert [k for k, v in out.items() if v == PROPOSED] == [1, 2]          # 10 % of 20 ranked = 2
    assert out[99] == "pending" and out[3] == "below_band"


def test_band_and_score_thresholds_with_reasons():
    entries = [e(1, 95), e(2, 85, band="Tốt"), e(3, "89.9999996"), e(4, 92)]
    outcomes = propose([rule(quota=5, min_band="Xuất sắc", min_score=90)], {"collective": entries}, BANDS)
    by_id = {o.submission_id: o for o in outcomes}
    assert by_id[2].message == "không đủ điều kiện: xếp loại Tốt < Xuất sắc"
    assert by_id[3].status == PROPOSED                                      # 89.9999996 is 90 at q6
    assert by_id[1].message == "được đề nghị: hạng 1, trong chỉ tiêu 5"
    low = propose([rule(quota=5, min_score=93)], {"collective": entries}, BANDS)
    assert {o.submission_id: o.message for o in low}[4] == "không đủ điều kiện: điểm 92 < 93"


def test_precedence_one_award_per_achievement_and_council_decides_blocks_lower_titles():
    entries = [e(1, 98), e(2, 95), e(3, 95), e(4, 90), e(5, 85)]
    rules = [rule(2, precedence=20, quota=2, title="Giấy khen"), rule(1, precedence=10, quota=2, title="Bằng khen")]
    outcomes = propose(rules, {"collective": entries}, BANDS)
    assert statuses(outcomes, 1) == {1: PROPOSED, 2: COUNCIL_DECIDES, 3: COUNCIL_DECIDES, 4: "outside_quota",
                                     5: "outside_quota"}
    assert statuses(outcomes, 2) == {1: "already", 2: "already", 3: "already", 4: PROPOSED, 5: PROPOSED}
    assert next(o for o in outcomes if o.rule_id == 2 and o.submission_id == 2).message == \
        "đã được xét ở danh hiệu cao hơn: Bằng khen"
    assert next(o for o in outcomes if o.rule_id == 1 and o.submission_id == 2).message.startswith(
        "đồng hạng tại ranh giới chỉ tiêu — Hội đồng quyết định (2 hồ sơ đồng hạng 2, còn 1 suất)")


def test_per_cluster_quotas_use_each_clusters_own_ranking():
    entries = [e(1, 99, cluster="A"), e(2, 98, cluster="A"), e(3, 70, cluster="B"), e(4, 60, cluster="B"),
               e(5, 97, cluster="A"), e(6, 96, cluster=None)]
    out = statuses(propose([rule(quota=1, per_cluster=True)], {"collective": entries}, BANDS))
    assert out == {1: PROPOSED, 2: "outside_quota", 5: "outside_quota", 3: PROPOSED, 4: "outside_quota",
                   6: "no_cluster"}
    pct = statuses(propose([rule(kind="percent", quota=50, per_cluster=True)], {"collective": entries}, BANDS))
    assert [k for k, v in pct.items() if v == PROPOSED] == [1, 3]          # A: 50 % of 3 = 1; B: 50 % of 2 = 1


def test_disqualified_band_cap_keeps_an_entry_out_of_a_min_band_rule():
    capped = e(1, 97, band="Đạt")                # the scoring capped the band (disqualifying leader value)
    out = statuses(propose([rule(quota=3, min_band="Tốt")], {"collective": [capped, e(2, 91)]}, BANDS))
    assert out == {1: "below_band", 2: PROPOSED}


def test_pending_never_proposed_and_targets_are_separate():
    entries = {"collective": [e(1, 99, pending=True), e(2, 80)], "individual": [e(3, 99)]}
    outcomes = propose([rule(quota=5), rule(2, target="individual", quota=1)], entries, BANDS)
    assert statuses(outcomes, 1) == {1: "pending", 2: PROPOSED}
    assert statuses(outcomes, 2) == {3: PROPOSED}


@given(entries_strategy, st.integers(0, 6), st.randoms())
def test_proposals_do_not_depend_on_input_order_and_never_exceed_the_quota(entries, quota, rnd):
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    a = propose([rule(quota=quota)], {"collective": entries}, BANDS)
    b = propose([rule(quota=quota)], {"collective": shuffled}, BANDS)
    assert sorted(map(repr, a)) == sorted(map(repr, b))
    assert sum(1 for o in a if o.status == PROPOSED) <= quota
