"""Time on the map's arrows: compact labels placed where they fit, and the tooltips' time lines.

An arrow whose transition has a measured ``time`` gets a compact label
(``med 2.3h · p90 1.1d``, ``journeymap.display.timing_label``) at the middle of
its curve where there is room: labels are placed greedily, the most travelled
transitions first, each at the first of a few points along its curve where its
box meets no card, no other label and stays inside the drawing; a label with
no room is left out of that view (the arrow's tooltip and the details panel
still give the full time). Placement is computed per swimlane view, since the
arrows move with the cards.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from journeymap.display import timing_label, timing_text
from journeymap.durations import format_seconds, seconds
from journeymap.export.mappage.arrows import Point, flow_curve
from journeymap.export.mappage.layout import Box, Layout
from journeymap.export.mappage.text_fit import text_width
from journeymap.model import Journey, Transition

LABEL_FONT = 10.0
LINE = 12.0
LABEL_PAD = 3.0
ALONG = (0.5, 0.38, 0.62, 0.26, 0.74)  # where on its curve a label may sit, in order of preference


@dataclass(frozen=True)
class TimeLabel:
    """The compact label of one arrow (``med 2.3h · p90 1.1d``), drawn as two short lines."""

    source: str
    target: str
    text: str

    @property
    def edge(self) -> str:
        """The arrow's ``data-edge`` hook, ``source->target``."""
        return f"{self.source}->{self.target}"

    @property
    def lines(self) -> list[str]:
        return self.text.split(" · ")

    @property
    def width(self) -> float:
        return max(text_width(line, LABEL_FONT) for line in self.lines) + 2 * LABEL_PAD

    @property
    def height(self) -> float:
        return len(self.lines) * LINE + 2


def time_labels(journey: Journey, customers: dict[tuple[str, str], float]) -> list[TimeLabel]:
    """The arrows with a measured time, most customers first (then file order).

    Parameters
    ----------
    journey : Journey
        The journey.
    customers : dict of (str, str) to float
        The customers along each transition (``journeymap.export.flows.edge_customers``).

    Returns
    -------
    list of TimeLabel
        A label per transition with a median or a 90th percentile time.

    Examples
    --------
    >>> from journeymap.engine import analyze
    >>> from journeymap.export.flows import edge_customers
    >>> from journeymap.files import load_journey
    >>> journey = load_journey("fixtures/planted-friction.yaml")
    >>> labels = time_labels(journey, edge_customers(journey, analyze(journey)))
    >>> len(labels), labels[0].edge, labels[0].lines
    (8, 'documents->identity_check', ['med 49m', 'p90 1.4h'])
    """
    labels = []
    for t in journey.transitions:
        if t.time is not None and (text := timing_label(t.time.median_s, t.time.p90_s)):
            amount = customers.get((t.source, t.target), 0.0)
            labels.append((-amount, TimeLabel(t.source, t.target, text)))
    return [label for _, label in sorted(labels, key=lambda pair: pair[0])]


def place(labels: list[TimeLabel], layout: Layout) -> dict[str, list[float] | None]:
    """Each label's centre ``[x, y]`` in ``layout``, or None where it has no room.

    Candidates, in order: centred on the curve at each point of ``ALONG``, then
    beside it (to the right, as for an arrow looping back into its own column).

    Parameters
    ----------
    labels : list of TimeLabel
        The labels, most important first (``time_labels``).
    layout : Layout
        The placed map.

    Returns
    -------
    dict of str to list of float or None
        By the arrow's ``source->target``.

    Examples
    --------
    >>> from journeymap.engine import analyze
    >>> from journeymap.export.flows import edge_customers
    >>> from journeymap.export.mappage.layout import compute
    >>> from journeymap.files import load_journey
    >>> journey = load_journey("fixtures/planted-friction.yaml")
    >>> labels = time_labels(journey, edge_customers(journey, analyze(journey)))
    >>> at = place(labels, compute(journey))
    >>> at["documents->identity_check"], at["application->documents"]
    ([466.0, 169.0], None)
    """
    taken: list[tuple[float, float, float, float]] = [_box(b) for b in layout.cards.values()]
    placed: dict[str, list[float] | None] = {}
    for label in labels:
        placed[label.edge] = None
        curve = flow_curve(layout, label.source, label.target)
        points = [_bezier(curve, t) for t in ALONG]
        half_w, half_h = label.width / 2, label.height / 2
        for x, y in [*points, *((px + half_w + 4, py) for px, py in points)]:
            box = (x - half_w, y - half_h, x + half_w, y + half_h)
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= layout.width and box[3] <= layout.height
            if inside and not any(_overlap(box, other) for other in taken):
                taken.append(box)
                placed[label.edge] = [round(x, 1), round(y, 1)]
                break
    return placed


