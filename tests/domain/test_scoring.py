"""Scoring (DESIGN §3–§5): totals, aggregation, F, pending, normalisation, flags, bands,
calibration — pure rules, no app. Property tests live in ``test_scoring_properties.py``."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from emulation.domain.criteria import parse_criteria
from emulation.domain.policy import ScoringPolicy
from emulation.domain.calibration import ReviewerCalibration, calibration
from emulation.domain.scoring import (AGGREGATORS, ReviewInput, SubmissionInput, SubmissionScore, band_for, q2, q6,
                                      review_total, score_submissions)

D = Decimal

# Two score criteria (max 50), one bonus (max 5), one disqualifying penalty (max 5): max_total 105.
CS = parse_criteria("""
id = "bo-thu-cham-diem"
version = 1
title = "Bộ tiêu chí thử chấm điểm"
target = "collective"
[[groups]]
code = "I"
title = "Nhóm I"
criteria = [{code = "I.1", title = "Tiêu chí một", max = 50},
            {code = "I.2", title = "Tiêu chí hai", max = 50, step = 0.5}]
[[groups]]
code = "II"
title = "Cộng, trừ"
criteria = [{code = "II.1", title = "Điểm cộng", kind = "bonus", max = 5},
            {code = "II.2", title = "Vi phạm kỷ luật", kind = "penalty", max = 5, disqualifying = true}]
