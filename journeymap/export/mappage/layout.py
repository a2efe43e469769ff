"""Geometry of the journey map, computed in Python so it is deterministic and testable.

Columns run left to right: the entry, then every stage (grouped by phase:
pre-sale, sale, after-sale; file order within a phase), then the outcomes.
Cards in a column stack top to bottom with a fixed gap, each as tall as its
wrapped name needs, so no two cards can overlap whatever the journey's size.
With swimlanes (``lanes="lane" | "channel" | "owner"``) the stage columns are
cut into rows, one per value of that field (touchpoints without one share a
last row); the columns keep their places, so only the cards' heights change.
Names are wrapped to fit their cards by ``text_fit``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from journeymap.export.mappage.text_fit import MAX_NAME_LINES as MAX_NAME_LINES
from journeymap.export.mappage.text_fit import NAME_FONT as NAME_FONT
from journeymap.export.mappage.text_fit import char_width as char_width
from journeymap.export.mappage.text_fit import text_width as text_width
from journeymap.export.mappage.text_fit import wrap
from journeymap.model import LANES, PHASES, Journey, Touchpoint

CARD_WIDTH = 190.0
CARD_PADDING = 8.0
NAME_LINE = 16.0
META_HEIGHT = 16.0
BAR_HEIGHT = 5.0
CARD_GAP = 12.0
COLUMN_GAP = 110.0
ENTRY_WIDTH = 96.0
PHASE_BAND = 26.0
STAGE_HEADER = 62.0
TOP = PHASE_BAND + 8.0 + STAGE_HEADER + 10.0
MARGIN = 16.0
LANE_HEADER = 22.0
LANE_GAP = 10.0
GROUPINGS = ("lane", "channel", "owner")  # the touchpoint fields swimlanes can follow
BADGES = {"behaviour": "B", "events": "E", "none": "?"}  # score sources a card marks (``timing.py``)
BADGE_ROOM = 22.0  # the name of a card with a badge wraps this much narrower


@dataclass(frozen=True)
class Box:
    """A placed element: ``x``, ``y`` is its top-left corner."""

    id: str
    x: float
    y: float
    width: float
    height: float
    lines: tuple[str, ...] = ()

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def middle(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True)
class Column:
    stage: str
    phase: str
    x: float
    title: tuple[str, ...]


@dataclass(frozen=True)
class Lane:
    """One swimlane row: ``key`` is the field's value ("" = touchpoints without one)."""

    key: str
    label: str
    y: float
    height: float


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    columns: list[Column]
    cards: dict[str, Box]  # touchpoints, the entry and the outcomes, by id
    column_of: dict[str, int]  # node id -> column index (0 = entry)
    lanes: list[Lane] = field(default_factory=list)  # empty without swimlanes


def ordered_stages(journey: Journey) -> list[str]:
    """Stage ids grouped by phase (pre-sale, sale, after-sale), file order within a phase.

    Parameters
    ----------
    journey : Journey
        The journey.

    Returns
    -------
    list of str
        The stage ids, in the map's column order.

    Examples
    --------
    >>> from journeymap.files import load_journey
    >>> ordered_stages(load_journey("fixtures/auto-repair.yaml"))[:3]
    ['awareness', 'booking', 'service']
    """
    return [s.id for phase in PHASES for s in journey.stages if s.phase == phase]


def card_height(lines: int) -> float:
    """The height of a card whose name takes ``lines`` lines.

    Parameters
    ----------
    lines : int
        The name's lines.

    Returns
    -------
    float
        Padding, the name, the meta line and the bar, in pixels.

    Examples
    --------
    >>> card_height(1), card_height(2)
    (57.0, 73.0)
    """
    return CARD_PADDING * 2 + lines * NAME_LINE + 4 + META_HEIGHT + BAR_HEIGHT


def lane_key(tp: Touchpoint, by: str) -> str:
    """The touchpoint's value of the swimlane field ``by`` ("" when unset).

    Parameters
    ----------
    tp : Touchpoint
        The touchpoint.
    by : str
        ``lane``, ``channel`` or ``owner``.

    Returns
    -------
    str
        The value, stripped, or "".

    Examples
    --------
    >>> from journeymap.model import Touchpoint
    >>> tp = Touchpoint(id="a", name="A", stage="s", experience=5, channel=" phone ")
    >>> lane_key(tp, "channel"), lane_key(tp, "owner")
    ('phone', '')
    """
    value = getattr(tp, by)
    return value.strip() if isinstance(value, str) else ""


