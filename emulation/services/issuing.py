"""Issuing a decision's certificates (DESIGN §6): numbers, the golden book, batches.

Rules:
- Only the committee issues, and only an APPROVED decision. The certificates of a decision
  are the lines of its frozen list (``DecisionAward``, in list order) except those a decision
  it amends (directly or down the chain) already certified and did not revoke: an amending
  decision issues only its new lines.
- Numbers run 1..n in list order, gapless and unique within the decision; each certificate
  takes the next entry of its authority's golden book (Sổ vàng). Both are allocated in ONE
  transaction, once per decision, by whichever batch runs first.
- Verification codes are ``secrets.token_urlsafe(24)``: 192 random bits.
- One batch per decision × print mode (``full`` design or ``blank`` for pre-printed phôi).
  Its certificates are cut into chunks of consecutive numbers of one form (bằng khen or
  giấy khen), at most ``CERTIFICATE_CHUNK`` each; each chunk is one PDF, one page per
  certificate. Rendering happens only in the background worker (``issuing_worker``),
  never in a web request: ``issue`` records the batch and queues the work.
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from itertools import groupby

from flask_babel import gettext as _
from peewee import JOIN

from ..database import db
from ..domain import certificate_text as wording
from ..models import (PRINT_MODES, AwardRule, Campaign, Certificate, CertificateBatch, CertificateChunk, Decision,
                      DecisionAward, GoldenBook, User, utcnow)
from . import ServiceError
from .audit import record


@dataclass(frozen=True)
class IssuingSettings:
    chunk: int = 50
    lease_seconds: int = 300
    time_limit_seconds: int = 120
    memory_mb: int = 2048
    tasks: int = 2
    public_url: str = "http://127.0.0.1:5000"
    folder: str = "certificates"


SETTINGS = IssuingSettings()


def configure_issuing(config: dict) -> None:
    """Take the ``CERTIFICATE_*`` settings and the public address from the app configuration."""
    global SETTINGS
    SETTINGS = IssuingSettings(config["CERTIFICATE_CHUNK"], config["CERTIFICATE_LEASE_SECONDS"],
                               config["CERTIFICATE_TIME_LIMIT_SECONDS"], config["CERTIFICATE_MEMORY_MB"],
                               config["CERTIFICATE_TASKS"], config["PUBLIC_URL"].rstrip("/"),
                               config["CERTIFICATE_DIR"])


def issue(actor: User, decision: Decision, mode: str = "full") -> CertificateBatch:
    """Record the batch of ``decision`` in ``mode`` (or find it) and queue it for the worker."""
    if mode not in PRINT_MODES:
        raise ServiceError(_("Chế độ in không hợp lệ."), field="mode")
    if decision.state != "approved":
        raise ServiceError(_("Chỉ cấp bằng, giấy khen theo quyết định đã được phê duyệt."))
    with db.atomic():
        batch = CertificateBatch.get_or_none(CertificateBatch.decision == decision, CertificateBatch.mode == mode)
        if batch is None:
            batch = CertificateBatch.create(decision=decision, mode=mode, requested_by=actor, requested_at=utcnow())
            record(actor, "certificates.issue", decision, new={"batch": batch.id, "mode": mode})
        elif batch.state == "failed":
            # a failed batch was planned already: its chunks are claimed again where they stopped
            CertificateBatch.update(state="running", error="").where(CertificateBatch.id == batch.id).execute()
            record(actor, "certificates.retry", decision, old={"error": batch.error}, new={"batch": batch.id})
            batch = CertificateBatch.get_by_id(batch.id)
    if batch.state != "done":
        queue(batch)
    return batch


def queue(batch: CertificateBatch, delay: float = 0, copies: int | None = None) -> None:
    """Queue the batch's worker tasks (``CERTIFICATE_TASKS`` of them, so that several workers share it)."""
    from ..tasks import run_certificate_batch
    for _n in range(max(SETTINGS.tasks if copies is None else copies, 1)):
        if delay > 0:
            run_certificate_batch.schedule((batch.id,), delay=delay)
        else:
            run_certificate_batch(batch.id)


def resume_unfinished(now: dt.datetime | None = None) -> int:
    """Queue again each unfinished batch that no live claim is working on (its worker was killed,
    or its tasks were lost); one whose claims are still live comes back when the last expires.
    Returns how many batches were queued now."""
    now = now or utcnow()
    queued = 0
    for batch in CertificateBatch.select().where(CertificateBatch.state.in_(("queued", "running"))):
        live = (CertificateChunk.select(CertificateChunk.claimed_until)
                .where(CertificateChunk.batch == batch, CertificateChunk.sha256 == "",
                       CertificateChunk.claimed_until >= now)
                .order_by(CertificateChunk.claimed_until.desc()).limit(1).scalar())
        if live is None:
            queue(batch)
            queued += 1
        else:
            queue(batch, delay=(live - now).total_seconds() + 1, copies=1)
    return queued


