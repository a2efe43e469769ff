"""The journey map page: one self-contained HTML file (inline CSS, JS and SVG).

The layout is computed in Python (``layout``) and drawn as SVG (``svg``); a
small inline script (``assets/map.js``) adds the details panel, the pain path
and opportunity highlighting, the swimlane switch, the persona filter and the
fit-to-width zoom from the page's data, embedded as JSON in a
``<script type="application/json">`` element with ``</`` escaped. The map is
drawn in its default swimlanes (by ``lane`` when touchpoints have one); the
other groupings travel in the data as card offsets and arrow paths, so the
switch moves cards without a second drawing. A Content-Security-Policy forbids
every network request; a print stylesheet fits the map to landscape pages.
"""

from __future__ import annotations

import json
import re
from html import escape
from importlib.resources import files
from typing import Any

from journeymap.engine.metrics import transition_probabilities
from journeymap.engine.report import NO_PAIN, by_touchpoint
from journeymap.export import palette
from journeymap.export.mappage import layout as geometry
from journeymap.export.mappage import pathlists, sidebar, svg, timing
from journeymap.export.mappage.pathlists import short_route

__all__ = ["CSP", "PAIN_PATHS", "render", "script_json", "short_route"]
from journeymap.export.flows import edge_customers, main_path
from journeymap.model import ENTRY, Journey

PAIN_PATHS = 5
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def render(journey: Journey, alpha: float = 0.5) -> str:
    """The whole page for ``journey`` (``alpha`` is the carried-experience memory)."""
    from journeymap.engine import analyze, top_paths
    from journeymap.engine.observed import variants_document, with_observed

    analysis = analyze(journey, alpha=alpha)
    paths = with_observed(top_paths(journey, k=PAIN_PATHS, rank="pain"), journey)["paths"]
    views = ["none", *geometry.groupings(journey)]
    default = "lane" if "lane" in views else "none"
    layouts = {v: geometry.compute(journey, None if v == "none" else v) for v in views}
    labels = timing.time_labels(journey, edge_customers(journey, analysis))
    placements = {v: timing.place(labels, layout) for v, layout in layouts.items()}
    placed = layouts[default]
    names = {
        ENTRY: "Entry",
        **{tp.id: tp.name for tp in journey.touchpoints},
        **{o.id: o.name for o in journey.outcomes},
    }
    map_svg = _map_svg(journey, layouts[default], analysis, names, labels, placements[default], layouts)
    route = main_path(journey)
    xs = svg.curve_positions(route, placed)
    figures = by_touchpoint(analysis)
    steps = [(n, names[n], figures[n]["satisfaction"], figures[n]["carried"]) for n in route if n in figures]
    last = route[-1]
    end = (names[last], xs[last][0]) if last in xs and last not in figures else None
    curve = svg.emotion_curve(steps, end, xs, placed.width)
    observed = variants_document(journey) if journey.variants is not None else None
    data = _page_data(journey, analysis, paths, names, route)
    data["observed"] = [
        {"rank": v["rank"], "nodes": [ENTRY, *v["nodes"]]} for v in (observed or {}).get("variants", [])
    ]
    data["transitions"] = _transitions_data(journey, analysis, names)
    data["views"] = _views(journey, layouts, default, placements)
    data["view"] = default
    slots = {
        "TITLE": escape(journey.name),
        "CSP": escape(CSP, quote=True),
        "CSS": _asset("map.css"),
        "JS": _asset("map.js"),
        "TOOLBAR": sidebar.toolbar(journey, views, default),
        "SUMMARY": _summary(journey, analysis, names),
        "LEGEND": _legend(journey) + timing.legend(journey),
        "PATHS": _paths(analysis, paths, names, observed),
        "OPPORTUNITIES": sidebar.opportunities(journey, names),
        "NOTES": sidebar.journey_notes(journey),
        "MAP": map_svg,
        "CURVE": curve,
        "DATA": script_json(data),
    }
    # One pass, so text that happens to look like a slot is never filled in.
    return re.sub(r"\{\{([A-Z]+)\}\}", lambda m: slots[m.group(1)], _asset("map.html"))


def _paths(
    analysis: dict[str, Any],
    paths: list[dict[str, Any]],
    names: dict[str, str],
    observed: dict[str, Any] | None,
) -> str:
    """The paths section: the no-pain note when every pain is 0, the model's pain paths and,
    for a journey with observed variants, the switch to them."""
    note = ""
    if not any(f["pain"] for f in analysis["touchpoints"]):
        note = f'<p class="note no-pain" role="note">{escape(NO_PAIN)}</p>'
    if observed is None:
        return note + pathlists.model_list(paths, names)
    return note + pathlists.switch() + pathlists.model_list(paths, names) + pathlists.observed_list(observed)


def _views(
    journey: Journey,
    layouts: dict[str, geometry.Layout],
    default: str,
    placements: dict[str, dict[str, list[float] | None]],
) -> dict[str, Any]:
    """Per swimlane grouping: the map's height, each card's vertical offset from the drawn
    (default) layout, each arrow's path data and each time label's place (null: no room)."""
    drawn = layouts[default]
    pairs = [(t.source, t.target) for t in journey.transitions]
    return {
        view: {
            "height": round(placed.height, 1),
            "dy": {n: round(b.y - drawn.cards[n].y, 1) for n, b in placed.cards.items()},
            "flows": {f"{a}->{b}": svg.flow_d(placed, a, b) for a, b in pairs},
            "labels": placements[view],
        }
        for view, placed in layouts.items()
    }


