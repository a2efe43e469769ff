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

from journeymap.engine.json_values import NO_PAIN
from journeymap.engine.report import by_touchpoint
from journeymap.export.flows import edge_customers, main_path
from journeymap.export.mappage import curve, pathlists, sidebar, sources, timing
from journeymap.export.mappage import layout as geometry
from journeymap.export.mappage.map_svg import map_svg
from journeymap.export.mappage.page_data import page_data, transitions_data, views_data
from journeymap.export.mappage.pathlists import short_route
from journeymap.model import ENTRY, Journey

__all__ = ["CSP", "PAIN_PATHS", "render", "script_json", "short_route"]

PAIN_PATHS = 5
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def render(journey: Journey, alpha: float = 0.5) -> str:
    """The whole page for ``journey`` (``alpha`` is the carried-experience memory).

    Parameters
    ----------
    journey : Journey
        The journey.
    alpha : float, default 0.5
        The memory of carried experience (the emotion curve, the analysis).

    Returns
    -------
    str
        The self-contained HTML page (``journeymap.export.map_html``).

    Examples
    --------
    >>> from journeymap.files import load_journey
    >>> page = render(load_journey("fixtures/auto-repair.yaml"))
    >>> page.startswith("<!DOCTYPE html>"), "Content-Security-Policy" in page, 'id="journey-data"' in page
    (True, True, True)
    """
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
    drawn = map_svg(journey, layouts[default], analysis, names, labels, placements[default], layouts)
    route = main_path(journey)
    xs = curve.curve_positions(route, placed)
    figures = by_touchpoint(analysis)
    steps = [(n, names[n], figures[n]["satisfaction"], figures[n]["carried"]) for n in route if n in figures]
    last = route[-1]
    end = (names[last], xs[last][0]) if last in xs and last not in figures else None
    drawn_curve = curve.emotion_curve(steps, end, xs, placed.width)
    observed = variants_document(journey) if journey.variants is not None else None
    data = page_data(journey, analysis, paths, names, route)
    data["observed"] = [
        {"rank": v["rank"], "nodes": [ENTRY, *v["nodes"]]} for v in (observed or {}).get("variants", [])
    ]
    data["transitions"] = transitions_data(journey, analysis, names)
    data["views"] = views_data(journey, layouts, default, placements)
    data["view"] = default
    slots = {
        "TITLE": escape(journey.name),
        "CSP": escape(CSP, quote=True),
        "CSS": _asset("map.css"),
        "JS": _asset("map.js"),
        "TOOLBAR": sidebar.toolbar(journey, views, default),
        "SUMMARY": sidebar.summary(journey, analysis, names),
        "LEGEND": sidebar.legend(journey) + sources.legend(journey),
        "PATHS": paths_section(analysis, paths, names, observed),
        "OPPORTUNITIES": sidebar.opportunities(journey, names),
        "NOTES": sidebar.journey_notes(journey),
        "MAP": drawn,
        "CURVE": drawn_curve,
        "DATA": script_json(data),
    }
    # One pass, so text that happens to look like a slot is never filled in.
    return re.sub(r"\{\{([A-Z]+)\}\}", lambda m: slots[m.group(1)], _asset("map.html"))


def paths_section(
    analysis: dict[str, Any],
    paths: list[dict[str, Any]],
    names: dict[str, str],
    observed: dict[str, Any] | None,
) -> str:
    """The paths section: the no-pain note when every pain is 0, the model's pain paths and,
    for a journey with observed variants, the switch to them.

    Parameters
    ----------
    analysis : dict
        The journey's ``analyze`` document.
    paths : list of dict
        The rows of its pain paths (``with_observed``).
    names : dict of str to str
        Node id -> name.
    observed : dict or None
        Its ``variants`` document, or None without observed variants.

    Returns
    -------
    str
        The note (if any), the switch (if observed) and the lists.

    Examples
    --------
    >>> paths_section({"touchpoints": [{"pain": 0.0}]}, [], {}, None)[:44]
    '<p class="note no-pain" role="note">no pain '
    """
    note = ""
    if not any(f["pain"] for f in analysis["touchpoints"]):
        note = f'<p class="note no-pain" role="note">{escape(NO_PAIN)}</p>'
    if observed is None:
        return note + pathlists.model_list(paths, names)
    return note + pathlists.switch() + pathlists.model_list(paths, names) + pathlists.observed_list(observed)


def script_json(data: Any) -> str:
    r"""JSON safe inside a ``<script>`` element (as Django's ``json_script``): ``<``, ``>`` and
    ``&`` are written as ``\u`` escapes, so no ``</script>`` or ``<!--`` can end or hide it.

    Parameters
    ----------
    data : Any
        Anything ``json.dumps`` writes.

    Returns
    -------
    str
        The JSON text, non-ASCII characters kept.

    Examples
    --------
    >>> script_json({"name": "</script><!--&"})
    '{"name": "\\u003c/script\\u003e\\u003c!--\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _asset(name: str) -> str:
    return files("journeymap.export.mappage").joinpath("assets", name).read_text(encoding="utf-8")
