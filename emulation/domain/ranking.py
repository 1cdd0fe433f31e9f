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

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from operator import itemgetter
from typing import NamedTuple

from .aggregation import CONTEXT
from .memo import Memo
from .scoring import q6

__all__ = ["Entry", "Ranked", "rank", "rank_scopes", "tie_key"]


class Entry(NamedTuple):
    """What ranking needs of a scored submission (scores as computed, quantized here)."""
    submission_id: int
    name: str
    cluster: str | None
    F: Decimal | None
    L: Decimal | None
    P: Decimal | None
    pending: bool
    band: str | None = None


class Ranked(NamedTuple):
    """An entry in a ranking; ``rank`` is None for a pending entry."""
    entry: Entry
    rank: int | None


def tie_key(entry: Entry) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(F, L, P) at q6: two ranked entries tie exactly when their keys are equal."""
    return q6(entry.F), q6(entry.L), q6(entry.P)


_TIE = 6        # the first six parts of an ``_order`` key are the tie key


def _part(value: Decimal | None) -> tuple[int, int]:
    """A score's part of an ``_order`` key: (1, 0) for None, else (0, −its q6 value in whole
    millionths), so ascending order is descending score with None below any number."""
    return (1, 0) if value is None else (0, -int(q6(value).scaleb(6, CONTEXT)))


def _order(entry: Entry, part: Callable[[Decimal | None], tuple[int, int]] = _part) -> tuple:
    """Sort key, ascending: F, L, P descending with None below any number, then name and id.

    The three scores' ``_part`` pairs flattened into one tuple: its first ``_TIE`` parts are the
    tie key. ``part`` may be a ``Memo`` of ``_part`` (scores repeat).
    """
    return (*part(entry.F), *part(entry.L), *part(entry.P), entry.name, entry.submission_id)


def rank(entries: Iterable[Entry]) -> list[Ranked]:
    """The ranking of ``entries`` (one scope): ranked first with competition ranks, then pending."""
    return _ranks(*_split(entries))


def _split(entries: Iterable[Entry]) -> tuple[list[tuple[tuple, Entry]], list[Entry]]:
    """The ranked entries with their ``_order`` keys, sorted, and the pending ones by name then id."""
    entries = list(entries)
    part = Memo(_part).__getitem__
    ordered = sorted(((_order(e, part), e) for e in entries if not e.pending), key=itemgetter(0))
    return ordered, sorted((e for e in entries if e.pending), key=lambda e: (e.name, e.submission_id))


def _ranks(ordered: list[tuple[tuple, Entry]], pending: list[Entry]) -> list[Ranked]:
    """The ranking of one scope from its ranked entries already in ``_order`` and its pending ones
    in listing order: competition ranks (1, 2, 2, 4), then the pending entries without a rank."""
    result: list[Ranked] = []
    append, make = result.append, tuple.__new__      # Ranked(entry, rank) without a Python-level call
    previous = None
    current = 0
    for position, (order, entry) in enumerate(ordered, 1):
        key = order[:_TIE]
        if key != previous:
            current, previous = position, key
        append(make(Ranked, (entry, current)))
    result.extend(make(Ranked, (e, None)) for e in pending)
    return result


def rank_scopes(entries: Sequence[Entry]) -> dict[str | None, list[Ranked]]:
    """The overall ranking (key None) and each cluster's own ranking (key: the cluster).

    Sorted once: a cluster's entries, taken in the overall order, are in their own order.
    """
    ordered, pending = _split(entries)
    scopes: dict[str | None, list[Ranked]] = {None: _ranks(ordered, pending)}
    clusters: dict[str, tuple[list, list]] = {}
    for item in ordered:
        cluster = item[1].cluster
        if cluster is not None:
            clusters.setdefault(cluster, ([], []))[0].append(item)
    for e in pending:
        if e.cluster is not None:
            clusters.setdefault(e.cluster, ([], []))[1].append(e)
    for cluster in sorted(clusters):
        scopes[cluster] = _ranks(*clusters[cluster])
    return scopes
