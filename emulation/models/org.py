"""Organisation: clusters (cụm/khối thi đua), units (đơn vị) and their people."""
from __future__ import annotations

from peewee import JOIN, BooleanField, CharField, Check, DateTimeField, ForeignKeyField

from .base import BaseModel, utcnow


class Cluster(BaseModel):
    """Cụm / khối thi đua: units ranked against each other."""
    code = CharField(max_length=40, unique=True)
    name = CharField(max_length=200)
    active = BooleanField(default=True)

    @classmethod
    def ordered(cls):
        return cls.select().order_by(cls.code)


class Unit(BaseModel):
    """Đơn vị: a ward, commune, department, youth-union branch…"""
    code = CharField(max_length=40, unique=True)
    name = CharField(max_length=200)
    kind = CharField(max_length=40, default="")
    district = CharField(max_length=120, default="")
    cluster = ForeignKeyField(Cluster, null=True, backref="units", on_delete="SET NULL")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)

    @classmethod
    def ordered(cls):
        return cls.select(cls, Cluster).join(Cluster, join_type=JOIN.LEFT_OUTER).order_by(cls.code)


HONORIFICS = {"M": "Ông", "F": "Bà", "": ""}  # as official documents address a person


class Person(BaseModel):
    """A staff member (cán bộ, công chức, viên chức, người lao động) of a unit."""
    unit = ForeignKeyField(Unit, backref="people", on_delete="RESTRICT")
    staff_code = CharField(max_length=40, unique=True)
    full_name = CharField(max_length=200)
    gender = CharField(max_length=1, default="", constraints=[Check("gender IN ('', 'M', 'F')")])
    position = CharField(max_length=200, default="")
    email = CharField(max_length=200, default="")
    phone = CharField(max_length=40, default="")
    active = BooleanField(default=True)

    @property
    def honorific(self) -> str:
        """Ông / Bà as official documents address a person (empty when unknown)."""
        return HONORIFICS.get(self.gender, "")
