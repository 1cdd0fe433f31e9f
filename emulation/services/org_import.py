"""Importing clusters, units and people from .xlsx or .csv: all rows or none.

Every row is checked before anything is written; one invalid row refuses the
whole file with one line per problem (row, column, what to fix). Rows are
upserted by code: existing ones are updated (only the columns the sheet has,
``active`` untouched), new ones created, in one transaction with one audit event.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from peewee import chunked

from ..database import db
from ..domain import orgsheet
from ..domain.orgsheet import KINDS
from ..models import Cluster, Person, Unit, User
from . import ServiceError
from .audit import record
from .sheets import read_table, refusal, workbook

__all__ = ["KINDS", "ImportReport", "read_sheet", "import_org_sheet", "template_workbook"]

MODELS = {"clusters": Cluster, "units": Unit, "people": Person}


@dataclass(frozen=True)
class ImportReport:
    kind: str
    created: int
    updated: int
    rows: int

    @property
    def unchanged(self) -> int:
        return self.rows - self.created - self.updated


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ServiceError(_("Loại dữ liệu «%(k)s» không được hỗ trợ.", k=kind))


def read_sheet(filename: str, data: bytes, kind: str) -> list[tuple[int, dict[str, str]]]:
    """The data rows of the first sheet: (row number as shown, {column key: text})."""
    _check_kind(kind)
    return read_table(filename, data, orgsheet.COLUMNS[kind])


def import_org_sheet(actor: User | None, kind: str, filename: str, data: bytes) -> ImportReport:
    """Check every row, then upsert all of them by code in one transaction, or write nothing."""
    rows = read_sheet(filename, data, kind)
    model = MODELS[kind]
    with db.atomic():
        references = _reference_ids(kind)
        records, problems = orgsheet.validate_rows(kind, rows, references.keys())
        if problems:
            raise refusal(orgsheet.COLUMNS[kind], problems)
        created, updated = _upsert(kind, model, records, references)
        record(actor, "org.import", object_type=kind,
               new={"file": filename, "created": created, "updated": updated})
    return ImportReport(kind, created, updated, len(records))


def _reference_ids(kind: str) -> dict[str, int]:
    target = {"units": Cluster, "people": Unit}.get(kind)
    if target is None:
        return {}
    return {code: id_ for id_, code in target.select(target.id, target.code).tuples()}


def _upsert(kind: str, model: Any, records: list[dict[str, str]],
            references: dict[str, int]) -> tuple[int, int]:
    key = orgsheet.KEY_COLUMN[kind]
    key_field = getattr(model, key)
    codes = [r[key] for r in records]
    existing: dict[str, dict[str, Any]] = {}
    for batch in chunked(codes, 500):
        for row in model.select().where(key_field.in_(batch)).dicts():
            existing[row[key]] = row
    new_rows, updated = [], 0
    for rec in records:
        values = _values(kind, rec, references)
        old = existing.get(rec[key])
        if old is None:
            new_rows.append(values)
            continue
        changed = {name: v for name, v in values.items() if old[name] != v}
        if changed:
            model.update(changed).where(model.id == old["id"]).execute()
            updated += 1
    for batch in chunked(new_rows, 200):
        model.insert_many(batch).execute()
    return len(new_rows), updated


def _values(kind: str, rec: dict[str, str], references: dict[str, int]) -> dict[str, Any]:
    """Model column -> value for the columns present in the sheet (references as ids)."""
    values: dict[str, Any] = {k: v for k, v in rec.items() if not k.startswith("_")}
    reference = orgsheet.REFERENCE.get(kind)
    if reference and reference in values:
        code = values.pop(reference)
        values[reference] = references[code] if code else None
    return values


def template_workbook(kind: str) -> bytes:
    """An .xlsx to fill in: bold frozen Vietnamese header, widths, text-formatted codes, one example."""
    _check_kind(kind)
    title = {"clusters": "Cụm thi đua", "units": "Đơn vị", "people": "Cán bộ"}[kind]
    return workbook(title, orgsheet.COLUMNS[kind], [EXAMPLES[kind]], WIDTHS)


WIDTHS = {"name": 40, "full_name": 30, "position": 28, "district": 24, "email": 34, "code": 14,
          "staff_code": 14, "cluster": 14, "unit": 14, "gender": 10, "kind": 14, "phone": 16}
EXAMPLES = {
    "clusters": ("CUM-TX", "Cụm thi đua số 1 – quận Thanh Xuân"),
    "units": ("TXB", "Phường Thanh Xuân Bắc", "phường", "Quận Thanh Xuân", "CUM-TX"),
    "people": ("TXB-001", "Nguyễn Thị Lan", "Nữ", "Chuyên viên", "TXB",
               "lan.nt@thanhxuan.hanoi.gov.vn", "0912345678"),
}
