"""The journey graph's models: stages, touchpoints, outcomes, transitions, variants, the journey."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, model_validator

from journeymap.durations import Duration
from journeymap.model.base import ENTRY, MAX_INTEGER, Ids, Phase, Scale, Score, Slug, _none_if_empty, _Strict
from journeymap.model.context import Economics, EvidenceList, Opportunity, Persona


class Stage(_Strict):
    id: Slug
    name: str
    phase: Phase
    description: str | None = None
    notes: str | None = None
    evidence: EvidenceList = None


class Interval(_Strict):
    """A 95 % confidence interval of a touchpoint's experience (e.g. from survey answers)."""

    low: Score
    high: Score

    @model_validator(mode="after")
    def _ordered(self) -> Interval:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) must not exceed high ({self.high})")
        return self


Seconds = Annotated[float, Field(ge=0, allow_inf_nan=False)]
ScoreSource = Literal["survey", "events", "behaviour", "designer", "none"]
MeasureName = Literal["wait", "rework", "repeat_contact", "back_step", "drop_off"]
"""The behavioural measures a score may come from (README: "Time and behaviour"), all lower-is-better."""


class Timing(_Strict):
    """Measured time (seconds) over the ``n`` customers' steps it was measured on (see README)."""

    n: Annotated[int, Field(ge=0)]
    median_s: Seconds | None = None
    p90_s: Seconds | None = None
    mean_s: Seconds | None = None


class Measured(_Strict):
    """One measure behind a touchpoint's score: its value, over ``n``, and the target it was held to."""

    measure: MeasureName
    value: Annotated[float, Field(allow_inf_nan=False)]
    n: Annotated[int, Field(ge=0)]
    target: Annotated[float, Field(allow_inf_nan=False)] | None = None
    score: Score | None = None


class Touchpoint(_Strict):
    id: Slug
    name: str
    stage: Slug
    channel: str | None = None
    owner: str | None = None
    lane: str | None = None
    description: str | None = None
    experience: Score
    expectation: Score | None = None
    importance: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    ideal: Score | None = None
    responses: Annotated[int, Field(ge=0, le=MAX_INTEGER)] | None = None
    interval: Interval | None = None
    personas: Ids = None
    notes: str | None = None
    evidence: EvidenceList = None
    expected_wait: Duration | None = None
    time: Timing | None = None
    source: ScoreSource | None = None
    measures: list[Measured] | None = None

    @property
    def score_source(self) -> str:
        """Where the score came from: ``source``, else ``survey`` (with responses) or ``designer``."""
        if self.source is not None:
            return self.source
        return "survey" if self.responses else "designer"

    @property
    def expected(self) -> float:
        """The expectation, defaulting to the experience (satisfaction 0)."""
        return self.experience if self.expectation is None else self.expectation

    @property
    def weight(self) -> float:
        """The importance, defaulting to 1."""
        return 1.0 if self.importance is None else self.importance


class Outcome(_Strict):
    id: Slug
    name: str
    kind: Literal["success", "failure"]
    description: str | None = None


class Transition(_Strict):
    source: str = Field(alias="from")
    target: str = Field(alias="to")
    customers: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    share: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] | None = None
    personas: Ids = None
    expected_wait: Duration | None = None
    time: Timing | None = None

    @model_validator(mode="after")
    def _one_weight(self) -> Transition:
        if (self.customers is None) == (self.share is None):
            raise ValueError("give exactly one of 'customers' or 'share'")
        return self

    @property
    def weight(self) -> float:
        value = self.customers if self.customers is not None else self.share
        assert value is not None
        return value


class Variant(_Strict):
    """An observed walk: the nodes customers passed in order (loops included), ending in an outcome."""

    nodes: list[str] = Field(min_length=1)
    customers: Annotated[float, Field(ge=0, allow_inf_nan=False)]


class Variants(_Strict):
    """The most common observed walks (``top``, most customers first) and what is left in "other"."""

    top: list[Variant] = Field(default_factory=list)
    other_customers: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 0
    other_variants: Annotated[int, Field(ge=0)] = 0


class Journey(_Strict):
    # JSON text (``parse_journey_json``) is parsed without pydantic's string cache: looking
    # each of a million short strings up costs more than making it (~0.2 s of 1.4 s on
    # 500,000 transitions), for ~50 MB more memory there
    model_config = ConfigDict(cache_strings=False)

    id: Slug
    name: str
    description: str | None = None
    scale: Scale | None = None
    entrants: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None
    stages: list[Stage] = Field(min_length=1)
    touchpoints: list[Touchpoint] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(min_length=1)
    transitions: list[Transition] = Field(min_length=1)
    personas: Annotated[list[Persona] | None, AfterValidator(_none_if_empty)] = None
    opportunities: Annotated[list[Opportunity] | None, AfterValidator(_none_if_empty)] = None
    economics: Economics | None = None
    notes: str | None = None
    evidence: EvidenceList = None
    variants: Variants | None = None

    @property
    def effective_entrants(self) -> float:
        """``entrants`` if given, else customers leaving ``entry``, else 1."""
        if self.entrants is not None:
            return self.entrants
        counted = [t.customers for t in self.transitions if t.source == ENTRY]
        total = sum(c for c in counted if c is not None)
        return total if total > 0 else 1.0

    def touchpoint(self, tid: str) -> Touchpoint:
        for tp in self.touchpoints:
            if tp.id == tid:
                return tp
        raise KeyError(tid)

    def outcome_kinds(self) -> dict[str, str]:
        return {o.id: o.kind for o in self.outcomes}
