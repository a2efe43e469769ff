"""Geometry of the journey map, computed in Python so it is deterministic and testable.

Columns run left to right: the entry, then every stage (grouped by phase:
pre-sale, sale, after-sale; file order within a phase), then the outcomes.
Cards in a column stack top to bottom with a fixed gap, each as tall as its
wrapped name needs, so no two cards can overlap whatever the journey's size.
Text width is estimated per character (CJK full width, Latin by class), on
the safe side, so wrapped lines fit inside their card.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from journeymap.model import PHASES, Journey

CARD_WIDTH = 190.0
CARD_PADDING = 8.0
NAME_FONT = 13.0
NAME_LINE = 16.0
MAX_NAME_LINES = 4
META_HEIGHT = 16.0
BAR_HEIGHT = 5.0
CARD_GAP = 12.0
COLUMN_GAP = 110.0
ENTRY_WIDTH = 96.0
PHASE_BAND = 26.0
STAGE_HEADER = 62.0
TOP = PHASE_BAND + 8.0 + STAGE_HEADER + 10.0
MARGIN = 16.0


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
class Layout:
    width: float
    height: float
    columns: list[Column]
    cards: dict[str, Box]  # touchpoints, the entry and the outcomes, by id
    column_of: dict[str, int]  # node id -> column index (0 = entry)


def char_width(ch: str, size: float) -> float:
    """A safe estimate of a character's advance width at font ``size``."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return size * 1.02
    if ch in " .,:;'|!il":
        return size * 0.34
    if ch.isupper() or ch in "mwMW@%&":
        return size * 0.78
    return size * 0.6


def text_width(text: str, size: float) -> float:
    return sum(char_width(ch, size) for ch in text)


def wrap(
    text: str, width: float, size: float = NAME_FONT, max_lines: int = MAX_NAME_LINES
) -> tuple[str, ...]:
    """Greedy line breaking: at spaces for Latin words, anywhere between CJK characters.

    >>> wrap("便利 Street & shop access", 100)
    ('便利 Street &', 'shop access')
    """
    lines: list[str] = []
    current = ""
    for token in _tokens(" ".join(text.split())):
        candidate = current + token
        if text_width(candidate.rstrip(), size) <= width or not current.strip():
            current = candidate
            while text_width(current.rstrip(), size) > width:  # a word too long for any line
                head, current = _split_at_width(current, width, size)
                lines.append(head)
        else:
            lines.append(current.rstrip())
            current = token.lstrip()
    if current.strip():
        lines.append(current.rstrip())
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_width(last + "…", size) > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return tuple(lines) or ("",)


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    word = ""
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        elif ch == " ":
            tokens.append(word + " ")
            word = ""
        else:
            word += ch
    if word:
        tokens.append(word)
    return tokens


def _split_at_width(text: str, width: float, size: float) -> tuple[str, str]:
    used = 0.0
    for i, ch in enumerate(text):
        used += char_width(ch, size)
        if used > width:
            return text[: max(i, 1)], text[max(i, 1) :]
    return text, ""


def ordered_stages(journey: Journey) -> list[str]:
    """Stage ids grouped by phase (pre-sale, sale, after-sale), file order within a phase."""
    return [s.id for phase in PHASES for s in journey.stages if s.phase == phase]


def card_height(lines: int) -> float:
    return CARD_PADDING * 2 + lines * NAME_LINE + 4 + META_HEIGHT + BAR_HEIGHT


def compute(journey: Journey) -> Layout:
    """Place every column and card (see the module docstring)."""
    stages = {s.id: s for s in journey.stages}
    order = ordered_stages(journey)
    text_room = CARD_WIDTH - 2 * CARD_PADDING
    columns: list[Column] = []
    cards: dict[str, Box] = {}
    column_of: dict[str, int] = {}
    cards["entry"] = Box("entry", MARGIN, TOP, ENTRY_WIDTH, 56.0, ("Entry",))
    column_of["entry"] = 0
    x = MARGIN + ENTRY_WIDTH + COLUMN_GAP
    bottom = TOP + 56.0
    for index, stage_id in enumerate(order, start=1):
        stage = stages[stage_id]
        columns.append(Column(stage_id, stage.phase, x, wrap(stage.name, text_room, 13.0, 2)))
        y = TOP
        for tp in journey.touchpoints:
            if tp.stage != stage_id:
                continue
            lines = wrap(tp.name, text_room)
            cards[tp.id] = Box(tp.id, x, y, CARD_WIDTH, card_height(len(lines)), lines)
            column_of[tp.id] = index
            y += cards[tp.id].height + CARD_GAP
        bottom = max(bottom, y)
        x += CARD_WIDTH + COLUMN_GAP
    outcome_column = len(order) + 1
    y = TOP
    for outcome in journey.outcomes:
        lines = wrap(outcome.name, text_room)
        cards[outcome.id] = Box(outcome.id, x, y, CARD_WIDTH, card_height(len(lines)), lines)
        column_of[outcome.id] = outcome_column
        y += cards[outcome.id].height + CARD_GAP
    bottom = max(bottom, y)
    return Layout(x + CARD_WIDTH + MARGIN, bottom + 60.0, columns, cards, column_of)
