"""Exact path numbers: probabilities and pains as fractions, for deciding ties (DESIGN.md §3).

Every number of the journey file is read as the decimal it was written as
(``0.1`` is 1/10, ``3`` is 3), so ``P(u→v) = weight / Σ weights`` and the pain
``importance · max(0, expectation − experience)`` are exact rationals, and so are a
path's probability (their product) and pain mass. ``fractions.Fraction`` (the
standard library's exact rationals) does the arithmetic: ties are rare enough
that only paths whose float keys nearly agree are ever compared this way.

>>> from journeymap.model import parse_journey
>>> journey = parse_journey({"id": "tie", "name": "Tie",
...     "stages": [{"id": "s", "name": "S", "phase": "sale"}],
...     "touchpoints": [{"id": t, "name": t, "stage": "s", "experience": 5} for t in ("t0", "t1")],
...     "outcomes": [{"id": "o0", "name": "O", "kind": "success"}],
...     "transitions": [{"from": "entry", "to": "t0", "customers": 3},
...                     {"from": "entry", "to": "t1", "customers": 2},
...                     {"from": "t0", "to": "o0", "customers": 1},
...                     {"from": "t0", "to": "t1", "customers": 2},
...                     {"from": "t1", "to": "o0", "customers": 1}]})
>>> numbers = ExactNumbers(journey)
>>> numbers.path_probability(["entry", "t0", "t1", "o0"]), numbers.path_probability(["entry", "t1", "o0"])
(Fraction(2, 5), Fraction(2, 5))
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from fractions import Fraction
from itertools import pairwise

from journeymap.model import Journey

ZERO = Fraction(0)


def decimal(value: float) -> Fraction:
    """``value`` as the shortest decimal that reads back as it (what the file said).

    Parameters
    ----------
    value : float
        A number read from a journey file.

    Returns
    -------
    fractions.Fraction
        The decimal written, exactly.

    Examples
    --------
    >>> decimal(0.1), decimal(3.0), decimal(1e-300) == Fraction(1, 10**300)
    (Fraction(1, 10), Fraction(3, 1), True)
    """
    return Fraction(repr(float(value)))


class ExactNumbers:
    """Exact transition probabilities and pains of one journey, computed on first use."""

    def __init__(self, journey: Journey) -> None:
        self.journey = journey
        self._weights: dict[str, dict[str, float]] | None = None
        self._totals: dict[str, Fraction] = {}
        self._probability: dict[tuple[str, str], Fraction] = {}
        self._pain: dict[str, Fraction] | None = None

    def probability(self, source: str, target: str) -> Fraction:
        """``P(source→target)`` exactly."""
        key = (source, target)
        found = self._probability.get(key)
        if found is None:
            weights = self._leaving()[source]
            total = self._totals.get(source)
            if total is None:
                total = self._totals[source] = sum((decimal(w) for w in weights.values()), ZERO)
            found = self._probability[key] = decimal(weights[target]) / total
        return found

    def pain(self, node: str) -> Fraction:
        """``π`` of a touchpoint exactly (0 for entry and outcomes)."""
        if self._pain is None:
            self._pain = {
                tp.id: decimal(tp.weight) * max(ZERO, decimal(tp.expected) - decimal(tp.experience))
                for tp in self.journey.touchpoints
            }
        return self._pain.get(node, ZERO)

    def path_probability(self, ids: Sequence[str]) -> Fraction:
        """The product of ``P`` along the path."""
        product = Fraction(1)
        for u, v in pairwise(ids):
            product *= self.probability(u, v)
        return product

    def path_pain(self, ids: Sequence[str]) -> Fraction:
        """The sum of the pains of the path's nodes."""
        return sum((self.pain(n) for n in ids), ZERO)

    def _leaving(self) -> dict[str, dict[str, float]]:
        if self._weights is None:
            leaving: dict[str, dict[str, float]] = defaultdict(dict)
            for t in self.journey.transitions:
                leaving[t.source][t.target] = t.weight
            self._weights = leaving
        return self._weights
