"""What a unit sees of its results (issue "Submissions", unit home): per criterion, its
own score against its cluster's average — aggregates only, never who scored.

Rules:
- a unit's score on a criterion is the mean of the values given in complete reviews
  of its submission; a criterion nobody scored has no score (not zero);
- the cluster average on a criterion is the mean of the units' scores on it, over the
  units of the cluster that have one (the unit itself included);
- display rounds to 0.01, ROUND_HALF_UP (DESIGN §3).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Mapping

CENT = Decimal("0.01")


def mean(values: Iterable[Decimal]) -> Decimal | None:
    items = list(values)
    if not items:
        return None
    return sum(items, Decimal(0)) / len(items)


def display(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CriterionComparison:
    code: str
    unit_score: Decimal | None
    cluster_average: Decimal | None


def compare(codes: Iterable[str], unit_id: int,
            scores: Mapping[int, Mapping[str, list[Decimal]]]) -> list[CriterionComparison]:
    """``scores``: for each unit of the cluster, the review values per criterion code."""
    means = {uid: {code: mean(vals) for code, vals in per.items()} for uid, per in scores.items()}
    rows = []
    for code in codes:
        own = means.get(unit_id, {}).get(code)
        others = [m[code] for m in means.values() if m.get(code) is not None]
        rows.append(CriterionComparison(code, display(own), display(mean(others))))
    return rows
