"""HTML pieces of the map page around the drawing: the toolbar (swimlanes, persona
filter, zoom), the summary table, the satisfaction legend, the opportunities list
and the journey's notes and evidence.

All text is escaped; list items carry ``data-opportunity`` and link to their
touchpoints' cards (``#tp-<id>``), which the page script highlights.
"""

from __future__ import annotations

from html import escape
from typing import Any

from journeymap.export.mappage.map_svg import satisfaction_extent
from journeymap.export.mappage.svg import gradient_stops, number, percent
from journeymap.model import Evidence, Journey, Opportunity

VIEW_NAMES = {"none": "none (stages only)", "lane": "by lane", "channel": "by channel", "owner": "by owner"}
STATUS_NAMES = {"idea": "idea", "planned": "planned", "in_progress": "in progress", "done": "done"}


def _option(value: str, label: str, selected: bool = False) -> str:
    chosen = " selected" if selected else ""
    return f'<option value="{escape(value, quote=True)}"{chosen}>{escape(label)}</option>'


def toolbar(journey: Journey, views: list[str], default: str) -> str:
    """The swimlane switch, the persona filter (when the journey has personas) and the zoom.

    Parameters
    ----------
    journey : Journey
        The journey.
    views : list of str
        The swimlane views (``"none"`` and the groupings its touchpoints set).
    default : str
        The view selected (the one drawn).

    Returns
    -------
    str
        The ``<div class="toolbar">`` element.

    Examples
    --------
    >>> from journeymap.files import load_journey
    >>> bar = toolbar(load_journey("fixtures/auto-repair.yaml"), ["none", "lane"], "lane")
    >>> '<option value="lane" selected>by lane</option>' in bar, 'id="fit"' in bar
    (True, True)
    """
    lanes = "".join(_option(v, VIEW_NAMES[v], v == default) for v in views)
    parts = [f'<label>Swimlanes <select id="lanes">{lanes}</select></label>']
    if journey.personas:
        options = _option("", "all personas") + "".join(_option(p.id, p.name) for p in journey.personas)
        parts.append(f'<label>Persona <select id="persona">{options}</select></label>')
    parts.append('<button type="button" id="fit" aria-pressed="false">Fit to width</button>')
    return '<div class="toolbar" role="toolbar" aria-label="Map view">' + "".join(parts) + "</div>"


def _figures(o: Opportunity) -> str:
    parts = [
        f"{label} {value:g}"
        for label, value in (
            ("customer value", o.customer_value),
            ("business value", o.business_value),
            ("effort", o.effort),
        )
        if value is not None
    ]
    return " · ".join(parts)


def opportunities(journey: Journey, names: dict[str, str]) -> str:
    """The opportunities, each linked to its touchpoints' cards.

    Parameters
    ----------
    journey : Journey
        The journey.
    names : dict of str to str
        Touchpoint id -> name.

    Returns
    -------
    str
        The ``<ol class="opportunities">`` list, or a note when the journey records none.

    Examples
    --------
    >>> from journeymap.files import load_journey
    >>> journey = load_journey("fixtures/mei-su-electronics.yaml")
    >>> listed = opportunities(journey, {tp.id: tp.name for tp in journey.touchpoints})
    >>> listed.startswith('<ol class="opportunities">'), 'data-opportunity="more_shops"' in listed
    (True, True)
    """
    if not journey.opportunities:
        return '<p class="empty">No opportunities recorded.</p>'
    items = []
    for o in journey.opportunities:
        links = ", ".join(
            f'<a href="#tp-{tid}" data-focus="{tid}">{escape(names[tid])}</a>' for tid in o.touchpoints
        )
        status = escape(STATUS_NAMES[o.status])
        items.append(
            f'<li data-opportunity="{o.id}" tabindex="0" role="button" aria-pressed="false">'
            f'<span class="title">{escape(o.title)}</span> <span class="status {o.status}">{status}</span>'
            f'<span class="figures">{escape(_figures(o))}</span>'
            + (f'<span class="touchpoints">{links}</span>' if links else "")
            + (f'<span class="note">{escape(o.description)}</span>' if o.description else "")
            + "</li>"
        )
    return '<ol class="opportunities">' + "".join(items) + "</ol>"


def evidence_list(items: list[Evidence] | None) -> str:
    """Evidence as a list: quotes in quotation marks, links as links (http(s) only, checked
    by the model), each with its source.

    Parameters
    ----------
    items : list of Evidence or None
        The evidence.

    Returns
    -------
    str
        The ``<ul class="evidence">`` list, or "" without evidence.

    Examples
    --------
    >>> from journeymap.model import Evidence
    >>> evidence_list([Evidence(kind="quote", text="Too slow", source="survey")])
    '<ul class="evidence"><li class="quote">“Too slow” <span class="source">— survey</span></li></ul>'
    >>> evidence_list(None)
    ''
    """
    if not items:
        return ""
    rows = []
    for e in items:
        text = escape(e.text)
        if e.kind == "quote":
            text = f"“{text}”"
        if e.url:
            text = f'<a href="{escape(e.url, quote=True)}" rel="noopener noreferrer">{text}</a>'
        source = f' <span class="source">— {escape(e.source)}</span>' if e.source else ""
        rows.append(f'<li class="{e.kind}">{text}{source}</li>')
    return '<ul class="evidence">' + "".join(rows) + "</ul>"


