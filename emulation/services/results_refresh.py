"""Rebuilding a campaign's results table: scores (DESIGN §3), ranks (§4) and award outcomes (§5).

- Each review's totals are kept on write (``review_totals``: Σ of its values with the
  penalty ones negated, how many values it holds, whether it gives a ``disqualifying``
  criterion a value > 0, on the stored scaled integers, exact), and each submission's
  self-assessment totals likewise (``self_totals``). One query reads the submissions with
  their self totals, one every submitted review of the campaign × target: a review (or
  self-assessment) with fewer values than criteria is incomplete, so a total is
  Σscore + Σbonus − Σpenalty of a complete one.
- The pure domain does the rest: ``score_scaled`` (``score_totals``'s rules on totals in
  thousandths), ``rank_scopes`` (overall and per cluster), ``propose`` over the campaign's
  award rules.
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
from itertools import groupby
from operator import itemgetter

from peewee import JOIN, SQL, Case, fn

from ..database import db, insert_rows, is_sqlite
from ..domain import awards
from ..domain.aggregation import CONTEXT
from ..domain.memo import Memo
from ..domain.ranking import Entry, rank_scopes
from ..domain.scoring import ReviewTotal, TotalsInput
from ..domain.scoring_scaled import ScaledItem, score_scaled
from ..memory import no_cycle_collection
from ..models import (Assignment, AwardRule, Campaign, Cluster, Criterion, Person, Result, Review, Score,
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


def _scaled_totals(campaign: Campaign, target: str, every_review: bool = False
                   ) -> tuple[list[ScaledItem], dict[int, tuple[str, int | None, str]]]:
    """Every scored submission of a target with its totals in thousandths (``scoring_scaled``), by id,
    and (name, cluster id, cluster code) of each.

    The reviews listed are the submitted ones holding a value; with ``every_review``, those
    holding a score row, even without a value (incomplete: scoring ignores them, lists show them).
    A review's reviewer id is read when a list shows it or z-score normalisation (per reviewer)
    needs it, else it is None: the scoring reads only roles and totals.
    """
    row = campaign.collective_set if target == "collective" else campaign.individual_set
    count = Criterion.select().where(Criterion.criteria_set == row).count()
    scored = (Submission.campaign == campaign) & (Submission.target == target) & Submission.state.in_(SCORED)
    subjects: dict[int, tuple[str, int | None, str]] = {}
    own: dict[int, int | None] = {}
    for sid, unit_name, person_name, cluster_id, cluster_code, self_total, self_valued in _rows(
            Submission.select(Submission.id, Unit.name, Person.full_name, Cluster.id, Cluster.code,
                              Submission.self_total, Submission.self_valued)
            .join(Unit).join(Cluster, JOIN.LEFT_OUTER).switch(Submission).join(Person, JOIN.LEFT_OUTER)
            .where(scored)):
        subjects[sid] = (person_name or unit_name, cluster_id, cluster_code)
        own[sid] = int(self_total) if self_valued == count else None
    listed = fn.EXISTS(Score.select(Score.id).where(Score.review == Review.id)) if every_review else Review.valued > 0
    complete = Case(None, ((Review.valued == count, Review.total),), None)     # an incomplete review: None
    reviewer = Assignment.reviewer if every_review or campaign.policy.normalize == "zscore" else SQL("NULL")
    reviews = {sid: list(group) for sid, group in groupby(_rows(
        Submission.select(Submission.id, reviewer, Assignment.role, complete, Review.disqualifying)
        .join(Assignment).join(Review).where(scored, Review.state == "submitted", listed)
        .order_by(Submission.id)), itemgetter(0))}
    empty: list = []
    return [(sid, own[sid], reviews.get(sid, empty)) for sid in sorted(subjects)], subjects


def totals(campaign: Campaign, target: str) -> tuple[list[TotalsInput], dict[int, tuple[str, int | None, str]]]:
    """The totals of every scored submission of a target (reviews by reviewer id), and (name, cluster id,
    cluster code) of each."""
    items, subjects = _scaled_totals(campaign, target, every_review=True)
    return [TotalsInput(sid, _scaled(s), tuple(ReviewTotal(rid, role, _scaled(t), bool(flag))
                                               for _sid, rid, role, t, flag in sorted(reviews)))
            for sid, s, reviews in items], subjects


def refresh_results(campaign: Campaign, now: dt.datetime | None = None) -> Refreshed:
    """Recompute and replace the campaign's results (see the module docstring).

    Refreshes of one campaign take turns, reading included, so a refresh never writes what
    it read before another one committed: on PostgreSQL by a transaction-scoped advisory
    lock on the campaign taken before reading (workers on several machines); on SQLite the
    write transaction is ``BEGIN IMMEDIATE`` and one machine's workers write in turn. The
    cyclic garbage collector pauses meanwhile (``memory.no_cycle_collection``).
    """
    with no_cycle_collection():
        if is_sqlite():
            return _refresh(campaign, now or utcnow())
        with db.atomic():
            db.execute_sql("SELECT pg_advisory_xact_lock(%s, %s)", (ADVISORY_RESULTS, campaign.id))
            return _refresh(campaign, now or utcnow())


ADVISORY_RESULTS = 4242       # the advisory-lock namespace of results refreshes (PostgreSQL)


def _refresh(campaign: Campaign, now: dt.datetime) -> Refreshed:
    policy, campaign_id = campaign.policy, campaign.id
    rows: dict[int, list] = {}         # by submission id
    rankings: dict[str, list[Entry]] = {}
    for target, row in (("collective", campaign.collective_set), ("individual", campaign.individual_set)):
        if row is None:
            continue
        items, subjects = _scaled_totals(campaign, target)
        entries = rankings[target] = []
        add, make = entries.append, tuple.__new__      # Entry(...) without a Python-level call
        # scores, reasons and flags repeat: each distinct one converted once
        stored, joined = Memo(_stored), Memo(",".join)
        # ranking and awards compare q6 values: the quantized ones give the same outcome
        for sid, S, P, L, F, n_peer, n_leader, reasons, flags, disqualified, band in score_scaled(
                policy, domain_set(row), items):
            name, cluster_id, code = subjects[sid]
            pending = bool(reasons)
            add(make(Entry, (sid, name, code, F, L, P, pending, band)))
            rows[sid] = [campaign_id, sid, target, cluster_id, stored[S], stored[P], stored[L], stored[F],
                         n_peer, n_leader, pending, joined[reasons], joined[flags], disqualified, band or "",
                         None, None, "[]"]
    for entries in rankings.values():
        for key, ranking in rank_scopes(entries).items():
            column = _AT["rank_overall"] if key is None else _AT["rank_cluster"]
            for entry, at in ranking:
                rows[entry.submission_id][column] = at
    rules = [awards.AwardRule(r.id, r.precedence, r.title, r.target, r.min_band, r.min_score, r.quota_kind,
                              r.quota_value, r.per_cluster)
             for r in AwardRule.select().where(AwardRule.campaign == campaign)]
    outcomes: dict[int, list[dict]] = defaultdict(list)
    for o in awards.propose(rules, rankings, policy.band_names()):
        outcomes[o.submission_id].append({"rule": o.rule_id, "status": o.status, "template": o.template,
                                          "params": dict(o.params)})
    for sid, found in outcomes.items():
        rows[sid][_AT["proposal"]] = json.dumps(found, ensure_ascii=False)
    with db.atomic():
        Result.delete().where(Result.campaign == campaign).execute()
        _insert_results([rows[sid] for sid in sorted(rows)], now)
        Campaign.update(results_computed_at=now).where(Campaign.id == campaign.id).execute()
    return Refreshed(campaign.id, len(rows), now)


_FIELDS = (Result.campaign, Result.submission, Result.target, Result.cluster, Result.S, Result.P, Result.L, Result.F,
           Result.peer_count, Result.leader_count, Result.pending, Result.pending_reasons, Result.flags,
           Result.disqualified, Result.band, Result.rank_overall, Result.rank_cluster, Result.proposal,
           Result.computed_at)
_AT = {f.name: i for i, f in enumerate(_FIELDS)}     # a field's position in a row


def _stored(value: Decimal | None) -> int | None:
    """A q6 value as ``Result``'s FixedDecimalField(places=6) stores it (exact: it has 6 places)."""
    return None if value is None else int(value.scaleb(6, CONTEXT))


def _insert_results(rows: list[list], now: dt.datetime) -> None:
    """The rows (every column of ``_FIELDS`` but the last, already as stored), many per statement."""
    at = Result.computed_at.db_value(now)
    for r in rows:
        r.append(at)
    insert_rows(Result._meta.table_name, [f.column_name for f in _FIELDS], rows, len(rows))


def request_refresh(campaign: Campaign, now: dt.datetime | None = None) -> None:
    """Record that the results are stale and queue the background refresh."""
    Campaign.update(results_requested_at=now or utcnow()).where(Campaign.id == campaign.id).execute()
    from ..tasks import refresh_campaign_results
    refresh_campaign_results(campaign.id)


def refreshing(campaign: Campaign) -> bool:
    """A refresh was asked for after the last one finished."""
    requested, computed = campaign.results_requested_at, campaign.results_computed_at
    return requested is not None and (computed is None or requested > computed)
