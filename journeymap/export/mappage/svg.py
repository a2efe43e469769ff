"""SVG pieces of the journey map: phase bands, stage headers, flows, cards, the emotion curve.

Every function returns markup with all text escaped (``html.escape``); the
elements carry stable hooks for scripts and tests: ``data-touchpoint``,
``data-outcome``, ``data-node`` (the entry), ``data-edge`` (``source->target``)
and ``data-curve-touchpoint`` on the emotion curve's points.
"""

from __future__ import annotations

from html import escape
from typing import Any

from journeymap.export import palette
from journeymap.export.mappage.layout import (
    CARD_PADDING,
    CARD_WIDTH,
    LANE_HEADER,
    NAME_LINE,
    PHASE_BAND,
    STAGE_HEADER,
    Box,
    Layout,
    wrap,
)
from journeymap.model import Journey

PHASE_NAMES = {"pre_sale": "Pre-sale", "sale": "Sale", "after_sale": "After-sale"}
PHASE_TINTS = {"pre_sale": "#e8eef7", "sale": "#eef5e9", "after_sale": "#f6eef6"}
EDGE_COLOUR = "#8a8f98"


def number(value: float, digits: int = 3) -> str:
    """A short human number with a true minus sign.

    >>> number(0.9400001), number(-2.0), number(1100.0), number(16.92)
    ('0.94', '−2', '1,100', '16.9')
    """
    text = f"{value:,.0f}" if abs(value) >= 10**digits else f"{value:.{digits}g}"
    if "e" in text:  # a tiny value
        text = f"{value:.2g}" if value else "0"
    return text.replace("-", "−")


def percent(value: float) -> str:
    return f"{value * 100:.0f}%" if value >= 0.01 or value == 0 else f"{value * 100:.1f}%"


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def text_lines(lines: tuple[str, ...], x: float, y: float, line: float, cls: str) -> str:
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{y + i * line:.1f}">{escape(text)}</tspan>' for i, text in enumerate(lines)
    )
    return f'<text class="{cls}">{spans}</text>'


def defs() -> str:
    stops = "".join(
        f'<stop offset="{i / (len(palette.RDBU) - 1):.3f}" stop-color="{c}"/>'
        for i, c in enumerate(palette.RDBU)
    )
    markers = "".join(
        f'<marker id="{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="10" markerHeight="10" '
        'markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{fill}"/>'
        "</marker>"
        for name, fill in (("arrow", EDGE_COLOUR), ("arrow-hot", "#d7301f"))
    )
    return f'<defs>{markers}<linearGradient id="diverging">{stops}</linearGradient></defs>'


def phase_bands(layout: Layout) -> str:
    parts = []
    for phase in PHASE_NAMES:
        cols = [c for c in layout.columns if c.phase == phase]
        if not cols:
            continue
        x0, x1 = cols[0].x - 12, cols[-1].x + CARD_WIDTH + 12
        parts.append(
            f'<g class="phase" data-phase="{phase}"><rect x="{x0:.1f}" y="0" width="{x1 - x0:.1f}" '
            f'height="{layout.height:.1f}" rx="8" fill="{PHASE_TINTS[phase]}"/>'
            f'<text class="phase-name" x="{x0 + 10:.1f}" y="{PHASE_BAND - 8:.1f}">'
            f"{PHASE_NAMES[phase]}</text></g>"
        )
    return "".join(parts)


def stage_headers(layout: Layout, stage_figures: dict[str, Any]) -> str:
    entry, last = layout.cards["entry"], max(layout.cards.values(), key=lambda b: b.x)
    parts = [
        f'<text class="phase-name" x="{entry.x:.1f}" y="{PHASE_BAND - 8:.1f}">Start</text>',
        f'<text class="phase-name" x="{last.x:.1f}" y="{PHASE_BAND - 8:.1f}">Outcomes</text>',
    ]
    for col in layout.columns:
        figures = stage_figures.get(col.stage, {})
        y = PHASE_BAND + 8
        stats = f"reach {number(figures.get('reach') or 0)} · pain {number(figures.get('pain') or 0)}"
        parts.append(
            f'<g class="stage" data-stage="{_attr(col.stage)}">'
            f'<rect x="{col.x:.1f}" y="{y:.1f}" width="{CARD_WIDTH:.1f}" height="{STAGE_HEADER:.1f}" rx="6"/>'
            + text_lines(col.title, col.x + CARD_PADDING, y + 18, NAME_LINE, "stage-name")
            + f'<text class="stage-stats" x="{col.x + CARD_PADDING:.1f}" y="{y + STAGE_HEADER - 9:.1f}">'
            f"{escape(stats)}</text></g>"
        )
    return "".join(parts)


