"""HTML pieces of the map page around the drawing: the toolbar (swimlanes, persona
filter, zoom), the opportunities list and the journey's notes and evidence.

All text is escaped; list items carry ``data-opportunity`` and link to their
touchpoints' cards (``#tp-<id>``), which the page script highlights.
"""

from __future__ import annotations

from html import escape

from journeymap.model import Evidence, Journey, Opportunity

VIEW_NAMES = {"none": "none (stages only)", "lane": "by lane", "channel": "by channel", "owner": "by owner"}
STATUS_NAMES = {"idea": "idea", "planned": "planned", "in_progress": "in progress", "done": "done"}


def _option(value: str, label: str, selected: bool = False) -> str:
    chosen = " selected" if selected else ""
    return f'<option value="{escape(value, quote=True)}"{chosen}>{escape(label)}</option>'


def toolbar(journey: Journey, views: list[str], default: str) -> str:
    """The swimlane switch, the persona filter (when the journey has personas) and the zoom."""
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
    """The opportunities, each linked to its touchpoints' cards."""
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
    by the model), each with its source."""
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
    """The journey's and its stages' notes and evidence, or nothing when there are none."""
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
