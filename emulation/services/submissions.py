"""Self-assessments: open, save drafts, submit, return for revision, lock after the window.

Every write is refused outside the campaign's submission window (server time, shown in
the campaign's time zone), on a state the unit may not edit, or when the form was
loaded from an older version of the submission (another tab or officer saved since).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from peewee import JOIN

from ..database import db
from ..domain.criteria import CriteriaSet as SetData, check_value
from ..domain.policy import parse_decimal
from ..domain.submission import EDITABLE, missing, next_state, window_open
from ..models import (Campaign, CampaignUnit, Criterion, Evidence, ReturnNote, SelfScore, Submission,
                      Unit, User, utcnow)
from . import CriterionErrors, ServiceError, translate
from .audit import record
from .campaigns import to_local
from .criteria import domain_set
from .self_totals import recompute as recompute_self_totals


@dataclass(frozen=True)
class Entry:
    """What the form sent for one criterion: the typed value (text) and the explanation."""
    raw: str
    explanation: str = ""


class EntryErrors(CriterionErrors):
    """Some self-scores cannot be read or are out of bounds; nothing was saved."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_("Chưa lưu: %(n)d ô điểm cần sửa (đánh dấu đỏ bên dưới).", n=len(errors)), errors)


class StaleSave(ServiceError):
    """The form was loaded from an older version; ``changes`` lists what differs now."""

    def __init__(self, current_version: int, changes: list[tuple[str, str, str, str]]) -> None:
        super().__init__(_("Hồ sơ đã được lưu ở nơi khác (tab khác hoặc cán bộ khác) sau khi bạn mở trang. "
                           "Nội dung bạn nhập chưa được lưu và vẫn còn trên trang: hãy xem các thay đổi, "
                           "rồi bấm lưu lại nếu muốn giữ bản của bạn."))
        self.current_version = current_version
        self.changes = changes


class Incomplete(ServiceError):
    """The draft is saved, but cannot be submitted yet; ``missing`` says what is lacking."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        super().__init__(_("Đã lưu nháp nhưng chưa nộp được: còn %(n)d mục cần bổ sung.", n=len(items)),
                         problems=[message for _code, message in items])
        self.items = items


def criteria_row(submission: Submission):
    campaign = submission.campaign
    return campaign.collective_set if submission.target == "collective" else campaign.individual_set


def criteria_of(submission: Submission) -> tuple[SetData, dict[str, Criterion]]:
    """The pure criteria set and the stored criteria rows by code."""
    row = criteria_row(submission)
    return domain_set(row), {c.code: c for c in row.criteria}


def open_collective(campaign: Campaign, unit: Unit) -> Submission:
    """The unit's self-assessment in the campaign, created as a draft on first open."""
    if not CampaignUnit.select().where(CampaignUnit.campaign == campaign, CampaignUnit.unit == unit).exists():
        raise ServiceError(_("Đơn vị không tham gia phong trào này."))
    submission, _created = Submission.get_or_create(
        campaign=campaign, subject_key=f"unit:{unit.id}",
        defaults={"target": "collective", "unit": unit})
    return submission


def stored_scores(submission: Submission) -> dict[str, SelfScore]:
    rows = SelfScore.select(SelfScore, Criterion.id, Criterion.code).join(Criterion).where(SelfScore.submission == submission)
    return {r.criterion.code: r for r in rows}


def evidence_by_code(submission: Submission) -> dict[str | None, list[Evidence]]:
    rows = (Evidence.select(Evidence, Criterion.id, Criterion.code).join(Criterion, join_type=JOIN.LEFT_OUTER)
            .where(Evidence.submission == submission).order_by(Evidence.id))
    grouped: dict[str | None, list[Evidence]] = {}
    for e in rows:
        grouped.setdefault(e.criterion.code if e.criterion_id else None, []).append(e)
    return grouped


def _when(moment: dt.datetime, campaign: Campaign) -> str:
    return to_local(moment, campaign.timezone).strftime("%H:%M ngày %d/%m/%Y")


