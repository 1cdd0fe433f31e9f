"""Review progress rules (domain.progress): deadlines, overdue / due soon, per-reviewer and per-submission counts."""
from __future__ import annotations

import datetime as dt

import pytest

from emulation.domain.progress import (Needs, ReviewRow, Window, age_days, deadline, dues, reminders, reviewers,
                                       submissions, timing)

OPENS = dt.datetime(2026, 4, 1, 1, 0)
CLOSES = OPENS + dt.timedelta(days=20)
WINDOW = Window(OPENS, CLOSES, 7)
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)

DEADLINES = [
    # (case id, assigned_at, window, expected deadline)
    ("assigned in the window: assigned + 7 days", OPENS + 2 * D, WINDOW, OPENS + 9 * D),
    ("assigned before the window: counted from its opening", OPENS - 5 * D, WINDOW, OPENS + 7 * D),
    ("assigned late: the window's close comes first", CLOSES - 3 * D, WINDOW, CLOSES),
    ("allowance ending exactly at the close", CLOSES - 7 * D, WINDOW, CLOSES),
    ("one-day allowance", OPENS + H, Window(OPENS, CLOSES, 1), OPENS + H + D),
]


@pytest.mark.parametrize("assigned_at, window, expected", [c[1:] for c in DEADLINES], ids=[c[0] for c in DEADLINES])
def test_effective_deadline(assigned_at, window, expected):
    assert deadline(assigned_at, window) == expected


ASSIGNED = OPENS + 2 * D  # allowance ends OPENS + 9 days
TIMINGS = [
    # (case id, submitted, assigned_at, now, expected)
    ("submitted is done, even late", True, ASSIGNED, CLOSES + D, "done"),
    ("fresh assignment", False, ASSIGNED, ASSIGNED + H, "open"),
    ("more than two days left", False, ASSIGNED, OPENS + 9 * D - 2 * D - H, "open"),
    ("exactly two days left is due soon", False, ASSIGNED, OPENS + 7 * D, "due_soon"),
    ("one hour left", False, ASSIGNED, OPENS + 9 * D - H, "due_soon"),
    ("at the end of the allowance: not yet overdue", False, ASSIGNED, OPENS + 9 * D, "due_soon"),
    ("one second after the allowance", False, ASSIGNED, OPENS + 9 * D + dt.timedelta(seconds=1), "overdue"),
    ("at the window's close", False, CLOSES - 3 * D, CLOSES, "overdue"),
    ("a second before the window's close", False, CLOSES - 3 * D, CLOSES - dt.timedelta(seconds=1), "due_soon"),
    ("assigned before the window, before it opens", False, OPENS - 5 * D, OPENS - D, "open"),
    ("assigned before the window, 7 days after it opens", False, OPENS - 5 * D, OPENS + 7 * D + H, "overdue"),
]


@pytest.mark.parametrize("submitted, assigned_at, now, expected", [c[1:] for c in TIMINGS],
                         ids=[c[0] for c in TIMINGS])
def test_timing(submitted, assigned_at, now, expected):
    assert timing(submitted, assigned_at, WINDOW, now) == expected


@pytest.mark.parametrize("since, now, expected", [
    (OPENS, OPENS, 0), (OPENS, OPENS + 23 * H, 0), (OPENS, OPENS + 36 * H, 1), (OPENS, OPENS + 10 * D, 10),
    (OPENS, OPENS - D, 0),
])
def test_age_in_whole_days(since, now, expected):
    assert age_days(since, now) == expected


def row(aid, reviewer, submission, state="not_started", role="peer", assigned_at=ASSIGNED) -> ReviewRow:
    return ReviewRow(aid, reviewer, submission, role, state, assigned_at)


ROWS = [
    row(1, 10, 100, "submitted"),
    row(2, 10, 101, "draft"),
    row(3, 10, 102, "not_started", assigned_at=OPENS),          # allowance ended OPENS + 7 days
    row(4, 20, 100, "submitted", role="leader", assigned_at=OPENS),
    row(5, 20, 101, "not_started", role="leader"),
    row(6, 30, 100, "not_started"),
]
NOW = OPENS + 8 * D  # rows 1-2, 5-6: due at OPENS + 9 days (due soon); row 3: overdue


def test_reviewer_counts_and_ages():
    found = {p.reviewer_id: p for p in reviewers(ROWS, WINDOW, NOW)}
    assert list(found) == [10, 20, 30]
    a = found[10]
    assert (a.roles, a.assigned, a.submitted, a.draft, a.not_started, a.overdue, a.due_soon) == (
        ("peer",), 3, 1, 1, 1, 1, 1)
    assert a.oldest_open_days == 8 and a.first_assigned_days == 8
    b = found[20]
    assert (b.roles, b.submitted, b.overdue, b.due_soon, b.oldest_open_days, b.first_assigned_days) == (
        ("leader",), 1, 0, 1, 6, 8)
    assert reviewers([row(1, 40, 100, "submitted")], WINDOW, NOW)[0].oldest_open_days is None


def test_submission_counts_against_wanted_and_minimum():
    needs = Needs(peer_min=2, peer_wanted=2, leader_min=1, leader_wanted=1)
    found = {p.submission_id: p for p in submissions([100, 101, 102, 103], ROWS, needs)}
    s = found[100]  # two peers assigned (one submitted), one leader submitted
    assert (s.peers_submitted, s.peers_assigned, s.peers_wanted, s.peers_min) == (1, 2, 2, 2)
    assert (s.leaders_submitted, s.leaders_assigned, s.leaders_wanted, s.submitted, s.expected) == (1, 1, 1, 2, 3)
    none = found[103]
    assert (none.peers_assigned, none.peers_wanted, none.leaders_wanted, none.submitted, none.expected) == (
        0, 2, 1, 0, 3)
    extra = submissions([100], ROWS + [row(7, 50, 100), row(8, 60, 100)], needs)[0]
    assert extra.peers_assigned == 4 and extra.peers_wanted == 4  # reviewers added by hand still count


def test_dues_and_reminders():
    pending = dues(ROWS, WINDOW, NOW)
    assert [d.row.assignment_id for d in pending] == [3, 2, 5, 6]  # by deadline, then assignment
    assert {d.row.assignment_id: d.timing for d in pending} == {3: "overdue", 2: "due_soon", 5: "due_soon",
                                                                6: "due_soon"}
    found = reminders(pending)
    assert [(r.reviewer_id, r.submission_ids, r.deadline, r.overdue) for r in found] == [
        (10, (102, 101), OPENS + 7 * D, 1),
        (20, (101,), OPENS + 9 * D, 0),
        (30, (100,), OPENS + 9 * D, 0),
    ]


def test_results_do_not_depend_on_row_order():
    shuffled = list(reversed(ROWS))
    assert reviewers(shuffled, WINDOW, NOW) == reviewers(ROWS, WINDOW, NOW)
    assert dues(shuffled, WINDOW, NOW) == dues(ROWS, WINDOW, NOW)
