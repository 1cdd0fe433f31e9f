"""The committee's award rules of a campaign: add, edit, remove (DESIGN §5).

- The checks are :func:`emulation.domain.award_rules.check_rule`'s.
- Rules can change until the results are published (công khai): the published list and
  everything after it (objections, the decision, the certificates) rest on them. After
  that, the message says so.
- A rule the council has already decided on (a tie resolved, a proposal added or removed)
  cannot be removed: its changes would go with it.
- Every change is audited (old → new) and queues a results refresh, so the proposals on
  the ranking and council pages follow the rules.
"""
from __future__ import annotations

from flask_babel import gettext as _

from ..database import db
from ..domain.award_rules import CheckedRule, RuleDraft, check_rule
from ..models import AwardRule, Campaign, CouncilChange, Decision, User
from . import ServiceError, translate
from .audit import changes, record
from .publication import when
from .results_refresh import request_refresh

FIELDS = ["precedence", "title", "form", "target", "min_band", "min_score", "quota_kind", "quota_value",
          "per_cluster"]


class RuleErrors(ServiceError):
    """The rule was refused; ``errors`` maps each faulty form field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_("Chưa lưu hình thức khen thưởng: %(n)d thông tin cần sửa.", n=len(errors)),
                         problems=list(errors.values()))
        self.errors = errors


def locked(campaign: Campaign) -> str | None:
    """Why the rules can no longer change, or None while they can."""
    if campaign.results_published_at is not None:
        return _("Kết quả đã công khai lúc %(d)s: không thể thay đổi hình thức khen thưởng nữa.",
                 d=when(campaign.results_published_at, campaign))
    number = Decision.select(Decision.number).where(Decision.campaign == campaign).scalar()
    if number:
        return _("Đã có Quyết định số %(n)s: không thể thay đổi hình thức khen thưởng nữa.", n=number)
    return None


def ordered(campaign: Campaign) -> list[AwardRule]:
    return list(AwardRule.select().where(AwardRule.campaign == campaign).order_by(AwardRule.precedence))


def next_precedence(campaign: Campaign) -> int:
    return (AwardRule.select(AwardRule.precedence).where(AwardRule.campaign == campaign)
            .order_by(AwardRule.precedence.desc()).scalar() or 0) + 1


def _checked(campaign: Campaign, draft: RuleDraft, rule: AwardRule | None) -> CheckedRule:
    reason = locked(campaign)
    if reason:
        raise ServiceError(reason)
    others = AwardRule.select(AwardRule.precedence).where(AwardRule.campaign == campaign)
    if rule is not None:
        others = others.where(AwardRule.id != rule.id)
    targets = [t for t, s in (("collective", campaign.collective_set_id), ("individual", campaign.individual_set_id))
               if s]
    checked, problems = check_rule(draft, bands=campaign.policy.band_names(), targets=targets,
                                   taken={p for (p,) in others.tuples()})
    if checked is None:
        raise RuleErrors({name: translate(p) for name, p in problems.items()})
    return checked


def save_rule(actor: User, campaign: Campaign, draft: RuleDraft, rule: AwardRule | None = None) -> AwardRule:
    """Add a rule (``rule`` None) or change one; audited; the results are refreshed."""
    checked = _checked(campaign, draft, rule)
    values = {name: getattr(checked, name) for name in FIELDS}
    with db.atomic():
        if rule is None:
            rule = AwardRule.create(campaign=campaign, **values)
            record(actor, "award_rule.create", rule, new={k: str(v) for k, v in values.items()})
        else:
            old, new = changes(rule, FIELDS, values)
            if not new:
                return rule
            rule.save()
            record(actor, "award_rule.update", rule, old={k: str(v) for k, v in old.items()},
                   new={k: str(v) for k, v in new.items()})
    request_refresh(campaign)
    return rule


def delete_rule(actor: User, campaign: Campaign, rule: AwardRule) -> None:
    """Remove a rule the council has not decided on; audited; the results are refreshed."""
    reason = locked(campaign)
    if reason:
        raise ServiceError(reason)
    if CouncilChange.select().where(CouncilChange.rule == rule).exists():
        raise ServiceError(_("Hội đồng đã có quyết định theo hình thức «%(t)s» nên không thể xóa; "
                             "hãy sửa hình thức này thay vì xóa.", t=rule.title))
    with db.atomic():
        record(actor, "award_rule.delete", rule, old={name: str(getattr(rule, name)) for name in FIELDS})
        rule.delete_instance()
    request_refresh(campaign)