def lane_bands(layout: Layout, view: str, shown: bool) -> str:
    """The swimlane rows of ``layout`` as one group, ``data-view`` = the grouping field."""
    if not layout.columns or not layout.lanes:
        return ""
    x0 = layout.columns[0].x - 8
    x1 = layout.columns[-1].x + CARD_WIDTH + 8
    parts = [f'<g class="lanes" data-view="{_attr(view)}"' + ("" if shown else ' display="none"') + ">"]
    for lane in layout.lanes:
        parts.append(
            f'<g class="lane" data-lane="{_attr(lane.key)}"><rect x="{x0:.1f}" y="{lane.y:.1f}" '
            f'width="{x1 - x0:.1f}" height="{lane.height:.1f}" rx="4"/>'
            f'<text class="lane-name" x="{x0 + 8:.1f}" y="{lane.y + LANE_HEADER - 7:.1f}">'
            f"{escape(lane.label)}</text></g>"
        )
    parts.append("</g>")
    return "".join(parts)


Point = tuple[float, float]


def flow_points(a: Box, b: Box, col_a: int, col_b: int, floor: float) -> tuple[Point, Point, Point, Point]:
    """The cubic Bézier of a transition (start, two controls, end): forward, within a column,
    or back to an earlier column along the ``floor``."""
    if col_b > col_a:
        x1, y1, x2, y2 = a.right, a.middle, b.x - 2, b.middle
        dx = max(40.0, (x2 - x1) / 2)
        return (x1, y1), (x1 + dx, y1), (x2 - dx, y2), (x2, y2)
    if col_b == col_a:
        x, y1, y2 = a.right, a.middle, b.middle
        bulge = min(30.0 + 0.12 * abs(y2 - y1), 80.0)
        return (x, y1), (x + bulge, y1), (x + bulge, y2), (x + 2, y2)
    x1, y1 = a.x + a.width / 2, a.bottom
    x2, y2 = b.x + b.width / 2, b.bottom + 2
    return (x1, y1), (x1, floor), (x2, floor), (x2, y2)


def flow_curve(layout: Layout, source: str, target: str) -> tuple[Point, Point, Point, Point]:
    """The Bézier points of the arrow ``source`` -> ``target`` in ``layout``."""
    a, b = layout.cards[source], layout.cards[target]
    return flow_points(a, b, layout.column_of[source], layout.column_of[target], layout.height - 24)


def flow_d(layout: Layout, source: str, target: str) -> str:
    """The path data of the arrow ``source`` -> ``target`` in ``layout``."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = flow_curve(layout, source, target)
    return f"M{x0:.1f},{y0:.1f} C{x1:.1f},{y1:.1f} {x2:.1f},{y2:.1f} {x3:.1f},{y3:.1f}"


def flows(
    journey: Journey,
    layout: Layout,
    customers: dict[tuple[str, str], float],
    probabilities: dict[tuple[str, str], float],
    names: dict[str, str],
    timing: dict[tuple[str, str], list[str]],
) -> str:
    """The arrows; ``timing`` holds the tooltip lines of the transitions with a time or an
    expected wait (those arrows are focusable, so the keyboard reaches their details)."""
    top = max([*customers.values(), 1e-12])
    personas = {(t.source, t.target): " ".join(t.personas or []) for t in journey.transitions}
    parts = []
    for (source, target), amount in customers.items():
        d = flow_d(layout, source, target)
        width = 1.5 + 12.5 * amount / top
        title = flow_title(
            names, source, target, amount, probabilities[(source, target)], timing.get((source, target))
        )
        back = " back" if layout.column_of[target] < layout.column_of[source] else ""
        focus = ' tabindex="0"' if (source, target) in timing else ""
        parts.append(
            f'<path class="flow{back}" data-edge="{_attr(source + "->" + target)}"{focus} '
            f'data-source="{_attr(source)}" data-personas="{_attr(personas[(source, target)])}" '
            f'data-target="{_attr(target)}" d="{d}" stroke-width="{width:.2f}" marker-end="url(#arrow)">'
            f"<title>{escape(title)}</title></path>"
        )
    return "".join(parts)


def flow_title(
    names: dict[str, str],
    source: str,
    target: str,
    amount: float,
    probability: float,
    timing: list[str] | None,
) -> str:
    """An arrow's tooltip: customers, share of those at the source and, when known, its time."""
    title = (
        f"{names[source]} → {names[target]}: {amount:,.0f} customers "
        f"({percent(probability)} of those at {names[source]})"
    )
    return "\n".join([title, *(timing or [])])


