"""Self-assessment rules (DESIGN §3, issue "Submissions"): states, totals, completeness.

States and who moves them:
- ``draft`` → ``submitted``: the unit, inside the submission window, when complete;
- ``submitted`` → ``returned``: the council secretary, with a reason per criterion;
- ``returned`` → ``submitted``: the unit, inside the window, when complete again;
- ``draft`` | ``submitted`` | ``returned`` → ``locked``: the platform, once the window closes.
The unit edits only ``draft`` and ``returned`` submissions, and only inside the window.

A total is Σscore + Σbonus − Σpenalty over the criteria that have a value; a missing
value is never read as zero — the total is *complete* only when every criterion has one.
A submission is complete when every criterion has a value and every criterion that
requires evidence has at least one file.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from .criteria import CriteriaSet, Criterion, Kind
from .messages import N_, Templated

EDITABLE = frozenset({"draft", "returned"})
TRANSITIONS = {
    ("draft", "submit"): "submitted",
    ("returned", "submit"): "submitted",
    ("submitted", "return"): "returned",
    ("draft", "lock"): "locked",
    ("submitted", "lock"): "locked",
    ("returned", "lock"): "locked",
}


class TransitionRefused(ValueError):
    """The action is not possible from the current state."""


def next_state(state: str, action: str) -> str:
    """The state after ``action`` (submit | return | lock), or TransitionRefused."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise TransitionRefused(f"{action} from {state}") from None


def window_open(now: dt.datetime, opens: dt.datetime, closes: dt.datetime) -> bool:
    """Inside ``[opens, closes)``: the closing instant itself is already too late."""
    return opens <= now < closes


def signed(criterion: Criterion, value: Decimal) -> Decimal:
    """A value as it enters a total: penalties subtract."""
    return -value if criterion.kind is Kind.PENALTY else value


@dataclass(frozen=True)
class Totals:
    """Running totals of the values entered so far (``complete`` when none is missing)."""
    groups: tuple[tuple[str, Decimal, Decimal], ...]  # (group code, subtotal, group maximum)
    total: Decimal
    maximum: Decimal
    filled: int
    count: int

    @property
    def complete(self) -> bool:
        return self.filled == self.count


def totals(cs: CriteriaSet, values: Mapping[str, Decimal | None]) -> Totals:
    """Group subtotals and total of the entered values (by criterion code)."""
    groups = []
    total = Decimal(0)
    filled = 0
    for group in cs.groups:
        subtotal = Decimal(0)
        for c in group.criteria:
            value = values.get(c.code)
            if value is not None:
                subtotal += signed(c, value)
                filled += 1
        groups.append((group.code, subtotal, group.max_total))
        total += subtotal
    return Totals(tuple(groups), total, cs.max_total, filled, len(cs.criteria))


@dataclass(frozen=True)
class Missing(Templated):
    """Something that keeps a submission from being submitted, at a criterion."""
    code: str
    template: str
    params: tuple[tuple[str, str], ...] = ()


NO_VALUE = N_("Tiêu chí {code}: chưa tự chấm điểm.")
NO_EVIDENCE = N_("Tiêu chí {code}: cần ít nhất một tệp minh chứng ({hint}).")


def missing(cs: CriteriaSet, values: Mapping[str, Decimal | None],
            evidence_counts: Mapping[str, int]) -> list[Missing]:
    """Everything still missing, in criteria order (empty when the submission can be submitted)."""
    found: list[Missing] = []
    for c in cs.criteria:
        if values.get(c.code) is None:
            found.append(Missing(c.code, NO_VALUE, (("code", c.code),)))
        if c.evidence_required and evidence_counts.get(c.code, 0) == 0:
            found.append(Missing(c.code, NO_EVIDENCE, (("code", c.code), ("hint", c.evidence_hint))))
    return found


def completion(cs: CriteriaSet, values: Mapping[str, Decimal | None],
               evidence_counts: Mapping[str, int]) -> list[tuple[str, int, int]]:
    """Per group: (group code, things done, things needed) — values plus required evidence."""
    rows = []
    for group in cs.groups:
        done = needed = 0
        for c in group.criteria:
            needed += 1 + int(c.evidence_required)
            done += int(values.get(c.code) is not None)
            done += int(c.evidence_required and evidence_counts.get(c.code, 0) > 0)
        rows.append((group.code, done, needed))
    return rows
