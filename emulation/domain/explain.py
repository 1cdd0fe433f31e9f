"""Explaining one submission's score (DESIGN §3): what each review contributed.

Rules stated here:
- Every review given is listed, in the order peer reviews first, then leader reviews,
  each by reviewer id. An INCOMPLETE review (total None) is listed but never counted.
- The complete reviews of a role line up with that role's ``RoleResult`` as scoring
  lists them: by reviewer id, then total. Each gets its raw total, the total that was
  aggregated (after z-score normalisation when it is on; else the raw total) and
  whether the role's aggregate DROPPED it (``trimmed``: one lowest and one highest, see
  :func:`emulation.domain.aggregation.dropped_positions`).
- COUNTED = complete and not dropped: the totals that make up P or L.
- Reviewers are anonymised for the unit as "Người chấm 1, 2…" numbered in that same
  listing order, so the numbers are stable for a given set of reviews.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .aggregation import dropped_positions
from .scoring import ROLES, RoleResult, ReviewTotal, SubmissionScore

__all__ = ["ReviewLine", "review_lines"]


@dataclass(frozen=True)
class ReviewLine:
    """One review of a submission as explained: its number in the listing, totals and fate."""
    number: int                     # 1, 2… in listing order: "Người chấm {number}"
    reviewer_id: int
    role: str                       # "peer" | "leader"
    total: Decimal | None           # raw total; None: incomplete
    aggregated: Decimal | None      # the total the aggregate saw (normalised when on); None: incomplete
    dropped: bool                   # trimming dropped it
    counted: bool                   # complete and not dropped


def _role_lines(role: RoleResult, reviews: Sequence[ReviewTotal]) -> list[tuple[ReviewTotal, Decimal | None, bool]]:
    complete = sorted((r for r in reviews if r.total is not None), key=lambda r: (r.reviewer_id, r.total))
    if len(complete) != len(role.raw_totals) or any(r.total != t for r, t in zip(complete, role.raw_totals)):
        raise ValueError(f"the {role.role} reviews do not match the score they are explained against")
    dropped = dropped_positions(role.totals, role.aggregate)
    lines: list[tuple[ReviewTotal, Decimal | None, bool]] = [
        (r, role.totals[i], i in dropped) for i, r in enumerate(complete)]
    lines += [(r, None, False) for r in reviews if r.total is None]
    return sorted(lines, key=lambda line: (line[0].reviewer_id, line[0].total is None))


def review_lines(score: SubmissionScore, reviews: Sequence[ReviewTotal]) -> list[ReviewLine]:
    """The reviews of ``score``'s submission, explained (module rules). ``reviews`` are the same
    totals the score was computed from, in any order."""
    results = {"peer": score.peer, "leader": score.leader}
    out: list[ReviewLine] = []
    for role in ROLES:
        for review, aggregated, dropped in _role_lines(results[role], [r for r in reviews if r.role == role]):
            complete = review.total is not None
            out.append(ReviewLine(len(out) + 1, review.reviewer_id, role, review.total, aggregated, dropped,
                                  complete and not dropped))
    return out
