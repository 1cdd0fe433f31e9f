"""Nhật ký: the append-only record of every change that matters."""
from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .accounts import User
from .base import BaseModel, utcnow


class AuditEvent(BaseModel):
    """Who did what to which object, old → new (JSON), at what UTC time.

    Rows are only ever inserted: saving an existing row raises, and the
    database refuses UPDATE and DELETE with a trigger (see migration 0002).
    """
    at = DateTimeField(default=utcnow, index=True)
    actor = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    action = CharField(max_length=60)
    object_type = CharField(max_length=40)
    object_id = IntegerField(null=True)
    old = TextField(default="")
    new = TextField(default="")
    note = TextField(default="")

    class Meta:
        indexes = ((("object_type", "object_id"), False),)

    def save(self, *args, **kwargs):  # type: ignore[override]
        if self.id is not None:
            raise PermissionError("AuditEvent is append-only")
        return super().save(*args, **kwargs)
