"""Issuing certificates: batches run by the worker, their files, and the golden book (sổ vàng)."""
from __future__ import annotations

from peewee import CharField, Check, DateTimeField, ForeignKeyField, IntegerField, TextField

from .accounts import User
from .awards import Decision
from .base import BaseModel, utcnow

PRINT_MODES = ("full", "blank")     # full design, or text only for pre-printed blanks (phôi)


class CertificateBatch(BaseModel):
    """One run rendering a decision's certificates in one print mode (at most one per mode).

    The first batch of a decision numbers its certificates; every batch renders them in
    chunks (``CertificateChunk``, one multi-page PDF each). Workers claim chunks, so a batch
    survives a killed worker and can be shared by several.
    """
    decision = ForeignKeyField(Decision, backref="batches", on_delete="RESTRICT")
    mode = CharField(max_length=8, constraints=[Check("mode IN ('full', 'blank')")])
    state = CharField(max_length=8, default="queued",
                      constraints=[Check("state IN ('queued', 'running', 'done', 'failed')")])
    total = IntegerField(default=0)
    rendered = IntegerField(default=0)
    error = TextField(default="")
    requested_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    requested_at = DateTimeField(default=utcnow)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("decision", "mode"), True),)


class CertificateChunk(BaseModel):
    """One PDF file of a batch holding the certificates numbered ``first``..``last``, one page
    each in number order; empty ``sha256`` until the file is written and recorded.

    A worker claims a chunk by setting ``claimed_by`` and ``claimed_until``; a claim that
    expires (its worker died) can be taken by another.
    """
    batch = ForeignKeyField(CertificateBatch, backref="chunks", on_delete="CASCADE")
    seq = IntegerField()
    first = IntegerField()
    last = IntegerField()
    file = CharField(max_length=120, default="")    # name inside the batch's folder, once recorded
    sha256 = CharField(max_length=64, default="")
    size = IntegerField(default=0)
    claimed_by = CharField(max_length=80, default="")
    claimed_until = DateTimeField(null=True)

    class Meta:
        indexes = ((("batch", "seq"), True),)


class GoldenBook(BaseModel):
    """Sổ vàng: each issuing authority's sequence of entry numbers ("Sổ vàng số …")."""
    authority = CharField(max_length=200, unique=True)
    last_number = IntegerField(default=0)