def _chain(decision: Decision) -> list[int]:
    """The ids of the decisions ``decision`` amends, nearest first."""
    ids, current = [], decision.supersedes_id
    while current is not None and current not in ids:
        ids.append(current)
        current = Decision.select(Decision.supersedes).where(Decision.id == current).scalar()
    return ids


def plan(batch: CertificateBatch, now: dt.datetime | None = None) -> bool:
    """Number the decision's certificates (if not yet) and cut the batch into chunks, in one
    transaction; False when another worker planned it first."""
    now = now or utcnow()
    with db.atomic():
        taken = (CertificateBatch.update(state="running", started_at=now)
                 .where(CertificateBatch.id == batch.id, CertificateBatch.state == "queued").execute())
        if not taken:
            return False
        decision = Decision.get_by_id(batch.decision_id)
        if not Certificate.select().where(Certificate.decision == decision).exists():
            _number(decision, now)
        forms = (Certificate.select(Certificate.number, AwardRule.form).join(AwardRule)
                 .where(Certificate.decision == decision).order_by(Certificate.number).tuples())
        chunks, seq = [], 0
        for _form, run in groupby(forms, key=lambda row: row[1]):
            numbers = [n for n, _f in run]
            for start in range(0, len(numbers), SETTINGS.chunk):
                part = numbers[start:start + SETTINGS.chunk]
                seq += 1
                chunks.append({"batch": batch.id, "seq": seq, "first": part[0], "last": part[-1]})
        if chunks and not CertificateChunk.select().where(CertificateChunk.batch == batch.id).exists():
            CertificateChunk.insert_many(chunks).execute()
        total = sum(c["last"] - c["first"] + 1 for c in chunks)
        CertificateBatch.update(total=total).where(CertificateBatch.id == batch.id).execute()
    return True


def _number(decision: Decision, now: dt.datetime) -> None:
    """Certificates 1..n for the decision's lines not yet certified by a decision it amends."""
    chain = _chain(decision)
    done = set()
    if chain:
        done = set(Certificate.select(Certificate.submission, Certificate.rule)
                   .where(Certificate.decision.in_(chain), Certificate.revoked_at.is_null()).tuples())
    lines = [a for a in decision.awards.order_by(DecisionAward.position) if (a.submission_id, a.rule_id) not in done]
    if not lines:
        return
    GoldenBook.insert(authority=decision.authority, last_number=0).on_conflict_ignore().execute()
    GoldenBook.update(last_number=GoldenBook.last_number + len(lines)).where(
        GoldenBook.authority == decision.authority).execute()
    last = GoldenBook.select(GoldenBook.last_number).where(GoldenBook.authority == decision.authority).scalar()
    achievement = wording.achievement_line(decision.campaign.title)
    Certificate.insert_many([
        {"decision": decision.id, "number": i, "rule": a.rule_id, "submission": a.submission_id,
         "golden_book_no": str(last - len(lines) + i), "verify_code": secrets.token_urlsafe(24),
         "recipient_name": a.recipient_name, "recipient_detail": a.recipient_detail,
         "achievement": achievement, "issued_at": now}
        for i, a in enumerate(lines, 1)]).execute()


def texts(decision: Decision, first: int, last: int) -> list[wording.CertificateText]:
    """What the certificates numbered ``first``..``last`` print, in number order."""
    campaign: Campaign = decision.campaign
    day = decision.signed_on or decision.approved_at.date()
    rows = (Certificate.select(Certificate, AwardRule.form, AwardRule.title.alias("rule_title"),
                               DecisionAward.title.alias("line_title"))
            .join(AwardRule).switch(Certificate)
            .join(DecisionAward, JOIN.LEFT_OUTER, on=((DecisionAward.decision == Certificate.decision)
                                                      & (DecisionAward.submission == Certificate.submission)
                                                      & (DecisionAward.rule == Certificate.rule)))
            .where(Certificate.decision == decision, Certificate.number.between(first, last))
            .order_by(Certificate.number).objects())
    return [wording.CertificateText(
        form=c.form, number=c.number, issuer_title=campaign.issuer_title.upper(), heading=wording.heading(c.form),
        award_title=c.line_title or c.rule_title, recipient=c.recipient_name, recipient_detail=c.recipient_detail,
        achievement=c.achievement, place_date=wording.long_date(campaign.place, day),
        signer_title=decision.signer_title, signer_name=decision.signer_name,
        decision_line=wording.decision_line(decision.number, day), golden_book=f"Sổ vàng số {c.golden_book_no}",
        verify_code=c.verify_code, verify_url=f"{SETTINGS.public_url}/verify/{c.verify_code}") for c in rows]
