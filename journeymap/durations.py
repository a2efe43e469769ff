"""Durations as people write them: ``90s``, ``3m``, ``1.5h``, ``7d`` (or a number of seconds).

Used by the journey file (``expected_wait``) and the mapping (measure targets
and windows); a malformed duration is refused with the field's name.
"""

from __future__ import annotations

import math
import re
from typing import Annotated

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_PATTERN = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([smhd])\s*")


def seconds(value: str | float) -> float:
    """The duration in seconds; ``ValueError`` for anything else than a positive duration.

    >>> seconds("3m"), seconds("1.5h"), seconds(45), seconds("2d")
    (180.0, 5400.0, 45.0, 172800.0)
    >>> seconds("3 parsecs")
    Traceback (most recent call last):
    ...
    ValueError: '3 parsecs' is not a duration (a number and a unit s, m, h or d, e.g. 3m)
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration (a number and a unit s, m, h or d, e.g. 3m)")
    if isinstance(value, int | float):
        result = float(value)
    else:
        match = _PATTERN.fullmatch(str(value))
        if match is None:
            raise ValueError(f"{value!r} is not a duration (a number and a unit s, m, h or d, e.g. 3m)")
        result = float(match[1]) * UNITS[match[2]]
    if not math.isfinite(result) or result <= 0:
        raise ValueError(f"{value!r} is not a duration above 0")
    return result


def format_seconds(value: float) -> str:
    """A short human form of a number of seconds.

    >>> format_seconds(42), format_seconds(150), format_seconds(5400), format_seconds(200000)
    ('42s', '2.5m', '1.5h', '2.31d')
    """
    for unit, size in (("d", 86400.0), ("h", 3600.0), ("m", 60.0)):
        if value >= size:
            return f"{value / size:.3g}{unit}"
    return f"{value:.3g}s"


def _checked(value: object) -> str | float:
    if not isinstance(value, str | int | float):
        kind = type(value).__name__
        raise PydanticCustomError(
            "duration", "{message}", {"message": f"expected a duration such as 3m, got {kind}"}
        )
    try:
        seconds(value)
    except ValueError as exc:
        raise PydanticCustomError("duration", "{message}", {"message": str(exc)}) from None
    return value


Duration = Annotated[str | float, BeforeValidator(_checked)]
"""A field holding a duration as written (``3m`` or seconds), checked on load."""
