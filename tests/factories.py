"""Factories: defaults for everything, override what the test is about."""
from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from emulation.domain.policy import ScoringPolicy
from emulation.database import bulk_insert
from emulation.models import AwardRule, Cluster, Decision, DecisionAward, Person, Submission, Unit, User, utcnow
from emulation.services import accounts
from emulation.services.campaigns import CampaignInput, create_campaign
from emulation.services.criteria import import_criteria

CRITERIA = Path(__file__).resolve().parent.parent / "criteria"
PASSWORD = "mat-khau-demo-2026"


def windows(start: dt.datetime | None = None) -> dict[str, dt.datetime]:
    """Six ordered local times, the submission window open around ``start`` (default now)."""
    start = start or dt.datetime.now().replace(microsecond=0, second=0)
    return {
        "submission_opens": start - dt.timedelta(days=10),
        "submission_closes": start + dt.timedelta(days=20),
        "review_opens": start + dt.timedelta(days=21),
        "review_closes": start + dt.timedelta(days=40),
        "council_opens": start + dt.timedelta(days=41),
        "council_closes": start + dt.timedelta(days=60),
    }


class Factory:
    def __init__(self) -> None:
        self.seq = itertools.count(1)

    def cluster(self, **kw) -> Cluster:
        n = next(self.seq)
        return Cluster.create(**{"code": f"C{n}", "name": f"Cụm thi đua số {n}", **kw})

    def unit(self, **kw) -> Unit:
        n = next(self.seq)
        return Unit.create(**{"code": f"U{n}", "name": f"Phường Số {n}", "kind": "phường", **kw})

    def person(self, unit: Unit | None = None, **kw) -> Person:
        n = next(self.seq)
        return Person.create(**{"unit": unit or self.unit(), "staff_code": f"P{n}",
                                "full_name": f"Nguyễn Văn {n}", "gender": "M", **kw})

    def user(self, role: str | None = None, *, unit: Unit | None = None, campaign=None,
             username: str | None = None, password: str = PASSWORD, **kw) -> User:
        n = next(self.seq)
        user = accounts.create_user(None, username=username or f"user{n}",
                                    full_name=kw.pop("full_name", f"Người dùng {n}"),
                                    password=password, **kw)
        if role == "officer" and unit is None:
            unit = self.unit()
        if role in ("peer", "leader") and campaign is None:
            campaign = self.campaign()
        if role:
            accounts.grant_role(None, user, role, unit=unit, campaign=campaign)
        return user

    def criteria_set(self, name: str = "hn-van-hoa-cong-so-v1.toml"):
        path = CRITERIA / name
        return import_criteria(None, path.read_text(encoding="utf-8"), path.name).criteria_set

    def campaign(self, **kw):
        n = next(self.seq)
        data = CampaignInput(
            slug=kw.pop("slug", f"phong-trao-{n}"),
            title=kw.pop("title", f"Phong trào thi đua số {n}"),
            collective_set_id=kw.pop("collective_set_id", None) or self.criteria_set().id,
            individual_set_id=kw.pop("individual_set_id", None),
            windows=kw.pop("windows", None) or windows(),
            policy=kw.pop("policy", None) or ScoringPolicy(),
            authority="Ủy ban nhân dân thành phố Hà Nội",
            issuer_title="CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
            signer_title="KT. CHỦ TỊCH – PHÓ CHỦ TỊCH", signer_name="Nguyễn Văn Phong",
            **kw)
        return create_campaign(None, data)

    def approved_decision(self, n: int, form: str = "bang-khen", number: str | None = None, campaign=None,
                          names: list[str] | None = None) -> Decision:
        """An approved decision awarding ``form`` to ``n`` collectives (units made here, in bulk)."""
        campaign = campaign or self.campaign()
        k = next(self.seq)
        title = {"bang-khen": "Bằng khen của Chủ tịch UBND Thành phố", "giay-khen": "Giấy khen"}[form]
        rule = AwardRule.create(campaign=campaign, precedence=k, title=title, form=form, target="collective",
                                quota_kind="count", quota_value=n)
        names = names or [f"Phường Số {k}-{i}" for i in range(1, n + 1)]
        bulk_insert(Unit, [Unit.code, Unit.name, Unit.kind], [(f"D{k}-{i}", names[i - 1], "phường")
                                                            for i in range(1, n + 1)])
        units = list(Unit.select().where(Unit.code.startswith(f"D{k}-")).order_by(Unit.id))
        now = utcnow()
        bulk_insert(Submission, [Submission.campaign, Submission.target, Submission.unit, Submission.subject_key,
                                 Submission.state], [(campaign.id, "collective", u.id, f"unit:{u.id}", "submitted")
                                                     for u in units])
        subs = {s.unit_id: s.id for s in Submission.select().where(Submission.campaign == campaign)}
        decision = Decision.create(campaign=campaign, number=number or f"{1000 + k}/QĐ-UBND",
                                   authority=campaign.authority, signed_on=now.date(),
                                   signer_title=campaign.signer_title, signer_name=campaign.signer_name,
                                   state="approved", approved_at=now, created_at=now)
        bulk_insert(DecisionAward, [DecisionAward.decision, DecisionAward.position, DecisionAward.rule,
                                    DecisionAward.submission, DecisionAward.title, DecisionAward.target,
                                    DecisionAward.recipient_name, DecisionAward.unit_name, DecisionAward.source],
                    [(decision.id, i, rule.id, subs[u.id], title, "collective", u.name, u.name, "rule")
                     for i, u in enumerate(units, 1)])
        return decision
