"""Review progress for the council secretary's board: deadlines, lateness and completion counts.

Rules (issue "Review and scoring", secretary's progress board):
- A reviewer has ``review_days`` days to submit a review, counted from the assignment —
  or from the opening of the review window when assigned before it, since nobody can
  score before the window opens. The EFFECTIVE DEADLINE is the earlier of that and the
  window's close: ``min(review_closes, max(assigned_at, review_opens) + review_days)``.
- A review not submitted is OVERDUE when ``now ≥ review_closes`` (the closing instant is
  already too late, as for every window) or ``now > start + review_days``.
- It is DUE SOON when not submitted, not overdue, and its effective deadline is at most
  ``DUE_SOON`` (2 days) away.
- A review is "submitted", "draft" (a review exists, not submitted) or "not_started".
- Ages are whole days, rounded down (assigned 36 hours ago: 1 day).
- Per submission the wanted reviews are ``max(wanted, assigned)`` per role, so that an
  extra reviewer the secretary added still counts; the minimum (what the score needs,
  DESIGN §3) is shown beside it.
Pure: plain rows in, plain summaries out, in a stable order (by id).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

ReviewState = Literal["submitted", "draft", "not_started"]
Timing = Literal["done", "overdue", "due_soon", "open"]
DUE_SOON = dt.timedelta(days=2)
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Window:
    """The campaign's review window and the days a reviewer has once assigned."""
    opens: dt.datetime
    closes: dt.datetime
    days: int


def deadline(assigned_at: dt.datetime, window: Window) -> dt.datetime:
    """The effective deadline: ``min(closes, max(assigned_at, opens) + days)``."""
    return min(window.closes, max(assigned_at, window.opens) + dt.timedelta(days=window.days))


def timing(submitted: bool, assigned_at: dt.datetime, window: Window, now: dt.datetime) -> Timing:
    """"done" when submitted, else "overdue", "due_soon" or "open" (rules: module docstring)."""
    if submitted:
        return "done"
    allowance_end = max(assigned_at, window.opens) + dt.timedelta(days=window.days)
    if now >= window.closes or now > allowance_end:
        return "overdue"
    return "due_soon" if deadline(assigned_at, window) - now <= DUE_SOON else "open"


def age_days(since: dt.datetime, now: dt.datetime) -> int:
    """Whole days from ``since`` to ``now``, rounded down, never negative."""
    return max(0, (now - since) // DAY)


@dataclass(frozen=True)
class ReviewRow:
    """One assignment and the state of its review."""
    assignment_id: int
    reviewer_id: int
    submission_id: int
    role: str
    state: ReviewState
    assigned_at: dt.datetime


@dataclass(frozen=True)
class Due:
    """An unsubmitted review with its lateness and effective deadline."""
    row: ReviewRow
    timing: Timing
    deadline: dt.datetime


@dataclass(frozen=True)
class ReviewerProgress:
    """One reviewer's counts; ages in days (``oldest_open_days`` None when nothing is left)."""
    reviewer_id: int
    roles: tuple[str, ...]
    assigned: int
    submitted: int
    draft: int
    not_started: int
    overdue: int
    due_soon: int
    oldest_open_days: int | None
    first_assigned_days: int


@dataclass(frozen=True)
class Needs:
    """Reviews a submission needs per role: the minimum for a score and the number wanted."""
    peer_min: int
    peer_wanted: int
    leader_min: int
    leader_wanted: int


@dataclass(frozen=True)
class SubmissionProgress:
    """Submitted / assigned / wanted / minimum reviews of one submission, per role and in all."""
    submission_id: int
    peers_submitted: int
    peers_assigned: int
    peers_wanted: int
    peers_min: int
    leaders_submitted: int
    leaders_assigned: int
    leaders_wanted: int
    leaders_min: int

    @property
    def submitted(self) -> int:
        return self.peers_submitted + self.leaders_submitted

    @property
    def expected(self) -> int:
        return self.peers_wanted + self.leaders_wanted


@dataclass(frozen=True)
class Reminder:
    """A reviewer with unsubmitted reviews: which submissions, the earliest deadline, how many overdue."""
    reviewer_id: int
    submission_ids: tuple[int, ...]
    deadline: dt.datetime
    overdue: int


def dues(rows: Iterable[ReviewRow], window: Window, now: dt.datetime) -> list[Due]:
    """Every unsubmitted review, by deadline then assignment id."""
    found = [Due(r, timing(False, r.assigned_at, window, now), deadline(r.assigned_at, window))
             for r in rows if r.state != "submitted"]
    return sorted(found, key=lambda d: (d.deadline, d.row.assignment_id))


def reviewers(rows: Sequence[ReviewRow], window: Window, now: dt.datetime) -> list[ReviewerProgress]:
    """Per reviewer (by id): assigned, submitted, draft, not started, overdue, due soon and ages."""
    by_reviewer: dict[int, list[ReviewRow]] = {}
    for row in rows:
        by_reviewer.setdefault(row.reviewer_id, []).append(row)
    result = []
    for reviewer_id, own in sorted(by_reviewer.items()):
        timings = [timing(r.state == "submitted", r.assigned_at, window, now) for r in own]
        open_since = [r.assigned_at for r in own if r.state != "submitted"]
        roles = tuple(role for role in ("peer", "leader") if any(r.role == role for r in own))
        result.append(ReviewerProgress(
            reviewer_id=reviewer_id, roles=roles,
            assigned=len(own), submitted=sum(r.state == "submitted" for r in own),
            draft=sum(r.state == "draft" for r in own), not_started=sum(r.state == "not_started" for r in own),
            overdue=timings.count("overdue"), due_soon=timings.count("due_soon"),
            oldest_open_days=age_days(min(open_since), now) if open_since else None,
            first_assigned_days=age_days(min(r.assigned_at for r in own), now)))
    return result


def submissions(submission_ids: Iterable[int], rows: Sequence[ReviewRow], needs: Needs) -> list[SubmissionProgress]:
    """Per submission (in the order given), reviews per role against ``max(wanted, assigned)``."""
    counts: dict[tuple[int, str], list[int]] = {}
    for row in rows:
        pair = counts.setdefault((row.submission_id, row.role), [0, 0])
        pair[0] += row.state == "submitted"
        pair[1] += 1
    result = []
    for sid in submission_ids:
        peers, leaders = counts.get((sid, "peer"), [0, 0]), counts.get((sid, "leader"), [0, 0])
        result.append(SubmissionProgress(
            submission_id=sid, peers_submitted=peers[0], peers_assigned=peers[1],
            peers_wanted=max(needs.peer_wanted, peers[1]), peers_min=needs.peer_min,
            leaders_submitted=leaders[0], leaders_assigned=leaders[1],
            leaders_wanted=max(needs.leader_wanted, leaders[1]), leaders_min=needs.leader_min))
    return result


def reminders(pending: Iterable[Due]) -> list[Reminder]:
    """One reminder per reviewer with unsubmitted reviews, by earliest deadline then reviewer id."""
    grouped: dict[int, list[Due]] = {}
    for due in pending:
        grouped.setdefault(due.row.reviewer_id, []).append(due)
    result = [Reminder(rid, tuple(d.row.submission_id for d in own), min(d.deadline for d in own),
                       sum(d.timing == "overdue" for d in own))
              for rid, own in grouped.items()]
    return sorted(result, key=lambda r: (r.deadline, r.reviewer_id))
