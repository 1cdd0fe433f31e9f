"""Writing the append-only audit log."""
from __future__ import annotations

import json
from typing import Any

from ..models import AuditEvent, User


def _json(value: Any) -> str:
    if value is None:
        return ""
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


def changes(instance: Any, fields: list[str], values: dict[str, Any]) -> tuple[dict, dict]:
    """Apply ``values`` to ``instance`` and return (old, new) for the fields that changed."""
    old, new = {}, {}
    for name in fields:
        if name in values and getattr(instance, name) != values[name]:
            old[name] = getattr(instance, name)
            new[name] = values[name]
            setattr(instance, name, values[name])
    return old, new
