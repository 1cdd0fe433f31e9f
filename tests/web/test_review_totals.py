"""Each review's stored totals (``review_totals``) equal the totals recomputed from its scores after
every path that writes scores: the review form, the score sheet import, the archive import, the demo."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulation.domain.scoring import review_total
from emulation.models import Assignment, Review, Score, Submission
from emulation.services.reviews import ScoreEntry, save_review
from emulation.services.review_import import import_scores
from emulation.services.review_totals import recompute, stale

from .test_archive import source  # noqa: F401  (the module-scoped exported demo)
from .test_org_import import csv_bytes
from .test_review_import import SCORE_HEADER, assigned, full_rows, world  # noqa: F401  (fixtures)


def _checked() -> list[Review]:
    """Assert the rule for every review; the reviews holding values (so a test cannot pass empty)."""
    assert stale() == []
    return list(Review.select().where(Review.valued > 0))


def _expected(review: Review, cs) -> Decimal | None:
    """The domain's total of a review's values (None when incomplete)."""
    codes = {c.id: c.code for c in Score.select(Score.criterion).where(Score.review == review)
             for c in [c.criterion]}
    values = {codes[s.criterion_id]: s.value for s in Score.select().where(Score.review == review)}
    return review_total(cs, values)


def _form(assigned):
    cs, peer = assigned["cs"], assigned["peer"]
    for sub in assigned["subs"]:
        a = Assignment.get(Assignment.submission == sub.id)
        r = save_review(peer, a, {cs.criteria[0].code: ScoreEntry("4,5", "Theo biên bản")}, 1)
        r = save_review(peer, a, {c.code: e for c, e in zip(cs.criteria, full_rows_entries(cs))}, r.version,
                        submit=True)
        entries = {c.code: e for c, e in zip(cs.criteria, full_rows_entries(cs))}
        entries[cs.criteria[-1].code] = ScoreEntry("5", "Vi phạm", "accepted")     # disqualifying, subtracted
        save_review(peer, a, entries, r.version)


def full_rows_entries(cs) -> list[ScoreEntry]:
    return [ScoreEntry(str(row[3]).replace(",", "."), "Theo biên bản", "accepted") for row in full_rows(cs)]


def _csv(assigned):
    cs, campaign = assigned["cs"], assigned["campaign"]
    import_scores(None, campaign, "d.csv", csv_bytes(SCORE_HEADER, *full_rows(cs), *full_rows(cs, "HDI")[:2]))
    changed = full_rows(cs, first="3,5")
    changed[0][4] = "Theo biên bản"          # 3.5 against a self-score of 5 needs a comment
    changed[-2][3] = "2"                     # a penalty criterion: subtracted
    import_scores(None, campaign, "d.csv", csv_bytes(SCORE_HEADER, *changed, sep=";"))


@pytest.mark.parametrize("write", [_form, _csv], ids=["review form", "score sheet import"])
def test_totals_follow_the_service_writes(assigned, write):
    write(assigned)
    reviews = _checked()
    assert reviews and any(r.disqualifying for r in reviews) == (write is _form)
    for review in reviews:
        total = _expected(review, assigned["cs"])
        if total is not None:
            assert review.valued == len(assigned["cs"].criteria) and review.total == total


def test_totals_of_an_imported_archive(app, source):  # noqa: F811
    """Review totals and self-assessment totals (``test_self_totals``) alike."""
    from emulation.services.archive import import_campaign
    from emulation.services.self_totals import stale as stale_self
    for text in source["texts"].values():
        import_campaign(text, source["files"])
    assert len(_checked()) > 10
    assert stale_self() == [] and Submission.select().where(Submission.self_valued > 0).count() > 10


def test_totals_of_the_demo(app):
    """Review totals and self-assessment totals (``test_self_totals``) alike."""
    from emulation.services.demo import seed_demo
    from emulation.services.self_totals import stale as stale_self
    seed_demo()
    reviews = _checked()
    assert len(reviews) > 10
    assert stale_self() == [] and Submission.select().where(Submission.self_valued > 0).count() > 10


def test_a_stale_total_is_seen_and_recomputed(assigned):
    _form(assigned)
    review = Review.select().where(Review.valued > 0).first()
    Score.update(value=Score.value + 1).where(Score.review == review, Score.value < 1).execute()
    assert stale() == [review.id]
    recompute([review.id])
    assert stale() == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.integers(-1, 20), min_size=20, max_size=20), min_size=1, max_size=4))
def test_any_sequence_of_form_saves_keeps_the_totals(assigned, saves):
    """Property: after every save (values given, changed or cleared; -1 is a blank), stored =
    recomputed = the domain's total."""
    cs, peer = assigned["cs"], assigned["peer"]
    a = Assignment.get(Assignment.submission == assigned["subs"][0].id)
    for steps in saves:
        entries = {c.code: ScoreEntry("" if n < 0 else str(min(n * c.step, c.max)), "Ghi chú")
                   for c, n in zip(cs.criteria, steps)}
        review = Review.get_or_none(Review.assignment == a)
        save_review(peer, a, entries, review.version if review else 1)
        assert stale() == []
        review = Review.get(Review.assignment == a)
        total = _expected(review, cs)
        assert (review.valued == len(cs.criteria)) == (total is not None)
        if total is not None:
            assert review.total == total