def journey_notes(journey: Journey) -> str:
    """The journey's and its stages' notes and evidence, or nothing when there are none.

    Parameters
    ----------
    journey : Journey
        The journey.

    Returns
    -------
    str
        A "Notes and evidence" heading and block, or "".

    Examples
    --------
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.model import parse_journey
    >>> journey_notes(parse_journey({**_TINY, "notes": "Pilot & launch"}))
    '<h2>Notes and evidence</h2><div class="notes"><p>Pilot &amp; launch</p></div>'
    >>> journey_notes(parse_journey(_TINY))
    ''
    """
    blocks = []
    if journey.notes or journey.evidence:
        note = f"<p>{escape(journey.notes)}</p>" if journey.notes else ""
        blocks.append(note + evidence_list(journey.evidence))
    for stage in journey.stages:
        if stage.notes or stage.evidence:
            note = f"<p>{escape(stage.notes)}</p>" if stage.notes else ""
            blocks.append(f"<h3>{escape(stage.name)}</h3>" + note + evidence_list(stage.evidence))
    if not blocks:
        return ""
    return '<h2>Notes and evidence</h2><div class="notes">' + "".join(blocks) + "</div>"


def summary(journey: Journey, analysis: dict[str, Any], names: dict[str, str]) -> str:
    """The summary table: entrants, success, expected pain, outcomes and what the pain costs.

    Parameters
    ----------
    journey : Journey
        The journey.
    analysis : dict
        Its ``analyze`` document.
    names : dict of str to str
        Node id -> name (the outcomes' are shown).

    Returns
    -------
    str
        The ``<table class="summary">`` element.

    Examples
    --------
    >>> from journeymap.engine import analyze
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.model import parse_journey
    >>> journey = parse_journey(_TINY)
    >>> table = summary(journey, analyze(journey), {"ok": "OK", "lost": "Lost"})
    >>> "<th>Success</th><td>60%</td>" in table, "<th>→ Lost</th><td>40%</td>" in table
    (True, True)
    """
    rows = [
        ("Entrants", f"{float(analysis['entrants']):,.0f}"),
        ("Success", percent(analysis["success_probability"])),
        ("Expected pain / entrant", number(analysis["expected_pain"])),
        ("Touchpoints", str(len(journey.touchpoints))),
    ]
    rows += [(f"→ {names[o]}", percent(p)) for o, p in analysis["outcomes"].items()]
    rows += economics_rows(analysis["economics"])
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f'<table class="summary">{body}</table>'


def economics_rows(econ: dict[str, Any]) -> list[tuple[str, str]]:
    """What the pain costs over the horizon (README, "What a pain costs"), as summary rows.

    Parameters
    ----------
    econ : dict
        The ``economics`` block of an ``analyze`` document.

    Returns
    -------
    list of (str, str)
        Label and shown value: value at stake, customers lost, lost and won by word of mouth.

    Examples
    --------
    >>> economics_rows({"currency": "EUR", "horizon": "1y", "value_at_stake": 134.0,
    ...                 "customers_lost": 4.0, "word_of_mouth_lost": 130.0, "word_of_mouth_won": 0.0})[:2]
    [('Value at stake (1y)', '134 EUR'), ('Customers lost', '4')]
    """
    money = f" {econ['currency']}" if econ.get("currency") else ""
    return [
        (f"Value at stake ({econ['horizon']})", number(econ["value_at_stake"]) + money),
        ("Customers lost", number(econ["customers_lost"])),
        ("Lost by word of mouth", number(econ["word_of_mouth_lost"])),
        ("Won by word of mouth", number(econ["word_of_mouth_won"])),
    ]


def legend(journey: Journey) -> str:
    """The satisfaction colour scale, from ``−extent`` through 0 to ``+extent``.

    Parameters
    ----------
    journey : Journey
        The journey (its touchpoints' satisfactions set the extent).

    Returns
    -------
    str
        The ``<svg class="legend">`` element.

    Examples
    --------
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.model import parse_journey
    >>> drawn = legend(parse_journey(_TINY))
    >>> drawn.startswith('<svg class="legend"'), ">−2</text>" in drawn, ">+2</text>" in drawn
    (True, True, True)
    """
    half = satisfaction_extent(journey)
    return (
        '<svg class="legend" xmlns="http://www.w3.org/2000/svg" width="290" height="46" viewBox="0 0 290 46">'
        '<rect x="10" y="4" width="270" height="14" rx="3" fill="url(#legend-gradient)"/>'
        '<defs><linearGradient id="legend-gradient">' + gradient_stops() + "</linearGradient></defs>"
        f'<text x="10" y="32">{number(-half)}</text><text x="145" y="32" text-anchor="middle">0</text>'
        f'<text x="280" y="32" text-anchor="end">+{number(half)}</text>'
        '<text x="145" y="44" text-anchor="middle" class="caption">'
        "below expectation · as expected · above</text>"
        "</svg>"
    )
