"""Nominations of exemplary staff (đề nghị cá nhân tiêu biểu).

A unit nominates one of its active people for the campaign's individual titles,
with position and achievements; each nomination carries an individual
self-assessment (a Submission of target ``individual``) scored against the
campaign's individual criteria set with the same machinery as the unit's own.
Rules: the campaign must have an individual set; only inside the submission window;
a person at most once per campaign; at most ``campaign.nomination_quota`` per unit.
"""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from ..database import db
from ..domain.submission import EDITABLE
from ..models import Campaign, Nomination, Person, Submission, Unit, User, utcnow
from . import ServiceError
from .audit import record
from .submissions import check_window


def _check_text(position: str, achievements: str) -> tuple[str, str]:
    position, achievements = position.strip(), achievements.strip()
    if not position:
        raise ServiceError(_("Vui lòng ghi chức vụ của cá nhân được đề nghị."), field="position")
    if len(achievements) < 20:
        raise ServiceError(_("Hãy tóm tắt thành tích (ít nhất 20 ký tự): việc đã làm, kết quả, "
                             "ghi nhận của người dân, đồng nghiệp."), field="achievements")
    return position[:200], achievements[:10000]


def nominate(actor: User, campaign: Campaign, unit: Unit, person: Person, position: str, achievements: str,
             now: dt.datetime | None = None) -> Nomination:
    now = now or utcnow()
    if campaign.individual_set_id is None:
        raise ServiceError(_("Phong trào này không xét khen thưởng cá nhân."))
    check_window(campaign, now)
    if person.unit_id != unit.id or not person.active:
        raise ServiceError(_("Chỉ đề nghị được cán bộ đang công tác tại đơn vị."), field="person")
    if Nomination.select().where(Nomination.campaign == campaign, Nomination.person == person).exists():
        raise ServiceError(_("%(name)s đã được đề nghị trong phong trào này.", name=person.full_name),
                           field="person")
    position, achievements = _check_text(position, achievements)
    with db.atomic():
        used = Nomination.select().where(Nomination.campaign == campaign, Nomination.unit == unit).count()
        if used >= campaign.nomination_quota:
            raise ServiceError(_("Đơn vị đã đề nghị đủ %(q)d cá nhân theo chỉ tiêu của phong trào. "
                                 "Muốn đề nghị người khác, hãy rút một đề nghị đang là bản nháp.",
                                 q=campaign.nomination_quota))
        submission = Submission.create(campaign=campaign, target="individual", unit=unit, person=person,
                                       subject_key=f"person:{person.id}")
        nomination = Nomination.create(campaign=campaign, unit=unit, person=person, position=position,
                                       achievements=achievements, submission=submission)
        record(actor, "nomination.create", nomination,
               new={"person": person.full_name, "position": position, "unit": unit.code})
    return nomination


def update_nomination(actor: User, nomination: Nomination, position: str, achievements: str,
                      now: dt.datetime | None = None) -> Nomination:
    now = now or utcnow()
    check_window(nomination.campaign, now)
    if nomination.submission and nomination.submission.state not in EDITABLE:
        raise ServiceError(_("Đề nghị đã nộp nên chỉ xem được."))
    position, achievements = _check_text(position, achievements)
    with db.atomic():
        old = {"position": nomination.position, "achievements": nomination.achievements}
        nomination.position, nomination.achievements = position, achievements
        nomination.save(only=[Nomination.position, Nomination.achievements])
        record(actor, "nomination.update", nomination, old=old,
               new={"position": position, "achievements": achievements})
    return nomination


def withdraw(actor: User, nomination: Nomination, now: dt.datetime | None = None) -> None:
    """Withdraw a nomination whose self-assessment has not been submitted."""
    now = now or utcnow()
    check_window(nomination.campaign, now)
    submission = nomination.submission
    if submission is not None and submission.state != "draft":
        raise ServiceError(_("Chỉ rút được đề nghị chưa nộp."))
    with db.atomic():
        record(actor, "nomination.withdraw", nomination, old={"person": nomination.person.full_name})
        nomination.delete_instance()
        if submission is not None:
            submission.delete_instance(recursive=True)