def check_window(campaign: Campaign, now: dt.datetime) -> None:
    """Refuse any write outside the submission window (the closing instant is too late)."""
    if now < campaign.submission_opens:
        raise ServiceError(_("Chưa đến thời gian nộp hồ sơ: mở từ %(d)s.", d=_when(campaign.submission_opens, campaign)))
    if not window_open(now, campaign.submission_opens, campaign.submission_closes):
        raise ServiceError(_("Đã hết thời hạn nộp hồ sơ lúc %(d)s. Hồ sơ không thể thay đổi nữa; "
                             "nội dung vừa nhập chưa được lưu.", d=_when(campaign.submission_closes, campaign)))


def check_editable(submission: Submission, now: dt.datetime) -> None:
    check_window(submission.campaign, now)
    if submission.state not in EDITABLE:
        raise ServiceError(_("Hồ sơ đã nộp nên chỉ xem được. Nếu cần sửa, đề nghị thư ký hội đồng trả lại hồ sơ."))


def parse_entries(cs: SetData, entries: dict[str, Entry]) -> tuple[dict[str, Decimal | None], dict[str, str]]:
    """Typed values → Decimals by criterion code, and a message per value that cannot be used."""
    values: dict[str, Decimal | None] = {}
    errors: dict[str, str] = {}
    for c in cs.criteria:
        raw = entries.get(c.code, Entry("")).raw.strip()
        if not raw:
            values[c.code] = None
            continue
        value = parse_decimal(raw)
        problem = (_("Tiêu chí %(code)s: «%(raw)s» không phải là số.", code=c.code, raw=raw)
                   if value is None else check_value(c, value))
        if problem:
            errors[c.code] = problem
        else:
            values[c.code] = value
    return values, errors


def _show(value: Decimal | None) -> str:
    return "—" if value is None else format(value.normalize(), "f").replace(".", ",")


def _changes(cs: SetData, stored: dict[str, SelfScore], values: dict[str, Decimal | None],
             entries: dict[str, Entry]) -> list[tuple[str, str, str, str]]:
    """(code, title, what is stored now, what this form says) for each differing criterion."""
    rows = []
    for c in cs.criteria:
        row = stored.get(c.code)
        theirs_v, theirs_e = (row.value, row.explanation) if row else (None, "")
        mine_e = entries.get(c.code, Entry("")).explanation.strip()
        if theirs_v != values.get(c.code) or theirs_e != mine_e:
            rows.append((c.code, c.title, f"{_show(theirs_v)} {theirs_e}".strip(),
                         f"{_show(values.get(c.code))} {mine_e}".strip()))
    return rows


def save_draft(actor: User, submission: Submission, entries: dict[str, Entry], expected_version: int,
               now: dt.datetime | None = None) -> Submission:
    """Save the typed values and explanations; all or nothing."""
    now = now or utcnow()
    check_editable(submission, now)
    cs, rows = criteria_of(submission)
    values, errors = parse_entries(cs, entries)
    if errors:
        raise EntryErrors(errors)
    with db.atomic():
        stored = stored_scores(submission)
        if submission.version != expected_version:
            raise StaleSave(submission.version, _changes(cs, stored, values, entries))
        bumped = (Submission.update(version=Submission.version + 1, updated_at=now)
                  .where(Submission.id == submission.id, Submission.version == expected_version).execute())
        if not bumped:  # another save won the race between our read and this write
            fresh = Submission.get_by_id(submission.id)
            raise StaleSave(fresh.version, _changes(cs, stored_scores(fresh), values, entries))
        old, new = {}, {}
        for c in cs.criteria:
            value = values.get(c.code)
            explanation = entries.get(c.code, Entry("")).explanation.strip()
            row = stored.get(c.code)
            if row is None:
                if value is None and not explanation:
                    continue
                SelfScore.create(submission=submission, criterion=rows[c.code], value=value, explanation=explanation)
            elif row.value == value and row.explanation == explanation:
                continue
            else:
                old[c.code] = {"value": row.value, "explanation": row.explanation}
                row.value, row.explanation = value, explanation
                row.save(only=[SelfScore.value, SelfScore.explanation])
            new[c.code] = {"value": value, "explanation": explanation}
        if new:
            recompute_self_totals([submission.id])
            record(actor, "submission.save", submission, old=old, new=new)
    submission.version = expected_version + 1
    return submission


