"""Campaigns: create and edit with validated policy and windows; describe their phase."""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from ..database import db
from ..domain.policy import ScoringPolicy, validate_policy, validate_windows, WINDOW_ORDER
from ..models import Campaign, CampaignUnit, CriteriaSet, Submission, Unit, User, utcnow
from . import ServiceError, translate
from .audit import changes, record

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,78}$")
TEXT_FIELDS = ("title", "description", "authority", "issuer_title", "signer_title",
               "signer_name", "place")


@dataclass
class CampaignInput:
    """What the committee enters; windows are local times in ``timezone``."""
    slug: str
    title: str
    collective_set_id: int
    individual_set_id: int | None
    windows: dict[str, dt.datetime]
    policy: ScoringPolicy
    authority: str
    issuer_title: str
    signer_title: str
    signer_name: str
    place: str = "Hà Nội"
    description: str = ""
    unit_ids: list[int] = field(default_factory=list)
    timezone: str = "Asia/Ho_Chi_Minh"
    publication_days: int = 10      # công khai: days units may object after the results are published


def to_utc(local: dt.datetime, tz: str) -> dt.datetime:
    """A naive local time in ``tz`` → naive UTC (how the database stores it)."""
    aware = local.replace(tzinfo=ZoneInfo(tz)) if local.tzinfo is None else local
    return aware.astimezone(dt.timezone.utc).replace(tzinfo=None)


def to_local(utc: dt.datetime, tz: str) -> dt.datetime:
    return utc.replace(tzinfo=dt.timezone.utc).astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def _problems(data: CampaignInput, campaign: Campaign | None) -> list[tuple[str, str]]:
    found = [(p.field, translate(p)) for p in validate_policy(data.policy)]
    found += [(p.field, translate(p)) for p in validate_windows(data.windows)]
    if not SLUG.match(data.slug):
        found.append(("slug", _("Mã phong trào chỉ gồm chữ thường không dấu, số và dấu gạch ngang.")))
    elif Campaign.select().where(Campaign.slug == data.slug,
                                 Campaign.id != (campaign.id if campaign else 0)).exists():
        found.append(("slug", _("Mã phong trào «%(s)s» đã được dùng.", s=data.slug)))
    sets = {s.id: s for s in CriteriaSet.select().where(
        CriteriaSet.id.in_([data.collective_set_id, data.individual_set_id or 0]))}
    coll = sets.get(data.collective_set_id)
    if coll is None or coll.target != "collective":
        found.append(("collective_set_id", _("Chọn một bộ tiêu chí dành cho tập thể.")))
    if data.individual_set_id:
        ind = sets.get(data.individual_set_id)
        if ind is None or ind.target != "individual":
            found.append(("individual_set_id", _("Bộ tiêu chí cá nhân phải dành cho cá nhân.")))
    if not 1 <= data.publication_days <= 90:
        found.append(("publication_days", _("Thời gian công khai kết quả từ 1 đến 90 ngày.")))
    for name in ("title", "authority", "issuer_title", "signer_title", "signer_name"):
        if not getattr(data, name).strip():
            found.append((name, _("Vui lòng nhập thông tin này.")))
    return found


def _check(data: CampaignInput, campaign: Campaign | None) -> None:
    found = _problems(data, campaign)
    if found:
        raise ServiceError(_("Chưa lưu được phong trào: có %(n)d thông tin cần sửa.", n=len(found)),
                           problems=[f"{f}: {m}" for f, m in found])


def _values(data: CampaignInput) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(data, name).strip() for name in TEXT_FIELDS}
    values.update({name: to_utc(data.windows[name], data.timezone) for name in WINDOW_ORDER})
    values.update(slug=data.slug, timezone=data.timezone, publication_days=data.publication_days,
                  collective_set=data.collective_set_id,
                  individual_set=data.individual_set_id or None,
                  policy_json=json.dumps(data.policy.to_dict(), ensure_ascii=False, sort_keys=True))
    return values


def create_campaign(actor: User | None, data: CampaignInput) -> Campaign:
    """Create a campaign; units taking part default to every active unit."""
    _check(data, None)
    unit_ids = data.unit_ids or [u.id for u in Unit.select(Unit.id).where(Unit.active == True)]  # noqa: E712
    with db.atomic():
        campaign = Campaign.create(**_values(data))
        CampaignUnit.insert_many([(campaign.id, uid) for uid in sorted(set(unit_ids))],
                                 fields=[CampaignUnit.campaign, CampaignUnit.unit]).execute()
        record(actor, "campaign.create", campaign, new=_values(data) | {"units": len(unit_ids)})
    return campaign


def update_campaign(actor: User, campaign: Campaign, data: CampaignInput) -> Campaign:
    """Edit a campaign. Criteria sets are frozen once any submission exists."""
    _check(data, campaign)
    values = _values(data)
    has_submissions = Submission.select().where(Submission.campaign == campaign).exists()
    if has_submissions and (values["collective_set"] != campaign.collective_set_id
                            or values["individual_set"] != campaign.individual_set_id):
        raise ServiceError(_("Không thể đổi bộ tiêu chí khi các đơn vị đã bắt đầu tự đánh giá."),
                           field="collective_set_id")
    with db.atomic():
        old, new = changes(campaign, list(values), values)
        campaign.save()
        if data.unit_ids:
            current = {cu.unit_id for cu in campaign.participants}
            wanted = set(data.unit_ids)
            CampaignUnit.delete().where(CampaignUnit.campaign == campaign,
                                        CampaignUnit.unit.in_(current - wanted)).execute()
            for uid in sorted(wanted - current):
                CampaignUnit.create(campaign=campaign, unit=uid)
            if current != wanted:
                old["units"], new["units"] = sorted(current), sorted(wanted)
        if new:
            record(actor, "campaign.update", campaign, old=old, new=new)
    return campaign


PHASES = ("before", "submission", "between_submission_review", "review",
          "between_review_council", "council", "finished")


def phase(campaign: Campaign, now: dt.datetime | None = None) -> str:
    """Where a campaign stands now (UTC): which window is open, or between which."""
    now = now or utcnow()
    marks = [getattr(campaign, name) for name in WINDOW_ORDER]
    return PHASES[sum(1 for m in marks if now >= m)]


def describe(campaign: Campaign, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    current = phase(campaign, now)
    deadline = {"before": campaign.submission_opens, "submission": campaign.submission_closes,
                "review": campaign.review_closes, "council": campaign.council_closes}.get(current)
    days_left = None
    if deadline:  # a deadline 13 days 23 hours away is "còn 14 ngày", never less than it is
        days_left = -(-(deadline - now) // dt.timedelta(days=1))
    return {"campaign": campaign, "phase": current, "deadline": deadline, "days_left": days_left}


def overview() -> list[dict[str, Any]]:
    from peewee import fn
    counts = dict(CampaignUnit.select(CampaignUnit.campaign, fn.COUNT(CampaignUnit.id))
                  .group_by(CampaignUnit.campaign).tuples())
    result = []
    for c in Campaign.select().order_by(Campaign.submission_opens.desc()):
        row = describe(c)
        row["units"] = counts.get(c.id, 0)
        result.append(row)
    return result
