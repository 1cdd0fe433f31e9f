"""The results table: the database's sums give exactly the pure scoring's values, ranks and outcomes."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from emulation.domain.scoring import q6
from emulation.models import Assignment, AwardRule, Campaign, Result, Review, Score
from emulation.services.demo import seed_demo
from emulation.services.demo_reviews import SLUG
from emulation.services.results_refresh import refresh_results, refreshing, request_refresh
from emulation.services.review_totals import recompute as recompute_totals
from emulation.services.scores import campaign_scores


@pytest.fixture
def campaign(app):
    seed_demo()
    return Campaign.get(Campaign.slug == SLUG)


def _policy(campaign: Campaign, **changes) -> Campaign:
    policy = json.loads(campaign.policy_json)
    policy.update(changes)
    Campaign.update(policy_json=json.dumps(policy)).where(Campaign.id == campaign.id).execute()
    return Campaign.get_by_id(campaign.id)


@pytest.mark.parametrize("changes", [{}, {"normalize": "zscore"}, {"aggregation": "median"}],
                         ids=["as-seeded", "zscore", "median"])
def test_sql_totals_equal_the_pure_scoring(campaign, changes):
    """Also with z-score normalisation, which alone reads the reviewer of each review."""
    campaign = _policy(campaign, **changes)
    report = refresh_results(campaign)
    expected = {s.submission_id: s for s in campaign_scores(campaign)}
    rows = {r.submission_id: r for r in Result.select().where(Result.campaign == campaign)}
    assert report.rows == len(rows) == len(expected) > 0
    for sid, score in expected.items():
        row = rows[sid]
        assert (row.S, row.P, row.L, row.F) == (q6(score.S), q6(score.P), q6(score.L), q6(score.F))
        assert (row.pending, row.band or None, set(filter(None, row.flags.split(",")))) == \
            (score.pending, score.band, set(score.flags))
        assert (row.peer_count, row.leader_count) == (score.peer.count, score.leader.count)
    assert {"disagreement", "self_inflation"} <= {f for r in rows.values() for f in r.flags.split(",") if f}


def test_ranks_pending_unranked_and_competition_order(campaign):
    refresh_results(campaign)
    rows = list(Result.select().where(Result.campaign == campaign))
    ranked = sorted((r for r in rows if not r.pending), key=lambda r: r.rank_overall)
    assert all(r.rank_overall is None and r.rank_cluster is None for r in rows if r.pending)
    assert ranked and ranked[0].rank_overall == 1
    assert [r.F for r in ranked] == sorted((r.F for r in ranked), reverse=True)
    assert all(r.rank_cluster is not None and r.rank_cluster <= r.rank_overall for r in ranked)


def test_incomplete_review_values_are_never_counted(campaign):
    refresh_results(campaign)
    score = (Score.select(Score, Review, Assignment).join(Review).join(Assignment)
             .where(Review.state == "submitted", Assignment.role == "peer").order_by(Score.id).first())
    sid = score.review.assignment.submission_id
    before = Result.get(Result.submission == sid).peer_count
    Score.update(value=None).where(Score.id == score.id).execute()   # the review is now incomplete
    recompute_totals([score.review_id])                              # as every score writer does
    refresh_results(campaign)
    assert Result.get(Result.submission == sid).peer_count == before - 1


def test_award_outcomes_are_stored_with_reasons(campaign):
    AwardRule.create(campaign=campaign, precedence=1, title="Bằng khen của Chủ tịch UBND Thành phố", form="bang-khen",
                     target="collective", min_band="Tốt", min_score=Decimal(0), quota_kind="count", quota_value=1)
    refresh_results(campaign)
    outcomes = [o for r in Result.select().where(Result.campaign == campaign) for o in json.loads(r.proposal)]
    assert sum(1 for o in outcomes if o["status"] == "proposed") == 1
    assert {o["status"] for o in outcomes} <= {"proposed", "council_decides", "outside_quota", "below_band",
                                                 "below_score", "pending"}


def test_request_refresh_runs_in_the_worker_and_clears_the_flag(campaign):
    assert not refreshing(campaign)
    request_refresh(campaign)      # HUEY_IMMEDIATE in tests: the task runs now
    campaign = Campaign.get_by_id(campaign.id)
    assert campaign.results_computed_at is not None and not refreshing(campaign)
    assert Result.select().where(Result.campaign == campaign).count() > 0


def test_queued_refreshes_coalesce(campaign):
    import datetime as dt

    from emulation.clock import clock
    from emulation.tasks import refresh_campaign_results
    start = dt.datetime(2026, 11, 25, 3, 0)
    clock.frozen = start
    refresh_results(campaign)                           # computed at `start`
    Campaign.update(results_requested_at=start - dt.timedelta(seconds=5)).execute()
    assert refresh_campaign_results.call_local(campaign.id) == 0        # covered by the run that started later
    Campaign.update(results_requested_at=start).execute()               # asked at the same instant: not covered
    assert refresh_campaign_results.call_local(campaign.id) > 0
