"""Rebuilding a campaign's results table: scores (DESIGN §3), ranks (§4) and award outcomes (§5).

- The database sums the scores. For every submitted review of the campaign × target, one
  grouped query gives Σ of its values with the penalty ones negated (the set's penalty
  criteria are known by id: no join per score), how many values it holds and, when the set
  has ``disqualifying`` criteria, whether it gives one a value > 0. So a total is
  Σscore + Σbonus − Σpenalty on the stored scaled integers, exact. The query groups by
  submission, then assignment: the database walks each submission's reviews and their
  scores in index order, with no sort. A second query gives the self totals likewise. A
  review or self-assessment with fewer values than criteria is incomplete.
- The pure domain does the rest: ``score_totals``, ``rank_scopes`` (overall and per
  cluster), ``propose`` over the campaign's award rules.
- The ``result`` rows of the campaign are replaced in one transaction (one prepared
  statement) and ``campaign.results_computed_at`` set, so a page never sees half a refresh.
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

from ..database import db, is_sqlite
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


def _rows(query) -> list[tuple]:
    """The raw rows of a query: ids, texts and the scaled integers as the database gives them."""
    return db.execute(query).fetchall()


def _signed(model, penalties: list[int]):
    """A value as it enters a total: the criteria in ``penalties`` subtract."""
    if not penalties:
        return model.value
    # (-field is DESC in peewee, and field * -1 would scale the -1 like a stored value)
    return Case(None, ((model.criterion.in_(penalties), Value(-1, converter=False) * model.value),), model.value)


def totals(campaign: Campaign, target: str) -> tuple[list[TotalsInput], dict[int, tuple[str, int | None, str]]]:
    """The totals of every scored submission of a target, and (name, cluster id, cluster code) of each."""
    row = campaign.collective_set if target == "collective" else campaign.individual_set
    criteria = _rows(Criterion.select(Criterion.id, Criterion.kind, Criterion.disqualifying)
                     .where(Criterion.criteria_set == row))
    count = len(criteria)
    penalties = [cid for cid, kind, _disq in criteria if kind == "penalty"]
    disqualifying = [cid for cid, _kind, disq in criteria if disq]
    scored = (Submission.campaign == campaign) & (Submission.target == target) & Submission.state.in_(SCORED)
    subjects = {sid: (person_name or unit_name, cluster_id, cluster_code)
                for sid, unit_name, person_name, cluster_id, cluster_code in _rows(
                    Submission.select(Submission.id, Unit.name, Person.full_name, Cluster.id, Cluster.code)
                    .join(Unit).join(Cluster, JOIN.LEFT_OUTER).switch(Submission).join(Person, JOIN.LEFT_OUTER)
                    .where(scored))}
    own = {sid: _scaled(total) for sid, total, n in _rows(
        Submission.select(Submission.id, fn.SUM(_signed(SelfScore, penalties)), fn.COUNT(SelfScore.value))
        .join(SelfScore).where(scored).group_by(Submission.id)) if n == count}
    # grouped by submission, then assignment: walked in index order, no sort (module docstring)
    columns = [Assignment.submission, Assignment.reviewer, Assignment.role, fn.SUM(_signed(Score, penalties)),
               fn.COUNT(Score.value)]
    if disqualifying:
        columns.append(fn.MAX(Case(None, ((Score.criterion.in_(disqualifying) & (Score.value > 0), 1),), 0)))
    reviews: dict[int, list[ReviewTotal]] = defaultdict(list)
    for sid, reviewer, role, total, n, *flag in _rows(
            Submission.select(*columns).join(Assignment).join(Review).join(Score)
            .where(scored, Review.state == "submitted").group_by(Submission.id, Assignment.id)):
        reviews[sid].append(ReviewTotal(reviewer, role, _scaled(total) if n == count else None,
                                        bool(flag and flag[0])))
    items = [TotalsInput(sid, own.get(sid), tuple(sorted(reviews.get(sid, ()), key=_by_reviewer)))
             for sid in sorted(subjects)]
    return items, subjects


def _by_reviewer(review: ReviewTotal) -> int:
    return review.reviewer_id


def _score(campaign: Campaign, target: str, row) -> tuple[list[SubmissionScore], dict[int, tuple]]:
    items, subjects = totals(campaign, target)
    return score_totals(campaign.policy, domain_set(row), items), subjects


def refresh_results(campaign: Campaign, now: dt.datetime | None = None) -> Refreshed:
    """Recompute and replace the campaign's results (see the module docstring).

    Refreshes of one campaign take turns, reading included, so a refresh never writes what
    it read before another one committed: on PostgreSQL by a transaction-scoped advisory
    lock on the campaign taken before reading (workers on several machines); on SQLite the
    write transaction is ``BEGIN IMMEDIATE`` and one machine's workers write in turn.
    """
    if is_sqlite():
        return _refresh(campaign, now or utcnow())
    with db.atomic():
        db.execute_sql("SELECT pg_advisory_xact_lock(%s, %s)", (ADVISORY_RESULTS, campaign.id))
        return _refresh(campaign, now or utcnow())


ADVISORY_RESULTS = 4242       # the advisory-lock namespace of results refreshes (PostgreSQL)


def _refresh(campaign: Campaign, now: dt.datetime) -> Refreshed:
    policy = campaign.policy
    rows: list[list] = []
    rankings: dict[str, list[Entry]] = {}
    for target, row in (("collective", campaign.collective_set), ("individual", campaign.individual_set)):
        if row is None:
            continue
        scores, subjects = _score(campaign, target, row)
        entries = rankings[target] = []
        for s in scores:
            name, cluster_id, code = subjects[s.submission_id]
            S, P, L, F = q6(s.S), q6(s.P), q6(s.L), q6(s.F)
            # ranking and awards compare q6 values: the quantized ones give the same outcome
            entries.append(Entry(s.submission_id, name, code, F, L, P, s.pending, s.band))
            rows.append([campaign.id, s.submission_id, target, cluster_id, _stored(S), _stored(P), _stored(L),
                         _stored(F), s.peer.count, s.leader.count, s.pending, ",".join(s.pending_reasons),
                         ",".join(sorted(s.flags)), s.disqualified, s.band or "", None, None, "[]"])
    position = {r[1]: i for i, r in enumerate(rows)}
    for entries in rankings.values():
        for key, ranking in rank_scopes(entries).items():
            column = _AT["rank_overall"] if key is None else _AT["rank_cluster"]
            for r in ranking:
                rows[position[r.entry.submission_id]][column] = r.rank
    rules = [awards.AwardRule(r.id, r.precedence, r.title, r.target, r.min_band, r.min_score, r.quota_kind,
                              r.quota_value, r.per_cluster)
             for r in AwardRule.select().where(AwardRule.campaign == campaign)]
    outcomes: dict[int, list[dict]] = defaultdict(list)
    for o in awards.propose(rules, rankings, policy.band_names()):
        outcomes[o.submission_id].append({"rule": o.rule_id, "status": o.status, "template": o.template,
                                          "params": dict(o.params)})
    for sid, found in outcomes.items():
        rows[position[sid]][_AT["proposal"]] = json.dumps(found, ensure_ascii=False)
    rows.sort(key=lambda r: r[1])
    with db.atomic():
        Result.delete().where(Result.campaign == campaign).execute()
        _insert_results(rows, now)
        Campaign.update(results_computed_at=now).where(Campaign.id == campaign.id).execute()
    return Refreshed(campaign.id, len(rows), now)


_FIELDS = (Result.campaign, Result.submission, Result.target, Result.cluster, Result.S, Result.P, Result.L, Result.F,
           Result.peer_count, Result.leader_count, Result.pending, Result.pending_reasons, Result.flags,
           Result.disqualified, Result.band, Result.rank_overall, Result.rank_cluster, Result.proposal,
           Result.computed_at)
_AT = {f.name: i for i, f in enumerate(_FIELDS)}     # a field's position in a row


def _stored(value: Decimal | None) -> int | None:
    """A q6 value as ``Result``'s FixedDecimalField(places=6) stores it (exact: it has 6 places)."""
    return None if value is None else int(value.scaleb(6))


def _insert_results(rows: list[list], now: dt.datetime) -> None:
    """The rows (every column of ``_FIELDS`` but the last, already as stored) in one prepared statement."""
    if not rows:
        return
    q, mark = db.obj.quote, db.obj.param
    names = ", ".join(f"{q[0]}{f.column_name}{q[1]}" for f in _FIELDS)
    sql = (f"INSERT INTO {q[0]}{Result._meta.table_name}{q[1]} ({names}) "
           f"VALUES ({', '.join([mark] * len(_FIELDS))})")
    at = Result.computed_at.db_value(now)
    for r in rows:
        r.append(at)
    db.obj.cursor().executemany(sql, rows)


def request_refresh(campaign: Campaign, now: dt.datetime | None = None) -> None:
    """Record that the results are stale and queue the background refresh."""
    Campaign.update(results_requested_at=now or utcnow()).where(Campaign.id == campaign.id).execute()
    from ..tasks import refresh_campaign_results
    refresh_campaign_results(campaign.id)


def refreshing(campaign: Campaign) -> bool:
    """A refresh was asked for after the last one finished."""
    requested, computed = campaign.results_requested_at, campaign.results_computed_at
    return requested is not None and (computed is None or requested > computed)
