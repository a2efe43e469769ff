"""What designers write around the graph: evidence, personas, opportunities and economics."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from journeymap.model.base import URL_PATTERN, Slug, Status, _none_if_empty, _Strict


class Evidence(_Strict):
    """One piece of evidence behind a journey, stage or touchpoint.

    ``kind`` says what it is: a ``quote`` (a customer's or staff member's words), a
    ``link`` (a source to read) or a ``note`` (an observation); ``source`` names where
    it comes from (an interview, a document); ``url`` must be http(s).
    """

    text: Annotated[str, Field(min_length=1)]
    kind: Literal["quote", "link", "note"] = "note"
    source: str | None = None
    url: Annotated[str, Field(pattern=URL_PATTERN)] | None = None


EvidenceList = Annotated[list[Evidence], AfterValidator(_none_if_empty)] | None


class Persona(_Strict):
    id: Slug
    name: str
    description: str | None = None


class Opportunity(_Strict):
    """An improvement idea tied to the touchpoints it would change.

    ``customer_value`` and ``business_value`` are 0-100, ``effort`` 0-5 (as in the
    usual value/effort matrix); all three are optional.
    """

    id: Slug
    title: Annotated[str, Field(min_length=1)]
    touchpoints: list[str] = Field(default_factory=list)
    customer_value: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] | None = None
    business_value: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] | None = None
    effort: Annotated[float, Field(ge=0, le=5, allow_inf_nan=False)] | None = None
    status: Status = "idea"
    description: str | None = None


HORIZON_UNITS = {"d": 1 / 365, "w": 7 / 365, "m": 1 / 12, "y": 1.0}
HORIZON_PATTERN = r"^\s*(\d+(?:\.\d+)?)\s*([dwmy])\s*$"
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]


def horizon_years(text: str) -> float:
    """A horizon such as ``1y``, ``6m`` (months), ``13w`` or ``90d`` in years (a year is 365 days).

    >>> horizon_years("6m"), horizon_years("1y"), horizon_years("73d")
    (0.5, 1.0, 0.2)
    """
    match = re.match(HORIZON_PATTERN, text)
    if match is None:
        raise ValueError(f"{text!r} is not a duration")
    return float(match[1]) * HORIZON_UNITS[match[2]]


def _duration(value: str) -> str:
    match = re.match(HORIZON_PATTERN, value)
    if match is None or float(match[1]) <= 0:
        raise PydanticCustomError(
            "duration",
            "{value} is not a duration above 0 (a number and d, w, m for months or y, e.g. 1y, 6m)",
            {"value": repr(value)},
        )
    return value


Horizon = Annotated[str, AfterValidator(_duration)]


class Economics(_Strict):
    """What customers are worth and how word of mouth spreads (README, "What a pain costs").

    Every field is optional; the defaults are the source documents' figures: a dissatisfied
    customer turns away 13 others, 1 in 4 dissatisfied customers complains (so a complaint
    stands for 52 lost), a satisfied customer refers 8 prospects of whom 4 buy. ``value`` is
    what a customer reaching a success outcome is worth (default 1, so values count
    customers); ``outcome_values`` sets it per success outcome. The journey's counts cover
    ``period``; figures are reported over ``horizon`` (both durations, default ``1y``).
    """

    currency: str | None = None
    value: Amount = 1.0
    outcome_values: dict[str, Amount] | None = None
    dissatisfied_reach: Amount = 13.0
    complaint_ratio: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = 0.25
    referrals: Amount = 8.0
    referral_buyers: Amount = 4.0
    period: Horizon = "1y"
    horizon: Horizon = "1y"

    @property
    def horizon_factor(self) -> float:
        """``horizon / period``: how many of the counted periods the horizon holds."""
        return horizon_years(self.horizon) / horizon_years(self.period)
