"""The council's list: the rule walk's proposals (results table) plus the council's changes.

The rules are in :mod:`emulation.domain.council`; this module loads the rows, checks the
changes there, writes them with an audit event and says whether the list is frozen by an
approved decision (every change then needs a new, draft decision first).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from ..database import db
from ..domain import council as rules
from ..domain.council import Change, Final, Outcome
from ..models import AwardRule, Campaign, CouncilChange, Decision, Result, Submission, User
from . import ServiceError, translate
from .audit import record


@dataclass(frozen=True)
class Group:
    """One ``council_decides`` tie group still to resolve: a rule, a scope, its members."""
    rule: AwardRule
    cluster_id: int | None
    members: tuple[Outcome, ...]

    @property
    def key(self) -> str:
        return f"{self.rule.id}:{self.cluster_id or 0}"


@dataclass(frozen=True)
class Ledger:
    """A campaign's (or one submission's) council state, loaded once: the rule walk's outcomes,
    the ranked submissions, each submission's cluster, the changes and the final states."""
    outcomes: tuple[Outcome, ...]
    ranked: frozenset[int]
    clusters: dict[int, int | None]
    changes: tuple[Change, ...]
    final: dict[int, Final]


def ledger(campaign: Campaign, submission: Submission | None = None) -> Ledger:
    """Load the state of the whole campaign, or of one submission only (the rules are per submission)."""
    results = Result.select(Result.submission, Result.proposal, Result.rank_overall, Result.cluster) \
        .where(Result.campaign == campaign)
    made = CouncilChange.select(CouncilChange.submission, CouncilChange.rule, CouncilChange.action,
                                CouncilChange.reason).where(CouncilChange.campaign == campaign)
    if submission is not None:
        results = results.where(Result.submission == submission)
        made = made.where(CouncilChange.submission == submission)
    found, ranked, clusters = [], set(), {}
    for sid, proposal, rank, cluster in results.tuples():
        clusters[sid] = cluster
        if rank is not None:
            ranked.add(sid)
        for o in json.loads(proposal or "[]"):
            if o["status"] in (rules.PROPOSED, rules.COUNCIL_DECIDES):
                remaining = o["params"].get("remaining")
                found.append(Outcome(sid, o["rule"], o["status"], int(remaining) if remaining else None))
    changes = tuple(Change(*row) for row in made.order_by(CouncilChange.id).tuples())
    return Ledger(tuple(found), frozenset(ranked), clusters, changes, rules.final_list(found, changes))


def final_states(campaign: Campaign) -> dict[int, Final]:
    """Every submission's final state (awarded by rule or council, undecided, none)."""
    return ledger(campaign).final


def final_state(submission: Submission) -> Final | None:
    """One submission's final state, reading only its own rows."""
    return ledger(submission.campaign, submission).final.get(submission.id)


def open_groups(campaign: Campaign, book: Ledger | None = None) -> list[Group]:
    """The ``council_decides`` groups not yet resolved, by rule precedence then cluster."""
    book = book or ledger(campaign)
    by_key: dict[tuple[int, int | None], list[Outcome]] = {}
    rule_rows = {r.id: r for r in AwardRule.select().where(AwardRule.campaign == campaign)}
    for o in book.outcomes:
        state = book.final.get(o.submission_id)
        if o.status == rules.COUNCIL_DECIDES and state and state.status == rules.UNDECIDED \
                and state.rule_id == o.rule_id:
            rule = rule_rows[o.rule_id]
            by_key.setdefault((o.rule_id, book.clusters[o.submission_id] if rule.per_cluster else None),
                              []).append(o)
    return [Group(rule_rows[rid], cid, tuple(members))
            for (rid, cid), members in sorted(by_key.items(),
                                              key=lambda kv: (rule_rows[kv[0][0]].precedence, kv[0][1] or 0))]


def frozen_by(campaign: Campaign) -> str | None:
    """The number of the approved decision that froze the list, unless a draft amendment is open."""
    if Decision.select().where(Decision.campaign == campaign, Decision.state == "draft").exists():
        return None
    approved = (Decision.select(Decision.number).where(Decision.campaign == campaign, Decision.state == "approved")
                .order_by(Decision.approved_at.desc(), Decision.id.desc()).first())
    return approved.number if approved else None


def _refuse(problem) -> None:
    if problem is not None:
        raise ServiceError(translate(problem), field="reason")


def change_award(actor: User, campaign: Campaign, submission: Submission, rule: AwardRule, action: str,
                 reason: str) -> CouncilChange:
    """Add or remove one award with the council's reason (domain rules), audited."""
    if submission.campaign_id != campaign.id or rule.campaign_id != campaign.id or rule.target != submission.target:
        raise ServiceError(translate(rules.Problem(rules.N_("Hình thức khen thưởng không áp dụng cho hồ sơ này."))))
    with db.atomic():
        book = ledger(campaign, submission)
        _refuse(rules.check_change(book.final.get(submission.id), submission.id in book.ranked, rule.id, action,
                                   reason, frozen_by(campaign)))
        change = CouncilChange.create(campaign=campaign, submission=submission, rule=rule, action=action,
                                      reason=reason.strip(), made_by=actor)
        record(actor, f"council.{action}", change, new={"submission": submission.id, "rule": rule.title,
                                                        "reason": change.reason})
    return change


def resolve(actor: User, campaign: Campaign, group_key: str, chosen: set[int], reason: str) -> list[CouncilChange]:
    """Resolve one tie group: the chosen get the award, the others do not; one reason, audited."""
    with db.atomic():
        group = next((g for g in open_groups(campaign) if g.key == group_key), None)
        if group is None:
            raise ServiceError(translate(rules.Problem(rules.N_(
                "Nhóm đồng hạng này đã được giải quyết hoặc không còn; hãy tải lại trang."))))
        made = rules.resolve_group(group.members, chosen, reason, frozen_by(campaign))
        if isinstance(made, rules.Problem):
            _refuse(made)
        rows = []
        for c in made:  # type: ignore[union-attr]
            row = CouncilChange.create(campaign=campaign, submission=c.submission_id, rule=c.rule_id,
                                       action=c.action, reason=c.reason, made_by=actor)
            rows.append(row)
        record(actor, "council.resolve", group.rule, new={
            "awarded": sorted(chosen), "not_awarded": sorted(m.submission_id for m in group.members
                                                             if m.submission_id not in chosen),
            "reason": reason.strip(), "cluster": group.cluster_id})
    return rows
