"""Throttling public look-ups: hits counted per client address and fixed time window."""
from __future__ import annotations

from peewee import CharField, DateTimeField, IntegerField

from .base import BaseModel


class RateWindow(BaseModel):
    """How many times ``key`` (a client address) hit ``bucket`` (e.g. "verify") in the window
    starting at ``window_start``. Kept in the database, so every app server counts the same
    hits; rows of past windows are pruned as new ones are counted."""
    bucket = CharField(max_length=20)
    key = CharField(max_length=64)
    window_start = DateTimeField(index=True)
    hits = IntegerField(default=0)

    class Meta:
        indexes = ((("bucket", "key", "window_start"), True),)
