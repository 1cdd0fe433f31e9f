"""Geometry of server-drawn SVG charts: plain numbers for a template to place.

The pages are served under a CSP without inline styles or scripts, so charts are SVG
elements with presentation attributes, computed here (pure, Decimal arithmetic) and
drawn by the template, like the unit home's per-criterion chart (``macros.comparison_chart``).

``strip_plot`` (the secretary's score distribution per cluster): one row per cluster
on a 0..max-total axis with "nice" ticks (1, 2 or 5 × 10^k, at most ``MAX_TICKS``
intervals, plus the maximum unless it would crowd the last tick); each scored
submission is a dot at F, its self total S a hollow square on the same line. Values
outside 0..max (penalties can push a total below 0) are drawn at the nearest end of the
axis. Dots of one row are spread vertically by a fixed pattern so that equal scores
stay visible; the same data always gives the same picture.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..services.progress import Distribution, Dot

LEFT, PLOT_WIDTH, RIGHT = 180, 520, 24
TOP, ROW_HEIGHT, AXIS_HEIGHT = 8, 46, 42
MAX_TICKS = 10
SPREAD = (0, -9, 9, -4, 4, -13, 13)
ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class Tick:
    x: Decimal
    value: Decimal


@dataclass(frozen=True)
class Mark:
    dot: Dot
    x: Decimal
    x_self: Decimal | None
    y: Decimal


@dataclass(frozen=True)
class Row:
    label: str | None
    y: Decimal
    marks: tuple[Mark, ...]


@dataclass(frozen=True)
class StripPlot:
    target: str
    max_total: Decimal
    width: int
    height: int
    left: int
    right_end: int
    axis_y: int
    ticks: tuple[Tick, ...]
    rows: tuple[Row, ...]

    @property
    def dots(self) -> int:
        return sum(len(row.marks) for row in self.rows)


def nice_step(maximum: Decimal, most: int = MAX_TICKS) -> Decimal:
    """The smallest 1, 2 or 5 × 10^k step that divides 0..maximum into at most ``most`` intervals."""
    if maximum <= 0:
        return Decimal(1)
    exponent = (maximum / most).adjusted()
    for power in (exponent, exponent + 1):
        for base in (1, 2, 5):
            step = Decimal(base).scaleb(power)
            if maximum / step <= most:
                return step
    return Decimal(10).scaleb(exponent + 1)


def x_of(value: Decimal, maximum: Decimal) -> Decimal:
    """The horizontal position of ``value`` on the axis, clamped to 0..maximum, to 0.1."""
    clamped = min(max(value, Decimal(0)), maximum)
    position = LEFT + PLOT_WIDTH * clamped / maximum if maximum > 0 else Decimal(LEFT)
    return position.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def strip_plot(distribution: Distribution) -> StripPlot:
    """Rows, marks and ticks of one target's score distribution (rules: module docstring)."""
    maximum = distribution.max_total
    rows = []
    for index, (cluster, dots) in enumerate(distribution.clusters):
        middle = Decimal(TOP + index * ROW_HEIGHT + ROW_HEIGHT // 2)
        marks = tuple(Mark(dot, x_of(dot.F, maximum), None if dot.S is None else x_of(dot.S, maximum),
                           middle + SPREAD[i % len(SPREAD)]) for i, dot in enumerate(dots))
        rows.append(Row(cluster, middle, marks))
    axis_y = TOP + len(rows) * ROW_HEIGHT
    step = nice_step(maximum)
    values = []
    value = Decimal(0)
    while value <= maximum:
        values.append(value)
        value += step
    if maximum - values[-1] >= step / 2:  # label the end of the axis unless it would crowd the last tick
        values.append(maximum)
    return StripPlot(target=distribution.target, max_total=maximum, width=LEFT + PLOT_WIDTH + RIGHT,
                     height=axis_y + AXIS_HEIGHT, left=LEFT, right_end=LEFT + PLOT_WIDTH, axis_y=axis_y,
                     ticks=tuple(Tick(x_of(v, maximum), v) for v in values), rows=tuple(rows))