def lane_order(journey: Journey, by: str) -> list[str]:
    """The swimlane rows for field ``by``: for ``lane`` the usual front-stage, back-stage,
    support first, then other values in file order; touchpoints without a value last.

    Parameters
    ----------
    journey : Journey
        The journey.
    by : str
        ``lane``, ``channel`` or ``owner``.

    Returns
    -------
    list of str
        The rows' keys ("" for the row of touchpoints without a value).

    Examples
    --------
    >>> from journeymap.files import load_journey
    >>> lane_order(load_journey("fixtures/auto-repair.yaml"), "lane")
    ['front-stage', 'back-stage', 'support']
    """
    seen = list(dict.fromkeys(lane_key(tp, by) for tp in journey.touchpoints))
    known = [k for k in LANES if k in seen] if by == "lane" else []
    rest = [k for k in seen if k and k not in known]
    return known + rest + ([""] if "" in seen else [])


def groupings(journey: Journey) -> list[str]:
    """The swimlane fields some touchpoint of ``journey`` sets.

    Parameters
    ----------
    journey : Journey
        The journey.

    Returns
    -------
    list of str
        Of ``lane``, ``channel`` and ``owner``, in that order.

    Examples
    --------
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.files import load_journey
    >>> from journeymap.model import parse_journey
    >>> groupings(load_journey("fixtures/auto-repair.yaml")), groupings(parse_journey(_TINY))
    (['lane', 'channel', 'owner'], [])
    """
    return [by for by in GROUPINGS if any(lane_key(tp, by) for tp in journey.touchpoints)]


def compute(journey: Journey, lanes: str | None = None) -> Layout:
    """Place every column and card (see the module docstring).

    Parameters
    ----------
    journey : Journey
        The journey.
    lanes : str or None, default None
        The touchpoint field to cut the columns into swimlanes by, or None for none.

    Returns
    -------
    Layout
        The drawing's size, the stage columns, every card's box and column and the swimlanes.

    Examples
    --------
    >>> from journeymap.files import load_journey
    >>> placed = compute(load_journey("fixtures/auto-repair.yaml"))
    >>> placed.width, len(placed.columns), placed.cards["ad_promotion"].x, placed.lanes
    (1928.0, 5, 222.0, [])
    """
    stages = {s.id: s for s in journey.stages}
    order = ordered_stages(journey)
    text_room = CARD_WIDTH - 2 * CARD_PADDING
    cards: dict[str, Box] = {"entry": Box("entry", MARGIN, TOP, ENTRY_WIDTH, 56.0, ("Entry",))}
    column_of: dict[str, int] = {"entry": 0}
    columns = [
        Column(sid, stages[sid].phase, MARGIN + ENTRY_WIDTH + COLUMN_GAP + i * (CARD_WIDTH + COLUMN_GAP),
               wrap(stages[sid].name, text_room, 13.0, 2))
        for i, sid in enumerate(order)
    ]  # fmt: skip
    rows = lane_order(journey, lanes) if lanes else [""]
    header = LANE_HEADER if lanes else 0.0
    rows_placed: list[Lane] = []
    y_row = TOP
    bottom = TOP + 56.0
    for key in rows:
        row_bottom = y_row + header
        for index, column in enumerate(columns, start=1):
            y = y_row + header
            for tp in journey.touchpoints:
                if tp.stage != column.stage or (lanes and lane_key(tp, lanes) != key):
                    continue
                lines = wrap(tp.name, text_room - (BADGE_ROOM if tp.score_source in BADGES else 0.0))
                cards[tp.id] = Box(tp.id, column.x, y, CARD_WIDTH, card_height(len(lines)), lines)
                column_of[tp.id] = index
                y += cards[tp.id].height + CARD_GAP
            row_bottom = max(row_bottom, y)
        if lanes:
            label = key or f"(no {lanes})"
            rows_placed.append(Lane(key, label, y_row, row_bottom - y_row))
            row_bottom += LANE_GAP
        bottom = max(bottom, row_bottom)
        y_row = row_bottom
    x = MARGIN + ENTRY_WIDTH + COLUMN_GAP + len(order) * (CARD_WIDTH + COLUMN_GAP)
    y = TOP
    for outcome in journey.outcomes:
        lines = wrap(outcome.name, text_room)
        cards[outcome.id] = Box(outcome.id, x, y, CARD_WIDTH, card_height(len(lines)), lines)
        column_of[outcome.id] = len(order) + 1
        y += cards[outcome.id].height + CARD_GAP
    bottom = max(bottom, y)
    return Layout(x + CARD_WIDTH + MARGIN, bottom + 60.0, columns, cards, column_of, rows_placed)
