"""SVG pieces of the journey map: numbers and text as drawn, the shared definitions, the cards.

Every function of the map's drawing returns markup with all text escaped
(``html.escape``); the elements carry stable hooks for scripts and tests:
``data-touchpoint``, ``data-outcome``, ``data-node`` (the entry), ``data-edge``
(``source->target``, ``arrows``) and ``data-curve-touchpoint`` on the emotion
curve's points (``curve``). The bands and headers behind the cards are ``backdrop``'s.
"""

from __future__ import annotations

from html import escape

from journeymap.export import palette
from journeymap.export.mappage.layout import CARD_PADDING, CARD_WIDTH, NAME_LINE, Box

PHASE_NAMES = {"pre_sale": "Pre-sale", "sale": "Sale", "after_sale": "After-sale"}
EDGE_COLOUR = "#8a8f98"


def number(value: float, digits: int = 3) -> str:
    """A short human number with a true minus sign.

    Parameters
    ----------
    value : float
        The number.
    digits : int, default 3
        Significant digits; from ``10**digits`` up, whole numbers with thousands separators.

    Returns
    -------
    str
        The number as shown on the map.

    Examples
    --------
    >>> number(0.9400001), number(-2.0), number(1100.0), number(16.92)
    ('0.94', '−2', '1,100', '16.9')
    """
    text = f"{value:,.0f}" if abs(value) >= 10**digits else f"{value:.{digits}g}"
    if "e" in text:  # a tiny value
        text = f"{value:.2g}" if value else "0"
    return text.replace("-", "−")


def percent(value: float) -> str:
    """A share as a whole percentage, with one decimal below 1%.

    Parameters
    ----------
    value : float
        A share, 0..1.

    Returns
    -------
    str
        The percentage.

    Examples
    --------
    >>> percent(0.256), percent(0.004), percent(0.0)
    ('26%', '0.4%', '0%')
    """
    return f"{value * 100:.0f}%" if value >= 0.01 or value == 0 else f"{value * 100:.1f}%"


def attr(value: object) -> str:
    """Any value as text safe inside a double-quoted XML attribute.

    Parameters
    ----------
    value : object
        The value.

    Returns
    -------
    str
        ``str(value)`` with ``&``, ``<``, ``>`` and quotes escaped.

    Examples
    --------
    >>> attr('a"b<c')
    'a&quot;b&lt;c'
    """
    return escape(str(value), quote=True)


def text_lines(lines: tuple[str, ...], x: float, y: float, line: float, cls: str) -> str:
    """Lines of text as one ``<text>`` element, a ``<tspan>`` per line.

    Parameters
    ----------
    lines : tuple of str
        The lines (escaped here).
    x, y : float
        Where the first line's baseline starts.
    line : float
        The distance between baselines.
    cls : str
        The element's class.

    Returns
    -------
    str
        The ``<text>`` element.

    Examples
    --------
    >>> text_lines(("Call", "us"), 10, 20, 16, "name")
    '<text class="name"><tspan x="10.0" y="20.0">Call</tspan><tspan x="10.0" y="36.0">us</tspan></text>'
    """
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{y + i * line:.1f}">{escape(text)}</tspan>' for i, text in enumerate(lines)
    )
    return f'<text class="{cls}">{spans}</text>'


def gradient_stops() -> str:
    """The diverging palette (``palette.RDBU``) as evenly spaced gradient stops, red to blue.

    Returns
    -------
    str
        One ``<stop>`` per colour, offsets 0 to 1.

    Examples
    --------
    >>> stops = gradient_stops()
    >>> stops.count("<stop "), stops.startswith('<stop offset="0.000"')
    (7, True)
    """
    return "".join(
        f'<stop offset="{i / (len(palette.RDBU) - 1):.3f}" stop-color="{c}"/>'
        for i, c in enumerate(palette.RDBU)
    )


def defs() -> str:
    """The shared SVG definitions: the arrowheads and the diverging colour gradient.

    Returns
    -------
    str
        The ``<defs>`` element.

    Examples
    --------
    >>> drawn = defs()
    >>> '<marker id="arrow"' in drawn, '<linearGradient id="diverging">' in drawn
    (True, True)
    """
    markers = "".join(
        f'<marker id="{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="10" markerHeight="10" '
        'markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{fill}"/>'
        "</marker>"
        for name, fill in (("arrow", EDGE_COLOUR), ("arrow-hot", "#d7301f"))
    )
    return f'<defs>{markers}<linearGradient id="diverging">{gradient_stops()}</linearGradient></defs>'


def card(box: Box, fill: str, meta: str, bar: float, hook: str, title: str, badge: str = "") -> str:
    """A card: its name, a meta line, a bar and (for measured scores) a source ``badge``.

    Parameters
    ----------
    box : Box
        Where the card sits, with its wrapped name lines.
    fill : str
        The background colour (the text takes a colour that reads on it).
    meta : str
        The line under the name.
    bar : float
        The bar's filled share, 0..1.
    hook : str
        The group's attributes for scripts and tests (``data-touchpoint="…"``, …).
    title : str
        The tooltip.
    badge : str, default ""
        Markup of the source badge (``sources.badge_svg``).

    Returns
    -------
    str
        The ``<g class="card">`` element.

    Examples
    --------
    >>> from journeymap.export.mappage.layout import Box
    >>> drawn = card(Box("a", 0, 0, 190, 60, ("Call",)), "#ffffff", "reach 50%", 0.5, 'data-node="a"', "Call")
    >>> drawn.startswith('<g class="card" data-node="a"'), 'width="87.0"' in drawn
    (True, True)
    """
    ink = palette.text_colour(fill)
    name_top = box.y + CARD_PADDING + 12
    meta_y = box.y + CARD_PADDING + len(box.lines) * NAME_LINE + 14
    bar_y = box.bottom - CARD_PADDING - 3
    inner = CARD_WIDTH - 2 * CARD_PADDING
    return (
        f'<g class="card" {hook} tabindex="0"><title>{escape(title)}</title>'
        f'<rect class="body" x="{box.x:.1f}" y="{box.y:.1f}" '
        f'width="{box.width:.1f}" height="{box.height:.1f}" '
        f'rx="6" fill="{fill}"/>'
        + text_lines(box.lines, box.x + CARD_PADDING, name_top, NAME_LINE, "name").replace(
            "<text ", f'<text fill="{ink}" ', 1
        )
        + f'<text class="meta" fill="{ink}" x="{box.x + CARD_PADDING:.1f}" y="{meta_y:.1f}">'
        + f"{escape(meta)}</text>"
        f'<rect class="bar-track" x="{box.x + CARD_PADDING:.1f}" y="{bar_y:.1f}" '
        f'width="{inner:.1f}" height="4" '
        f'rx="2"/><rect class="bar" fill="{ink}" x="{box.x + CARD_PADDING:.1f}" y="{bar_y:.1f}" '
        f'width="{inner * max(0.0, min(1.0, bar)):.1f}" height="4" rx="2"/>{badge}</g>'
    )
