"""Computed results (kết quả): one row per scored submission, written by the results refresh.

Rows are derived data — rebuilt whole for a campaign by ``services.results_refresh`` —
so ranking pages read them instead of re-aggregating every score on each request.
Scores are kept at q6 (``places=6``), the precision ranking and awards compare.
"""
from __future__ import annotations

from peewee import BooleanField, CharField, Check, DateTimeField, ForeignKeyField, IntegerField, TextField

from .base import BaseModel, FixedDecimalField, utcnow
from .campaign import Campaign
from .org import Cluster
from .submission import Submission


class Result(BaseModel):
    """The scoring, ranks and award outcome of one submission at ``computed_at``."""
    # indexed by (campaign, target, rank_overall) below (migration 0010)
    campaign = ForeignKeyField(Campaign, backref="results", on_delete="CASCADE", index=False)
    submission = ForeignKeyField(Submission, unique=True, on_delete="CASCADE")
    target = CharField(max_length=20, constraints=[Check("target IN ('collective', 'individual')")])
    cluster = ForeignKeyField(Cluster, null=True, on_delete="SET NULL")
    S = FixedDecimalField(places=6, null=True, column_name="s")
    P = FixedDecimalField(places=6, null=True, column_name="p")
    L = FixedDecimalField(places=6, null=True, column_name="l")
    F = FixedDecimalField(places=6, null=True, column_name="f")
    peer_count = IntegerField(default=0)
    leader_count = IntegerField(default=0)
    pending = BooleanField(default=False)
    pending_reasons = CharField(max_length=40, default="")    # "self,peer,leader"
    flags = CharField(max_length=60, default="")              # "disagreement,self_inflation"
    disqualified = BooleanField(default=False)
    band = CharField(max_length=60, default="")
    rank_overall = IntegerField(null=True)
    rank_cluster = IntegerField(null=True)
    proposal = TextField(default="")                          # JSON: the award outcomes with reasons
    computed_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("campaign", "target", "rank_overall"), False),)
