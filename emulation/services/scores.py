"""Loading a campaign's scores for the pure aggregation (``domain.scoring``).

Only submitted (or locked) submissions take part, and only submitted reviews: a
reviewer's draft is not yet a review. Within those, the domain's rule applies — a
review counts only when every criterion has a value. Three queries, whatever the size
(four when the campaign's criteria set is not loaded yet).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from ..domain.calibration import ReviewerCalibration, calibration
from ..domain.criteria import CriteriaSet
from ..domain.scoring import ReviewInput, SubmissionInput, SubmissionScore, score_submissions
from ..models import Assignment, Campaign, Criterion, Review, Score, SelfScore, Submission
from .criteria import domain_set


def _inputs(campaign: Campaign, target: str) -> tuple[list[SubmissionInput], CriteriaSet]:
    row = campaign.collective_set if target == "collective" else campaign.individual_set
    ids = [s.id for s in Submission.select(Submission.id).where(
        Submission.campaign == campaign, Submission.target == target,
        Submission.state.in_(("submitted", "locked"))).order_by(Submission.id)]
    own: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
    for sub_id, code, value in (SelfScore.select(SelfScore.submission, Criterion.code, SelfScore.value)
                                .join(Criterion).where(SelfScore.submission.in_(ids or [0])).tuples()):
        own[sub_id][code] = value
    reviews: dict[int, dict[tuple[int, str], dict[str, Decimal | None]]] = defaultdict(dict)
    for sub_id, reviewer, role, code, value in (
            Score.select(Assignment.submission, Assignment.reviewer, Assignment.role, Criterion.code, Score.value)
            .join(Criterion).switch(Score).join(Review).join(Assignment)
            .where(Assignment.submission.in_(ids or [0]), Review.state == "submitted").tuples()):
        reviews[sub_id].setdefault((reviewer, role), {})[code] = value
    items = [SubmissionInput(sub_id, own.get(sub_id, {}),
                             tuple(ReviewInput(reviewer, role, values)
                                   for (reviewer, role), values in sorted(reviews.get(sub_id, {}).items())))
             for sub_id in ids]
    return items, domain_set(row)


def campaign_scores(campaign: Campaign, target: str = "collective") -> list[SubmissionScore]:
    """S, P, L, F, pending, flags and band of every submitted submission (DESIGN §3–§5)."""
    items, cs = _inputs(campaign, target)
    return score_submissions(campaign.policy, cs, items)


def reviewer_calibration(campaign: Campaign, target: str = "collective") -> list[ReviewerCalibration]:
    """Each reviewer's mean deviation from the consensus of the same submissions."""
    items, cs = _inputs(campaign, target)
    return calibration(items, cs)


@dataclass(frozen=True)
class CampaignScoring:
    """One target's scores, reviewer calibration and maximum total (DESIGN §4), from one load."""
    target: str
    max_total: Decimal
    scores: list[SubmissionScore]
    calibration: list[ReviewerCalibration]


def campaign_scoring(campaign: Campaign, target: str = "collective") -> CampaignScoring:
    """:func:`campaign_scores` and :func:`reviewer_calibration` together, loading the data once."""
    items, cs = _inputs(campaign, target)
    return CampaignScoring(target, cs.max_total, score_submissions(campaign.policy, cs, items),
                           calibration(items, cs))
