"""What the JSON documents of DESIGN.md §4 are made of: JSON-safe floats and the notes they carry.

Every figure an engine document holds passes through ``number`` (or ``optional``,
``numbers``), so no document holds ``-0.0``, ``inf`` or ``nan``.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from journeymap.errors import AnalysisError

NO_PAIN = "no pain measured: add survey answers or behavioural measures, or rank by probability"
"""The ``note`` of a ranking by pain when every touchpoint's pain is 0 (the order then says nothing)."""

TOO_LARGE = "a number overflowed (scores or importances too large to multiply)"


def number(value: float) -> float:
    """A JSON-safe float: no ``-0.0``.

    Parameters
    ----------
    value : float
        Any real number (a numpy scalar too).

    Returns
    -------
    float
        ``value`` as a plain float, ``-0.0`` made ``0.0``.

    Raises
    ------
    AnalysisError
        When ``value`` is not finite (scores or importances too large to multiply).

    Examples
    --------
    >>> number(-0.0), number(2)
    (0.0, 2.0)
    >>> number(float("inf"))
    Traceback (most recent call last):
    journeymap.errors.AnalysisError: a number overflowed ...
    """
    result = float(value) + 0.0
    if not math.isfinite(result):
        raise AnalysisError(TOO_LARGE)
    return result


def optional(value: float | None) -> float | None:
    """``number`` of a value that may be missing.

    Parameters
    ----------
    value : float or None
        A number, or None.

    Returns
    -------
    float or None
        ``number(value)``, or None.

    Raises
    ------
    AnalysisError
        When ``value`` is not finite.

    Examples
    --------
    >>> optional(None), optional(-0.0)
    (None, 0.0)
    """
    return None if value is None else number(value)


def numbers(values: NDArray[np.float64]) -> list[float]:
    """``number`` over an array, vectorised.

    Parameters
    ----------
    values : numpy.ndarray
        Floats.

    Returns
    -------
    list of float
        Plain floats, ``-0.0`` made ``0.0``.

    Raises
    ------
    AnalysisError
        When any value is not finite.

    Examples
    --------
    >>> numbers(np.array([1.5, -0.0]))
    [1.5, 0.0]
    """
    if not np.isfinite(values).all():
        raise AnalysisError(TOO_LARGE)
    result: list[float] = (np.asarray(values, dtype=np.float64) + 0.0).tolist()
    return result
