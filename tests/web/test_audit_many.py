"""Many audit events in few statements: stored exactly as one by one, at one instant."""
from __future__ import annotations

import pytest

from emulation import database
from emulation.database import Shared, bulk_insert_columns, temporary_ids
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


@pytest.mark.parametrize("count", [1, 2, 3, 4, 7, 9])
def test_many_rows_per_statement_write_every_row_once_in_order(app, make, monkeypatch, count):
    """Rows go in as statements of PARAMETERS // columns rows (here 2) and a shorter last one."""
    actor = make.user("secretary")
    columns = len(AuditEvent._meta.sorted_fields) - 1  # all but the id
    monkeypatch.setattr(database, "PARAMETERS", 2 * columns + 1)  # 2 rows per statement
    record_many(actor, [(_Obj(i), f"x.{i}", {"i": i}, None) for i in range(count)])
    rows = list(AuditEvent.select(AuditEvent.object_id, AuditEvent.action, AuditEvent.old)
                .where(AuditEvent.object_type == "_Obj").order_by(AuditEvent.id).tuples())
    assert rows == [(i, f"x.{i}", f'{{"i": {i}}}') for i in range(count)]
    monkeypatch.setattr(database, "PARAMETERS", 1)  # fewer values than columns: one row per statement
    with database.db.atomic(), temporary_ids("t_ids", [5, 3, 5, 1]) as table:
        assert [i for (i,) in database.db.execute_sql(f"SELECT id FROM {table} ORDER BY id")] == [1, 3, 5]
