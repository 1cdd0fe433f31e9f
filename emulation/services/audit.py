"""Writing the append-only audit log."""
from __future__ import annotations

import json
from typing import Any

from peewee import ForeignKeyField, Model

from ..models import AuditEvent, User


class Encoded(str):
    """Old or new values already encoded exactly as ``_json`` encodes them (by a bulk writer
    that encodes repeated parts once); stored as they are."""


def encoded(value: Any) -> Encoded:
    """``value`` encoded once, for a bulk writer that records it in many events."""
    return Encoded(_json(value))


def _json(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Encoded):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(actor: User | None, action: str, obj: Any = None, *, object_type: str = "",
           old: Any = None, new: Any = None, note: str = "") -> AuditEvent:
    """Append one event: who (``actor``, None for the system), what, which object, old → new."""
    if obj is not None:
        object_type = object_type or type(obj).__name__
        object_id = obj.id
    else:
        object_id = None
    return AuditEvent.create(actor=actor, action=action, object_type=object_type,
                             object_id=object_id, old=_json(old), new=_json(new), note=note)


def record_many(actor: User | None, events: list[tuple[Any, str, Any, Any]], note: str = "") -> int:
    """Append many events (object, action, old, new) in few statements, all at the same instant."""
    from ..database import Shared, Stored, bulk_insert_columns
    from ..models import utcnow
    return bulk_insert_columns(AuditEvent, {
        AuditEvent.at: Shared(utcnow()), AuditEvent.actor: Shared(actor.id if actor is not None else None),
        AuditEvent.action: Stored([str(action) for _obj, action, _old, _new in events]),
        AuditEvent.object_type: Stored([type(obj).__name__ for obj, _action, _old, _new in events]),
        AuditEvent.object_id: [obj.id for obj, _action, _old, _new in events],
        AuditEvent.old: Stored([_json(old) for _obj, _action, old, _new in events]),
        AuditEvent.new: Stored([_json(new) for _obj, _action, _old, new in events]),
        AuditEvent.note: Shared(note)}, len(events))


def _plain(instance: Any, name: str) -> Any:
    """A field's current value; a foreign key as its id (as forms and services give it)."""
    if isinstance(instance._meta.fields.get(name), ForeignKeyField):
        return instance.__data__.get(name)
    return getattr(instance, name)


def changes(instance: Any, fields: list[str], values: dict[str, Any]) -> tuple[dict, dict]:
    """Apply ``values`` to ``instance`` and return (old, new) for the fields that changed.

    Foreign keys compare and are recorded by id, so an unchanged unit or criteria set
    is not reported as a change.
    """
    old, new = {}, {}
    for name in fields:
        if name not in values:
            continue
        value = values[name]
        wanted = value.get_id() if isinstance(value, Model) else value
        current = _plain(instance, name)
        if current != wanted:
            old[name] = current
            new[name] = wanted
            setattr(instance, name, value)
    return old, new
