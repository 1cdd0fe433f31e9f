"""Evidence (minh chứng): storing, removing and opening uploaded files.

What is accepted is decided in :mod:`emulation.domain.evidence`; the bytes go to the
content-addressed :data:`emulation.storage.evidence_store`, the original name,
size, type, uploader and time to an :class:`Evidence` row. Windows, submission
states and permissions are the caller's business (the submissions service).

A stored file is shared by every row with the same SHA-256. Storing and removing
take a lock per digest for the length of the transaction (SQLite's write lock;
an advisory lock on PostgreSQL), so a removal never deletes a file that a
concurrent upload of the same bytes has just claimed.
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from flask_babel import gettext as _
from peewee import fn

from ..database import db, is_sqlite
from ..domain.evidence import MB, Refusal, check_size, clean_filename, sniff
from ..models import Campaign, Criterion, Evidence, Submission, Unit, User
from ..storage import evidence_store
from . import ServiceError, translate
from .audit import record

log = logging.getLogger(__name__)


def unit_usage_bytes(campaign: Campaign, unit: Unit) -> int:
    """Σ size of the evidence rows of the unit's submissions in the campaign.

    Every row counts, even when the same file is attached twice: simple to explain
    and to predict. Individual submissions count toward the nominee's unit.
    """
    total = (Evidence.select(fn.COALESCE(fn.SUM(Evidence.size), 0))
             .join(Submission)
             .where(Submission.campaign == campaign, Submission.unit == unit)
             .scalar())
    return int(total or 0)


def _lock_digest(sha256: str) -> None:
    """Serialise work on one stored file until the transaction ends (see module doc)."""
    if not is_sqlite():
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (int(sha256[:15], 16),))


def _accepted(value: str | Refusal) -> str:
    if isinstance(value, Refusal):
        raise ServiceError(translate(value), field="file")
    return value


def _check_criterion(submission: Submission, criterion: Criterion | None) -> None:
    if criterion is None:
        return
    campaign = submission.campaign
    wanted = campaign.collective_set_id if submission.target == "collective" else campaign.individual_set_id
    if criterion.criteria_set_id != wanted:
        raise ServiceError(_("Tiêu chí %(code)s không thuộc bộ tiêu chí của hồ sơ này.",
                             code=criterion.code), field="criterion")


def store_evidence(actor: User, submission: Submission, criterion: Criterion | None,
                   filename: str, data: bytes) -> Evidence:
    """Check, store and record one uploaded file; ServiceError with the reason if refused.

    Order: the name (``clean_filename``), the content (``sniff``), the size against the
    campaign's ``max_file_mb`` and the unit's remaining ``unit_quota_mb``; then the file
    is written and the row and its audit event are created in one transaction. If the
    file cannot be written, nothing is recorded.
    """
    name = _accepted(clean_filename(filename))
    content_type = _accepted(sniff(name, data))
    _check_criterion(submission, criterion)
    campaign = submission.campaign
    sha256 = hashlib.sha256(data).hexdigest()
    with db.atomic():
        _lock_digest(sha256)
        used = unit_usage_bytes(campaign, submission.unit_id)
        refusal = check_size(name, len(data), campaign.max_file_mb * MB, used, campaign.unit_quota_mb * MB)
        if refusal is not None:
            raise ServiceError(translate(refusal), field="file")
        had_file = evidence_store.exists(sha256)
        try:
            evidence_store.put(data, sha256)
        except OSError:
            log.exception("could not store evidence %s (%s)", sha256, name)
            raise ServiceError(_("Không lưu được tệp «%(name)s» do lỗi lưu trữ trên máy chủ; "
                                 "vui lòng thử lại sau hoặc báo quản trị hệ thống.", name=name),
                               field="file") from None
        try:
            evidence = Evidence.create(
                submission=submission, criterion=criterion, sha256=sha256, original_name=name,
                size=len(data), content_type=content_type, uploaded_by=actor)
            record(actor, "evidence.upload", evidence, new=_described(evidence, criterion))
        except BaseException:
            if not had_file:  # a file nobody refers to; the lock keeps others off it
                evidence_store.delete(sha256)
            raise
    return evidence


def _described(evidence: Evidence, criterion: Criterion | None) -> dict:
    return {"name": evidence.original_name, "size": evidence.size, "type": evidence.content_type,
            "criterion": criterion.code if criterion else None, "sha256": evidence.sha256,
            "submission": evidence.submission_id}


def remove_evidence(actor: User, evidence: Evidence) -> None:
    """Delete the row (audited); delete the stored file only when no other row shares it.

    The file goes last, inside the transaction, so a failure before it keeps both.
    """
    with db.atomic():
        _lock_digest(evidence.sha256)
        criterion = Criterion.get_or_none(Criterion.id == evidence.criterion_id)
        record(actor, "evidence.remove", evidence, old=_described(evidence, criterion))
        Evidence.delete().where(Evidence.id == evidence.id).execute()
        if not Evidence.select().where(Evidence.sha256 == evidence.sha256).exists():
            evidence_store.delete(evidence.sha256)


def open_evidence(evidence: Evidence) -> Path:
    """The path of the stored file (for ``send_file`` with the original name)."""
    return evidence_store.path(evidence.sha256)
