"""Model base class, exact decimal field and UTC time helper shared by every model."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from peewee import BigIntegerField, Model

from ..clock import clock
from ..database import db


def utcnow() -> dt.datetime:
    """Naive UTC 'now' from the platform clock: every timestamp in the database is UTC."""
    return clock.now()


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class FixedDecimalField(BigIntegerField):
    """An exact ``Decimal`` stored as a scaled integer (value × 10**places).

    The same integers on SQLite and PostgreSQL, so sums computed in SQL are exact
    and equal everywhere; a value with more decimals than ``places`` is refused
    rather than rounded.
    """

    def __init__(self, places: int = 3, *args: Any, **kwargs: Any) -> None:
        self.places = places
        self.scale = 10 ** places
        super().__init__(*args, **kwargs)

    def db_value(self, value: Any) -> Any:
        if value is None or not isinstance(value, (Decimal, int, str)):
            return value  # None, or an SQL expression
        scaled = Decimal(value) * self.scale
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.places} decimal places")
        return int(scaled)

    def python_value(self, value: Any) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / self.scale).normalize() if value else Decimal(0)
