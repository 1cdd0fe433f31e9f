"""Campaigns (phong trào / đợt thi đua) and the units that take part."""
from __future__ import annotations

import json

from peewee import CharField, Check, DateTimeField, ForeignKeyField, IntegerField, TextField

from .base import BaseModel, utcnow
from .criteria import CriteriaSet
from .org import Unit


class Campaign(BaseModel):
    """One cycle: windows, criteria sets, scoring policy, issuing authority.

    Windows are stored as naive UTC; they are shown and entered in the
    campaign's time zone (Asia/Ho_Chi_Minh). The scoring policy is the JSON form
    of :class:`emulation.domain.policy.ScoringPolicy`.
    """
    slug = CharField(max_length=80, unique=True)
    title = CharField(max_length=300)
    description = TextField(default="")
    status = CharField(max_length=12, default="draft", constraints=[
        Check("status IN ('draft', 'open', 'closed', 'archived')")])
    collective_set = ForeignKeyField(CriteriaSet, on_delete="RESTRICT", backref="collective_campaigns")
    individual_set = ForeignKeyField(CriteriaSet, null=True, on_delete="RESTRICT",
                                     backref="individual_campaigns")
    submission_opens = DateTimeField()
    submission_closes = DateTimeField()
    review_opens = DateTimeField()
    review_closes = DateTimeField()
    council_opens = DateTimeField()
    council_closes = DateTimeField()
    timezone = CharField(max_length=40, default="Asia/Ho_Chi_Minh")
    policy_json = TextField()
    authority = CharField(max_length=200)         # Ủy ban nhân dân thành phố Hà Nội
    issuer_title = CharField(max_length=200)      # CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI
    signer_title = CharField(max_length=200)      # KT. CHỦ TỊCH / PHÓ CHỦ TỊCH
    signer_name = CharField(max_length=200)
    place = CharField(max_length=100, default="Hà Nội")
    max_file_mb = IntegerField(default=10, constraints=[Check("max_file_mb > 0")])
    unit_quota_mb = IntegerField(default=200, constraints=[Check("unit_quota_mb > 0")])
    nomination_quota = IntegerField(default=3, constraints=[Check("nomination_quota >= 0")])
    results_published_at = DateTimeField(null=True)
    publication_days = IntegerField(default=10, constraints=[Check("publication_days > 0")])
    publication_closes = DateTimeField(null=True)      # set when published: objections until then
    results_computed_at = DateTimeField(null=True)     # when the results table was last rebuilt
    results_requested_at = DateTimeField(null=True)    # a refresh asked for; running while > computed_at
    created_at = DateTimeField(default=utcnow)

    class Meta:
        constraints = [
            Check("submission_opens < submission_closes"),
            Check("submission_closes <= review_opens AND review_opens < review_closes"),
            Check("review_closes <= council_opens AND council_opens < council_closes"),
        ]

    @property
    def policy(self):
        from ..domain.policy import ScoringPolicy
        return ScoringPolicy.from_dict(json.loads(self.policy_json))


class CampaignUnit(BaseModel):
    """A unit taking part in a campaign."""
    campaign = ForeignKeyField(Campaign, backref="participants", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, backref="campaigns", on_delete="RESTRICT")

    class Meta:
        indexes = ((("campaign", "unit"), True),)