""")


def v(s1: object = 0, s2: object = 0, b: object = 0, p: object = 0) -> dict[str, Decimal | None]:
    return {"I.1": D(str(s1)), "I.2": D(str(s2)), "II.1": D(str(b)), "II.2": D(str(p))}


def tot(t: object) -> dict[str, Decimal | None]:
    """Values whose total is ``t`` (−5..105), without a penalty unless ``t`` < 0."""
    t = D(str(t))
    if t < 0:
        return v(p=-t)
    s1 = min(t, D(50))
    s2 = min(t - s1, D(50))
    return v(s1, s2, t - s1 - s2)


def peer(rid: int, t: object) -> ReviewInput:
    return ReviewInput(rid, "peer", tot(t))


def leader(rid: int, t: object) -> ReviewInput:
    return ReviewInput(rid, "leader", tot(t))


def sub(sid: int, s: object, peers: tuple = (), leaders: tuple = (), extra: tuple = ()) -> SubmissionInput:
    reviews = tuple(peer(100 + i, t) for i, t in enumerate(peers))
    reviews += tuple(leader(200 + i, t) for i, t in enumerate(leaders))
    return SubmissionInput(sid, tot(s), reviews + tuple(extra))


def policy(**changes) -> ScoringPolicy:
    for key in ("w_self", "w_peer", "w_leader", "disagreement_pct", "inflation_pct"):
        if key in changes:
            changes[key] = D(str(changes[key]))
    return dataclasses.replace(ScoringPolicy(), **changes)


def one(p: ScoringPolicy, item: SubmissionInput) -> SubmissionScore:
    (result,) = score_submissions(p, CS, [item])
    return result


INCOMPLETE = {"I.1": D(50), "I.2": D(50), "II.1": D(5)}  # penalty missing: not zero, not counted


# --- totals ------------------------------------------------------------------------------------
@pytest.mark.parametrize("values, expected", [
    (v(10, 20), D(30)),
    (v(10, 20, b=5), D(35)),                                   # bonus adds
    (v(10, 20, p=3), D(27)),                                   # penalty subtracts
    (v(50, 50, 5, 5), D(100)),
    (v(0, 0, 0, "2.5"), D("-2.5")),                            # a total may be negative
    (v(0, 0, 0, 0), D(0)),                                     # zero is a value
    ({**v(1, 2), "X.9": D(40)}, D(3)),                         # codes outside the set ignored
    (INCOMPLETE, None),                                        # missing value: no total
    ({**v(10, 20), "II.1": None}, None),
    ({}, None),
], ids=["score", "bonus", "penalty", "all-kinds", "negative", "zeros", "extra-code", "missing",
        "none-value", "empty"])
def test_review_total(values, expected):
    assert review_total(CS, values) == expected
    assert CS.max_total == 105


def test_incomplete_review_never_counts_as_zero():
    extra = (ReviewInput(9, "peer", INCOMPLETE), ReviewInput(8, "leader", {**INCOMPLETE, "II.2": None}))
    r = one(policy(), sub(1, 80, peers=(60, 70), leaders=(90,), extra=extra))
    assert (r.peer.count, r.peer.raw_totals, r.P) == (2, (D(60), D(70)), D(65))
    assert (r.leader.count, r.L) == (1, D(90))
    short = one(policy(), sub(1, 80, peers=(60,), leaders=(90,), extra=extra))
    assert short.pending_reasons == ("peer",) and short.P == D(60)


# --- aggregation -------------------------------------------------------------------------------
AGG_CASES = [
    # (method, totals, trim_min, value, used, dropped)
    ("mean", "1 2 6", 5, "3", "1 2 6", ""),
    ("mean", "", 5, None, "", ""),
    ("median", "5 1 3", 5, "3", "1 3 5", ""),
    ("median", "4 1 3 10", 5, "3.5", "1 3 4 10", ""),
    ("median", "7", 5, "7", "7", ""),
    ("median", "", 5, None, "", ""),
    ("trimmed", "1 2 3 10", 5, "4", "1 2 3 10", ""),           # below trim_min: plain mean
    ("trimmed", "100 2 3 4 1", 5, "3", "2 3 4", "1 100"),       # at trim_min: one high, one low dropped
    ("trimmed", "1 2 3 4 5 100", 5, "3.5", "2 3 4 5", "1 100"),
    ("trimmed", "5 9 5 9 5", 5, "6.333333", "5 5 9", "5 9"),        # ties: exactly one of each dropped
    ("trimmed", "7 7 7 7 7", 5, "7", "7 7 7", "7 7"),
    ("trimmed", "9 1 5", 3, "5", "5", "1 9"),
    ("trimmed", "", 5, None, "", ""),
]


def _ds(text: str) -> tuple[Decimal, ...]:
    return tuple(D(x) for x in text.split())


@pytest.mark.parametrize("method, totals, trim_min, value, used, dropped", AGG_CASES)
def test_aggregators(method, totals, trim_min, value, used, dropped):
    agg = AGGREGATORS[method](_ds(totals), trim_min)
    assert q6(agg.value) == (None if value is None else D(value))
    assert (agg.used, agg.dropped) == (_ds(used), _ds(dropped))


def test_policy_aggregation_is_applied():
    item = sub(1, 50, peers=(10, 20, 90), leaders=(0, 10, 20, 30, 100))
    assert (one(policy(aggregation="median"), item).P, one(policy(aggregation="median"), item).L) == (20, 20)
    trimmed = one(policy(aggregation="trimmed"), item)
    assert (trimmed.P, trimmed.L, trimmed.leader.aggregate.dropped) == (40, 20, (D(0), D(100)))


# --- F, weights, pending -----------------------------------------------------------------------
WEIGHT_CASES = [
    # (weights self/peer/leader, S, peers, leaders, P, L, F)
    (("0.2", "0.3", "0.5"), 80, (70, 90), (60,), 80, 60, 70),
    (("0", "0", "1"), 100, (), (40,), None, 40, 40),            # weight-0 roles need no reviews
    (("0.5", "0", "0.5"), 80, (), (60,), None, 60, 70),
    (("0.5", "0", "0.5"), 80, (0, 0), (60,), 0, 60, 70),        # weight 0 contributes 0
    (("1", "0", "0"), "-2.5", (), (), None, None, "-2.5"),
    (("0.1", "0.2", "0.7"), 90, (80, 85), ("97.5",), "82.5", "97.5", "93.75"),
]


@pytest.mark.parametrize("weights, s, peers, leaders, P, L, F", WEIGHT_CASES)
def test_final_score(weights, s, peers, leaders, P, L, F):
    p = policy(w_self=weights[0], w_peer=weights[1], w_leader=weights[2])
    r = one(p, sub(1, s, peers, leaders))
    expected = tuple(None if x is None else D(str(x)) for x in (s, P, L, F))
    assert (r.S, r.P, r.L, r.F, r.pending) == expected + (False,)


@pytest.mark.parametrize("changes, F, reasons", [
    ({"w_self": 0, "w_peer": "0.5", "w_leader": "0.5"}, D(80), ()),   # weight 0: S not needed
    ({}, None, ("self",)),
])
def test_missing_self_assessment(changes, F, reasons):
    r = one(policy(**changes), SubmissionInput(1, INCOMPLETE, sub(1, 0, (60, 80), (90,)).reviews))
    assert (r.S, r.F, r.pending_reasons) == (None, F, reasons)


@pytest.mark.parametrize("changes, peers, leaders, reasons", [
    ({}, (70,), (80,), ("peer",)),
    ({}, (70, 80), (), ("leader",)),
    ({}, (), (), ("peer", "leader")),
    ({"min_peer": 3}, (70, 80), (80,), ("peer",)),
    ({"min_leader": 2}, (70, 80), (80,), ("leader",)),
    ({}, (70, 80), (80,), ()),
])
def test_pending_reasons(changes, peers, leaders, reasons):
    r = one(policy(**changes), sub(1, 90, peers, leaders))
    assert (r.pending, r.pending_reasons) == (bool(reasons), reasons)
    if reasons:
        assert (r.F, r.band) == (None, None)
        assert r.P == (D(sum(peers)) / len(peers) if peers else None)   # still reported


# --- rounding and ties -------------------------------------------------------------------------
@pytest.mark.parametrize("fn, x, expected", [
    (q6, "0.0000005", "0.000001"), (q6, "0.0000004999", "0.000000"), (q6, "-0.0000005", "-0.000001"),
    (q2, "2.675", "2.68"), (q2, "2.665", "2.67"), (q2, "-2.675", "-2.68"), (q2, "89.994", "89.99"),
    (q6, None, None), (q2, None, None),
])
def test_rounding_half_up(fn, x, expected):
    assert fn(None if x is None else D(x)) == (None if expected is None else D(expected))


def test_equal_scores_by_different_paths_tie_at_q6():
    p = policy(w_self=0, w_peer="0.5", w_leader="0.5", min_peer=3)
    a, b = score_submissions(p, CS, [sub(1, 0, (1, 0, 0), (1, 0, 0)), sub(2, 0, (2, 0, 0), (0,))])
    assert a.F != b.F                                    # 0.5·⅓ + 0.5·⅓ vs 0.5·⅔ at 34 digits
    assert q6(a.F) == q6(b.F) == D("0.333333")
    assert q2(a.F) == D("0.33")


# --- z-score normalisation ---------------------------------------------------------------------
def _zscore_items() -> list[SubmissionInput]:
    # Reviewer 1: 4, 4, 8, 8 (μ 6, σ 2); reviewer 2: −2, 14 (< 3 reviews, kept);
    # reviewer 3: 6, 6, 6 (σ 0, kept). Pool of 9 totals: μ 6, σ √(144/9) = 4.
    # Reviewer 1 rescaled: 4 → (4 − 6)/2·4 + 6 = 2; 8 → 10.
    rows = {1: ((1, 4), (2, -2), (3, 6)), 2: ((1, 4), (3, 6)), 3: ((1, 8), (3, 6)), 4: ((1, 8), (2, 14))}
    return [SubmissionInput(sid, tot(50), tuple(peer(rid, t) for rid, t in reversed(reviews)))
            for sid, reviews in rows.items()]


def test_zscore_worked_example():
    p = policy(w_self=0, w_peer=1, w_leader=0, normalize="zscore")
    results = score_submissions(p, CS, _zscore_items())
    assert [r.peer.totals for r in results] == [_ds("2 -2 6"), _ds("2 6"), _ds("10 6"), _ds("10 14")]
    assert [r.peer.raw_totals for r in results] == [_ds("4 -2 6"), _ds("4 6"), _ds("8 6"), _ds("8 14")]
    assert [(r.P, r.F) for r in results] == [(D(2), D(2)), (D(4), D(4)), (D(8), D(8)), (D(12), D(12))]
    off = score_submissions(dataclasses.replace(p, normalize="none"), CS, _zscore_items())
    assert [q6(r.P) for r in off] == [D("2.666667"), D(5), D(7), D(11)]
    assert all(r.peer.totals == r.peer.raw_totals for r in off)


# --- flags -------------------------------------------------------------------------------------
@pytest.mark.parametrize("pct, spread, flagged", [
    (10, "10.5", False), (10, "11", True), (15, "15.5", False), (15, "16", True),
    (20, "21", False), (20, "21.5", True),                      # 20 % of 105 = 21: equal is not "exceeds"
])
def test_disagreement_threshold(pct, spread, flagged):
    r = one(policy(disagreement_pct=pct), sub(1, 70, peers=(60, 60 + D(spread)), leaders=(70,)))
    assert ("disagreement" in r.flags) is flagged


def test_disagreement_on_leaders_and_even_when_pending():
    assert one(policy(), sub(1, 70, (70, 70), (60, 82))).flags == {"disagreement"}
    # pending: still a disagreement, but no self_inflation without F (S = 100 ≫ reviewers)
    assert one(policy(), sub(1, 100, (50, 90), ())).flags == {"disagreement"}


@pytest.mark.parametrize("pct, s, lead, flagged", [
    (10, 80, 59, False),              # S − F = 10.5 = 10 % of 105
    (10, 80, "58.5", True),           # 10.75
    (10, 60, 90, False),              # self below the reviewers
    (20, 90, 48, False),              # 21
    (20, 90, "47.5", True),           # 21.25
])
def test_self_inflation_threshold(pct, s, lead, flagged):
    p = policy(w_self="0.5", w_peer=0, w_leader="0.5", inflation_pct=pct)
    assert ("self_inflation" in one(p, sub(1, s, (), (lead,))).flags) is flagged


# --- bands and the disqualifying cap -----------------------------------------------------------
@pytest.mark.parametrize("f, band", [
    ("105", "Xuất sắc"), ("90", "Xuất sắc"), ("89.9999995", "Xuất sắc"), ("89.9999994", "Tốt"),
    ("89.999999", "Tốt"), ("80", "Tốt"), ("79.5", "Khá"), ("70", "Khá"), ("50", "Đạt"),
    ("49.999999", "Không đạt"), ("0", "Không đạt"), ("-3", "Không đạt"),
])
def test_band_boundaries(f, band):
    assert band_for(policy(), D(f)) == band


@pytest.mark.parametrize("cap, f, band", [
    ("Đạt", "95", "Đạt"), ("Đạt", "85", "Đạt"), ("Đạt", "60", "Đạt"), ("Đạt", "40", "Không đạt"),
    ("Tốt", "95", "Tốt"), ("Tốt", "75", "Khá"), ("Không đạt", "95", "Không đạt"),
])
def test_disqualified_band_is_capped(cap, f, band):
    assert band_for(policy(cap_band=cap), D(f), disqualified=True) == band


def test_band_end_to_end():
    leader_only = policy(w_self=0, w_peer=0, w_leader=1)
    assert one(leader_only, sub(1, 0, (), (90,))).band == "Xuất sắc"
    disqualifying = ReviewInput(7, "leader", v(50, 46, 0, 1))            # total 95
    r = one(leader_only, SubmissionInput(1, tot(0), (disqualifying,)))
    assert (r.F, r.disqualified, r.band) == (D(95), True, "Đạt")
    pending = one(policy(), SubmissionInput(1, tot(100), (disqualifying,)))
    assert (pending.pending, pending.disqualified, pending.band) == (True, True, None)


@pytest.mark.parametrize("review, disqualified", [
    (ReviewInput(7, "leader", v(50, 50, 0, "0.5")), True),
    (ReviewInput(7, "peer", v(50, 50, 0, 5)), False),                    # only leaders disqualify
    (ReviewInput(7, "leader", {**v(50, 50, 0, 5), "I.1": None}), False),  # incomplete never counts
    (ReviewInput(7, "leader", v(50, 50, 0, 0)), False),
])
def test_disqualifying(review, disqualified):
    r = one(policy(), sub(1, 100, (100, 100), (100,), extra=(review,)))
    assert r.disqualified is disqualified
    assert r.band == ("Đạt" if disqualified else "Xuất sắc")


# --- order, roles, calibration -----------------------------------------------------------------
def test_output_in_input_order_and_unknown_role_refused():
    items = [sub(3, 10, (1, 2), (3,)), sub(1, 20, (1, 2), (3,)), sub(2, 30, (1, 2), (3,))]
    assert [r.submission_id for r in score_submissions(policy(), CS, items)] == [3, 1, 2]
    with pytest.raises(ValueError):
        score_submissions(policy(), CS, [SubmissionInput(1, tot(1), (ReviewInput(1, "self", tot(1)),))])


def test_calibration_example():
    items = [SubmissionInput(1, tot(0), (peer(1, 60), peer(2, 70), ReviewInput(3, "peer", INCOMPLETE),
                                         leader(4, 80))),
             SubmissionInput(2, tot(0), (peer(1, 80), peer(2, 86), peer(5, 92)))]
    # Consensus: submission 1 peers 65 (1: −5, 2: +5); submission 2 peers 86 (1: −6, 2: 0, 5: +6).
    assert calibration(items, CS) == [
        ReviewerCalibration(1, "peer", 2, D("-5.5")),
        ReviewerCalibration(2, "peer", 2, D("2.5")),
        ReviewerCalibration(3, "peer", 0, None),
        ReviewerCalibration(4, "leader", 1, D(0)),
        ReviewerCalibration(5, "peer", 1, D(6)),
    ]
