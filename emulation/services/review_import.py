"""Importing assignments and paper scores from .xlsx/.csv sheets, and the sheets to fill in.

Both imports check every row against the campaign first (``domain.review_sheets``) and
write nothing when any row is wrong; the refusal lists every problem by row and column.

- Assignments: new pairs are written in one transaction; conflicted pairs need a reason
  on their row and are audited as overrides (like a manual override).
- Scores: only inside the review window (scores are locked after it). Values of a
  reviewer's sheet are merged into their review (a blank value leaves the criterion as
  it was); every review touched gets a new version, so a form open in a browser is
  refused as stale; a review with a value for every criterion becomes submitted; every
  change is audited old → new, one event per review, plus one event for the file.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from peewee import JOIN, chunked, fn

from ..database import bulk_insert, db
from ..domain import review_sheets
from ..domain.messages import N_
from ..domain.review_sheets import ASSIGNMENT_COLUMNS, SCORE_COLUMNS, Context, Target
from ..domain.sheets import Column
from ..models import (Assignment, Campaign, Conflict, Criterion, Person, Review, RoleGrant, Score, SelfScore,
                      Submission, Unit, User, utcnow)
from .assignments import conflict_label
from .audit import record, record_many
from .criteria import domain_set
from .reviews import check_campaign_review_window
from .sheets import read_table, refusal, workbook

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
    own: dict[int, dict] = defaultdict(dict)
    if with_scores:
        for sub_id, code, value in (SelfScore.select(SelfScore.submission, Criterion.code, SelfScore.value)
                                    .join(Criterion).where(SelfScore.submission.in_([s[0] for s in subs] or [0]))
                                    .tuples()):
            own[sub_id][code] = value
    targets = {(code, staff or ""): Target(sub_id, unit_id, parsed.get(target), own.get(sub_id, {}))
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
    assigned = {(sub, reviewer): a for a, sub, reviewer in Assignment.select(
        Assignment.id, Assignment.submission, Assignment.reviewer).join(Submission)
        .where(Submission.campaign == campaign).tuples()}
    return Context(targets, users, {u: frozenset(r) for u, r in roles.items()},
                   {k: tuple(v) for k, v in conflicts.items()}, assigned, campaign.policy.comment_pct)


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
    rows = read_table(filename, data, SCORE_COLUMNS, max_rows=MAX_SCORE_ROWS)
    with db.atomic():
        ctx = _context(campaign, with_scores=True)
        records, problems = review_sheets.validate_scores(rows, ctx)
        if problems:
            raise refusal(SCORE_COLUMNS, problems)
        by_assignment: dict[int, list[review_sheets.ScoreRow]] = defaultdict(list)
        for r in records:
            by_assignment[r.assignment_id].append(r)
        changed, submitted = _write_scores(actor, campaign, by_assignment, now, progress)
        record(actor, "scores.import", campaign,
               new={"file": filename, "rows": len(rows), "reviews": len(by_assignment), "changed": changed,
                    "submitted": submitted})
    from .results_refresh import request_refresh
    request_refresh(campaign, now)
    return ScoreImport(len(rows), len(by_assignment), submitted, changed)


def _write_scores(actor: User | None, campaign: Campaign, by_assignment: dict[int, list[review_sheets.ScoreRow]],
                  now: dt.datetime, progress: Callable[[int], None] | None) -> tuple[int, int]:
    """Merge the rows into the reviews; (values changed or added, reviews complete)."""
    ids = list(by_assignment)
    reviews = {r.assignment_id: r for r in Review.select().where(Review.assignment.in_(ids or [0]))}
    missing = [a for a in ids if a not in reviews]
    for batch in chunked(missing, 500):
        Review.insert_many([{"assignment": a, "updated_at": now} for a in batch]).execute()
    reviews = {r.assignment_id: r for r in Review.select().where(Review.assignment.in_(ids or [0]))}
    set_of = {a: (campaign.collective_set_id if t == "collective" else campaign.individual_set_id)
              for a, t in Assignment.select(Assignment.id, Submission.target).join(Submission)
              .where(Assignment.id.in_(ids or [0])).tuples()}
    criteria = {(set_id, code): c for c, set_id, code in Criterion.select(
        Criterion.id, Criterion.criteria_set, Criterion.code)
        .where(Criterion.criteria_set.in_(set(set_of.values()) or {0})).tuples()}
    stored: dict[int, dict[int, Score]] = defaultdict(dict)
    for score in Score.select().where(Score.review.in_([r.id for r in reviews.values()] or [0])):
        stored[score.review_id][score.criterion_id] = score
    changed = 0
    new_rows: list[tuple] = []
    events: list[tuple] = []
    for done, (assignment_id, items) in enumerate(by_assignment.items(), 1):
        review = reviews[assignment_id]
        old, new = {}, {}
        for item in items:
            criterion_id = criteria[(set_of[assignment_id], item.criterion)]
            row = stored[review.id].get(criterion_id)
            value = item.value if item.value is not None else (row.value if row else None)
            fields = {"value": value, "comment": item.comment or (row.comment if row else ""),
                      "evidence_verdict": item.verdict or (row.evidence_verdict if row else "")}
            if row is None:
                new_rows.append((review.id, criterion_id, *fields.values()))
                new[item.criterion] = fields
            elif (row.value, row.comment, row.evidence_verdict) != tuple(fields.values()):
                old[item.criterion] = {"value": row.value, "comment": row.comment,
                                       "evidence_verdict": row.evidence_verdict}
                Score.update(**fields).where(Score.id == row.id).execute()
                new[item.criterion] = fields
        changed += len(new)
        if new:
            events.append((review, "review.import", old, new))
        if progress is not None:
            progress(done)
    bulk_insert(Score, [Score.review, Score.criterion, Score.value, Score.comment, Score.evidence_verdict], new_rows)
    review_ids = [r.id for r in reviews.values()]
    for batch in chunked(review_ids, 500):
        Review.update(version=Review.version + 1, updated_at=now).where(Review.id.in_(batch)).execute()
    totals = dict(Criterion.select(Criterion.criteria_set, fn.COUNT(Criterion.id))
                  .where(Criterion.criteria_set.in_(set(set_of.values()))).group_by(Criterion.criteria_set).tuples())
    valued: dict[int, int] = {}
    for batch in chunked(review_ids, 500):
        valued.update(Score.select(Score.review, fn.COUNT(Score.id))
                      .where(Score.review.in_(batch), Score.value.is_null(False)).group_by(Score.review).tuples())
    complete = [r for r in reviews.values() if valued.get(r.id, 0) == totals[set_of[r.assignment_id]]]
    newly = [r for r in complete if r.state != "submitted"]
    for batch in chunked([r.id for r in newly], 500):
        Review.update(state="submitted", submitted_at=now).where(Review.id.in_(batch)).execute()
    events.extend((r, "review.submit", {"state": "draft"}, {"state": "submitted"}) for r in newly)
    record_many(actor, events, note="import")
    return changed, len(complete)


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
