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
from operator import itemgetter

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
    """Sort key, ascending: F, L, P descending with None below any number, then name and id.

    The q6 values are compared as whole numbers of millionths (exactly the same order),
    computed once per entry.
    """
    parts: list[tuple[int, int]] = []
    for value in tie_key(entry):
        parts.append((1, 0) if value is None else (0, -int(value.scaleb(6))))
    return (*parts, entry.name, entry.submission_id)


def rank(entries: Iterable[Entry]) -> list[Ranked]:
    """The ranking of ``entries`` (one scope): ranked first with competition ranks, then pending."""
    return _rank([(_order(e), e) for e in entries])


def _rank(keyed: list[tuple[tuple, Entry]]) -> list[Ranked]:
    """``rank`` of entries given with their ``_order`` keys (the first three parts are the tie key)."""
    ranked = sorted((k for k in keyed if not k[1].pending), key=itemgetter(0))
    result: list[Ranked] = []
    previous = None
    current = 0
    for position, (order, entry) in enumerate(ranked, 1):
        key = order[:3]
        if key != previous:
            current, previous = position, key
        result.append(Ranked(entry, current))
    pending = sorted((e for _order_key, e in keyed if e.pending), key=lambda e: (e.name, e.submission_id))
    result.extend(Ranked(e, None) for e in pending)
    return result


def rank_scopes(entries: Sequence[Entry]) -> dict[str | None, list[Ranked]]:
    """The overall ranking (key None) and each cluster's own ranking (key: the cluster)."""
    keyed = [(_order(e), e) for e in entries]
    scopes: dict[str | None, list[Ranked]] = {None: _rank(keyed)}
    by_cluster: dict[str, list[tuple[tuple, Entry]]] = {}
    for item in keyed:
        if item[1].cluster is not None:
            by_cluster.setdefault(item[1].cluster, []).append(item)
    for cluster in sorted(by_cluster):
        scopes[cluster] = _rank(by_cluster[cluster])
    return scopes
