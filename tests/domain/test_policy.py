"""Campaign scoring policy and windows (DESIGN §3–§5 settings): pure rules, no app."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulation.domain.policy import (DEFAULT_BANDS, WINDOW_ORDER, Band, ScoringPolicy, parse_decimal,
                                     validate_policy, validate_windows)

D = Decimal


def policy(**changes) -> ScoringPolicy:
    return dataclasses.replace(ScoringPolicy(), **changes)


def problems(p: ScoringPolicy) -> list[tuple[str, str]]:
    return [(x.field, x.message) for x in validate_policy(p)]


# --- validate_policy ---------------------------------------------------------------------------

ACCEPTED = [
    ("defaults 0.2/0.3/0.5", {}),
    ("exact decimal sum 0.1+0.2+0.7", {"w_self": D("0.1"), "w_peer": D("0.2"), "w_leader": D("0.7")}),
    ("trailing zeros 0.20+0.30+0.50", {"w_self": D("0.20"), "w_peer": D("0.30"), "w_leader": D("0.50")}),
    ("six-place weights summing to 1", {"w_self": D("0.333334"), "w_peer": D("0.333333"),
                                                        "w_leader": D("0.333333")}),
    ("leader only", {"w_self": D(0), "w_peer": D(0), "w_leader": D(1)}),
    ("min_peer 0 when peers weigh nothing", {"w_self": D("0.5"), "w_peer": D(0), "w_leader": D("0.5"),
                                            "min_peer": 0}),
    ("min_leader 0 when leaders weigh nothing", {"w_self": D("0.5"), "w_peer": D("0.5"), "w_leader": D(0),
                                                "min_leader": 0}),
    ("median", {"aggregation": "median"}),
    ("trimmed with trim_min 3", {"aggregation": "trimmed", "trim_min": 3}),
    ("zscore", {"normalize": "zscore"}),
    ("thresholds at the bounds", {"disagreement_pct": D(0), "inflation_pct": D(100)}),
    ("cap at the lowest band", {"cap_band": "Không đạt"}),
    ("cap at the top band", {"cap_band": "Xuất sắc"}),
    ("one band", {"bands": (Band("Đạt", D(50)),), "cap_band": "Đạt"}),
    ("review days at the bounds 1", {"review_days": 1}),
    ("review days at the bounds 90", {"review_days": 90}),
    ("a band at 0", {"bands": (Band("Tốt", D(80)), Band("Đạt", D(0))), "cap_band": "Đạt"}),
]


@pytest.mark.parametrize("changes", [c for _, c in ACCEPTED], ids=[i for i, _ in ACCEPTED])
def test_accepted_policies(changes):
    assert validate_policy(policy(**changes)) == []


REFUSED = [
    # (case id, changes, field, message substring)
    ("weights sum to 1.1", {"w_self": D("0.3")}, "w_self", "phải bằng 1; hiện là 1,1"),
    ("weights sum to 0.9", {"w_leader": D("0.4")}, "w_self", "hiện là 0,9"),
    ("weights sum to 2", {"w_self": D(1), "w_peer": D(0), "w_leader": D(1)}, "w_self", "hiện là 2."),
    ("negative weight", {"w_self": D("-0.2"), "w_peer": D("0.7")}, "w_self", "Trọng số phải từ 0 đến 1."),
    ("weight above 1", {"w_self": D("1.5"), "w_peer": D("-0.5"), "w_leader": D(0)}, "w_self",
     "Trọng số phải từ 0 đến 1."),
    ("unknown aggregation", {"aggregation": "max"}, "aggregation", "Cách tổng hợp điểm không hợp lệ."),
    ("trim_min 2", {"trim_min": 2}, "trim_min", "phải từ 3 trở lên"),
    ("trim_min 0", {"trim_min": 0}, "trim_min", "phải từ 3 trở lên"),
    ("min_peer 0 while peers weigh", {"min_peer": 0}, "min_peer", "cần ít nhất 1 phiếu chấm hoàn chỉnh"),
    ("min_leader 0 while leaders weigh", {"min_leader": 0}, "min_leader", "cần ít nhất 1 phiếu"),
    ("min_peer negative", {"w_self": D("0.5"), "w_peer": D(0), "min_peer": -1}, "min_peer",
     "Số phiếu tối thiểu không được âm."),
    ("unknown normalisation", {"normalize": "minmax"}, "normalize", "Cách chuẩn hóa điểm không hợp lệ."),
    ("disagreement below 0", {"disagreement_pct": D(-1)}, "disagreement_pct", "từ 0 đến 100"),
    ("disagreement above 100", {"disagreement_pct": D("100.01")}, "disagreement_pct", "từ 0 đến 100"),
    ("inflation above 100", {"inflation_pct": D(101)}, "inflation_pct", "từ 0 đến 100"),
    ("no bands", {"bands": (), "cap_band": "Không đạt"}, "bands", "Cần ít nhất một mức xếp loại."),
    ("bands increasing", {"bands": (Band("Khá", D(70)), Band("Tốt", D(80))), "cap_band": "Khá"}, "bands",
     "giảm dần"),
    ("bands equal minimums", {"bands": (Band("Tốt", D(80)), Band("Khá", D(80))), "cap_band": "Khá"}, "bands",
     "giảm dần"),
    ("band below 0", {"bands": (Band("Tốt", D(80)), Band("Đạt", D(-1))), "cap_band": "Đạt"}, "bands",
     "không âm"),
    ("duplicate band names", {"bands": (Band("Tốt", D(90)), Band("Tốt", D(80))), "cap_band": "Tốt"}, "bands",
     "không được trùng nhau"),
    ("band named like the lowest", {"bands": (Band("Không đạt", D(90)),), "cap_band": "Không đạt"}, "bands",
     "không được trùng nhau"),
    ("empty band name", {"bands": (Band("  ", D(90)), Band("Đạt", D(50)))}, "bands", "cần có tên"),
    ("empty lowest band", {"lowest_band": ""}, "bands", "cần có tên"),
    ("cap band unknown", {"cap_band": "Giỏi"}, "cap_band", "một trong các mức đã khai báo"),
    ("review days 0", {"review_days": 0}, "review_days", "từ 1 đến 90"),
    ("review days 91", {"review_days": 91}, "review_days", "từ 1 đến 90"),
]


@pytest.mark.parametrize("changes, field, message", [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_refused_policies(changes, field, message):
    found = problems(policy(**changes))
    assert any(f == field and message in m for f, m in found), found


def test_every_problem_is_reported_at_once():
    bad = policy(w_self=D("0.9"), aggregation="x", trim_min=1, normalize="x", inflation_pct=D(-5),
                 cap_band="Giỏi")
    fields = {f for f, _ in problems(bad)}
    assert {"w_self", "aggregation", "trim_min", "normalize", "inflation_pct", "cap_band"} <= fields


# --- validate_windows --------------------------------------------------------------------------

START = dt.datetime(2026, 3, 2, 8, 0)


def windows(**changes) -> dict[str, dt.datetime | None]:
    days = dict(zip(WINDOW_ORDER, (0, 14, 15, 30, 31, 45)))
    base = {name: START + dt.timedelta(days=d) for name, d in days.items()}
    return {**base, **changes}


WINDOW_CASES = [
    # (case id, changes, refused field or None)
    ("ordered", {}, None),
    ("review opens when submission closes", {"review_opens": START + dt.timedelta(days=14)}, None),
    ("council opens when review closes", {"council_opens": START + dt.timedelta(days=30)}, None),
    ("submission opens and closes together", {"submission_closes": START}, "submission_closes"),
    ("submission closes before it opens", {"submission_closes": START - dt.timedelta(hours=1)},
     "submission_closes"),
    ("review opens and closes together", {"review_closes": START + dt.timedelta(days=15)}, "review_closes"),
    ("council opens and closes together", {"council_closes": START + dt.timedelta(days=31)}, "council_closes"),
    ("review opens before submission closes", {"review_opens": START + dt.timedelta(days=13, hours=23)},
     "review_opens"),
    ("council opens before review closes", {"council_opens": START + dt.timedelta(days=29)}, "council_opens"),
]


@pytest.mark.parametrize("changes, field", [c[1:] for c in WINDOW_CASES], ids=[c[0] for c in WINDOW_CASES])
def test_window_order(changes, field):
    found = validate_windows(windows(**changes))
    if field is None:
        assert found == []
    else:
        assert [p.field for p in found] == [field]
        assert "phải theo thứ tự" in found[0].message


@pytest.mark.parametrize("missing", WINDOW_ORDER)
def test_missing_window_is_named(missing):
    for w in (windows(**{missing: None}), {k: v for k, v in windows().items() if k != missing}):
        found = validate_windows(w)
        assert [(p.field, p.message) for p in found] == [(missing, "Cần nhập thời điểm này.")]


def test_every_missing_window_is_named():
    assert [p.field for p in validate_windows({})] == list(WINDOW_ORDER)


# --- to_dict / from_dict -----------------------------------------------------------------------

def test_default_policy_round_trips_through_json():
    data = json.loads(json.dumps(ScoringPolicy().to_dict()))
    assert data["w_self"] == "0.2" and data["bands"][0] == ["Xuất sắc", "90"]
    assert ScoringPolicy.from_dict(data) == ScoringPolicy()


def test_policy_stored_before_review_days_loads_with_the_default():
    data = ScoringPolicy().to_dict()
    del data["review_days"]
    restored = ScoringPolicy.from_dict(data)
    assert restored.review_days == 7 and restored.extra == {} and restored == ScoringPolicy()
    assert ScoringPolicy.from_dict({**data, "review_days": "10"}).review_days == 10


def test_missing_keys_take_defaults_and_unknown_keys_are_kept():
    restored = ScoringPolicy.from_dict({"w_peer": "0.4", "w_leader": "0.4", "ghi_chu": "thử"})
    assert restored.w_peer == D("0.4") and restored.w_self == D("0.2")
    assert restored.bands == DEFAULT_BANDS
    assert restored.extra == {"ghi_chu": "thử"}
    assert restored.to_dict()["ghi_chu"] == "thử"


weights = st.decimals(min_value=0, max_value=1, places=6, allow_nan=False, allow_infinity=False)
scores = st.decimals(min_value=0, max_value=200, places=3, allow_nan=False, allow_infinity=False)
names = st.text(min_size=1, max_size=20)


@settings(max_examples=150, database=None)
@given(w_self=weights, w_peer=weights, w_leader=weights,
       bands=st.lists(st.tuples(names, scores), max_size=6),
       aggregation=st.sampled_from(["mean", "median", "trimmed"]), trim_min=st.integers(0, 20),
       min_peer=st.integers(0, 5), min_leader=st.integers(0, 5), pct=scores,
       lowest=names, cap=names)
def test_to_dict_from_dict_round_trip(w_self, w_peer, w_leader, bands, aggregation, trim_min, min_peer,
                                      min_leader, pct, lowest, cap):
    p = ScoringPolicy(w_self=w_self, w_peer=w_peer, w_leader=w_leader, aggregation=aggregation,
                      trim_min=trim_min, min_peer=min_peer, min_leader=min_leader,
                      disagreement_pct=pct, inflation_pct=pct,
                      bands=tuple(Band(n, m) for n, m in bands), lowest_band=lowest, cap_band=cap)
    stored = json.dumps(p.to_dict(), ensure_ascii=False, sort_keys=True)
    restored = ScoringPolicy.from_dict(json.loads(stored))
    assert restored == p
    for name in ("w_self", "w_peer", "w_leader", "disagreement_pct"):  # exactly, digits and all
        assert str(getattr(restored, name)) == str(getattr(p, name))
    assert [str(b.min_score) for b in restored.bands] == [str(m) for _, m in bands]
    assert validate_policy(restored) == validate_policy(p)


# --- parse_decimal -----------------------------------------------------------------------------

PARSE_CASES = [
    ("0,2", D("0.2")),
    ("0.2", D("0.2")),
    (" 1 ", D(1)),
    ("\t0,35\n", D("0.35")),
    ("90", D(90)),
    ("-0,5", D("-0.5")),
    (D("0.3"), D("0.3")),
    (2, D(2)),
    ("abc", None),
    ("", None),
    ("1,2,3", None),
    ("0,2.5", None),
    ("NaN", None),
    ("sNaN", None),
    ("Infinity", None),
    ("-Infinity", None),
    (None, None),
]


@pytest.mark.parametrize("raw, expected", PARSE_CASES, ids=[repr(r) for r, _ in PARSE_CASES])
def test_parse_decimal(raw, expected):
    value = parse_decimal(raw)
    assert value == expected
    if expected is not None:
        assert isinstance(value, Decimal)


@pytest.mark.parametrize("changes,field", [
    ({"k_peer": -1}, "k_peer"), ({"k_peer": 21}, "k_peer"), ({"k_peer": 1, "min_peer": 2}, "k_peer"),
    ({"leader_mode": "random"}, "leader_mode"), ({"leader_mode": "spread", "k_leader": 0}, "k_leader"),
    ({"leader_mode": "spread", "k_leader": 1, "min_leader": 2}, "k_leader"),
    ({"comment_pct": Decimal(101)}, "comment_pct"), ({"comment_pct": Decimal(-1)}, "comment_pct")])
def test_review_settings_are_checked(changes, field):
    from dataclasses import replace
    found = validate_policy(replace(ScoringPolicy(), **changes))
    assert [p.field for p in found] == [field]


def test_review_settings_round_trip_and_defaults_for_old_campaigns():
    p = ScoringPolicy(k_peer=3, same_cluster=False, leader_mode="spread", k_leader=2, comment_pct=Decimal("12.5"))
    assert ScoringPolicy.from_dict(p.to_dict()) == p
    old = {k: v for k, v in ScoringPolicy().to_dict().items()
           if k not in ("k_peer", "same_cluster", "leader_mode", "k_leader", "comment_pct")}
    assert ScoringPolicy.from_dict(old) == ScoringPolicy()  # campaigns saved before these settings existed
    assert validate_policy(ScoringPolicy(k_peer=0, w_self=Decimal("0.5"), w_peer=Decimal(0),
                                         w_leader=Decimal("0.5"))) == []
