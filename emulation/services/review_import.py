"""Importing assignments and paper scores from .xlsx/.csv sheets, and the sheets to fill in.

Both imports check every row against the campaign first (``domain.review_sheets``) and
write nothing when any row is wrong; the refusal lists every problem by row and column.

- Assignments: new pairs are written in one transaction; conflicted pairs need a reason
  on their row and are audited as overrides (like a manual override).
- Scores: only inside the review window (scores are locked after it). Values of a
  reviewer's sheet are merged into their review (a blank value leaves the criterion as
  it was; a row left blank where nothing was entered yet changes nothing, so the untouched
  template imports as no change); every review the sheet names gets a new version, so a
  form open in a browser is refused as stale; a review with a value for every criterion
  becomes submitted; every change is audited old → new, one event per review, plus one
  event for the file. The results are refreshed when a review's totals or state changed
  (not for comments alone). The import runs as one large write (``bulk_write``: a larger page
  cache, foreign keys known by construction, the log checkpointed beside it).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from peewee import JOIN, chunked

from .. import wal
from ..bulk_write import foreign_keys_off, large_write
from ..database import db
from ..memory import no_cycle_collection
from ..domain import review_sheets
from ..domain.messages import N_
from ..domain.review_sheets import ASSIGNMENT_COLUMNS, SCORE_COLUMNS, Context, Target
from ..domain.score_table import validate_score_table
from ..domain.sheets import Column
from ..models import (Assignment, Campaign, Conflict, Criterion, Person, Review, RoleGrant, Score, SelfScore,
                      Submission, Unit, User, utcnow)
from .assignments import conflict_label
from .audit import record
from .criteria import domain_set
from .reviews import check_campaign_review_window
from .score_merge import Merged, merge_scores
from .sheets import read_rows, read_table, refusal, workbook

MAX_SCORE_ROWS = 2_000_000  # a city campaign (10,000 submissions × 5 reviewers × 30 criteria = 1.5 M) in one file


@dataclass(frozen=True)
class AssignmentImport:
    rows: int
    created: int

    @property
    def kept(self) -> int:
        return self.rows - self.created


@dataclass(frozen=True)
class ScoreImport:
    rows: int
    reviews: int      # reviews touched
    submitted: int    # of which complete (now submitted)
    changed: int      # score values changed or added


def _context(campaign: Campaign, with_scores: bool = False) -> Context:
    subs = list(Submission.select(Submission.id, Submission.unit, Submission.target, Unit.code, Person.staff_code)
                .join(Unit).switch(Submission).join(Person, join_type=JOIN.LEFT_OUTER)
                .where(Submission.campaign == campaign, Submission.state.in_(("submitted", "locked"))).tuples())
    sets = {"collective": campaign.collective_set, "individual": campaign.individual_set}
    parsed = {t: domain_set(row) for t, row in sets.items() if row is not None and with_scores}
    own = _SelfScores(campaign)
    targets = {(code, staff or ""): Target(sub_id, unit_id, parsed.get(target),
                                           _Own(own, sub_id) if with_scores else {})
               for sub_id, unit_id, target, code, staff in subs}
    users = dict(User.select(User.username, User.id).where(User.active == True).tuples())  # noqa: E712
    roles: dict[int, set[str]] = defaultdict(set)
    for user_id, role in RoleGrant.select(RoleGrant.user, RoleGrant.role).where(RoleGrant.campaign == campaign).tuples():
        roles[user_id].add(role)
    conflicts: dict[tuple[int, int], list[str]] = defaultdict(list)
    for user_id, unit_id in (RoleGrant.select(RoleGrant.user, RoleGrant.unit)
                             .where(RoleGrant.role == "officer", RoleGrant.user.in_(list(roles) or [0])).tuples()):
        conflicts[(user_id, unit_id)].append("own_unit")
    for user_id, unit_id, kind in (Conflict.select(Conflict.reviewer, Conflict.unit, Conflict.kind)
                                   .where(Conflict.campaign.is_null() | (Conflict.campaign == campaign)).tuples()):
        conflicts[(user_id, unit_id)].append(kind)
    assigned = {(sub, reviewer): a for a, sub, reviewer in db.execute(Assignment.select(
        Assignment.id, Assignment.submission, Assignment.reviewer).join(Submission)
        .where(Submission.campaign == campaign)).fetchall()}
    return Context(targets, users, {u: frozenset(r) for u, r in roles.items()},
                   {k: tuple(v) for k, v in conflicts.items()}, assigned, campaign.policy.comment_pct)


class _SelfScores:
    """The self-scores of a campaign's submissions (submission id -> {criterion code: value}), read
    when first asked for: only the comment rule needs them, and a sheet whose rows all carry a
    comment never asks."""

    def __init__(self, campaign: Campaign) -> None:
        self.campaign = campaign
        self.read: dict[int, dict[str, Decimal | None]] | None = None

    def of(self, submission_id: int) -> dict[str, Decimal | None]:
        """{criterion code: self-score} of one submission (all of them read on the first call)."""
        if self.read is None:
            self.read = defaultdict(dict)
            decimals: dict = {}     # stored integer -> Decimal, converted once per distinct value
            for sub_id, code, value in db.execute(
                    SelfScore.select(SelfScore.submission, Criterion.code, SelfScore.value).join(Criterion)
                    .switch(SelfScore).join(Submission)
                    .where(Submission.campaign == self.campaign,
                           Submission.state.in_(("submitted", "locked")))).fetchall():
                if value not in decimals:
                    decimals[value] = SelfScore.value.python_value(value)
                self.read[sub_id][code] = decimals[value]
        return self.read.get(submission_id, {})


class _Own(Mapping):
    """One submission's self-scores, read with all the others on first use (``_SelfScores``)."""
    __slots__ = ("scores", "submission_id")

    def __init__(self, scores: _SelfScores, submission_id: int) -> None:
        self.scores, self.submission_id = scores, submission_id

    def __getitem__(self, code: str) -> Decimal | None:
        return self.scores.of(self.submission_id)[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self.scores.of(self.submission_id))

    def __len__(self) -> int:
        return len(self.scores.of(self.submission_id))


