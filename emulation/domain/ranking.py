"""Ranking (DESIGN §4, normative).

Rules, for one campaign × target and a scope (all entries, or one cluster's):
- Ranked entries are those not pending. They are ordered by F desc, then L desc, then
  P desc, each compared at q6 (0.000001, ROUND_HALF_UP), so equal scores reached by
  different arithmetic tie. An aggregate that is None (a role of weight 0 with no
  complete review) sorts below any number.
- Entries equal on all three share a rank and the next rank skips: 1, 2, 2, 4
  (standard competition ranking); ranks are 1-based.
- Pending entries are listed after the ranked ones, without a rank.
- Inside a tie group, and among pending entries, the listing order is by ``name`` then
  ``submission_id`` — it never changes a rank. The same entries in any input order give
  the same ranking.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .scoring import q6

__all__ = ["Entry", "Ranked", "rank", "rank_scopes", "tie_key"]


@dataclass(frozen=True)
class Entry:
    """What ranking needs of a scored submission (scores as computed, quantized here)."""
    submission_id: int
    name: str
    cluster: str | None
    F: Decimal | None
    L: Decimal | None
    P: Decimal | None
    pending: bool
    band: str | None = None


@dataclass(frozen=True)
class Ranked:
    """An entry in a ranking; ``rank`` is None for a pending entry."""
    entry: Entry
    rank: int | None


def tie_key(entry: Entry) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(F, L, P) at q6: two ranked entries tie exactly when their keys are equal."""
    return q6(entry.F), q6(entry.L), q6(entry.P)


def _order(entry: Entry) -> tuple:
    """Sort key, ascending: F, L, P descending with None below any number, then name and id."""
    parts: list[tuple[int, Decimal]] = []
    for value in tie_key(entry):
        parts.append((1, Decimal(0)) if value is None else (0, -value))
    return (*parts, entry.name, entry.submission_id)


def rank(entries: Iterable[Entry]) -> list[Ranked]:
    """The ranking of ``entries`` (one scope): ranked first with competition ranks, then pending."""
    items = list(entries)
    ranked = sorted((e for e in items if not e.pending), key=_order)
    result: list[Ranked] = []
    previous = None
    current = 0
    for position, entry in enumerate(ranked, 1):
        key = tie_key(entry)
        if key != previous:
            current, previous = position, key
        result.append(Ranked(entry, current))
    pending = sorted((e for e in items if e.pending), key=lambda e: (e.name, e.submission_id))
    result.extend(Ranked(e, None) for e in pending)
    return result


def rank_scopes(entries: Sequence[Entry]) -> dict[str | None, list[Ranked]]:
    """The overall ranking (key None) and each cluster's own ranking (key: the cluster)."""
    scopes: dict[str | None, list[Ranked]] = {None: rank(entries)}
    for cluster in sorted({e.cluster for e in entries if e.cluster is not None}):
        scopes[cluster] = rank(e for e in entries if e.cluster == cluster)
    return scopes
