"""Reviewer calibration for the council secretary (issue "Review and scoring").

Rule: for each reviewer and role, the mean over the submissions they completed of
(their raw total − the consensus), where the consensus of a submission and role is the
mean of ALL complete raw totals of that role on it (their own included).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from .aggregation import CONTEXT, mean
from .criteria import CriteriaSet
from .scoring import SubmissionInput, _complete_totals, totals_of


@dataclass(frozen=True)
class ReviewerCalibration:
    """How far a reviewer's complete totals sit from the consensus, on average (None: no complete review)."""
    reviewer_id: int
    role: str
    reviews: int
    mean_deviation: Decimal | None


def calibration(items: Sequence[SubmissionInput], cs: CriteriaSet) -> list[ReviewerCalibration]:
    """Each reviewer's (per role) mean of (own total − consensus) over the submissions they completed.

    The consensus of a submission and role is the mean of ALL complete totals of that role on
    it (the reviewer's own included); totals are raw (never normalised). A reviewer whose
    reviews are all incomplete is listed with 0 reviews and ``mean_deviation`` None. Rows are
    sorted by (reviewer id, role).
    """
    deviations: dict[tuple[int, str], list[Decimal]] = {}
    for item in items:
        for review in item.reviews:
            deviations.setdefault((review.reviewer_id, review.role), [])
        for role, pairs in _complete_totals(totals_of(cs, item).reviews).items():
            consensus = mean([total for _, total in pairs])
            for reviewer_id, total in pairs:
                assert consensus is not None
                with localcontext(CONTEXT):
                    deviations[(reviewer_id, role)].append(total - consensus)
    return [ReviewerCalibration(rid, role, len(devs), mean(devs))
            for (rid, role), devs in sorted(deviations.items())]
