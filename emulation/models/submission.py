"""Submissions (hồ sơ tự đánh giá), self-scores, evidence and nominations."""
from __future__ import annotations

from peewee import (BigIntegerField, CharField, Check, DateTimeField, ForeignKeyField,
                    IntegerField, TextField)

from .accounts import User
from .base import BaseModel, FixedDecimalField, utcnow
from .campaign import Campaign
from .criteria import Criterion
from .org import Person, Unit

SUBMISSION_STATES = ("draft", "submitted", "returned", "locked")


class Submission(BaseModel):
    """A unit's (collective) or a nominee's (individual) self-assessment.

    ``subject_key`` is ``unit:<id>`` or ``person:<id>``, unique per campaign, so a
    subject has exactly one submission per campaign. ``version`` grows on every
    save; a save carrying an older version is refused (stale form).
    """
    campaign = ForeignKeyField(Campaign, backref="submissions", on_delete="CASCADE")
    target = CharField(max_length=20, constraints=[Check("target IN ('collective', 'individual')")])
    unit = ForeignKeyField(Unit, backref="submissions", on_delete="RESTRICT")
    person = ForeignKeyField(Person, null=True, backref="submissions", on_delete="RESTRICT")
    subject_key = CharField(max_length=40)
    state = CharField(max_length=12, default="draft", constraints=[
        Check("state IN ('draft', 'submitted', 'returned', 'locked')")])
    version = IntegerField(default=1)
    submitted_at = DateTimeField(null=True)
    updated_at = DateTimeField(default=utcnow)
    # Kept equal to the self-scores by services.self_totals after every self-score write: Σ of
    # the values with penalty criteria subtracted, and how many values there are (complete when
    # ``self_valued`` = the criteria of the set).
    self_total = FixedDecimalField(default=0)
    self_valued = IntegerField(default=0)

    class Meta:
        indexes = ((("campaign", "subject_key"), True),)
        constraints = [Check("(target = 'individual') = (person_id IS NOT NULL)")]

    # Permission predicates (object level). Views answer 404 when they are false.
    def is_own(self, user) -> bool:
        """The user is a unit officer of the submitting unit."""
        return self.unit_id in user.officer_unit_ids()

    def can_view(self, user) -> bool:
        """Its unit's officers, the committee and secretary, and the reviewers assigned to it."""
        if self.is_own(user) or user.has_role("committee", "secretary"):
            return True
        from .review import Assignment
        return Assignment.select().where(Assignment.submission == self.id, Assignment.reviewer == user.id).exists()

    def can_return(self, user) -> bool:
        return user.has_role("secretary")

    @classmethod
    def visible_to(cls, user):
        query = cls.select()
        if user.has_role("committee", "secretary"):
            return query
        return query.where(cls.unit.in_(user.officer_unit_ids() or {0}))


class SelfScore(BaseModel):
    """The unit's own value and explanation for one criterion."""
    submission = ForeignKeyField(Submission, backref="self_scores", on_delete="CASCADE")
    criterion = ForeignKeyField(Criterion, on_delete="RESTRICT")
    value = FixedDecimalField(null=True, constraints=[Check("value IS NULL OR value >= 0")])
    explanation = TextField(default="")

    class Meta:
        indexes = ((("submission", "criterion"), True),)


class Evidence(BaseModel):
    """Minh chứng: an uploaded file, stored content-addressed under its SHA-256."""
    submission = ForeignKeyField(Submission, backref="evidence", on_delete="CASCADE")
    criterion = ForeignKeyField(Criterion, null=True, on_delete="RESTRICT")
    sha256 = CharField(max_length=64, index=True)
    original_name = CharField(max_length=255)
    size = BigIntegerField(constraints=[Check("size > 0")])
    content_type = CharField(max_length=100)
    uploaded_by = ForeignKeyField(User, on_delete="RESTRICT")
    uploaded_at = DateTimeField(default=utcnow)


class ReturnNote(BaseModel):
    """Why the council secretary returned a submission: per criterion, or general (no criterion).

    Notes stay as history; ``resolved_at`` is set when the unit resubmits.
    """
    submission = ForeignKeyField(Submission, backref="return_notes", on_delete="CASCADE")
    criterion = ForeignKeyField(Criterion, null=True, on_delete="RESTRICT")
    reason = TextField()
    created_at = DateTimeField(default=utcnow)
    created_by = ForeignKeyField(User, on_delete="RESTRICT")
    resolved_at = DateTimeField(null=True)


class Nomination(BaseModel):
    """Đề nghị cá nhân tiêu biểu: a unit proposes one of its people."""
    campaign = ForeignKeyField(Campaign, backref="nominations", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, on_delete="RESTRICT")
    person = ForeignKeyField(Person, on_delete="RESTRICT")
    position = CharField(max_length=200, default="")
    achievements = TextField(default="")
    submission = ForeignKeyField(Submission, null=True, unique=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("campaign", "person"), True),)
