"""Rebuilding a campaign's results table: scores (DESIGN §3), ranks (§4) and award outcomes (§5).

- The database sums the scores: one grouped query gives every submitted review's total
  (Σscore + Σbonus − Σpenalty on the stored scaled integers, exact), the number of values
  it holds and whether it gives a ``disqualifying`` criterion a value > 0; a second one the
  self totals. A review or self-assessment with fewer values than criteria is incomplete.
- The pure domain does the rest: ``score_totals``, ``rank_scopes`` (overall and per
  cluster), ``propose`` over the campaign's award rules.
- The ``result`` rows of the campaign are replaced in one transaction and
  ``campaign.results_computed_at`` set, so a page never sees half a refresh.
- ``request_refresh`` records the request and queues the background task; the pages say
  "đang cập nhật" while ``results_requested_at`` is later than ``results_computed_at``.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN, Case, Value, fn

from ..database import bulk_insert, db
from ..domain import awards
from ..domain.ranking import Entry, rank_scopes
from ..domain.scoring import ReviewTotal, SubmissionScore, TotalsInput, q6, score_totals
from ..models import (Assignment, AwardRule, Campaign, Cluster, Criterion, Person, Result, Review, Score, SelfScore,
                      Submission, Unit, utcnow)
from .criteria import domain_set

SCORED = ("submitted", "locked")


@dataclass(frozen=True)
class Refreshed:
    campaign_id: int
    rows: int
    computed_at: dt.datetime


def _scaled(value: int | None) -> Decimal | None:
    """A SUM of FixedDecimalField(places=3) integers back to the exact Decimal."""
    return None if value is None else Decimal(int(value)).scaleb(-3)


def _signed_sum(model):
    value = model.value
    # (-field is DESC in peewee, and field * -1 would scale the -1 like a stored value)
    return fn.SUM(Case(Criterion.kind, (("penalty", Value(-1, converter=False) * value),), value)).coerce(False)


def totals(campaign: Campaign, target: str) -> tuple[list[TotalsInput], dict[int, tuple[str, int | None, str]]]:
    """The totals of every scored submission of a target, and (name, cluster id, cluster code) of each."""
    row = campaign.collective_set if target == "collective" else campaign.individual_set
    count = Criterion.select().where(Criterion.criteria_set == row).count()
    subjects = {}
    for sid, unit_name, person_name, cluster_id, cluster_code in (
            Submission.select(Submission.id, Unit.name, Person.full_name, Cluster.id, Cluster.code)
            .join(Unit).join(Cluster, JOIN.LEFT_OUTER).switch(Submission).join(Person, JOIN.LEFT_OUTER)
            .where(Submission.campaign == campaign, Submission.target == target, Submission.state.in_(SCORED))
            .tuples()):
        subjects[sid] = (person_name or unit_name, cluster_id, cluster_code)
    own = {sid: _scaled(total) if n == count else None for sid, total, n in (
        SelfScore.select(SelfScore.submission, _signed_sum(SelfScore), fn.COUNT(SelfScore.value))
        .join(Criterion).join_from(SelfScore, Submission)
        .where(Submission.campaign == campaign, Submission.target == target, Submission.state.in_(SCORED))
        .group_by(SelfScore.submission).tuples())}
    disq = fn.MAX(Case(None, ((Criterion.disqualifying & (Score.value > 0), 1),), 0)).coerce(False)
    reviews: dict[int, list[ReviewTotal]] = defaultdict(list)
    for sid, reviewer, role, total, n, flag in (
            Score.select(Assignment.submission, Assignment.reviewer, Assignment.role, _signed_sum(Score),
                         fn.COUNT(Score.value), disq)
            .join(Criterion).join_from(Score, Review).join(Assignment).join(Submission)
            .where(Submission.campaign == campaign, Submission.target == target, Submission.state.in_(SCORED),
                   Review.state == "submitted")
            .group_by(Review.id, Assignment.submission, Assignment.reviewer, Assignment.role).tuples()):
        reviews[sid].append(ReviewTotal(reviewer, role, _scaled(total) if n == count else None, bool(flag)))
    items = [TotalsInput(sid, own.get(sid), tuple(sorted(reviews.get(sid, ()), key=lambda r: r.reviewer_id)))
             for sid in sorted(subjects)]
    return items, subjects


def refresh_results(campaign: Campaign, now: dt.datetime | None = None) -> Refreshed:
    """Recompute and replace the campaign's results (see the module docstring)."""
    now = now or utcnow()
    policy = campaign.policy
    scored: dict[int, tuple[str, SubmissionScore, tuple[str, int | None, str]]] = {}
    rankings: dict[str, list[Entry]] = {}
    for target, row in (("collective", campaign.collective_set), ("individual", campaign.individual_set)):
        if row is None:
            continue
        items, subjects = totals(campaign, target)
        entries = []
        for score in score_totals(policy, domain_set(row), items):
            name, _cluster_id, code = subjects[score.submission_id]
            scored[score.submission_id] = (target, score, subjects[score.submission_id])
            entries.append(Entry(score.submission_id, name, code, score.F, score.L, score.P, score.pending,
                                 score.band))
        rankings[target] = entries
    ranks: dict[int, list[int | None]] = defaultdict(lambda: [None, None])
    for entries in rankings.values():
        for key, ranking in rank_scopes(entries).items():
            for r in ranking:
                ranks[r.entry.submission_id][0 if key is None else 1] = r.rank
    rules = [awards.AwardRule(r.id, r.precedence, r.title, r.target, r.min_band, r.min_score, r.quota_kind,
                              r.quota_value, r.per_cluster)
             for r in AwardRule.select().where(AwardRule.campaign == campaign)]
    outcomes: dict[int, list[dict]] = defaultdict(list)
    for o in awards.propose(rules, rankings, policy.band_names()):
        outcomes[o.submission_id].append({"rule": o.rule_id, "status": o.status, "template": o.template,
                                          "params": dict(o.params)})
    rows = [(campaign.id, sid, target, cluster_id, s.S, s.P, s.L, s.F, s.peer.count, s.leader.count, s.pending,
             ",".join(s.pending_reasons), ",".join(sorted(s.flags)), s.disqualified, s.band or "",
             ranks[sid][0], ranks[sid][1], json.dumps(outcomes.get(sid, []), ensure_ascii=False), now)
            for sid, (target, s, (_name, cluster_id, _code)) in sorted(scored.items())]
    fields = [Result.campaign, Result.submission, Result.target, Result.cluster, Result.S, Result.P, Result.L,
              Result.F, Result.peer_count, Result.leader_count, Result.pending, Result.pending_reasons, Result.flags,
              Result.disqualified, Result.band, Result.rank_overall, Result.rank_cluster, Result.proposal,
              Result.computed_at]
    with db.atomic():
        Result.delete().where(Result.campaign == campaign).execute()
        bulk_insert(Result, fields, [_q6_row(r) for r in rows])
        Campaign.update(results_computed_at=now).where(Campaign.id == campaign.id).execute()
    return Refreshed(campaign.id, len(rows), now)


def _q6_row(row: tuple) -> tuple:
    """S, P, L, F (positions 4–7) at q6, the precision the results table keeps."""
    return (*row[:4], *(q6(v) for v in row[4:8]), *row[8:])


def request_refresh(campaign: Campaign, now: dt.datetime | None = None) -> None:
    """Record that the results are stale and queue the background refresh."""
    Campaign.update(results_requested_at=now or utcnow()).where(Campaign.id == campaign.id).execute()
    from ..tasks import refresh_campaign_results
    refresh_campaign_results(campaign.id)


def refreshing(campaign: Campaign) -> bool:
    """A refresh was asked for after the last one finished."""
    requested, computed = campaign.results_requested_at, campaign.results_computed_at
    return requested is not None and (computed is None or requested > computed)
