"""Clusters, units and people: create and edit (deactivate = ``active`` off), audited."""
from __future__ import annotations

import re
from typing import Any, TypeVar

from flask_babel import gettext as _
from peewee import Model

from ..database import db
from ..models import Cluster, Person, Unit, User
from . import ServiceError
from .audit import changes, record

CODE = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
M = TypeVar("M", bound=Model)

FIELDS = {
    Cluster: ("code", "name", "active"),
    Unit: ("code", "name", "kind", "district", "cluster", "active"),
    Person: ("staff_code", "full_name", "gender", "position", "unit", "email", "phone", "active"),
}
CODE_FIELD = {Cluster: "code", Unit: "code", Person: "staff_code"}


def save(actor: User | None, model: type[M], instance: M | None, values: dict[str, Any]) -> M:
    """Create (``instance`` None) or update a cluster, unit or person.

    The code must be 1–40 letters, digits or ``. _ -`` and unique; names are required.
    """
    code_field = CODE_FIELD[model]
    code = str(values.get(code_field, "")).strip()
    values[code_field] = code
    if not CODE.match(code):
        raise ServiceError(_("Mã chỉ gồm chữ không dấu, số và các dấu . _ - (tối đa 40 ký tự)."),
                           field=code_field)
    clash = model.select().where(getattr(model, code_field) == code)
    if instance is not None:
        clash = clash.where(model.id != instance.id)
    if clash.exists():
        raise ServiceError(_("Mã «%(c)s» đã được dùng.", c=code), field=code_field)
    name_field = "full_name" if model is Person else "name"
    if not str(values.get(name_field, "")).strip():
        raise ServiceError(_("Vui lòng nhập tên."), field=name_field)
    kind = model.__name__.lower()
    with db.atomic():
        if instance is None:
            instance = model.create(**{k: v for k, v in values.items() if k in FIELDS[model]})
            record(actor, f"{kind}.create", instance, new=values)
        else:
            old, new = changes(instance, list(FIELDS[model]), values)
            if new:
                instance.save()
                action = f"{kind}.deactivate" if new.get("active") is False else f"{kind}.update"
                record(actor, action, instance, old=old, new=new)
    return instance
