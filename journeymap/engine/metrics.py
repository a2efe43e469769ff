"""Touchpoint scores (DESIGN.md §3, the "triangle law").

=====================  ==============================================
satisfaction s_v       experience − expectation
weighted_satisfaction  importance × s_v
gap                    experience − ideal (None without an ideal)
pain π_v               importance × max(0, expectation − experience)
=====================  ==============================================

Expectation defaults to the experience and importance to 1 (``model.Touchpoint``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from journeymap.model import Journey, Touchpoint

Vector = NDArray[np.float64]


def satisfaction(tp: Touchpoint) -> float:
    """``experience − expectation``.

    >>> satisfaction(Touchpoint(id="c", name="C", stage="s", experience=5, expectation=7))
    -2.0
    """
    return tp.experience - tp.expected


def weighted_satisfaction(tp: Touchpoint) -> float:
    """``importance × satisfaction``.

    >>> tp = Touchpoint(id="c", name="C", stage="s", experience=5, expectation=7, importance=9)
    >>> weighted_satisfaction(tp)
    -18.0
    """
    return tp.weight * satisfaction(tp)


def gap(tp: Touchpoint) -> float | None:
    """``experience − ideal``, or None when no ideal is given.

    >>> gap(Touchpoint(id="c", name="C", stage="s", experience=5, ideal=10))
    -5.0
    """
    return None if tp.ideal is None else tp.experience - tp.ideal


def pain(tp: Touchpoint) -> float:
    """``importance × max(0, expectation − experience)``: only shortfalls hurt.

    >>> pain(Touchpoint(id="c", name="C", stage="s", experience=5, expectation=7, importance=9))
    18.0
    >>> pain(Touchpoint(id="c", name="C", stage="s", experience=8, expectation=7, importance=9))
    0.0
    """
    return tp.weight * max(0.0, tp.expected - tp.experience)


@dataclass(frozen=True)
class Scores:
    """Per-touchpoint scores as arrays aligned with ``journey.touchpoints``."""

    satisfaction: Vector
    weighted: Vector
    pain: Vector


def scores(journey: Journey) -> Scores:
    """Satisfaction, weighted satisfaction and pain of every touchpoint, as arrays."""
    table = np.array(
        [(tp.experience, tp.expected, tp.weight) for tp in journey.touchpoints], dtype=np.float64
    ).reshape(-1, 3)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported by the documents
        sat = table[:, 0] - table[:, 1]
        weight = table[:, 2]
        return Scores(satisfaction=sat, weighted=weight * sat, pain=weight * np.maximum(0.0, -sat))