def import_assignments(actor: User | None, campaign: Campaign, filename: str, data: bytes) -> AssignmentImport:
    """Check every row, then create every new assignment in one transaction, or write nothing."""
    rows = read_table(filename, data, ASSIGNMENT_COLUMNS)
    labels = {k: conflict_label(k) for k in ("own_unit", "same_unit", "family", "superior", "other")}
    with db.atomic():
        records, problems = review_sheets.validate_assignments(rows, _context(campaign), labels)
        if problems:
            raise refusal(ASSIGNMENT_COLUMNS, problems)
        actor_id = actor.id if actor is not None else None
        for batch in chunked(records, 200):
            Assignment.insert_many([{"submission": r.submission_id, "reviewer": r.reviewer_id, "role": r.role,
                                     "assigned_by": actor_id, "override_reason": r.reason} for r in batch]).execute()
        overrides = [r for r in records if r.conflicts]
        for r in overrides:
            record(actor, "assignment.override", object_type="Assignment",
                   new={"submission": r.submission_id, "reviewer": r.reviewer_id, "role": r.role,
                        "conflicts": list(r.conflicts), "reason": r.reason, "row": r.row})
        record(actor, "assignment.import", campaign,
               new={"file": filename, "rows": len(rows), "created": len(records), "overrides": len(overrides)})
    return AssignmentImport(len(rows), len(records))


def import_scores(actor: User | None, campaign: Campaign, filename: str, data: bytes,
                  now: dt.datetime | None = None, progress: Callable[[int], None] | None = None) -> ScoreImport:
    """Check every row, then merge the values into the reviews in one transaction, or write nothing."""
    now = now or utcnow()
    check_campaign_review_window(campaign, now)
    with large_write():
        with no_cycle_collection(), foreign_keys_off():
            report, merged = _import_scores(actor, campaign, filename, data, now, progress)
        wal.checkpoint_beside()     # committed: the log is copied into the database beside what follows
        if merged.results_stale:
            # the rows are freed by now: the refresh (in-process when tasks run eagerly) does not carry them
            from .results_refresh import request_refresh
            request_refresh(campaign, now)
    return report


