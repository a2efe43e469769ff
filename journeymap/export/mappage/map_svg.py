"""The map itself as one SVG: phase and lane bands, stage headers, every arrow, every card
(touchpoints coloured by satisfaction, with reach bars and source badges) and the time labels.

The pieces are drawn by ``svg`` and ``timing``; this module puts one layout's
pieces together, in the order they stack (bands under arrows under cards under labels).
"""

from __future__ import annotations

from html import escape
from typing import Any

from journeymap.engine.metrics import transition_probabilities
from journeymap.engine.report import by_touchpoint
from journeymap.export import palette
from journeymap.export.flows import edge_customers
from journeymap.export.mappage import arrows, backdrop, sources, svg, timing
from journeymap.export.mappage.layout import Layout
from journeymap.model import ENTRY, Journey


def satisfaction_extent(journey: Journey) -> float:
    """The half-width of the satisfaction colour scale: the largest |satisfaction|, at least 1.

    Parameters
    ----------
    journey : Journey
        The journey.

    Returns
    -------
    float
        The extent both ends of the diverging palette stand for.

    Examples
    --------
    >>> from journeymap.files import load_journey
    >>> satisfaction_extent(load_journey("fixtures/auto-repair.yaml"))
    35.0
    """
    return palette.extent(tp.experience - tp.expected for tp in journey.touchpoints)


def map_svg(
    journey: Journey,
    placed: Layout,
    analysis: dict[str, Any],
    names: dict[str, str],
    labels: list[timing.TimeLabel],
    at: dict[str, list[float] | None],
    layouts: dict[str, Layout],
) -> str:
    """The map of ``journey`` drawn in ``placed``, with the lane bands of every swimlane view.

    Parameters
    ----------
    journey : Journey
        The journey.
    placed : Layout
        The layout drawn (the default view's).
    analysis : dict
        The journey's ``analyze`` document.
    names : dict of str to str
        Node id -> name (the entry, touchpoints and outcomes).
    labels : list of TimeLabel
        The arrows' time labels (``timing.time_labels``).
    at : dict of str to list of float or None
        Each label's centre in ``placed`` (``timing.place``), None where it has no room.
    layouts : dict of str to Layout
        Every swimlane view's layout (their lane bands travel hidden in the drawing).

    Returns
    -------
    str
        The ``<svg class="map">`` element.

    Examples
    --------
    >>> from journeymap.engine import analyze
    >>> from journeymap.export.mappage import layout
    >>> from journeymap.files import load_journey
    >>> journey = load_journey("fixtures/auto-repair.yaml")
    >>> placed = layout.compute(journey)
    >>> names = {"entry": "Entry", **{n.id: n.name for n in [*journey.touchpoints, *journey.outcomes]}}
    >>> drawn = map_svg(journey, placed, analyze(journey), names, [], {}, {"none": placed})
    >>> drawn.startswith('<svg class="map"'), drawn.count('class="card"') == len(names)
    (True, True)
    """
    half = satisfaction_extent(journey)
    figures = by_touchpoint(analysis)
    top_reach = max([1e-12, *(f["reach"] for f in figures.values())])
    entrants = float(analysis["entrants"])
    details = timing.transition_details(journey)
    parts = [
        f'<svg class="map" xmlns="http://www.w3.org/2000/svg" width="{placed.width:.0f}" '
        f'height="{placed.height:.0f}" viewBox="0 0 {placed.width:.0f} {placed.height:.0f}" role="img" '
        f'aria-label="Journey map of {escape(journey.name, quote=True)}">',
        svg.defs(),
        backdrop.phase_bands(placed),
        *(backdrop.lane_bands(layout, view, layout is placed) for view, layout in layouts.items()),
        backdrop.stage_headers(placed, analysis.get("stages", {})),
        '<g class="flows">',
        arrows.flows(
            journey,
            placed,
            edge_customers(journey, analysis),
            transition_probabilities(journey),
            names,
            details,
        ),
        "</g>",
        svg.card(
            placed.cards[ENTRY], "#ffffff", f"{entrants:,.0f} entrants", 1.0, f'data-node="{ENTRY}"', "Entry"
        ),
    ]
    for tp in journey.touchpoints:
        f = figures[tp.id]
        s = f["satisfaction"]
        meta = f"reach {svg.percent(f['reach'])} · s {svg.number(s)}"
        if f["pain"]:
            meta += f" · pain {svg.number(f['pain'])}"
        fill = palette.diverging(s, half)
        badge = sources.badge_svg(placed.cards[tp.id], tp.score_source, palette.text_colour(fill))
        parts.append(
            svg.card(
                placed.cards[tp.id],
                fill,
                meta,
                f["reach"] / top_reach,
                f'id="tp-{tp.id}" data-touchpoint="{tp.id}" data-stage="{tp.stage}" '
                f'data-personas="{" ".join(tp.personas or [])}" data-source="{tp.score_source}"',
                tp.name,
                badge,
            )
        )
    for o in journey.outcomes:
        share = analysis["outcomes"][o.id]
        fill = palette.SUCCESS if o.kind == "success" else palette.FAILURE
        meta = f"{svg.percent(share)} · {share * entrants:,.0f} customers"
        parts.append(
            svg.card(
                placed.cards[o.id],
                fill,
                meta,
                share,
                f'data-outcome="{escape(o.id, quote=True)}" data-kind="{o.kind}"',
                o.name,
            )
        )
    parts.append('<g class="flow-times">')
    for label in labels:
        lines = [f"{names[label.source]} → {names[label.target]}", *details[(label.source, label.target)]]
        parts.append(timing.label_svg(label, "\n".join(lines), at[label.edge]))
    parts.append("</g></svg>")
    return "".join(parts)
