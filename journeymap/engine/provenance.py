"""Where a touchpoint's score came from, and the evidence behind it, as document fields."""

from __future__ import annotations

from typing import Any

from journeymap.durations import seconds
from journeymap.engine.json_values import number
from journeymap.model import Touchpoint


def provenance(tp: Touchpoint) -> dict[str, Any]:
    """Where a touchpoint's score came from and, when measured or given, the evidence.

    Parameters
    ----------
    tp : Touchpoint
        The touchpoint.

    Returns
    -------
    dict
        ``source``, and when the touchpoint has them ``measures`` (``evidence``),
        ``responses`` (survey answers), ``time`` (the dwell) and ``expected_wait_s``
        (the expected wait, in seconds).

    Examples
    --------
    >>> provenance(Touchpoint(id="a", name="A", stage="s", experience=5, responses=12, expected_wait="2m"))
    {'source': 'survey', 'responses': 12, 'expected_wait_s': 120.0}
    """
    found: dict[str, Any] = {"source": tp.score_source, **evidence(tp)}
    if tp.responses is not None:
        found["responses"] = tp.responses
    if tp.time is not None:
        found["time"] = tp.time.model_dump()
    if tp.expected_wait is not None:
        found["expected_wait_s"] = number(seconds(tp.expected_wait))
    return found


def evidence(tp: Touchpoint) -> dict[str, Any]:
    """The measures behind a touchpoint's score (value, n, target, score), when it has any.

    Parameters
    ----------
    tp : Touchpoint
        The touchpoint.

    Returns
    -------
    dict
        ``{"measures": [...]}``, or ``{}`` without measures.

    Examples
    --------
    >>> from journeymap.model import Measured
    >>> rework = Measured(measure="rework", value=0.3, n=9, target=0.1)
    >>> evidence(Touchpoint(id="a", name="A", stage="s", experience=5, measures=[rework]))
    {'measures': [{'measure': 'rework', 'value': 0.3, 'n': 9, 'target': 0.1}]}
    >>> evidence(Touchpoint(id="a", name="A", stage="s", experience=5))
    {}
    """
    return {"measures": [m.model_dump(exclude_none=True) for m in tp.measures]} if tp.measures else {}
