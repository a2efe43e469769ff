"""The map's arrows: one cubic Bézier per transition, as wide as the customers it carries.

An arrow runs from its source card's right edge to its target's left edge when
the target's column is further right, bulges out to the right when both cards
share a column, and runs back along the floor of the drawing to an earlier column.
"""

from __future__ import annotations

from html import escape

from journeymap.export.mappage.layout import Box, Layout
from journeymap.export.mappage.svg import attr, percent
from journeymap.model import Journey

Point = tuple[float, float]


def flow_points(a: Box, b: Box, col_a: int, col_b: int, floor: float) -> tuple[Point, Point, Point, Point]:
    """The cubic Bézier of a transition (start, two controls, end): forward, within a column,
    or back to an earlier column along the ``floor``.

    Parameters
    ----------
    a, b : Box
        The source and the target card.
    col_a, col_b : int
        Their columns (0 is the entry's).
    floor : float
        The y an arrow back to an earlier column runs along.

    Returns
    -------
    tuple of four (float, float)
        Start, first control, second control, end.

    Examples
    --------
    >>> a, b = Box("a", 0, 0, 100, 40), Box("b", 200, 0, 100, 40)
    >>> flow_points(a, b, 1, 2, 500)
    ((100, 20.0), (149.0, 20.0), (149.0, 20.0), (198, 20.0))
    >>> flow_points(b, a, 2, 1, 500)[1]
    (250.0, 500)
    """
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
    """The Bézier points of the arrow ``source`` -> ``target`` in ``layout``.

    Parameters
    ----------
    layout : Layout
        The placed map (``layout.compute``).
    source, target : str
        The transition's node ids.

    Returns
    -------
    tuple of four (float, float)
        ``flow_points`` of the two cards, with the floor 24 px above the drawing's bottom.

    Examples
    --------
    >>> from journeymap.export.mappage.layout import compute
    >>> from journeymap.files import load_journey
    >>> placed = compute(load_journey("fixtures/auto-repair.yaml"))
    >>> entry = placed.cards["entry"]
    >>> flow_curve(placed, "entry", "ad_promotion")[0] == (entry.right, entry.middle)
    True
    """
    a, b = layout.cards[source], layout.cards[target]
    return flow_points(a, b, layout.column_of[source], layout.column_of[target], layout.height - 24)


def flow_d(layout: Layout, source: str, target: str) -> str:
    """The path data of the arrow ``source`` -> ``target`` in ``layout``.

    Parameters
    ----------
    layout : Layout
        The placed map.
    source, target : str
        The transition's node ids.

    Returns
    -------
    str
        SVG path data: ``M`` to the start, one ``C`` curve to the end.

    Examples
    --------
    >>> from journeymap.export.mappage.layout import compute
    >>> from journeymap.files import load_journey
    >>> flow_d(compute(load_journey("fixtures/auto-repair.yaml")), "entry", "ad_promotion")
    'M112.0,134.0 C166.0,134.0 166.0,134.5 220.0,134.5'
    """
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
    expected wait (those arrows are focusable, so the keyboard reaches their details).

    Parameters
    ----------
    journey : Journey
        The journey (its transitions' personas become ``data-personas``).
    layout : Layout
        The placed map.
    customers : dict of (str, str) to float
        The customers along each transition (``journeymap.export.flows.edge_customers``):
        an arrow's width is 1.5 + 12.5 × its share of the largest.
    probabilities : dict of (str, str) to float
        P(source -> target) of each transition.
    names : dict of str to str
        Node id -> name, for the tooltips.
    timing : dict of (str, str) to list of str
        The time lines of the timed transitions (``timing.transition_details``).

    Returns
    -------
    str
        One ``<path class="flow">`` per transition (``flow back`` for one to an earlier column).

    Examples
    --------
    >>> from journeymap.engine import analyze
    >>> from journeymap.engine.metrics import _TINY, transition_probabilities
    >>> from journeymap.export.flows import edge_customers
    >>> from journeymap.export.mappage.layout import compute
    >>> from journeymap.model import parse_journey
    >>> journey = parse_journey(_TINY)
    >>> names = {"entry": "Entry", "a": "A", "ok": "OK", "lost": "Lost"}
    >>> drawn = flows(journey, compute(journey), edge_customers(journey, analyze(journey)),
    ...               transition_probabilities(journey), names, {})
    >>> drawn.count('<path class="flow"'), "<title>A → OK: 6 customers (60% of those at A)</title>" in drawn
    (3, True)
    """
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
            f'<path class="flow{back}" data-edge="{attr(source + "->" + target)}"{focus} '
            f'data-source="{attr(source)}" data-personas="{attr(personas[(source, target)])}" '
            f'data-target="{attr(target)}" d="{d}" stroke-width="{width:.2f}" marker-end="url(#arrow)">'
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
    """An arrow's tooltip: customers, share of those at the source and, when known, its time.

    Parameters
    ----------
    names : dict of str to str
        Node id -> name.
    source, target : str
        The transition's node ids.
    amount : float
        The customers the model sends along it.
    probability : float
        P(source -> target).
    timing : list of str or None
        Its time lines, if it has any.

    Returns
    -------
    str
        The tooltip text, one line per fact.

    Examples
    --------
    >>> flow_title({"a": "Call", "b": "Visit"}, "a", "b", 1234.4, 0.25, ["expected wait 2h"])
    'Call → Visit: 1,234 customers (25% of those at Call)\\nexpected wait 2h'
    """
    title = (
        f"{names[source]} → {names[target]}: {amount:,.0f} customers "
        f"({percent(probability)} of those at {names[source]})"
    )
    return "\n".join([title, *(timing or [])])