def card(box: Box, fill: str, meta: str, bar: float, hook: str, title: str, badge: str = "") -> str:
    """A card: its name, a meta line, a bar and (for measured scores) a source ``badge``."""
    ink = palette.text_colour(fill)
    name_top = box.y + CARD_PADDING + 12
    meta_y = box.y + CARD_PADDING + len(box.lines) * NAME_LINE + 14
    bar_y = box.bottom - CARD_PADDING - 3
    inner = CARD_WIDTH - 2 * CARD_PADDING
    return (
        f'<g class="card" {hook} tabindex="0"><title>{escape(title)}</title>'
        f'<rect class="body" x="{box.x:.1f}" y="{box.y:.1f}" '
        f'width="{box.width:.1f}" height="{box.height:.1f}" '
        f'rx="6" fill="{fill}"/>'
        + text_lines(box.lines, box.x + CARD_PADDING, name_top, NAME_LINE, "name").replace(
            "<text ", f'<text fill="{ink}" ', 1
        )
        + f'<text class="meta" fill="{ink}" x="{box.x + CARD_PADDING:.1f}" y="{meta_y:.1f}">'
        + f"{escape(meta)}</text>"
        f'<rect class="bar-track" x="{box.x + CARD_PADDING:.1f}" y="{bar_y:.1f}" '
        f'width="{inner:.1f}" height="4" '
        f'rx="2"/><rect class="bar" fill="{ink}" x="{box.x + CARD_PADDING:.1f}" y="{bar_y:.1f}" '
        f'width="{inner * max(0.0, min(1.0, bar)):.1f}" height="4" rx="2"/>{badge}</g>'
    )


def curve_positions(route: list[str], layout: Layout) -> dict[str, tuple[float, float]]:
    """The x and the label width of each node of ``route`` on the emotion curve: the middle
    of its column in the map (nodes of one column share it side by side), so the curve
    lines up with the stage columns above it."""
    by_column: dict[int, list[str]] = {}
    for node in route:
        if node in layout.column_of and node != "entry":
            by_column.setdefault(layout.column_of[node], []).append(node)
    xs = {}
    for nodes in by_column.values():
        box = layout.cards[nodes[0]]
        for i, node in enumerate(nodes):
            xs[node] = (box.x + box.width * (i + 0.5) / len(nodes), box.width / len(nodes))
    return xs


def emotion_curve(
    steps: list[tuple[str, str, float, float]],
    end: tuple[str, float] | None,
    xs: dict[str, tuple[float, float]],
    width: float,
) -> str:
    """Satisfaction and carried experience along the main path, (id, name, s, carried) per
    step at ``xs[id]``; ``end`` is the outcome's name and x. As wide as the map above it."""
    left, plot_top, plot_height = 70.0, 24.0, 130.0
    peak = max([1.0, *(abs(s) for _, _, s, _ in steps), *(abs(c) for _, _, _, c in steps)])
    mid = plot_top + plot_height / 2

    def y(value: float) -> float:
        return mid - value / peak * (plot_height / 2 - 6)

    parts = [
        f'<svg class="curve" xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="230" '
        f'viewBox="0 0 {width:.0f} 230" role="img" aria-label="Emotion curve along the main path">',
        f'<line class="zero" x1="{left - 10}" x2="{width - 20:.0f}" y1="{mid:.1f}" y2="{mid:.1f}"/>',
        f'<text class="axis" x="{left - 14}" y="{y(peak) + 4:.1f}" text-anchor="end">{number(peak)}</text>',
        f'<text class="axis" x="{left - 14}" y="{mid + 4:.1f}" text-anchor="end">0</text>',
        f'<text class="axis" x="{left - 14}" y="{y(-peak) + 4:.1f}" text-anchor="end">{number(-peak)}</text>',
    ]
    for series, index in (("satisfaction", 2), ("carried", 3)):
        points = " ".join(f"{xs[step[0]][0]:.1f},{y(float(step[index])):.1f}" for step in steps)
        parts.append(f'<polyline class="series {series}" points="{points}"/>')
    for tid, name, s, carried in steps:
        x, room = xs[tid]
        label = wrap(name, room - 10, 11.0, 3)
        parts.append(
            f'<g class="curve-point" data-curve-touchpoint="{_attr(tid)}">'
            f"<title>{escape(name)}: satisfaction {number(s)}, carried {number(carried)}</title>"
            f'<circle class="satisfaction" cx="{x:.1f}" cy="{y(s):.1f}" r="5"/>'
            f'<rect class="carried" x="{x - 4:.1f}" y="{y(carried) - 4:.1f}" width="8" height="8"/>'
            + text_lines(label, x, plot_top + plot_height + 22, 13.0, "step")
            + "</g>"
        )
    if end is not None:
        name, x = end
        parts.append(text_lines(wrap("→ " + name, CARD_WIDTH - 10, 12.0, 3), x, mid + 4, 14.0, "step end"))
    parts.append("</svg>")
    return "".join(parts)
