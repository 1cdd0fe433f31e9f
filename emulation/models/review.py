"""Review: assignments of reviewers, conflicts of interest, reviews and scores."""
from __future__ import annotations

from peewee import BooleanField, CharField, Check, DateTimeField, ForeignKeyField, IntegerField, TextField

from .accounts import User
from .base import BaseModel, FixedDecimalField, utcnow
from .campaign import Campaign
from .criteria import Criterion
from .org import Unit
from .submission import Submission

CONFLICT_KINDS = ("same_unit", "family", "superior", "other")


class Assignment(BaseModel):
    """Phân công chấm: a reviewer scores a submission as `peer` or `leader`."""
    submission = ForeignKeyField(Submission, backref="assignments", on_delete="CASCADE")
    reviewer = ForeignKeyField(User, backref="assignments", on_delete="RESTRICT")
    role = CharField(max_length=10, constraints=[Check("role IN ('peer', 'leader')")])
    assigned_at = DateTimeField(default=utcnow)
    assigned_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    override_reason = TextField(default="")

    class Meta:
        indexes = ((("submission", "reviewer"), True),)


class Conflict(BaseModel):
    """Xung đột lợi ích: a declared reason why a reviewer must not score a unit."""
    reviewer = ForeignKeyField(User, backref="conflicts", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, on_delete="CASCADE")
    campaign = ForeignKeyField(Campaign, null=True, on_delete="CASCADE")
    kind = CharField(max_length=12, constraints=[
        Check("kind IN ('same_unit', 'family', 'superior', 'other')")])
    note = TextField(default="")
    declared_at = DateTimeField(default=utcnow)
    declared_by = ForeignKeyField(User, null=True, on_delete="SET NULL")


class Review(BaseModel):
    """Phiếu chấm: one reviewer's scores for one assignment."""
    assignment = ForeignKeyField(Assignment, unique=True, backref="reviews", on_delete="CASCADE")
    state = CharField(max_length=10, default="draft", constraints=[
        Check("state IN ('draft', 'submitted')")])
    version = IntegerField(default=1)
    submitted_at = DateTimeField(null=True)
    updated_at = DateTimeField(default=utcnow)
    # Kept equal to the review's scores by services.review_totals after every score write:
    # Σ of its values with penalty criteria subtracted, how many values it holds, and whether
    # it gives a ``disqualifying`` criterion a value > 0. Complete when ``valued`` = criteria.
    total = FixedDecimalField(default=0)
    valued = IntegerField(default=0)
    disqualifying = BooleanField(default=False)


class Score(BaseModel):
    """A reviewer's value for one criterion, with comment and evidence verdict."""
    # indexed by (review, criterion) below, which serves lookups by review too (migration 0010)
    review = ForeignKeyField(Review, backref="scores", on_delete="CASCADE", index=False)
    criterion = ForeignKeyField(Criterion, on_delete="RESTRICT")
    value = FixedDecimalField(null=True, constraints=[Check("value IS NULL OR value >= 0")])
    comment = TextField(default="")
    # not ``IN (…)``: SQLite rebuilds a list of 3+ constants for every row a bulk INSERT writes (0010)
    evidence_verdict = CharField(max_length=12, default="", constraints=[Check(
        "evidence_verdict = '' OR evidence_verdict = 'accepted' OR evidence_verdict = 'insufficient' "
        "OR evidence_verdict = 'missing'")])

    class Meta:
        indexes = ((("review", "criterion"), True),)
