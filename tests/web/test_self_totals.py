"""Each submission's stored self-assessment totals (``self_totals``) equal the totals recomputed from
its self-scores after every path that writes them: the self-assessment form, the archive import
and the demo (with ``test_review_totals``); the migration fills them in for existing
submissions; the refresh reads them."""
from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulation.database import db
from emulation.domain.scoring import review_total
from emulation.models import Criterion, SelfScore, Submission
from emulation.services.self_totals import recompute, stale
from emulation.services.submissions import Entry, criteria_of, open_collective, save_draft


def _checked() -> list[Submission]:
    """Assert the rule for every submission; those holding values (so a test cannot pass empty)."""
    assert stale() == []
    return list(Submission.select().where(Submission.self_valued > 0))


def _expected(submission: Submission) -> Decimal | None:
    """The domain's total of a submission's self-scores (None when incomplete)."""
    cs, _rows = criteria_of(submission)
    values = {code: value for code, value in SelfScore.select(Criterion.code, SelfScore.value).join(Criterion)
              .where(SelfScore.submission == submission).tuples()}
    return review_total(cs, values)


@pytest.fixture
def draft(app, make):
    campaign = make.campaign()
    unit = make.unit(code="TXB")
    officer = make.user("officer", unit=unit)
    from emulation.models import CampaignUnit
    CampaignUnit.get_or_create(campaign=campaign, unit=unit)
    return officer, open_collective(campaign, unit)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.integers(-1, 20), min_size=20, max_size=20), min_size=1, max_size=4))
def test_any_sequence_of_form_saves_keeps_the_totals(draft, saves):
    """Property: after every save (values given, changed or cleared; -1 is a blank), stored =
    recomputed = the domain's total, penalty criteria subtracted."""
    officer, submission = draft
    cs, _rows = criteria_of(submission)
    assert any(c.kind.value == "penalty" for c in cs.criteria)
    for steps in saves:
        entries = {c.code: Entry("" if n < 0 else str(min(n * c.step, c.max)), "Theo báo cáo")
                   for c, n in zip(cs.criteria, steps)}
        fresh = Submission.get_by_id(submission.id)
        save_draft(officer, fresh, entries, fresh.version)
        assert stale() == []
        fresh = Submission.get_by_id(submission.id)
        total = _expected(fresh)
        assert (fresh.self_valued == len(cs.criteria)) == (total is not None)
        if total is not None:
            assert fresh.self_total == total


def test_the_demo_keeps_the_domain_total(app):
    """(The archive import and the demo keep the rule: ``test_review_totals`` checks both kinds.)"""
    from emulation.services.demo import seed_demo
    seed_demo()
    complete = [s for s in _checked() if _expected(s) is not None]
    assert len(complete) > 10 and all(s.self_total == _expected(s) for s in complete)


def test_a_stale_total_is_seen_recomputed_and_backfilled_by_the_migration(app):
    from emulation.services.demo import seed_demo
    seed_demo()
    submission = Submission.select().where(Submission.self_valued > 0).first()
    SelfScore.update(value=SelfScore.value + 1).where(SelfScore.submission == submission).execute()
    assert stale() == [submission.id]
    recompute([submission.id])
    assert stale() == []
    Submission.update(self_total=0, self_valued=0).execute()
    assert len(stale()) > 10
    importlib.import_module("emulation.migrations.0009_self_totals").backfill(db)
    assert stale() == []


def test_the_refresh_scores_the_stored_self_total(app):
    """The refresh takes S from the stored total: a stale one shows (so the refresh really reads it)."""
    from emulation.models import Campaign, Result
    from emulation.services.demo import seed_demo
    from emulation.services.results_refresh import refresh_results
    seed_demo()
    result = Result.select().where(Result.S.is_null(False)).first()
    campaign = Campaign.get_by_id(result.campaign_id)
    submission = Submission.get_by_id(result.submission_id)
    Submission.update(self_total=Submission.self_total + 1).where(Submission.id == submission.id).execute()
    refresh_results(campaign)
    assert Result.get(Result.submission == submission.id).S == result.S + 1
