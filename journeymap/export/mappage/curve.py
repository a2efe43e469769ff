"""The emotion curve under the map: satisfaction and carried experience along the main path,
each step under its card's column so the curve lines up with the stages above it."""

from __future__ import annotations

from html import escape

from journeymap.export.mappage.layout import CARD_WIDTH, Layout
from journeymap.export.mappage.svg import attr, number, text_lines
from journeymap.export.mappage.text_fit import wrap


def curve_positions(route: list[str], layout: Layout) -> dict[str, tuple[float, float]]:
    """The x and the label width of each node of ``route`` on the emotion curve: the middle
    of its column in the map (nodes of one column share it side by side), so the curve
    lines up with the stage columns above it.

    Parameters
    ----------
    route : list of str
        The main path's node ids.
    layout : Layout
        The placed map.

    Returns
    -------
    dict of str to (float, float)
        ``(x, room)`` of each node on the route but the entry.

    Examples
    --------
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.export.mappage.layout import compute
    >>> from journeymap.model import parse_journey
    >>> placed = compute(parse_journey(_TINY))
    >>> at = curve_positions(["entry", "a", "ok"], placed)
    >>> at["a"] == (placed.cards["a"].x + placed.cards["a"].width / 2, placed.cards["a"].width), "entry" in at
    (True, False)
    """
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
    step at ``xs[id]``; ``end`` is the outcome's name and x. As wide as the map above it.

    Parameters
    ----------
    steps : list of (str, str, float, float)
        Each touchpoint on the path: id, name, satisfaction, carried experience.
    end : (str, float) or None
        The outcome's name and x, or None.
    xs : dict of str to (float, float)
        Each step's x and label room (``curve_positions``).
    width : float
        The drawing's width.

    Returns
    -------
    str
        The ``<svg class="curve">`` element, its axis running to ± the largest magnitude (at least 1).

    Examples
    --------
    >>> drawn = emotion_curve([("a", "A", -2.0, -1.0)], ("OK", 300.0), {"a": (100.0, 190.0)}, 400.0)
    >>> drawn.count('class="curve-point"'), "<title>A: satisfaction −2, carried −1</title>" in drawn
    (1, True)
    """
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
            f'<g class="curve-point" data-curve-touchpoint="{attr(tid)}">'
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