def _import_scores(actor: User | None, campaign: Campaign, filename: str, data: bytes, now: dt.datetime,
                   progress: Callable[[int], None] | None) -> tuple[ScoreImport, Merged]:
    table = read_rows(filename, data, SCORE_COLUMNS, max_rows=MAX_SCORE_ROWS)
    with db.atomic():
        ctx = _context(campaign, with_scores=True)
        records, problems = validate_score_table(table.present, table.numbers, table.cells, ctx)
        if problems:
            raise refusal(SCORE_COLUMNS, problems)
        merged = merge_scores(actor, campaign, records, now, progress)
        record(actor, "scores.import", campaign,
               new={"file": filename, "rows": len(table.numbers), "reviews": merged.reviews,
                    "changed": merged.changed, "submitted": merged.complete})
    return ScoreImport(len(table.numbers), merged.reviews, merged.complete, merged.changed), merged


def score_template(campaign: Campaign) -> bytes:
    """The sheet to score on paper: one row per assignment × criterion, with the self-score and any value."""
    assignments = list(Assignment.select(Assignment, Submission, Unit, User, Person)
                       .join(Submission).join(Unit).switch(Submission).join(Person, join_type=JOIN.LEFT_OUTER)
                       .switch(Assignment).join(User, on=(Assignment.reviewer == User.id))
                       .where(Submission.campaign == campaign).order_by(Unit.code, User.username))
    criteria = {sid: list(Criterion.select().where(Criterion.criteria_set == sid).order_by(Criterion.position))
                for sid in {campaign.collective_set_id, campaign.individual_set_id} if sid}
    own = {(s, c): v for s, c, v in SelfScore.select(SelfScore.submission, SelfScore.criterion, SelfScore.value)
           .join(Submission).where(Submission.campaign == campaign).tuples()}
    given = {(a, c): (v, m, e) for a, c, v, m, e in Score.select(
        Review.assignment, Score.criterion, Score.value, Score.comment, Score.evidence_verdict)
        .join(Review).join(Assignment).join(Submission).where(Submission.campaign == campaign).tuples()}
    verdicts = {"accepted": "Đạt", "insufficient": "Chưa đủ", "missing": "Thiếu", "": ""}
    columns = SCORE_COLUMNS + _INFO
    rows = []
    for a in assignments:
        sub = a.submission
        set_id = campaign.collective_set_id if sub.target == "collective" else campaign.individual_set_id
        for c in criteria.get(set_id, []):
            value, comment, verdict = given.get((a.id, c.id), (None, "", ""))
            rows.append((sub.unit.code, sub.person.staff_code if sub.person_id else "", a.reviewer.username,
                         c.code, _number(value), comment, verdicts.get(verdict, verdict),
                         sub.unit.name, a.reviewer.full_name, c.title, _number(c.max),
                         _number(own.get((sub.id, c.id)))))
    return workbook(_("Phiếu chấm"), columns, rows, {"comment": 40, "unit_name": 30, "reviewer_name": 24,
                                                     "criterion_title": 50})


def assignment_template(campaign: Campaign) -> bytes:
    """The assignment sheet with the current assignments (a starting point to add rows to)."""
    rows = [(code, staff or "", login, {"peer": "chấm chéo", "leader": "hội đồng"}[role], reason)
            for code, staff, login, role, reason in Assignment.select(
                Unit.code, Person.staff_code, User.username, Assignment.role, Assignment.override_reason)
            .join(Submission).join(Unit).switch(Submission).join(Person, join_type=JOIN.LEFT_OUTER)
            .switch(Assignment).join(User, on=(Assignment.reviewer == User.id))
            .where(Submission.campaign == campaign).order_by(Unit.code, User.username).tuples()]
    return workbook(_("Phân công chấm"), ASSIGNMENT_COLUMNS, rows, {"reviewer": 24, "reason": 40})


def _number(value):
    """Whole values as int, others as float, so Excel shows them as numbers (read back exactly)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# Columns for the reader's convenience only: ignored by the import.
_INFO = (Column("unit_name", N_("Tên đơn vị"), ()), Column("reviewer_name", N_("Họ tên người chấm"), ()),
         Column("criterion_title", N_("Nội dung tiêu chí"), ()), Column("max", N_("Điểm tối đa"), ()),
         Column("self_value", N_("Điểm tự chấm"), ()))
