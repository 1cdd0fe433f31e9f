"""The council's final list, its changes, tie-group resolution, objection window and approval preconditions."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulation.domain.council import (AWARDED, NONE, UNDECIDED, Change, Final, Outcome, Problem, approval_problems,
                                      check_change, final_list, in_force, objections_open, resolve_group)

P, CD, OUT = "proposed", "council_decides", "outside_quota"
REASON = "Theo biên bản họp Hội đồng ngày 20/11"


@pytest.mark.parametrize("outcomes,changes,expected", [
    # no change: the rule walk stands
    ([Outcome(1, 10, P)], [], {1: (AWARDED, 10, "rule")}),
    ([Outcome(1, 10, CD)], [], {1: (UNDECIDED, 10, "")}),
    ([Outcome(1, 10, OUT)], [], {1: (NONE, None, "")}),
    # remove a proposal: nothing, with the council's reason
    ([Outcome(1, 10, P)], [Change(1, 10, "remove", REASON)], {1: (NONE, 10, "council")}),
    # add to an outside-quota entry
    ([Outcome(1, 10, OUT)], [Change(1, 10, "add", REASON)], {1: (AWARDED, 10, "council")}),
    # resolving a tie group: add one, remove the other
    ([Outcome(1, 10, CD), Outcome(2, 10, CD)], [Change(1, 10, "add", REASON), Change(2, 10, "remove", REASON)],
     {1: (AWARDED, 10, "council"), 2: (NONE, 10, "council")}),
    # latest change wins: removed then added back
    ([Outcome(1, 10, P)], [Change(1, 10, "remove", REASON), Change(1, 10, "add", REASON)],
     {1: (AWARDED, 10, "council")}),
    # added then removed again: back to nothing (the walk said outside the quota)
    ([Outcome(1, 10, OUT)], [Change(1, 10, "add", REASON), Change(1, 10, "remove", REASON)],
     {1: (NONE, 10, "council")}),
    # a proposal under a lower rule after the higher one was removed is not revived: one outcome per walk
    ([Outcome(1, 10, P), Outcome(1, 11, "already")], [Change(1, 10, "remove", REASON)], {1: (NONE, 10, "council")}),
    # a change for a submission with no outcome (e.g. rules changed since)
    ([], [Change(5, 10, "add", REASON)], {5: (AWARDED, 10, "council")}),
])
def test_final_list(outcomes, changes, expected):
    got = final_list(outcomes, changes)
    assert {sid: (f.status, f.rule_id, f.source) for sid, f in got.items()} == expected


def test_in_force_keeps_the_latest_per_pair():
    changes = [Change(1, 10, "add", "a" * 10), Change(2, 10, "add", "b" * 10), Change(1, 10, "remove", "c" * 10)]
    assert [c.reason[0] for c in in_force(changes).values()] == ["b", "c"]


AW = Final(1, AWARDED, 10, "rule")


@pytest.mark.parametrize("final,ranked,rule,action,reason,frozen,problem", [
    (None, True, 10, "add", REASON, None, None),
    (None, True, 10, "add", "ngắn", None, "ít nhất"),
    (None, True, 10, "add", "          x         ", None, "ít nhất"),
    (None, False, 10, "add", REASON, None, "chưa được xếp hạng"),
    (AW, True, 11, "add", REASON, None, "mỗi thành tích chỉ một"),
    (AW, True, 10, "add", REASON, None, "đã được đề nghị hình thức này"),
    (AW, True, 10, "remove", REASON, None, None),
    (AW, True, 11, "remove", REASON, None, "không có đề nghị"),
    (Final(1, UNDECIDED, 10), True, 10, "remove", REASON, None, None),
    (Final(1, NONE), True, 10, "remove", REASON, None, "không có đề nghị"),
    (None, True, 10, "add", REASON, "1234/QĐ-UBND", "1234/QĐ-UBND"),
    (None, True, 10, "delete", REASON, None, "không hợp lệ"),
])
def test_check_change(final, ranked, rule, action, reason, frozen, problem):
    got = check_change(final, ranked, rule, action, reason, frozen)
    if problem is None:
        assert got is None
    else:
        assert isinstance(got, Problem) and problem in got.message


GROUP = (Outcome(1, 10, CD, 1), Outcome(2, 10, CD, 1), Outcome(3, 10, CD, 1))


@pytest.mark.parametrize("chosen,problem", [
    ({2}, None), (set(), None), ({1, 2}, "Chỉ còn 1 suất"), ({9}, "Chỉ chọn trong"),
])
def test_resolve_group(chosen, problem):
    got = resolve_group(GROUP, chosen, REASON)
    if problem:
        assert isinstance(got, Problem) and problem in got.message
        return
    assert [(c.submission_id, c.action) for c in got] == [(s, "add" if s in chosen else "remove") for s in (1, 2, 3)]
    final = final_list(GROUP, got)
    assert sum(f.status == AWARDED for f in final.values()) == len(chosen)
    assert not any(f.status == UNDECIDED for f in final.values())


def test_resolve_refused_while_frozen():
    assert "1/QĐ-UBND" in resolve_group(GROUP, {1}, REASON, "1/QĐ-UBND").message


T0 = dt.datetime(2026, 12, 1, 8)


@pytest.mark.parametrize("published,closes,now,open_", [
    (None, None, T0, False),
    (T0, T0 + dt.timedelta(days=10), T0, True),
    (T0, T0 + dt.timedelta(days=10), T0 + dt.timedelta(days=10), False),
    (T0, T0 + dt.timedelta(days=10), T0 - dt.timedelta(seconds=1), False),
])
def test_objection_window(published, closes, now, open_):
    assert objections_open(published, closes, now) is open_


@pytest.mark.parametrize("number,ok", [
    ("1234/QĐ-UBND", True), ("15/QĐ-TĐKT", True), ("7/QĐ-UBND-TĐKT", True),
    ("1234/QD-UBND", False), ("QĐ-UBND", False), ("1234/qđ-ubnd", False), ("12 34/QĐ-UBND", False),
])
def test_decision_number_format(number, ok):
    problems = approval_problems(T0, T0, T0, 0, 0, number, False, 1)
    assert (problems == []) is ok


def test_every_approval_problem_is_listed():
    problems = approval_problems(T0, T0 + dt.timedelta(days=1), T0, 2, 1, "x", True, 0)
    text = " | ".join(p.message for p in problems)
    for part in ("chưa đúng mẫu", "đã được dùng", "Đang trong thời gian công khai", "2 ý kiến", "1 hồ sơ đồng hạng",
                 "trống"):
        assert part in text
    assert "chưa được công khai" in approval_problems(None, None, T0, 0, 0, "1/QĐ-UBND", False, 1)[0].message


@given(st.lists(st.tuples(st.integers(1, 5), st.integers(10, 12), st.sampled_from(["add", "remove"])), max_size=30),
       st.lists(st.tuples(st.integers(1, 5), st.integers(10, 12), st.sampled_from([P, CD, OUT])), max_size=15))
def test_final_list_properties(raw_changes, raw_outcomes):
    """At most one award each; an award is either a proposal not removed or an add in force; only the
    latest change per pair matters (dropping superseded changes changes nothing)."""
    seen, outcomes = set(), []
    for s, r, status in raw_outcomes:
        if (s, r) not in seen:
            seen.add((s, r))
            outcomes.append(Outcome(s, r, status))
    changes = [Change(s, r, a, REASON) for s, r, a in raw_changes]
    final = final_list(outcomes, changes)
    forced = in_force(changes)
    assert final == final_list(outcomes, list(forced.values()))
    for sid, f in final.items():
        if f.status == AWARDED:
            change = forced.get((sid, f.rule_id))
            by_rule = any(o.submission_id == sid and o.rule_id == f.rule_id and o.status == P for o in outcomes)
            assert (change is not None and change.action == "add") or (change is None and by_rule)
