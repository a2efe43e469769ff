"""Score statistics: mean, count and a 95 % Student-t interval of the mean."""

from __future__ import annotations

import math
from dataclasses import dataclass

from journeymap.model import Scale

CONFIDENCE = 0.95


@dataclass(frozen=True)
class ScoreStats:
    """Summary of the scores given at one touchpoint (on the journey scale)."""

    n: int
    mean: float
    sd: float | None

    @classmethod
    def of(cls, n: int, mean: float | None, sd: float | None) -> ScoreStats:
        sd_value = None if sd is None or not math.isfinite(sd) else float(sd)
        return cls(int(n), float(mean) if mean is not None else math.nan, sd_value)

    def interval(self, scale: Scale) -> tuple[float, float] | None:
        """The 95 % t interval of the mean, to 3 places, clipped to the scale; None below two scores.

        >>> ScoreStats(4, 6.0, 2.0).interval(Scale(min=0, max=10))
        (2.817, 9.183)
        """
        if self.n < 2 or self.sd is None:
            return None
        from scipy import stats  # imported here: scipy.stats is slow to import

        half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, self.n - 1)) * self.sd / math.sqrt(self.n)
        # rounded outwards, so it still contains the mean (and the mean rounded to 4 places)
        low = max(scale.min, math.floor((self.mean - half) * 1000) / 1000)
        high = min(scale.max, math.ceil((self.mean + half) * 1000) / 1000)
        return low, high


def rescale(value: float, source: Scale, target: Scale) -> float:
    """Map a score linearly from one scale onto another.

    Parameters
    ----------
    value : float
        The score, on ``source``.
    source : Scale
        The scale it was given on.
    target : Scale
        The scale to map it onto.

    Returns
    -------
    float
        The score on ``target`` (not clipped: a value off ``source`` lands off ``target``).

    Examples
    --------
    >>> rescale(3, Scale(min=1, max=5), Scale(min=0, max=100))
    50.0
    >>> rescale(5, Scale(min=1, max=5), Scale(min=0, max=10))
    10.0
    """
    fraction = (value - source.min) / (source.max - source.min)
    return target.min + fraction * (target.max - target.min)