def script_json(data: Any) -> str:
    """JSON safe inside a ``<script>`` element (as Django's ``json_script``): ``<``, ``>`` and
    ``&`` are written as ``\\u`` escapes, so no ``</script>`` or ``<!--`` can end or hide it.

    >>> script_json({"name": "</script><!--&"})
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003c!--\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _asset(name: str) -> str:
    return files("journeymap.export.mappage").joinpath("assets", name).read_text(encoding="utf-8")


def _satisfaction_extent(journey: Journey) -> float:
    return palette.extent(tp.experience - tp.expected for tp in journey.touchpoints)


def _map_svg(
    journey: Journey,
    placed: geometry.Layout,
    analysis: dict[str, Any],
    names: dict[str, str],
    labels: list[timing.TimeLabel],
    at: dict[str, list[float] | None],
    layouts: dict[str, geometry.Layout],
) -> str:
    half = _satisfaction_extent(journey)
    figures = by_touchpoint(analysis)
    top_reach = max([1e-12, *(f["reach"] for f in figures.values())])
    entrants = float(analysis["entrants"])
    probabilities = transition_probabilities(journey)
    details = _transition_details(journey)
    parts = [
        f'<svg class="map" xmlns="http://www.w3.org/2000/svg" width="{placed.width:.0f}" '
        f'height="{placed.height:.0f}" viewBox="0 0 {placed.width:.0f} {placed.height:.0f}" role="img" '
        f'aria-label="Journey map of {escape(journey.name, quote=True)}">',
        svg.defs(),
        svg.phase_bands(placed),
        *(svg.lane_bands(layout, view, layout is placed) for view, layout in layouts.items()),
        svg.stage_headers(placed, analysis.get("stages", {})),
        '<g class="flows">',
        svg.flows(journey, placed, edge_customers(journey, analysis), probabilities, names, details),
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
        badge = timing.badge_svg(placed.cards[tp.id], tp.score_source, palette.text_colour(fill))
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


def _transitions_data(journey: Journey, analysis: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """For the details panel: each timed transition's names, customers, share and time lines."""
    customers = edge_customers(journey, analysis)
    probabilities = transition_probabilities(journey)
    return {
        f"{a}->{b}": {
            "name": f"{names[a]} → {names[b]}",
            "customers": round(customers[(a, b)], 6),
            "share": probabilities[(a, b)],
            "lines": lines,
        }
        for (a, b), lines in _transition_details(journey).items()
    }


def _transition_details(journey: Journey) -> dict[tuple[str, str], list[str]]:
    """The time and expected-wait lines of every transition that has either."""
    found = {(t.source, t.target): timing.transition_detail(t) for t in journey.transitions}
    return {pair: lines for pair, lines in found.items() if lines}


def _summary(journey: Journey, analysis: dict[str, Any], names: dict[str, str]) -> str:
    rows = [
        ("Entrants", f"{float(analysis['entrants']):,.0f}"),
        ("Success", svg.percent(analysis["success_probability"])),
        ("Expected pain / entrant", svg.number(analysis["expected_pain"])),
        ("Touchpoints", str(len(journey.touchpoints))),
    ]
    rows += [(f"→ {names[o]}", svg.percent(p)) for o, p in analysis["outcomes"].items()]
    rows += _economics_rows(analysis["economics"])
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f'<table class="summary">{body}</table>'


def _economics_rows(econ: dict[str, Any]) -> list[tuple[str, str]]:
    """What the pain costs over the horizon (README, "What a pain costs")."""
    money = f" {econ['currency']}" if econ.get("currency") else ""
    return [
        (f"Value at stake ({econ['horizon']})", svg.number(econ["value_at_stake"]) + money),
        ("Customers lost", svg.number(econ["customers_lost"])),
        ("Lost by word of mouth", svg.number(econ["word_of_mouth_lost"])),
        ("Won by word of mouth", svg.number(econ["word_of_mouth_won"])),
    ]


def _legend(journey: Journey) -> str:
    half = _satisfaction_extent(journey)
    return (
        '<svg class="legend" xmlns="http://www.w3.org/2000/svg" width="290" height="46" viewBox="0 0 290 46">'
        '<rect x="10" y="4" width="270" height="14" rx="3" fill="url(#legend-gradient)"/>'
        '<defs><linearGradient id="legend-gradient">'
        + "".join(
            f'<stop offset="{i / (len(palette.RDBU) - 1):.3f}" stop-color="{c}"/>'
            for i, c in enumerate(palette.RDBU)
        )
        + "</linearGradient></defs>"
        f'<text x="10" y="32">{svg.number(-half)}</text><text x="145" y="32" text-anchor="middle">0</text>'
        f'<text x="280" y="32" text-anchor="end">+{svg.number(half)}</text>'
        '<text x="145" y="44" text-anchor="middle" class="caption">'
        "below expectation · as expected · above</text>"
        "</svg>"
    )


def _page_data(
    journey: Journey,
    analysis: dict[str, Any],
    paths: list[dict[str, Any]],
    names: dict[str, str],
    route: list[str],
) -> dict[str, Any]:
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
            **timing.provenance(tp),
            **{
                k: f.get(k)
                for k in (
                    "satisfaction",
                    "weighted_satisfaction",
                    "gap",
                    "reach",
                    "pain",
                    "priority",
                    "carried",
                    "removal_effect",
                )
            },
        }
    return {
        "journey": journey.id,
        "touchpoints": touchpoints,
        "paths": [{"rank": p["rank"], "nodes": p["nodes"]} for p in paths],
        "main_path": route,
        "names": names,
        "opportunities": {o.id: o.touchpoints for o in journey.opportunities or []},
    }
