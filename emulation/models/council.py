"""The council's changes to the proposed list, and objections lodged during publication."""
from __future__ import annotations

from peewee import CharField, Check, DateTimeField, ForeignKeyField, IntegerField, TextField

from .accounts import User
from .awards import AwardRule
from .base import BaseModel, utcnow
from .campaign import Campaign
from .submission import Submission


class CouncilChange(BaseModel):
    """The council adds (``add``) or removes (``remove``) one award for one submission, with a reason.

    Append-only history: the latest change per (submission, rule) is the one in force
    (``domain.council.final_list``). Resolving a ``council_decides`` group is one change
    per member of the group.
    """
    campaign = ForeignKeyField(Campaign, backref="council_changes", on_delete="CASCADE")
    submission = ForeignKeyField(Submission, on_delete="CASCADE")
    rule = ForeignKeyField(AwardRule, on_delete="CASCADE")
    action = CharField(max_length=8, constraints=[Check("action IN ('add', 'remove')")])
    reason = TextField()
    made_by = ForeignKeyField(User, on_delete="RESTRICT")
    made_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("campaign", "submission", "rule"), False),)


class Objection(BaseModel):
    """Khiếu nại / kiến nghị: a unit officer's objection to its own published result, and the answer."""
    campaign = ForeignKeyField(Campaign, backref="objections", on_delete="CASCADE")
    submission = ForeignKeyField(Submission, backref="objections", on_delete="CASCADE")
    lodged_by = ForeignKeyField(User, on_delete="RESTRICT", backref="+")
    lodged_at = DateTimeField(default=utcnow)
    reason = TextField()
    evidence_sha256 = CharField(max_length=64, default="")
    evidence_name = CharField(max_length=255, default="")
    evidence_type = CharField(max_length=100, default="")
    evidence_size = IntegerField(default=0)
    answer = TextField(default="")
    answered_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    answered_at = DateTimeField(null=True)
    version = IntegerField(default=1)

    @property
    def open(self) -> bool:
        return self.answered_at is None
