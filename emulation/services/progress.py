"""The council secretary's review progress board: loading, then the pure rules of ``domain.progress``.

What the board holds, for the submitted (or locked) submissions of one campaign, every target:
- per reviewer: assigned / submitted / draft / not started / overdue / due soon, the age of the
  oldest unsubmitted assignment;
- per submission: peer and leader reviews submitted against wanted (``k_peer``; ``k_leader``
  when spread, else every council member of the campaign) and the minimum the score needs
  (``min_peer`` / ``min_leader`` when the role weighs), pending and flags (DESIGN §3–§4);
- the overdue and due-soon reviews, and one reminder per reviewer with unsubmitted reviews;
- per target: the reviewer calibration (with days since the reviewer's first assignment in
  the campaign) and the distribution of F (and S) of scored, non-pending submissions per cluster.

Reviewer identities are on this board: it is for the secretary and the committee only.
A constant number of queries, whatever the size: three, plus four per target scored.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN

from ..domain import progress as rules
from ..domain.policy import ScoringPolicy
from ..domain.scoring import SubmissionScore
from ..models import Assignment, Campaign, Cluster, Person, Review, RoleGrant, Submission, Unit, User
from .scores import campaign_scoring

SCORED = ("submitted", "locked")


@dataclass(frozen=True)
class Reviewer:
    id: int
    name: str
    email: str


@dataclass(frozen=True)
class Subject:
    """A submission as the board names it: the unit, or the nominee and their unit."""
    id: int
    target: str
    label: str
    cluster: str | None


@dataclass(frozen=True)
class ReviewerLine:
    reviewer: Reviewer
    progress: rules.ReviewerProgress


@dataclass(frozen=True)
class SubmissionLine:
    subject: Subject
    progress: rules.SubmissionProgress
    score: SubmissionScore | None


@dataclass(frozen=True)
class DueLine:
    reviewer: Reviewer
    subject: Subject
    role: str
    state: str
    timing: str
    deadline: dt.datetime


@dataclass(frozen=True)
class ReminderLine:
    reviewer: Reviewer
    subjects: tuple[Subject, ...]
    deadline: dt.datetime
    overdue: int


@dataclass(frozen=True)
class CalibrationLine:
    target: str
    reviewer: Reviewer
    role: str
    reviews: int
    mean_deviation: Decimal | None
    days_since_first: int | None


@dataclass(frozen=True)
class Dot:
    subject: Subject
    F: Decimal
    S: Decimal | None


@dataclass(frozen=True)
class Distribution:
    """One target's scored submissions per cluster (by cluster name, unclustered last; F descending)."""
    target: str
    max_total: Decimal
    clusters: tuple[tuple[str | None, tuple[Dot, ...]], ...]


@dataclass(frozen=True)
class Board:
    now: dt.datetime
    window: rules.Window
    reviewers: list[ReviewerLine]
    submissions: list[SubmissionLine]
    late: list[DueLine]
    reminders: list[ReminderLine]
    calibration: list[CalibrationLine]
    distributions: list[Distribution]

    @property
    def flagged(self) -> list[SubmissionLine]:
        return [line for line in self.submissions if line.score is not None and line.score.flags]


def _subjects(campaign: Campaign) -> list[Subject]:
    rows = (Submission.select(Submission.id, Submission.target, Unit.name, Cluster.name, Person.full_name)
            .join(Unit).join(Cluster, JOIN.LEFT_OUTER).switch(Submission).join(Person, JOIN.LEFT_OUTER)
            .where(Submission.campaign == campaign, Submission.state.in_(SCORED))
            .order_by(Submission.target, Unit.name, Person.full_name, Submission.id).tuples())
    return [Subject(sid, target, f"{person} ({unit})" if person else unit, cluster)
            for sid, target, unit, cluster, person in rows]


def _reviews(campaign: Campaign) -> tuple[list[rules.ReviewRow], dict[int, Reviewer]]:
    rows = (Assignment.select(Assignment.id, Assignment.reviewer, User.full_name, User.email,
                              Assignment.submission, Assignment.role, Assignment.assigned_at, Review.state)
            .join(User, on=(Assignment.reviewer == User.id)).switch(Assignment).join(Submission)
            .switch(Assignment).join(Review, JOIN.LEFT_OUTER)
            .where(Submission.campaign == campaign, Submission.state.in_(SCORED))
            .order_by(Assignment.id).tuples())
    found, people = [], {}
    for aid, rid, name, email, sid, role, assigned_at, state in rows:
        people[rid] = Reviewer(rid, name, email)
        found.append(rules.ReviewRow(aid, rid, sid, role, state or "not_started", assigned_at))
    return found, people


