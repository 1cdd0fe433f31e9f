"""Awards: award rules (hình thức khen thưởng), decisions and certificates."""
from __future__ import annotations

from peewee import (BooleanField, CharField, Check, DateField, DateTimeField, ForeignKeyField,
                    IntegerField, TextField)

from .accounts import User
from .base import BaseModel, FixedDecimalField, utcnow
from .campaign import Campaign
from .submission import Submission


class AwardRule(BaseModel):
    """A title with its target, eligibility and quota, applied in precedence order."""
    campaign = ForeignKeyField(Campaign, backref="award_rules", on_delete="CASCADE")
    precedence = IntegerField()
    title = CharField(max_length=300)
    form = CharField(max_length=12, constraints=[Check("form IN ('bang-khen', 'giay-khen')")])
    target = CharField(max_length=20, constraints=[Check("target IN ('collective', 'individual')")])
    min_band = CharField(max_length=60, default="")
    min_score = FixedDecimalField(default=0)
    quota_kind = CharField(max_length=8, constraints=[Check("quota_kind IN ('count', 'percent')")])
    quota_value = IntegerField(constraints=[Check("quota_value >= 0")])
    per_cluster = BooleanField(default=False)

    class Meta:
        indexes = ((("campaign", "precedence"), True),)


class Decision(BaseModel):
    """Quyết định khen thưởng: the numbered act approving a list of awards."""
    campaign = ForeignKeyField(Campaign, backref="decisions", on_delete="RESTRICT")
    number = CharField(max_length=40)                # 1234/QĐ-UBND
    authority = CharField(max_length=200)
    signed_on = DateField(null=True)
    signer_title = CharField(max_length=200, default="")
    signer_name = CharField(max_length=200, default="")
    state = CharField(max_length=10, default="draft", constraints=[
        Check("state IN ('draft', 'approved')")])
    approved_at = DateTimeField(null=True)
    approved_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    basis = TextField(default="")                    # Căn cứ …: the legal bases, one per line
    supersedes = ForeignKeyField("self", null=True, on_delete="RESTRICT", backref="amendments")
    created_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    created_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("authority", "number"), True),)


class DecisionAward(BaseModel):
    """One line of an approved decision's list, frozen at approval (a snapshot, not a reference).

    Written once when the committee approves the decision; later result refreshes or
    council changes never touch it — a change needs a new decision.
    """
    decision = ForeignKeyField(Decision, backref="awards", on_delete="CASCADE")
    position = IntegerField()                        # order in the annex (STT)
    rule = ForeignKeyField(AwardRule, on_delete="RESTRICT")
    submission = ForeignKeyField(Submission, on_delete="RESTRICT")
    title = CharField(max_length=300)
    target = CharField(max_length=20)
    recipient_name = CharField(max_length=300)
    recipient_detail = TextField(default="")         # position and unit of a person
    unit_name = CharField(max_length=300)
    cluster_code = CharField(max_length=40, default="")
    F = FixedDecimalField(places=6, null=True, column_name="f")
    rank_overall = IntegerField(null=True)
    band = CharField(max_length=60, default="")
    source = CharField(max_length=8, constraints=[Check("source IN ('rule', 'council')")])
    reason = TextField(default="")                   # the council's reason when it added the line

    class Meta:
        indexes = ((("decision", "submission", "rule"), True), (("decision", "position"), True))


class Certificate(BaseModel):
    """An issued award: numbered gaplessly within its decision, verifiable, revocable."""
    decision = ForeignKeyField(Decision, backref="certificates", on_delete="RESTRICT")
    number = IntegerField(constraints=[Check("number >= 1")])
    rule = ForeignKeyField(AwardRule, on_delete="RESTRICT")
    submission = ForeignKeyField(Submission, on_delete="RESTRICT")
    golden_book_no = CharField(max_length=40, default="")    # Sổ vàng số
    verify_code = CharField(max_length=64, unique=True)
    recipient_name = CharField(max_length=300)
    recipient_detail = TextField(default="")
    achievement = TextField(default="")
    pdf_sha256 = CharField(max_length=64, default="")
    issued_at = DateTimeField(default=utcnow)
    revoked_at = DateTimeField(null=True)
    revoke_reason = TextField(default="")

    class Meta:
        indexes = ((("decision", "number"), True), (("decision", "submission", "rule"), True))
