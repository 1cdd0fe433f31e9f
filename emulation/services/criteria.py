"""Importing criteria sets (TOML) into the database as immutable versions."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flask_babel import gettext as _

from ..database import db
from ..domain.criteria import CriteriaError, CriteriaSet as SetData, canonical_hash, parse_criteria
from ..models import Campaign, CriteriaSet, Criterion, User
from . import ServiceError
from .audit import record


@dataclass(frozen=True)
class ImportOutcome:
    criteria_set: CriteriaSet
    status: str  # "created" | "unchanged" | "replaced"


def parse_or_refuse(text: str, filename: str) -> SetData:
    """Parse a criteria file, or refuse with one line per problem (file: key.path: message)."""
    try:
        return parse_criteria(text)
    except CriteriaError as error:
        from . import translate
        lines = [f"{filename}: {p.path + ': ' if p.path else ''}{translate(p)}" for p in error.problems]
        raise ServiceError(_("Tệp tiêu chí «%(f)s» có %(n)d lỗi, chưa được nhập.",
                             f=filename, n=len(lines)), problems=lines) from error


def used_set_ids() -> set[int]:
    """Ids of the criteria sets some campaign uses (one query, for lists)."""
    rows = Campaign.select(Campaign.collective_set, Campaign.individual_set).tuples()
    return {set_id for pair in rows for set_id in pair if set_id is not None}


def is_used(criteria_set: CriteriaSet) -> bool:
    return Campaign.select().where((Campaign.collective_set == criteria_set)
                                   | (Campaign.individual_set == criteria_set)).exists()


def import_criteria(actor: User | None, text: str, filename: str) -> ImportOutcome:
    """Store a version of a set.

    The same content again changes nothing; a changed file under a version that a
    campaign uses is refused (import it under a new ``version``); a changed file under
    an unused version replaces it.
    """
    data = parse_or_refuse(text, filename)
    digest = canonical_hash(data)
    existing = CriteriaSet.get_or_none(CriteriaSet.code == data.id, CriteriaSet.version == data.version)
    if existing is not None and existing.content_hash == digest:
        return ImportOutcome(existing, "unchanged")
    if existing is not None and is_used(existing):
        raise ServiceError(_(
            "Bộ tiêu chí «%(id)s» phiên bản %(v)d đang được phong trào sử dụng nên không thể sửa. "
            "Hãy tăng «version» trong tệp rồi nhập lại thành phiên bản mới.", id=data.id, v=data.version))
    with db.atomic():
        fields = dict(title=data.title, target=data.target, description=data.description,
                      source=data.source, content_hash=digest, source_text=text,
                      max_total=data.max_total)
        if existing is None:
            row = CriteriaSet.create(code=data.id, version=data.version, **fields)
            status = "created"
        else:
            row = existing
            for key, value in fields.items():
                setattr(row, key, value)
            row.save()
            Criterion.delete().where(Criterion.criteria_set == row).execute()
            status = "replaced"
        _store_criteria(row, data)
        record(actor, f"criteria.{status}", row,
               new={"code": data.id, "version": data.version, "hash": digest})
    return ImportOutcome(row, status)


def _store_criteria(row: CriteriaSet, data: SetData) -> None:
    titles = {g.code: g.title for g in data.groups}
    Criterion.insert_many([
        {"criteria_set": row.id, "position": i, "group_code": c.group_code,
         "group_title": titles[c.group_code], "code": c.code, "title": c.title,
         "guidance": c.guidance, "kind": c.kind.value, "max": c.max, "step": c.step,
         "evidence_required": c.evidence_required, "evidence_hint": c.evidence_hint,
         "disqualifying": c.disqualifying}
        for i, c in enumerate(data.criteria)]).execute()


@lru_cache(maxsize=64)
def _parsed(content_hash: str, text: str) -> SetData:
    return parse_criteria(text)


def domain_set(row: CriteriaSet) -> SetData:
    """The pure criteria set of a stored version (parsed once per content)."""
    return _parsed(row.content_hash, row.source_text)