def missing_items(submission: Submission) -> list[tuple[str, str]]:
    """(criterion code, message) for everything that blocks submitting."""
    cs, _rows = criteria_of(submission)
    values = {code: row.value for code, row in stored_scores(submission).items()}
    counts = {code: len(files) for code, files in evidence_by_code(submission).items() if code}
    return [(m.code, translate(m)) for m in missing(cs, values, counts)]


def submit(actor: User, submission: Submission, entries: dict[str, Entry], expected_version: int,
           now: dt.datetime | None = None) -> Submission:
    """Save, then submit if complete; when not, the draft stays saved and Incomplete lists what is missing."""
    now = now or utcnow()
    save_draft(actor, submission, entries, expected_version, now)
    items = missing_items(submission)
    if items:
        raise Incomplete(items)
    with db.atomic():
        state = next_state(submission.state, "submit")
        Submission.update(state=state, submitted_at=now, version=Submission.version + 1, updated_at=now).where(
            Submission.id == submission.id).execute()
        ReturnNote.update(resolved_at=now).where(ReturnNote.submission == submission,
                                                 ReturnNote.resolved_at.is_null()).execute()
        record(actor, "submission.submit", submission, old={"state": submission.state}, new={"state": state})
    return Submission.get_by_id(submission.id)


def return_for_revision(actor: User, submission: Submission, reasons: dict[int | None, str],
                        expected_version: int, now: dt.datetime | None = None) -> Submission:
    """The secretary sends a submitted self-assessment back, with a reason per criterion."""
    now = now or utcnow()
    check_window(submission.campaign, now)
    reasons = {k: v.strip() for k, v in reasons.items() if v and v.strip()}
    if submission.state != "submitted":
        raise ServiceError(_("Chỉ trả lại được hồ sơ đã nộp."))
    if not reasons:
        raise ServiceError(_("Cần ghi lý do trả lại cho ít nhất một tiêu chí."))
    if submission.version != expected_version:
        raise StaleSave(submission.version, [])
    with db.atomic():
        for criterion_id, reason in reasons.items():
            ReturnNote.create(submission=submission, criterion=criterion_id, reason=reason, created_by=actor,
                              created_at=now)
        state = next_state(submission.state, "return")
        Submission.update(state=state, version=Submission.version + 1, updated_at=now).where(
            Submission.id == submission.id).execute()
        record(actor, "submission.return", submission, old={"state": submission.state},
               new={"state": state, "reasons": {str(k): v for k, v in reasons.items()}})
    return Submission.get_by_id(submission.id)


def lock_due(now: dt.datetime | None = None) -> int:
    """Lock every unlocked submission of campaigns whose submission window has closed."""
    now = now or utcnow()
    locked = 0
    for campaign in Campaign.select().where(Campaign.submission_closes <= now):
        with db.atomic():
            count = (Submission.update(state="locked", version=Submission.version + 1, updated_at=now)
                     .where(Submission.campaign == campaign, Submission.state != "locked").execute())
            if count:
                record(None, "submission.lock", campaign, new={"locked": count})
        locked += count
    return locked


def progress(submission: Submission) -> list[tuple[str, str, int, int]]:
    """Per criteria group: (code, title, done, needed) — values entered plus required evidence."""
    from ..domain.submission import completion
    cs, _rows = criteria_of(submission)
    values = {code: row.value for code, row in stored_scores(submission).items()}
    counts = {code: len(files) for code, files in evidence_by_code(submission).items() if code}
    titles = {g.code: g.title for g in cs.groups}
    return [(code, titles[code], done, needed) for code, done, needed in completion(cs, values, counts)]


def effective_state(submission: Submission, now: dt.datetime | None = None) -> str:
    """The state as the unit sees it: past the deadline everything is locked, task run or not."""
    now = now or utcnow()
    if submission.state != "locked" and now >= submission.campaign.submission_closes:
        return "locked"
    return submission.state


__all__ = ["Entry", "EntryErrors", "StaleSave", "Incomplete", "open_collective", "save_draft", "submit",
           "return_for_revision", "lock_due", "effective_state", "missing_items"]
