"""Where each touchpoint's score came from, on its card and in its details.

Cards whose score did not come from survey answers or the designer carry a
badge: ``B`` behaviour measured in the event log, ``E`` scores recorded in the
event log, ``?`` nothing measured (the scale's midpoint). The side panel's
legend explains the badges present and the arrows' time labels.
"""

from __future__ import annotations

from html import escape
from typing import Any

from journeymap.display import measure_text, timing_text
from journeymap.durations import format_seconds, seconds
from journeymap.export.mappage.layout import BADGES, Box
from journeymap.model import Journey, Touchpoint

BADGE_NAMES = {
    "behaviour": "behaviour measured in the event log (waits, rework, repeat contacts, back-steps, drop-off)",
    "events": "scores recorded in the event log",
    "none": "nothing measured: the scale's midpoint",
}
SOURCE_NAMES = {
    **BADGE_NAMES,
    "survey": "survey answers",
    "designer": "the designer's estimate",
}


def badge_svg(box: Box, source: str, ink: str) -> str:
    """The source badge in a card's top-right corner ("" for survey and designer scores).

    Parameters
    ----------
    box : Box
        The card.
    source : str
        The touchpoint's ``score_source``.
    ink : str
        The colour that reads on the card.

    Returns
    -------
    str
        The ``<g class="badge">`` element, or "".

    Examples
    --------
    >>> from journeymap.export.mappage.layout import Box
    >>> card = Box("a", 0, 0, 190, 60)
    >>> "<text" in badge_svg(card, "behaviour", "#000000"), badge_svg(card, "survey", "#000000")
    (True, '')
    """
    letter = BADGES.get(source)
    if letter is None:
        return ""
    x, y = box.right - 8 - 16, box.y + 6
    return (
        f'<g class="badge" data-source="{source}"><title>Score from {escape(BADGE_NAMES[source])}</title>'
        f'<rect x="{x:.1f}" y="{y:.1f}" width="16" height="14" rx="3" stroke="{ink}"/>'
        f'<text x="{x + 8:.1f}" y="{y + 10.5:.1f}" text-anchor="middle">{letter}</text></g>'
    )


def provenance(tp: Touchpoint) -> dict[str, Any]:
    """The card details' provenance: source (named), dwell, expected wait and each measure.

    Parameters
    ----------
    tp : Touchpoint
        The touchpoint.

    Returns
    -------
    dict
        ``source``, ``dwell`` and ``expected_wait`` (text or None) and ``measures`` (text each).

    Examples
    --------
    >>> from journeymap.model import Touchpoint
    >>> provenance(Touchpoint(id="a", name="A", stage="s", experience=5, expected_wait="2h"))
    {'source': "designer: the designer's estimate", 'dwell': None, 'expected_wait': '2h', 'measures': []}
    """
    return {
        "source": f"{tp.score_source}: {SOURCE_NAMES[tp.score_source]}",
        "dwell": timing_text(tp.time.model_dump()) if tp.time is not None else None,
        "expected_wait": format_seconds(seconds(tp.expected_wait)) if tp.expected_wait is not None else None,
        "measures": [measure_text(m.model_dump()) for m in tp.measures or []],
    }


def legend(journey: Journey) -> str:
    """The legend of the badges present and of the time labels ("" when neither shows).

    Parameters
    ----------
    journey : Journey
        The journey.

    Returns
    -------
    str
        The ``<ul class="sources">`` element, or "".

    Examples
    --------
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.files import load_journey
    >>> from journeymap.model import parse_journey
    >>> drawn = legend(load_journey("fixtures/planted-friction.yaml"))
    >>> 'data-source="behaviour"' in drawn, 'class="time-key"' in drawn, legend(parse_journey(_TINY))
    (True, True, '')
    """
    sources = [s for s in BADGES if any(tp.score_source == s for tp in journey.touchpoints)]
    rows = [
        f'<li><span class="badge-key" data-source="{s}">{BADGES[s]}</span> {escape(BADGE_NAMES[s])}</li>'
        for s in sources
    ]
    if rows:
        rows.append(
            '<li><span class="badge-key blank"></span> survey answers or the designer\'s estimate</li>'
        )
    if any(t.time is not None for t in journey.transitions):
        rows.append(
            '<li><span class="time-key">med · p90</span> median and 90th-percentile time between '
            "the two steps (hover or focus an arrow for the mean and n)</li>"
        )
    return '<ul class="sources">' + "".join(rows) + "</ul>" if rows else ""
