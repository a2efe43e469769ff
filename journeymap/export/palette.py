"""Colours shared by every visual export: a diverging satisfaction scale.

The scale is ColorBrewer's RdBu (red = below expectation, blue = above, white =
as expected), colour-blind safe and readable in print.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# ColorBrewer RdBu, 7 classes, from most negative to most positive.
RDBU = ("#b2182b", "#ef8a62", "#fddbc7", "#f7f7f7", "#d1e5f0", "#67a9cf", "#2166ac")
SUCCESS = "#1b7837"
FAILURE = "#7f7f7f"


def extent(values: Iterable[float]) -> float:
    """The symmetric half-range of the scale: the largest magnitude, at least 1.

    Parameters
    ----------
    values : iterable of float
        Satisfactions (or any signed figures) to colour.

    Returns
    -------
    float
        ``max(1, max |value|)``.

    Examples
    --------
    >>> extent([-3.0, 2.0]), extent([0.5]), extent([])
    (3.0, 1.0, 1.0)
    """
    return max([1.0, *(abs(v) for v in values)])


def diverging(value: float, half_range: float) -> str:
    """The ``#rrggbb`` colour of ``value`` on a scale from ``-half_range`` to ``+half_range``.

    Red below zero, near-white at zero, blue above (ColorBrewer's RdBu); values
    beyond the range take the end colours.

    Parameters
    ----------
    value : float
        The figure to colour.
    half_range : float
        The magnitude of the scale's ends (``extent``).

    Returns
    -------
    str
        The colour.

    Examples
    --------
    >>> diverging(0, 2), diverging(-2, 2), diverging(5, 2)
    ('#f7f7f7', '#b2182b', '#2166ac')
    """
    t = (max(-half_range, min(half_range, value)) / half_range + 1) / 2 * (len(RDBU) - 1)
    low = min(int(t), len(RDBU) - 2)
    return _mix(RDBU[low], RDBU[low + 1], t - low)


def node_fill(row: Mapping[str, object], half_range: float) -> str:
    """A node row's fill: touchpoints by satisfaction, outcomes by kind, the entry white.

    Parameters
    ----------
    row : Mapping
        A node row of ``journeymap.export.tables.Tables`` (``type``, ``kind``, ``satisfaction``).
    half_range : float
        The satisfaction scale's half-range (``extent``).

    Returns
    -------
    str
        The ``#rrggbb`` fill.

    Examples
    --------
    >>> node_fill({"type": "outcome", "kind": "success"}, 1.0), node_fill({"type": "entry"}, 1.0)
    ('#1b7837', '#ffffff')
    """
    if row["type"] == "touchpoint":
        return diverging(float(str(row.get("satisfaction", 0))), half_range)
    if row["type"] == "outcome":
        return SUCCESS if row.get("kind") == "success" else FAILURE
    return "#ffffff"


def text_colour(fill: str) -> str:
    """Black or white, whichever reads better on ``fill``.

    Parameters
    ----------
    fill : str
        A ``#rrggbb`` background.

    Returns
    -------
    str
        ``#000000`` on light fills, ``#ffffff`` on dark ones.

    Examples
    --------
    >>> text_colour("#f7f7f7"), text_colour("#2166ac")
    ('#000000', '#ffffff')
    """
    r, g, b = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"


def _mix(a: str, b: str, t: float) -> str:
    ca = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb, strict=True))