def _box(b: Box) -> tuple[float, float, float, float]:
    return (b.x - 2, b.y - 2, b.right + 2, b.bottom + 2)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _bezier(points: tuple[Point, Point, Point, Point], t: float) -> Point:
    """The point at ``t`` on a cubic Bézier curve.

    >>> _bezier(((0, 0), (0, 10), (10, 10), (10, 0)), 0.5)
    (5.0, 7.5)
    """
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    u = 1 - t
    weights = (u**3, 3 * u * u * t, 3 * u * t * t, t**3)
    return (
        sum(w * x for w, x in zip(weights, (x0, x1, x2, x3), strict=True)),
        sum(w * y for w, y in zip(weights, (y0, y1, y2, y3), strict=True)),
    )


def label_svg(label: TimeLabel, title: str, at: list[float] | None) -> str:
    """One arrow's time label: a focusable group with its full detail as the tooltip.

    Parameters
    ----------
    label : TimeLabel
        The label.
    title : str
        The tooltip (the transition's names and time lines).
    at : list of float or None
        Its centre, or None to keep it hidden (no room in the drawn view).

    Returns
    -------
    str
        The ``<g class="flow-time">`` element.

    Examples
    --------
    >>> label = TimeLabel("a", "b", "med 2h · p90 1d")
    >>> drawn = label_svg(label, "A → B", [10.0, 20.0])
    >>> 'data-edge-time="a-&gt;b"' in drawn, 'transform="translate(10.0,20.0)"' in drawn
    (True, True)
    >>> 'display="none"' in label_svg(label, "A → B", None)
    True
    """
    x, y = at if at is not None else (0.0, 0.0)
    hidden = "" if at is not None else ' display="none"'
    top = -label.height / 2
    spans = "".join(
        f'<tspan x="0" y="{top + 1 + (i + 1) * LINE - 2.5:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(label.lines)
    )
    return (
        f'<g class="flow-time" data-edge-time="{escape(label.edge, quote=True)}" tabindex="0" '
        f'aria-label="{escape(label.text, quote=True)}" '
        f'transform="translate({x:.1f},{y:.1f})"{hidden}><title>{escape(title)}</title>'
        f'<rect x="{-label.width / 2:.1f}" y="{top:.1f}" width="{label.width:.1f}" '
        f'height="{label.height:.1f}" rx="3"/><text text-anchor="middle">{spans}</text></g>'
    )


def transition_detail(t: Transition) -> list[str]:
    """The full time and the expected wait of a transition, as tooltip lines.

    Parameters
    ----------
    t : Transition
        The transition.

    Returns
    -------
    list of str
        ``time …`` when it has a measured time, ``expected wait …`` when it has one.

    Examples
    --------
    >>> from journeymap.model import Timing, Transition
    >>> transition_detail(Transition(source="a", target="b", customers=3, expected_wait="2h",
    ...                              time=Timing(n=3, median_s=3600.0)))
    ['time median 1h (n 3)', 'expected wait 2h']
    """
    lines = []
    if t.time is not None:
        lines.append("time " + timing_text(t.time.model_dump()))
    if t.expected_wait is not None:
        lines.append(f"expected wait {format_seconds(seconds(t.expected_wait))}")
    return lines


def transition_details(journey: Journey) -> dict[tuple[str, str], list[str]]:
    """The time and expected-wait lines of every transition that has either.

    Parameters
    ----------
    journey : Journey
        The journey.

    Returns
    -------
    dict of (str, str) to list of str
        ``transition_detail`` of each transition with a time or an expected wait,
        by ``(source, target)``.

    Examples
    --------
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.model import parse_journey
    >>> first, *rest = _TINY["transitions"]
    >>> transition_details(parse_journey({**_TINY, "transitions": [{**first, "expected_wait": "1d"}, *rest]}))
    {('entry', 'a'): ['expected wait 1d']}
    """
    found = {(t.source, t.target): transition_detail(t) for t in journey.transitions}
    return {pair: lines for pair, lines in found.items() if lines}
