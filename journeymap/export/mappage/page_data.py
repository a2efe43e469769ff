"""The data the map page's script reads (embedded as JSON): each touchpoint's details, the
timed transitions, the paths and, per swimlane view, where the cards, arrows and labels go."""

from __future__ import annotations

from typing import Any

from journeymap.engine.metrics import transition_probabilities
from journeymap.engine.report import by_touchpoint
from journeymap.export.flows import edge_customers
from journeymap.export.mappage import arrows, sources, svg, timing
from journeymap.export.mappage.layout import Layout
from journeymap.model import Journey

DETAIL_FIGURES = (
    "satisfaction",
    "weighted_satisfaction",
    "gap",
    "reach",
    "pain",
    "priority",
    "carried",
    "removal_effect",
)
"""The analysis figures the details panel shows for a touchpoint."""


def page_data(
    journey: Journey,
    analysis: dict[str, Any],
    paths: list[dict[str, Any]],
    names: dict[str, str],
    route: list[str],
) -> dict[str, Any]:
    """The page's data: touchpoint details, the pain paths, the main path, names, opportunities.

    Parameters
    ----------
    journey : Journey
        The journey.
    analysis : dict
        Its ``analyze`` document.
    paths : list of dict
        The rows of its ``paths`` document (the pain paths listed beside the map).
    names : dict of str to str
        Node id -> name.
    route : list of str
        The main path's node ids (``journeymap.export.flows.main_path``).

    Returns
    -------
    dict
        ``journey``, ``touchpoints`` (each one's fields, provenance and figures, by id),
        ``paths`` (rank and nodes), ``main_path``, ``names`` and ``opportunities``
        (opportunity id -> its touchpoint ids).

    Examples
    --------
    >>> from journeymap.engine import analyze
    >>> from journeymap.files import load_journey
    >>> journey = load_journey("fixtures/auto-repair.yaml")
    >>> data = page_data(journey, analyze(journey), [], {}, ["entry", "ad_promotion"])
    >>> data["touchpoints"]["ad_promotion"]["phase"], data["main_path"]
    ('Pre-sale', ['entry', 'ad_promotion'])
    """
    stages = {s.id: s for s in journey.stages}
    persona_names = {p.id: p.name for p in journey.personas or []}
    touchpoints = {}
    figures = by_touchpoint(analysis)
    for tp in journey.touchpoints:
        f = figures[tp.id]
        touchpoints[tp.id] = {
            "name": tp.name,
            "stage": stages[tp.stage].name,
            "phase": svg.PHASE_NAMES[stages[tp.stage].phase],
            "channel": tp.channel,
            "owner": tp.owner,
            "lane": tp.lane,
            "personas": [persona_names[p] for p in tp.personas or []],
            "description": tp.description,
            "notes": tp.notes,
            "evidence": [e.model_dump(exclude_none=True) for e in tp.evidence or []],
            "opportunities": [o.title for o in journey.opportunities or [] if tp.id in o.touchpoints],
            "experience": tp.experience,
            "expectation": tp.expected,
            "importance": tp.weight,
            "ideal": tp.ideal,
            "responses": tp.responses,
            **sources.provenance(tp),
            **{k: f.get(k) for k in DETAIL_FIGURES},
        }
    return {
        "journey": journey.id,
        "touchpoints": touchpoints,
        "paths": [{"rank": p["rank"], "nodes": p["nodes"]} for p in paths],
        "main_path": route,
        "names": names,
        "opportunities": {o.id: o.touchpoints for o in journey.opportunities or []},
    }


def transitions_data(journey: Journey, analysis: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """For the details panel: each timed transition's names, customers, share and time lines.

    Parameters
    ----------
    journey : Journey
        The journey.
    analysis : dict
        Its ``analyze`` document.
    names : dict of str to str
        Node id -> name.

    Returns
    -------
    dict
        By ``source->target``, for the transitions with a time or an expected wait:
        ``name``, ``customers`` (the model's), ``share`` (P(source -> target)) and ``lines``.

    Examples
    --------
    >>> from journeymap.engine import analyze
    >>> from journeymap.model import parse_journey
    >>> from journeymap.engine.metrics import _TINY
    >>> journey = parse_journey({**_TINY, "transitions": [{**_TINY["transitions"][0], "expected_wait": "2h"},
    ...                                                  *_TINY["transitions"][1:]]})
    >>> transitions_data(journey, analyze(journey), {"entry": "Entry", "a": "A"})
    {'entry->a': {'name': 'Entry → A', 'customers': 10.0, 'share': 1.0, 'lines': ['expected wait 2h']}}
    """
    customers = edge_customers(journey, analysis)
    probabilities = transition_probabilities(journey)
    return {
        f"{a}->{b}": {
            "name": f"{names[a]} → {names[b]}",
            "customers": round(customers[(a, b)], 6),
            "share": probabilities[(a, b)],
            "lines": lines,
        }
        for (a, b), lines in timing.transition_details(journey).items()
    }


def views_data(
    journey: Journey,
    layouts: dict[str, Layout],
    default: str,
    placements: dict[str, dict[str, list[float] | None]],
) -> dict[str, Any]:
    """Per swimlane grouping: the map's height, each card's vertical offset from the drawn
    (default) layout, each arrow's path data and each time label's place (null: no room).

    Parameters
    ----------
    journey : Journey
        The journey.
    layouts : dict of str to Layout
        The layout of each view (``"none"``, ``"lane"``, ``"channel"``, ``"owner"``).
    default : str
        The view drawn in the page's SVG.
    placements : dict of str to dict
        Per view, each time label's centre (``timing.place``).

    Returns
    -------
    dict
        By view: ``height``, ``dy`` (card id -> offset), ``flows`` (``source->target``
        -> path data) and ``labels``.

    Examples
    --------
    >>> from journeymap.export.mappage import layout
    >>> from journeymap.files import load_journey
    >>> journey = load_journey("fixtures/auto-repair.yaml")
    >>> layouts = {"none": layout.compute(journey), "lane": layout.compute(journey, "lane")}
    >>> views = views_data(journey, layouts, "lane", {"none": {}, "lane": {}})
    >>> views["lane"]["dy"]["ad_promotion"], sorted(views) == ["lane", "none"]
    (0.0, True)
    """
    drawn = layouts[default]
    pairs = [(t.source, t.target) for t in journey.transitions]
    return {
        view: {
            "height": round(placed.height, 1),
            "dy": {n: round(b.y - drawn.cards[n].y, 1) for n, b in placed.cards.items()},
            "flows": {f"{a}->{b}": arrows.flow_d(placed, a, b) for a, b in pairs},
            "labels": placements[view],
        }
        for view, placed in layouts.items()
    }
