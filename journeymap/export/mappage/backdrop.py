"""What the map's cards stand on: a tinted band per phase, the stage headers with their
figures and, in a swimlane view, a band per lane."""

from __future__ import annotations

from html import escape
from typing import Any

from journeymap.export.mappage.layout import (
    CARD_PADDING,
    CARD_WIDTH,
    LANE_HEADER,
    NAME_LINE,
    PHASE_BAND,
    STAGE_HEADER,
    Layout,
)
from journeymap.export.mappage.svg import PHASE_NAMES, attr, number, text_lines

PHASE_TINTS = {"pre_sale": "#e8eef7", "sale": "#eef5e9", "after_sale": "#f6eef6"}


def phase_bands(layout: Layout) -> str:
    """The tinted background band and name of each phase (pre-sale, sale, after-sale) present.

    Parameters
    ----------
    layout : Layout
        The placed map.

    Returns
    -------
    str
        One ``<g class="phase">`` per phase with a stage.

    Examples
    --------
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.export.mappage.layout import compute
    >>> from journeymap.model import parse_journey
    >>> phase_bands(compute(parse_journey(_TINY))).count('data-phase="sale"')
    1
    """
    parts = []
    for phase in PHASE_NAMES:
        cols = [c for c in layout.columns if c.phase == phase]
        if not cols:
            continue
        x0, x1 = cols[0].x - 12, cols[-1].x + CARD_WIDTH + 12
        parts.append(
            f'<g class="phase" data-phase="{phase}"><rect x="{x0:.1f}" y="0" width="{x1 - x0:.1f}" '
            f'height="{layout.height:.1f}" rx="8" fill="{PHASE_TINTS[phase]}"/>'
            f'<text class="phase-name" x="{x0 + 10:.1f}" y="{PHASE_BAND - 8:.1f}">'
            f"{PHASE_NAMES[phase]}</text></g>"
        )
    return "".join(parts)


def stage_headers(layout: Layout, stage_figures: dict[str, Any]) -> str:
    """The "Start" and "Outcomes" titles and each stage's header with its reach and pain.

    Parameters
    ----------
    layout : Layout
        The placed map.
    stage_figures : dict
        The ``stages`` of an ``analyze`` document (``reach``, ``pain`` by stage id).

    Returns
    -------
    str
        The titles and one ``<g class="stage">`` per stage.

    Examples
    --------
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.export.mappage.layout import compute
    >>> from journeymap.model import parse_journey
    >>> drawn = stage_headers(compute(parse_journey(_TINY)), {"s": {"reach": 1.0, "pain": 4.0}})
    >>> "reach 1 · pain 4" in drawn
    True
    """
    entry, last = layout.cards["entry"], max(layout.cards.values(), key=lambda b: b.x)
    parts = [
        f'<text class="phase-name" x="{entry.x:.1f}" y="{PHASE_BAND - 8:.1f}">Start</text>',
        f'<text class="phase-name" x="{last.x:.1f}" y="{PHASE_BAND - 8:.1f}">Outcomes</text>',
    ]
    for col in layout.columns:
        figures = stage_figures.get(col.stage, {})
        y = PHASE_BAND + 8
        stats = f"reach {number(figures.get('reach') or 0)} · pain {number(figures.get('pain') or 0)}"
        parts.append(
            f'<g class="stage" data-stage="{attr(col.stage)}">'
            f'<rect x="{col.x:.1f}" y="{y:.1f}" width="{CARD_WIDTH:.1f}" height="{STAGE_HEADER:.1f}" rx="6"/>'
            + text_lines(col.title, col.x + CARD_PADDING, y + 18, NAME_LINE, "stage-name")
            + f'<text class="stage-stats" x="{col.x + CARD_PADDING:.1f}" y="{y + STAGE_HEADER - 9:.1f}">'
            f"{escape(stats)}</text></g>"
        )
    return "".join(parts)


def lane_bands(layout: Layout, view: str, shown: bool) -> str:
    """The swimlane rows of ``layout`` as one group, ``data-view`` = the grouping field.

    Parameters
    ----------
    layout : Layout
        A layout computed with swimlanes.
    view : str
        The grouping field (``lane``, ``channel`` or ``owner``).
    shown : bool
        Whether the group shows (only the drawn view's does).

    Returns
    -------
    str
        The ``<g class="lanes">`` element, or "" without swimlanes.

    Examples
    --------
    >>> from journeymap.export.mappage.layout import compute
    >>> from journeymap.files import load_journey
    >>> journey = load_journey("fixtures/auto-repair.yaml")
    >>> lane_bands(compute(journey, "lane"), "lane", False).count('class="lane"')
    3
    >>> lane_bands(compute(journey), "none", True)
    ''
    """
    if not layout.columns or not layout.lanes:
        return ""
    x0 = layout.columns[0].x - 8
    x1 = layout.columns[-1].x + CARD_WIDTH + 8
    parts = [f'<g class="lanes" data-view="{attr(view)}"' + ("" if shown else ' display="none"') + ">"]
    for lane in layout.lanes:
        parts.append(
            f'<g class="lane" data-lane="{attr(lane.key)}"><rect x="{x0:.1f}" y="{lane.y:.1f}" '
            f'width="{x1 - x0:.1f}" height="{lane.height:.1f}" rx="4"/>'
            f'<text class="lane-name" x="{x0 + 8:.1f}" y="{lane.y + LANE_HEADER - 7:.1f}">'
            f"{escape(lane.label)}</text></g>"
        )
    parts.append("</g>")
    return "".join(parts)
