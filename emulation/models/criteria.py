"""Stored criteria sets (bộ tiêu chí): an imported TOML file, versioned."""
from __future__ import annotations

from peewee import BooleanField, CharField, Check, DateTimeField, ForeignKeyField, IntegerField, TextField

from .base import BaseModel, FixedDecimalField, utcnow


class CriteriaSet(BaseModel):
    """One version of a criteria set; immutable once a campaign uses it."""
    code = CharField(max_length=80)
    version = IntegerField(constraints=[Check("version >= 1")])
    title = CharField(max_length=300)
    target = CharField(max_length=20, constraints=[Check("target IN ('collective', 'individual')")])
    description = TextField(default="")
    source = TextField(default="")
    content_hash = CharField(max_length=64)
    source_text = TextField()
    max_total = FixedDecimalField()
    imported_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("code", "version"), True),)

    @property
    def label(self) -> str:
        return f"{self.title} (v{self.version})"

    def ordered_criteria(self):
        return self.criteria.order_by(Criterion.position)


class Criterion(BaseModel):
    """Tiêu chí: a leaf of a set, with its group (nhóm tiêu chí) denormalised."""
    criteria_set = ForeignKeyField(CriteriaSet, backref="criteria", on_delete="CASCADE")
    position = IntegerField()
    group_code = CharField(max_length=40)
    group_title = CharField(max_length=300)
    code = CharField(max_length=40)
    title = TextField()
    guidance = TextField(default="")
    kind = CharField(max_length=10, constraints=[Check("kind IN ('score', 'bonus', 'penalty')")])
    max = FixedDecimalField(constraints=[Check('"max" > 0')])
    step = FixedDecimalField(constraints=[Check("step > 0")])
    evidence_required = BooleanField(default=False)
    evidence_hint = TextField(default="")
    disqualifying = BooleanField(default=False)

    class Meta:
        indexes = ((("criteria_set", "code"), True),)
