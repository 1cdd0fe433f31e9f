"""Draw the certificate ornaments as SVG: the national emblem and the two borders.

These are original, simplified drawings made for this project from geometric shapes (a red
disc, a yellow five-pointed star, a cogwheel, rice ears and a ribbon; frames of lines and
diamonds; a faint bronze-drum sun) — not copies of any image. Run from the project root:

    .venv/bin/python docs/certificates/draw_ornaments.py

It rewrites ``certificates/{bang-khen,giay-khen}/emblem.svg`` and each design's
``border.svg``; the files are committed, so rendering never runs this script.
"""
from __future__ import annotations

import math
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "certificates"
RED, DARK_RED, GOLD, GOLD_DARK, STAR = "#d8261c", "#a81c14", "#f2c230", "#b8860b", "#ffd500"


def n(value: float) -> str:
    """A coordinate with at most one decimal."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def star_points(cx: float, cy: float, outer: float, inner_ratio: float = 0.382, rays: int = 5) -> str:
    points = []
    for k in range(rays * 2):
        angle = math.radians(90 + k * 180 / rays)
        radius = outer if k % 2 == 0 else outer * inner_ratio
        points.append(f"{n(cx + radius * math.cos(angle))},{n(cy - radius * math.sin(angle))}")
    return " ".join(points)


def rice_ear(mirror: bool) -> list[str]:
    """One side of the wreath: grains in two rows along an arc, smaller towards the tip."""
    cx, cy, count, grains = 100, 96, 15, []
    for i in range(count):
        t = i / (count - 1)
        for radius, tilt, shift in ((79, -28, 0.0), (91, 28, 4.0)):
            theta = math.radians(236 - t * 144 + shift)
            x, y = cx + radius * math.cos(theta), cy - radius * math.sin(theta)
            angle = 90 + math.degrees(math.atan2(-math.cos(theta), -math.sin(theta))) + tilt
            scale = 1 - 0.35 * t
            if mirror:
                x, angle = 200 - x, -angle
            grains.append(f'<ellipse cx="{n(x)}" cy="{n(y)}" rx="{n(4 * scale + 1.2)}" ry="{n(8 * scale + 2.4)}" '
                          f'transform="rotate({n(angle)} {n(x)} {n(y)})"/>')
    return grains


def cogwheel(cx: float, cy: float, outer: float, inner: float, teeth: int) -> str:
    points = []
    for k in range(teeth * 2):
        a0, a1 = (2 * math.pi * j / (teeth * 2) for j in (k, k + 1))
        radius = outer if k % 2 == 0 else inner
        points += [f"{n(cx + radius * math.cos(a))},{n(cy + radius * math.sin(a))}" for a in (a0 + 0.05, a1 - 0.05)]
    return " ".join(points)


def emblem() -> str:
    parts = [f'<g fill="{GOLD}" stroke="{GOLD_DARK}" stroke-width="0.8">', *rice_ear(False), *rice_ear(True), "</g>",
             f'<circle cx="100" cy="92" r="62" fill="{RED}" stroke="{GOLD}" stroke-width="3.5"/>',
             f'<polygon points="{star_points(100, 88, 40)}" fill="{STAR}"/>',
             f'<polygon points="{cogwheel(100, 150, 25, 20, 12)}" fill="{GOLD}" stroke="{GOLD_DARK}" '
             'stroke-width="1"/>',
             f'<circle cx="100" cy="150" r="9" fill="{RED}" stroke="{GOLD_DARK}" stroke-width="1"/>',
             f'<path d="M18,160 L30,158 L24,172 L12,178 L20,168 Z" fill="{DARK_RED}" stroke="{GOLD_DARK}" '
             'stroke-width="0.8"/>',
             f'<path d="M182,160 L170,158 L176,172 L188,178 L180,168 Z" fill="{DARK_RED}" stroke="{GOLD_DARK}" '
             'stroke-width="0.8"/>',
             f'<path d="M30,158 Q100,196 170,158 L176,172 Q100,212 24,172 Z" fill="{RED}" stroke="{GOLD}" '
             'stroke-width="1.6"/>',
             f'<path d="M40,172 Q100,200 160,172" fill="none" stroke="{GOLD}" stroke-width="1.4" '
             'stroke-dasharray="3 3"/>']
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 204">\n'
            "<!-- Quốc huy: simplified original drawing for this project (docs/certificates/draw_ornaments.py). -->\n"
            + "\n".join(parts) + "\n</svg>\n")


def diamonds(x0: float, y0: float, x1: float, y1: float, step: float, half: float) -> str:
    """A path of small diamonds along the four sides of a rectangle (corners left to the corner pieces)."""
    d = []
    for horizontal, fixed in ((True, y0), (True, y1), (False, x0), (False, x1)):
        start, end = (x0, x1) if horizontal else (y0, y1)
        count = int((end - start - 2 * step) // step)
        offset = start + (end - start - count * step) / 2
        for i in range(count + 1):
            c = offset + i * step
            x, y = (c, fixed) if horizontal else (fixed, c)
            d.append(f"M{n(x)},{n(y - half)}L{n(x + half)},{n(y)}L{n(x)},{n(y + half)}L{n(x - half)},{n(y)}Z")
    return "".join(d)


def drum_sun(cx: float, cy: float) -> str:
    """The faint watermark of the ornate design: a bronze-drum sun with fourteen rays and rings."""
    rings = "".join(f'<circle cx="{n(cx)}" cy="{n(cy)}" r="{r}"/>' for r in (22, 30, 44, 52, 62))
    return (f'<g fill="none" stroke="{GOLD_DARK}" stroke-opacity="0.13" stroke-width="0.6">{rings}</g>'
            f'<polygon points="{star_points(cx, cy, 20, 0.35, 14)}" fill="{GOLD_DARK}" fill-opacity="0.10"/>')


def ornate_border() -> str:
    """Bằng khen: cream ground, red and gold frames, a band of diamonds, red corner pieces with stars."""
    corners = []
    for x, y in ((14, 14), (283, 14), (14, 196), (283, 196)):
        corners.append(f'<rect x="{x - 6}" y="{y - 6}" width="12" height="12" fill="{RED}" stroke="{GOLD}" '
                       f'stroke-width="0.6"/><polygon points="{star_points(x, y, 4.6)}" fill="{STAR}"/>')
    parts = [f'<rect x="8" y="8" width="281" height="194" fill="#fff9e8"/>', drum_sun(148.5, 118),
             f'<rect x="8" y="8" width="281" height="194" fill="none" stroke="{RED}" stroke-width="2.4"/>',
             f'<rect x="11" y="11" width="275" height="188" fill="none" stroke="{GOLD_DARK}" stroke-width="0.5"/>',
             f'<path d="{diamonds(14, 14, 283, 196, 6.5, 1.9)}" fill="{GOLD}" stroke="{DARK_RED}" '
             'stroke-width="0.25"/>',
             f'<rect x="17" y="17" width="263" height="176" fill="none" stroke="{GOLD_DARK}" stroke-width="0.5"/>',
             f'<rect x="19" y="19" width="259" height="172" fill="none" stroke="{RED}" stroke-width="0.9"/>',
             *corners]
    return _page_svg(parts)


def simple_border() -> str:
    """Giấy khen: white ground, one dark red frame with a thin inner line, small gold corner diamonds."""
    corners = "".join(f'<path d="M{x},{y - 3.2}L{x + 3.2},{y}L{x},{y + 3.2}L{x - 3.2},{y}Z"/>'
                      for x, y in ((12, 12), (285, 12), (12, 198), (285, 198)))
    parts = [f'<rect x="10" y="10" width="277" height="190" fill="none" stroke="{DARK_RED}" stroke-width="1.4"/>',
             f'<rect x="13" y="13" width="271" height="184" fill="none" stroke="{DARK_RED}" stroke-width="0.35"/>',
             f'<g fill="{GOLD}" stroke="{DARK_RED}" stroke-width="0.3">{corners}</g>']
    return _page_svg(parts)


def _page_svg(parts: list[str]) -> str:
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="297mm" height="210mm" viewBox="0 0 297 210">\n'
            + "\n".join(parts) + "\n</svg>\n")


def main() -> None:
    for design, border in (("bang-khen", ornate_border()), ("giay-khen", simple_border())):
        (ROOT / design / "emblem.svg").write_text(emblem(), encoding="utf-8")
        (ROOT / design / "border.svg").write_text(border, encoding="utf-8")


if __name__ == "__main__":
    main()
