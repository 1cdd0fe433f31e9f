"""Published results as the unit sees them: its scores per criterion against its cluster."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from ..domain.results import CriterionComparison, compare
from ..models import Assignment, Criterion, Review, Score, Submission, Unit
from .submissions import criteria_of


def unit_comparison(submission: Submission) -> list[tuple[Criterion, CriterionComparison]] | None:
    """None until the campaign publishes its results; then one row per criterion."""
    campaign = submission.campaign
    if campaign.results_published_at is None:
        return None
    unit = submission.unit
    peers = Unit.select(Unit.id).where(Unit.cluster == unit.cluster_id) if unit.cluster_id else [unit]
    rows = (Score.select(Score.value, Criterion.code, Submission.unit)
            .join(Criterion).switch(Score).join(Review).join(Assignment).join(Submission)
            .where(Submission.campaign == campaign, Submission.target == submission.target,
                   Submission.unit.in_([u.id for u in peers]), Review.state == "submitted",
                   Score.value.is_null(False))
            .tuples())
    scores: dict[int, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for value, code, unit_id in rows:
        scores[unit_id][code].append(value)
    _cs, criteria = criteria_of(submission)
    compared = compare(list(criteria), unit.id, scores)
    return [(criteria[c.code], c) for c in compared]
