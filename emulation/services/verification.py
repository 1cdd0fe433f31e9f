"""Verifying certificates by their code (public) and revoking them (the committee).

Rules stated here:
- A verification code is what the certificate's QR code carries: 22–64 characters of the
  URL-safe alphabet ``A–Z a–z 0–9 _ -`` (≥ 128 bits from ``secrets``). A code of any other
  shape is unknown without asking the database; a well-formed code is compared exactly
  (case and every character count), and only certificates of approved decisions verify.
- The answer holds what the paper certificate itself shows — recipient, award title,
  decision number and date, issuing authority — and, for a revoked certificate, the date
  and reason of revocation. No scores, ranks or internal ids.
- Look-ups are throttled per client address: at most ``LOOKUP_LIMIT`` in each window of
  ``LOOKUP_WINDOW_SECONDS`` (fixed windows, counted in the database so that several app
  servers share the count; refused look-ups count too). Counters of past windows are
  deleted as new hits are counted.
- Revocation (thu hồi hiện vật khen thưởng, Luật Thi đua, khen thưởng 2022, chương VII) is
  the committee's, needs a written reason of at least ``MIN_REASON`` characters, happens
  once (a revoked certificate cannot be revoked again) and is audited. A revoked
  certificate stays verifiable and shows as revoked, with the date and the reason.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from flask_babel import gettext as _

from ..database import db
from ..models import AwardRule, Certificate, Decision, RateWindow, User, utcnow
from . import ServiceError
from .audit import record

CODE = re.compile(r"[A-Za-z0-9_-]{22,64}")
LOOKUP_LIMIT = 30
LOOKUP_WINDOW_SECONDS = 60
MIN_REASON = 20
_EPOCH = dt.datetime(1970, 1, 1)


@dataclass(frozen=True)
class Verification:
    """What the public verification page shows for one certificate."""
    state: str                      # "valid" | "revoked"
    recipient: str
    detail: str                     # position and unit of a person; empty for a collective
    title: str
    decision_number: str
    decision_date: dt.date | None
    authority: str
    revoked_at: dt.datetime | None = None
    reason: str = ""


@dataclass(frozen=True)
class Allowance:
    """Whether a look-up may go ahead; when not, how many seconds until the next window."""
    allowed: bool
    retry_after: int = 0


class AlreadyRevoked(ServiceError):
    """The certificate was revoked before: nothing to do (HTTP 409)."""
    status = 409


def well_formed(code: str) -> bool:
    """The code has the shape of a verification code (module rule)."""
    return bool(CODE.fullmatch(code or ""))


def verify(code: str) -> Verification | None:
    """The certificate whose code is exactly ``code``, or None (malformed codes: no query)."""
    if not well_formed(code):
        return None
    row = (Certificate.select(Certificate.recipient_name, Certificate.recipient_detail, Certificate.verify_code,
                              Certificate.revoked_at, Certificate.revoke_reason, Decision.number,
                              Decision.signed_on, Decision.authority, AwardRule.title)
           .join(Decision).switch(Certificate).join(AwardRule)
           .where(Certificate.verify_code == code, Decision.state == "approved")
           .dicts().first())
    if row is None or row["verify_code"] != code:   # exact, whatever the database's collation
        return None
    revoked = row["revoked_at"] is not None
    return Verification(
        state="revoked" if revoked else "valid", recipient=row["recipient_name"],
        detail=row["recipient_detail"], title=row["title"], decision_number=row["number"],
        decision_date=row["signed_on"], authority=row["authority"],
        revoked_at=row["revoked_at"], reason=row["revoke_reason"] if revoked else "")


def _window_start(now: dt.datetime, seconds: int) -> dt.datetime:
    elapsed = int((now - _EPOCH).total_seconds())
    return _EPOCH + dt.timedelta(seconds=elapsed - elapsed % seconds)


def allow_lookup(client: str, now: dt.datetime | None = None, *, limit: int = LOOKUP_LIMIT,
                 window_seconds: int = LOOKUP_WINDOW_SECONDS, bucket: str = "verify") -> Allowance:
    """Count one look-up by ``client`` (its address) and say whether it may go ahead (module rule)."""
    now = now or utcnow()
    start = _window_start(now, window_seconds)
    key = (client or "-")[:64]
    with db.atomic():
        RateWindow.delete().where(RateWindow.window_start < start).execute()
        (RateWindow.insert(bucket=bucket, key=key, window_start=start, hits=1)
         .on_conflict(conflict_target=[RateWindow.bucket, RateWindow.key, RateWindow.window_start],
                      update={RateWindow.hits: RateWindow.hits + 1})
         .execute())
        hits = (RateWindow.select(RateWindow.hits)
                .where(RateWindow.bucket == bucket, RateWindow.key == key, RateWindow.window_start == start)
                .scalar())
    if hits <= limit:
        return Allowance(True)
    wait = start + dt.timedelta(seconds=window_seconds) - now
    return Allowance(False, max(1, int(wait.total_seconds())))


def certificate_with_decision(certificate_id: int) -> Certificate | None:
    """The certificate with its decision and award rule loaded (one query), or None."""
    return (Certificate.select(Certificate, Decision, AwardRule)
            .join(Decision).switch(Certificate).join(AwardRule)
            .where(Certificate.id == certificate_id).first())


def revoke(actor: User, certificate: Certificate, reason: str, now: dt.datetime | None = None) -> Certificate:
    """Revoke a certificate with the committee's written reason (module rules); audited."""
    reason = unicodedata.normalize("NFC", (reason or "").strip())
    if not actor.has_role("committee"):
        raise ServiceError(_("Chỉ Ban Thi đua – Khen thưởng được thu hồi bằng khen, giấy khen."))
    now = now or utcnow()
    with db.atomic():
        current = Certificate.get_or_none(Certificate.id == certificate.id)
        if current is None:
            raise ServiceError(_("Không tìm thấy bằng khen/giấy khen này."))
        if current.revoked_at is not None:
            raise AlreadyRevoked(_("Bằng khen/giấy khen này đã bị thu hồi từ trước; không thu hồi lại được."))
        if len(reason) < MIN_REASON:
            raise ServiceError(_("Lý do thu hồi cần ít nhất %(n)d ký tự, nêu rõ căn cứ thu hồi "
                                 "(Luật Thi đua, khen thưởng 2022, chương VII).", n=MIN_REASON), field="reason")
        changed = (Certificate.update(revoked_at=now, revoke_reason=reason)
                   .where(Certificate.id == current.id, Certificate.revoked_at.is_null()).execute())
        if not changed:     # revoked meanwhile by someone else
            raise AlreadyRevoked(_("Bằng khen/giấy khen này đã bị thu hồi từ trước; không thu hồi lại được."))
        record(actor, "certificate.revoke", current,
               old={"revoked_at": None, "revoke_reason": ""},
               new={"revoked_at": now.isoformat(), "revoke_reason": reason, "decision": current.decision_id,
                    "number": current.number, "recipient": current.recipient_name})
    return Certificate.get_by_id(certificate.id)
