"""Writing imported scores: grouped and single updates write exactly the changed scores."""
from __future__ import annotations

from decimal import Decimal

from emulation.models import Assignment, Review, Score
from emulation.services.review_import import import_scores
from emulation.services.submissions import criteria_of

from .test_org_import import csv_bytes
from .test_review_import import SCORE_HEADER, assigned, full_rows, world  # noqa: F401 (fixtures)


def _stored():
    return {(s.review_id, s.criterion_id): (s.value, s.comment, s.evidence_verdict) for s in Score.select()}


def test_grouped_and_single_updates_write_exactly_the_changed_scores(assigned):
    """One unit's scores all get a comment, the other's every other one (one group of ids), one
    score alone a new value (a single update); every other stored score keeps what it had."""
    cs, secretary, campaign = assigned["cs"], assigned["secretary"], assigned["campaign"]
    import_scores(secretary, campaign, "d.csv", csv_bytes(SCORE_HEADER, *full_rows(cs), *full_rows(cs, "HDI")))
    before = _stored()
    _cs, criterion = criteria_of(assigned["subs"][0])
    txb_review, hdi_review = (Review.get(Review.assignment == Assignment.get(Assignment.submission == sub)).id
                              for sub in assigned["subs"])
    txb, hdi = full_rows(cs), full_rows(cs, "HDI")
    for row in txb + hdi[::2]:
        row[4] = "Theo biên bản"
    alone = hdi[1]
    alone[3] = "1" if alone[3] != "1" else "2"
    import_scores(secretary, campaign, "d.csv", csv_bytes(SCORE_HEADER, *txb, *hdi))
    after = _stored()
    commented = {(txb_review, criterion[row[2]].id) for row in txb} | {(hdi_review, criterion[row[2]].id)
                                                                       for row in hdi[::2]}
    revalued = (hdi_review, criterion[alone[2]].id)
    assert after.keys() == before.keys()
    assert {key for key in after if after[key] != before[key]} == commented | {revalued}
    for key, (value, comment, verdict) in after.items():
        assert comment == ("Theo biên bản" if key in commented else before[key][1])
        assert value == (Decimal(alone[3]) if key == revalued else before[key][0])
        assert verdict == before[key][2]