def _needs(campaign: Campaign, policy: ScoringPolicy) -> rules.Needs:
    if policy.leader_mode == "spread":
        leaders = policy.k_leader
    else:
        leaders = RoleGrant.select().where(RoleGrant.campaign == campaign, RoleGrant.role == "leader").count()
    return rules.Needs(peer_min=policy.min_peer if policy.w_peer > 0 else 0, peer_wanted=policy.k_peer,
                       leader_min=policy.min_leader if policy.w_leader > 0 else 0, leader_wanted=leaders)


def _distribution(target: str, max_total: Decimal, subjects: list[Subject],
                  scores: dict[int, SubmissionScore]) -> Distribution:
    by_cluster: dict[str | None, list[Dot]] = {}
    for subject in subjects:
        score = scores.get(subject.id)
        if subject.target == target and score is not None and score.F is not None:
            by_cluster.setdefault(subject.cluster, []).append(Dot(subject, score.F, score.S))
    ordered = sorted(by_cluster.items(), key=lambda item: (item[0] is None, item[0] or ""))
    return Distribution(target, max_total, tuple(
        (cluster, tuple(sorted(dots, key=lambda d: (-d.F, d.subject.label, d.subject.id))))
        for cluster, dots in ordered))


def _window(campaign: Campaign, policy: ScoringPolicy) -> rules.Window:
    return rules.Window(campaign.review_opens, campaign.review_closes, policy.review_days)


def review_timing(assignment: Assignment, submitted: bool, now: dt.datetime) -> tuple[dt.datetime, rules.Timing]:
    """An assignment's effective deadline and lateness, as the board counts them (``domain.progress``)."""
    campaign = assignment.submission.campaign
    window = _window(campaign, campaign.policy)
    return (rules.deadline(assignment.assigned_at, window),
            rules.timing(submitted, assignment.assigned_at, window, now))


def _reminder_lines(pending: list[rules.Due], people: dict[int, Reviewer],
                    by_id: dict[int, Subject]) -> list[ReminderLine]:
    return [ReminderLine(people[r.reviewer_id], tuple(by_id[sid] for sid in r.submission_ids), r.deadline, r.overdue)
            for r in rules.reminders(pending)]


def reminders(campaign: Campaign, now: dt.datetime) -> list[ReminderLine]:
    """Only the reminder list (for its export): two queries."""
    by_id = {s.id: s for s in _subjects(campaign)}
    rows, people = _reviews(campaign)
    return _reminder_lines(rules.dues(rows, _window(campaign, campaign.policy), now), people, by_id)


def board(campaign: Campaign, now: dt.datetime) -> Board:
    """Everything the secretary's progress board shows for ``campaign`` at ``now`` (module docstring)."""
    policy = campaign.policy
    window = _window(campaign, policy)
    subjects = _subjects(campaign)
    by_id = {s.id: s for s in subjects}
    rows, people = _reviews(campaign)
    per_reviewer = rules.reviewers(rows, window, now)
    first_days = {p.reviewer_id: p.first_assigned_days for p in per_reviewer}
    scores: dict[int, SubmissionScore] = {}
    calibration: list[CalibrationLine] = []
    distributions = []
    for target in [t for t in ("collective", "individual") if any(s.target == t for s in subjects)]:
        scoring = campaign_scoring(campaign, target)
        scores.update((s.submission_id, s) for s in scoring.scores)
        calibration += [CalibrationLine(target, people.get(c.reviewer_id, Reviewer(c.reviewer_id, "", "")), c.role,
                                        c.reviews, c.mean_deviation, first_days.get(c.reviewer_id))
                        for c in scoring.calibration]
        distributions.append(_distribution(target, scoring.max_total, subjects, scores))
    pending = rules.dues(rows, window, now)
    return Board(
        now=now, window=window,
        reviewers=sorted((ReviewerLine(people[p.reviewer_id], p) for p in per_reviewer),
                         key=lambda line: (line.reviewer.name, line.reviewer.id)),
        submissions=[SubmissionLine(by_id[p.submission_id], p, scores.get(p.submission_id))
                     for p in rules.submissions(by_id, rows, _needs(campaign, policy))],
        late=[DueLine(people[d.row.reviewer_id], by_id[d.row.submission_id], d.row.role, d.row.state, d.timing,
                      d.deadline) for d in pending if d.timing in ("overdue", "due_soon")],
        reminders=_reminder_lines(pending, people, by_id),
        calibration=sorted(calibration, key=lambda c: (c.target, c.reviewer.name, c.reviewer.id, c.role)),
        distributions=distributions)