def test_a_submitted_review_cleared_of_its_values_is_listed_but_never_counted(assigned):
    """The per-review lists (``totals``: export, explanation) still show it, incomplete; the refresh
    ignores it, as it ignored it when it summed the scores."""
    from emulation.models import Result
    from emulation.services.results_refresh import refresh_results, totals
    _form(assigned)
    cs, peer, campaign = assigned["cs"], assigned["peer"], assigned["campaign"]
    a = Assignment.get(Assignment.submission == assigned["subs"][0].id)
    review = Review.get(Review.assignment == a)
    save_review(peer, a, {c.code: ScoreEntry("") for c in cs.criteria}, review.version)
    review = Review.get_by_id(review.id)
    assert (review.state, review.valued, review.total) == ("submitted", 0, 0) and _checked() is not None
    items, _subjects = totals(campaign, "collective")
    listed = {item.submission_id: item.reviews for item in items}[a.submission_id]
    assert [(r.reviewer_id, r.total) for r in listed] == [(peer.id, None)]
    refresh_results(campaign)
    assert Result.get(Result.submission == a.submission_id).peer_count == 0


def test_the_migration_backfills_the_totals_of_existing_reviews(assigned):
    import importlib

    from emulation.database import db
    _form(assigned)
    _csv(assigned)
    Review.update(total=0, valued=0, disqualifying=False).execute()
    assert stale()
    importlib.import_module("emulation.migrations.0008_review_totals").backfill(db)
    assert stale() == [] and any(r.disqualifying for r in Review.select())


def test_many_reviews_are_recomputed_in_one_statement(assigned, monkeypatch):
    """More reviews than a batch go through the temporary table and ``UPDATE … FROM``: the same totals,
    zeros for a review without scores, and the stale one seen and fixed."""
    from emulation.services import review_totals
    _form(assigned)
    reviews = list(Review.select())
    scored = [r for r in reviews if r.valued > 0]
    Score.update(value=Score.value + 1).where(Score.review == scored[0], Score.value < 1).execute()
    empty = reviews[-1]
    Score.delete().where(Score.review == empty).execute()
    assert set(stale()) >= {scored[0].id}
    monkeypatch.setattr(review_totals, "BATCH", 0)
    recompute([r.id for r in reviews])
    monkeypatch.undo()
    assert stale() == []
    assert Review.get_by_id(empty.id).valued == 0 and Review.get_by_id(empty.id).total == 0


_COMMENTS = ("", "Theo biên bản chấm", "Đã xem minh chứng")


def _results() -> list[tuple]:
    """Every result row but its id and time (a refresh replaces the rows)."""
    from emulation.models import Result
    fields = [f for name, f in Result._meta.fields.items() if name not in ("id", "computed_at")]
    return list(Result.select(*fields).order_by(Result.submission).tuples())


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.tuples(st.integers(-1, 20), st.integers(0, 2), st.sampled_from(["", "Đạt", "Thiếu"])),
                         min_size=1, max_size=40), min_size=1, max_size=3))
def test_any_sequence_of_score_imports_keeps_the_totals_and_refreshes_when_they_change(assigned, monkeypatch,
                                                                                        sheets):
    """Property: after every import (values given or blank, comments and verdicts changed or kept),
    stored totals = recomputed; and when the import asks for no refresh, a refresh gives the very
    results it had before (only comments or verdicts changed)."""
    from emulation.services import results_refresh
    cs, campaign = assigned["cs"], assigned["campaign"]
    asked: list[int] = []
    request = results_refresh.request_refresh
    monkeypatch.setattr(results_refresh, "request_refresh", lambda c, now=None: (asked.append(1), request(c, now)))
    slots = [(unit, c) for unit in ("TXB", "HDI") for c in cs.criteria]
    for sheet in sheets:
        rows = []
        for (n, comment, verdict), (unit, c) in zip(sheet, slots):
            value = "" if n < 0 else str(min(n * c.step, c.max)).replace(".", ",")
            rows.append([unit, "chamcheo", c.code, value, _COMMENTS[comment or (n >= 0)], verdict])
        results_refresh.refresh_results(campaign)
        before, asked[:] = _results(), []
        import_scores(None, campaign, "d.csv", csv_bytes(SCORE_HEADER, *rows, sep=";"))
        assert _checked() is not None
        if not asked:
            results_refresh.refresh_results(campaign)
            assert _results() == before
