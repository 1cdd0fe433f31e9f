"""Public disclosure (công khai) of provisional results, and objections (ý kiến phản hồi) to them.

- The committee publishes the current results: ``results_published_at`` = now and
  ``publication_closes`` = now + ``publication_days`` (campaign setting). Publishing again
  opens a new window from that moment.
- While the window is open (``domain.council.objections_open``) the unit's officer may lodge
  an objection against its OWN submission's result: a reason of at least ``MIN_OBJECTION``
  characters and optionally one evidence file (checked like any evidence upload, stored
  content-addressed under a generated name).
- The secretary answers each objection once (``MIN_ANSWER`` characters); a second tab that
  answers an objection already answered is refused with who answered and when.
- Everything is audited; objections and answers appear in the decision's file.
"""
from __future__ import annotations

import datetime as dt
import hashlib

from flask_babel import gettext as _

from ..database import db
from ..domain.council import objections_open
from ..domain.evidence import MB, check_size, clean_filename, sniff
from ..models import Campaign, Objection, Submission, User, utcnow
from ..storage import evidence_store
from . import ServiceError, translate
from .audit import record
from .campaigns import to_local
from .evidence import _accepted

MIN_OBJECTION, MIN_ANSWER = 20, 10


def when(moment: dt.datetime, campaign: Campaign) -> str:
    """A moment in the campaign's time zone, as Vietnamese write it."""
    return to_local(moment, campaign.timezone).strftime("%H:%M ngày %d/%m/%Y")


def publish_results(actor: User, campaign: Campaign, now: dt.datetime | None = None) -> Campaign:
    """Open the publication window (module rules); refused when no results were computed yet."""
    now = now or utcnow()
    if campaign.results_computed_at is None:
        raise ServiceError(_("Chưa có kết quả để công khai: hãy tính kết quả trước."))
    closes = now + dt.timedelta(days=campaign.publication_days)
    old = {"published_at": campaign.results_published_at, "closes": campaign.publication_closes}
    with db.atomic():
        Campaign.update(results_published_at=now, publication_closes=closes).where(
            Campaign.id == campaign.id).execute()
        record(actor, "results.publish", campaign, old=old, new={"published_at": now, "closes": closes})
    campaign.results_published_at, campaign.publication_closes = now, closes
    return campaign


def can_object(campaign: Campaign, now: dt.datetime | None = None) -> bool:
    return objections_open(campaign.results_published_at, campaign.publication_closes, now or utcnow())


def lodge_objection(actor: User, submission: Submission, reason: str, filename: str = "", data: bytes = b"",
                    now: dt.datetime | None = None) -> Objection:
    """The officer's objection to its own unit's result (module rules); nothing is kept on a refusal."""
    campaign = submission.campaign
    if submission.unit_id not in actor.officer_unit_ids():
        raise ServiceError(_("Chỉ cán bộ của đơn vị có hồ sơ mới gửi được ý kiến phản hồi."))
    if not can_object(campaign, now):
        if campaign.results_published_at is None:
            raise ServiceError(_("Kết quả chưa được công khai nên chưa thể gửi ý kiến phản hồi."))
        raise ServiceError(_("Đã hết thời gian nhận ý kiến phản hồi lúc %(d)s.",
                             d=when(campaign.publication_closes, campaign)))
    reason = reason.strip()
    if len(reason) < MIN_OBJECTION:
        raise ServiceError(_("Hãy nêu rõ nội dung phản hồi (ít nhất %(n)d ký tự): tiêu chí nào, điểm nào, vì sao.",
                             n=MIN_OBJECTION), field="reason")
    evidence = {}
    if data:
        name = _accepted(clean_filename(filename))
        content_type = _accepted(sniff(name, data))
        refusal = check_size(name, len(data), campaign.max_file_mb * MB, 0, campaign.max_file_mb * MB)
        if refusal is not None:
            raise ServiceError(translate(refusal), field="file")
        sha256 = hashlib.sha256(data).hexdigest()
        try:
            evidence_store.put(data, sha256)
        except OSError:
            raise ServiceError(_("Không lưu được tệp «%(name)s» do lỗi lưu trữ trên máy chủ; vui lòng thử lại sau.",
                                 name=name), field="file") from None
        evidence = {"evidence_sha256": sha256, "evidence_name": name, "evidence_type": content_type,
                    "evidence_size": len(data)}
    with db.atomic():
        objection = Objection.create(campaign=campaign, submission=submission, lodged_by=actor, reason=reason,
                                     lodged_at=now or utcnow(), **evidence)
        record(actor, "objection.lodge", objection, new={"submission": submission.id, "reason": reason,
                                                         "evidence": evidence.get("evidence_name", "")})
    return objection


def answer_objection(actor: User, objection: Objection, answer: str, expected_version: int,
                     now: dt.datetime | None = None) -> Objection:
    """The secretary's answer, once (module rules)."""
    answer = answer.strip()
    if len(answer) < MIN_ANSWER:
        raise ServiceError(_("Hãy ghi câu trả lời (ít nhất %(n)d ký tự).", n=MIN_ANSWER), field="answer")
    now = now or utcnow()
    with db.atomic():
        updated = (Objection.update(answer=answer, answered_by=actor, answered_at=now,
                                    version=Objection.version + 1)
                   .where(Objection.id == objection.id, Objection.version == expected_version,
                          Objection.answered_at.is_null()).execute())
        if not updated:
            current = Objection.get_by_id(objection.id)
            who = current.answered_by.full_name if current.answered_by_id else ""
            raise ServiceError(_("Ý kiến này đã được %(who)s trả lời lúc %(d)s; câu trả lời của bạn chưa được lưu "
                                 "(được giữ bên dưới).", who=who,
                                 d=when(current.answered_at, objection.campaign) if current.answered_at else ""),
                               field="answer")
        record(actor, "objection.answer", objection, old={"answer": ""}, new={"answer": answer})
    return Objection.get_by_id(objection.id)
