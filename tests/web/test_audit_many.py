"""Many audit events in one statement: stored exactly as one by one, at one instant."""
from __future__ import annotations

import pytest

from emulation.database import Shared, bulk_insert_columns
from emulation.models import AuditEvent
from emulation.services.audit import Encoded, record, record_many


class _Obj:
    def __init__(self, id_: int) -> None:
        self.id = id_


def test_record_many_stores_what_record_stores(app, make):
    actor = make.user("secretary")
    record(actor, "review.import", _Obj(7), old={"b": 1, "a": "ế"}, new=None, note="import")
    record_many(actor, [(_Obj(7), "review.import", {"b": 1, "a": "ế"}, None),
                        (_Obj(8), "review.submit", Encoded('{"state": "x"}'), {"state": "submitted"})], note="import")
    events = list(AuditEvent.select().where(AuditEvent.object_type == "_Obj").order_by(AuditEvent.id))
    rows = [(e.actor_id, e.action, e.object_type, e.object_id, e.old, e.new, e.note) for e in events]
    assert rows[0] == rows[1] == (actor.id, "review.import", "_Obj", 7, '{"a": "ế", "b": 1}', "", "import")
    assert rows[2] == (actor.id, "review.submit", "_Obj", 8, '{"state": "x"}', '{"state": "submitted"}', "import")
    assert events[1].at == events[2].at


def test_bulk_insert_columns_wants_every_field_with_a_default(app):
    with pytest.raises(ValueError, match="at"):
        bulk_insert_columns(AuditEvent, {AuditEvent.action: ["x"], AuditEvent.object_type: Shared("T"),
                                         AuditEvent.old: [""], AuditEvent.new: [""], AuditEvent.note: [""]}, 1)
    assert bulk_insert_columns(AuditEvent, {}, 0) == 0
