"""The public hall of honour, "Những bông hoa đẹp": who was awarded in each campaign.

Rules stated here:
- A campaign appears once it has an approved decision. Its list is the frozen list
  (``DecisionAward``) of its CURRENT decisions: approved decisions that no approved
  decision supersedes — when an amendment is approved, the amended list replaces the old.
- An entry is hidden when a certificate was issued for it (same decision, submission and
  award rule) and has been revoked.
- People (individual awards) come first, then collectives; each in the decision's own order.
- A person's achievement story is the ``achievements`` text of the nomination that became
  the awarded submission. Collectives have no written story on the platform (their
  self-assessment is per-criterion scoring, not a narrative), so none is shown for them.
- Only what the decision itself makes public is shown: name, position and unit, award
  title, decision number and date, the story. No scores, ranks or bands.
- Search (``q``) is accent-insensitive (``domain.text_search``) over the name, the
  position/unit line and the unit's name.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..domain.text_search import matches, terms
from ..models import Campaign, Certificate, Decision, DecisionAward, Nomination


@dataclass(frozen=True)
class DecisionRef:
    number: str
    signed_on: dt.date | None
    authority: str


@dataclass(frozen=True)
class Honoree:
    """One awarded person or collective, as the public page shows it."""
    name: str
    detail: str
    unit_name: str
    title: str
    target: str                     # "individual" | "collective"
    decision: DecisionRef
    story: str


@dataclass(frozen=True)
class CampaignSummary:
    """A campaign on the hall's front page."""
    slug: str
    title: str
    decisions: tuple[DecisionRef, ...]
    people: int
    collectives: int


@dataclass(frozen=True)
class CampaignHonours:
    """A campaign's page: its decisions and the entries matching the search."""
    slug: str
    title: str
    description: str
    decisions: tuple[DecisionRef, ...]
    people: tuple[Honoree, ...]
    collectives: tuple[Honoree, ...]
    total: int                      # entries before the search
    query: str

    @property
    def found(self) -> int:
        return len(self.people) + len(self.collectives)


def _current_decisions(campaign: Campaign | None = None) -> list[Decision]:
    """Approved decisions not superseded by an approved amendment (module rule), latest first."""
    query = (Decision.select(Decision, Campaign).join(Campaign).where(Decision.state == "approved")
             .order_by(Decision.signed_on.desc(nulls="LAST"), Decision.approved_at.desc(nulls="LAST"),
                       Decision.id.desc()))
    if campaign is not None:
        query = query.where(Decision.campaign == campaign)
    approved = list(query)
    superseded = {d.supersedes_id for d in approved if d.supersedes_id}
    return [d for d in approved if d.id not in superseded]


def _ref(decision: Decision) -> DecisionRef:
    return DecisionRef(decision.number, decision.signed_on, decision.authority)


def _honorees(decisions: list[Decision], with_stories: bool) -> list[tuple[int, Honoree]]:
    """(decision id, entry) for the lists of ``decisions``, revoked ones left out, people first
    (module rules); three queries whatever the number of decisions."""
    if not decisions:
        return []
    by_id = {d.id: d for d in decisions}
    awards = list(DecisionAward.select().where(DecisionAward.decision.in_(list(by_id)))
                  .order_by(DecisionAward.decision, DecisionAward.position))
    revoked = set(Certificate.select(Certificate.decision, Certificate.submission, Certificate.rule)
                  .where(Certificate.decision.in_(list(by_id)), Certificate.revoked_at.is_null(False)).tuples())
    stories: dict[int, str] = {}
    individuals = [a.submission_id for a in awards if a.target == "individual"]
    if with_stories and individuals:
        stories = dict(Nomination.select(Nomination.submission, Nomination.achievements)
                       .where(Nomination.submission.in_(individuals)).tuples())
    entries = [(a.decision_id, Honoree(a.recipient_name, a.recipient_detail, a.unit_name, a.title, a.target,
                                       _ref(by_id[a.decision_id]), (stories.get(a.submission_id) or "").strip()))
               for a in awards if (a.decision_id, a.submission_id, a.rule_id) not in revoked]
    return sorted(entries, key=lambda pair: pair[1].target != "individual")   # stable: decision order kept


def campaigns() -> list[CampaignSummary]:
    """Every campaign with an approved decision, the most recently decided first."""
    decisions = _current_decisions()
    groups: dict[int, list[Decision]] = {}
    for d in decisions:
        groups.setdefault(d.campaign_id, []).append(d)
    campaign_of = {d.id: d.campaign_id for d in decisions}
    people: dict[int, int] = dict.fromkeys(groups, 0)
    collectives: dict[int, int] = dict.fromkeys(groups, 0)
    for decision_id, entry in _honorees(decisions, with_stories=False):
        counter = people if entry.target == "individual" else collectives
        counter[campaign_of[decision_id]] += 1
    return [CampaignSummary(group[0].campaign.slug, group[0].campaign.title, tuple(_ref(d) for d in group),
                            people[cid], collectives[cid]) for cid, group in groups.items()]


def campaign_honours(slug: str, query: str = "") -> CampaignHonours | None:
    """The campaign's page, filtered by ``query``; None when no such campaign has a decision."""
    campaign = Campaign.get_or_none(Campaign.slug == slug)
    if campaign is None:
        return None
    decisions = _current_decisions(campaign)
    if not decisions:
        return None
    entries = [entry for _, entry in _honorees(decisions, with_stories=True)]
    wanted = terms(query)
    found = [e for e in entries if matches(wanted, e.name, e.detail, e.unit_name)]
    return CampaignHonours(
        campaign.slug, campaign.title, campaign.description, tuple(_ref(d) for d in decisions),
        tuple(e for e in found if e.target == "individual"), tuple(e for e in found if e.target != "individual"),
        len(entries), " ".join(query.split()))
