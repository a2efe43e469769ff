"""Models of the HTTP documents: request bodies validated by FastAPI, and response
documents described for OpenAPI (the engine's documents are DESIGN.md §4; fields
may be added, so response models allow extra members)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator, model_validator

from journeymap.model import Score, Slug, Transition

Number = float
Importance = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- requests


class ScoresPatch(_Closed):
    """New scores for one touchpoint; a field set to null is removed (falls back to its default)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})

    experience: Annotated[Score | None, WithJsonSchema({"type": "number"})] = Field(
        default=None, description="actual score (cannot be removed)"
    )
    expectation: Score | None = Field(default=None, description="expected score; null: same as experience")
    importance: Importance | None = Field(default=None, description=">= 0; null: 1")
    ideal: Score | None = None
    responses: Annotated[int, Field(ge=0)] | None = None

    @field_validator("experience")
    @classmethod
    def _keep_experience(cls, value: float | None) -> float:
        if value is None:
            raise ValueError("experience is required and cannot be removed")
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> ScoresPatch:
        if not self.model_fields_set:
            raise ValueError("give at least one of experience, expectation, importance, ideal, responses")
        return self


class TouchpointChange(_Closed):
    experience: Score | None = None
    expectation: Score | None = None
    importance: Importance | None = None
    ideal: Score | None = None


class WhatIfPatch(_Closed):
    """Changes to try on a journey without storing them."""

    touchpoints: dict[Slug, TouchpointChange] = Field(
        default_factory=dict, description="new scores per touchpoint id"
    )
    transitions: list[Transition] = Field(
        default_factory=list, description="set a transition's weight (added if missing)"
    )
    remove: list[Slug] = Field(
        default_factory=list,
        description="touchpoints to remove; their customers go on to the removed touchpoint's successors",
    )


# --------------------------------------------------------------------------- responses


class JourneySummary(_Open):
    id: str
    name: str
    version: int
    updated_at: str


class JourneyPage(_Open):
    items: list[JourneySummary]
    total: int = Field(description="journeys in the store")
    limit: int
    offset: int
    next_offset: int | None = Field(description="offset of the next page; null on the last page")


class VersionEntry(_Open):
    version: int
    created_at: str


class VersionList(_Open):
    journey: str
    current: int
    versions: list[VersionEntry] = Field(description="every readable version, oldest first")


class ValidationReport(_Open):
    valid: Literal[True]
    id: str
    stages: int
    touchpoints: int
    outcomes: int
    transitions: int


class Health(_Open):
    status: Literal["ok"]
    store: str
    version: str


class TouchpointAnalysis(_Open):
    stage: str
    reach: Number
    satisfaction: Number
    weighted_satisfaction: Number
    gap: Number | None
    pain: Number
    carried: Number | None
    priority: Number
    removal_effect: Number | None


class StageAnalysis(_Open):
    reach: Number
    pain: Number
    satisfaction: Number | None


class Analysis(_Open):
    """DESIGN.md §4 `analyze` document."""

    journey: str
    entrants: Number
    success_probability: Number
    outcomes: dict[str, Number]
    expected_pain: Number
    touchpoints: dict[str, TouchpointAnalysis]
    stages: dict[str, StageAnalysis]


class Contribution(_Open):
    touchpoint: str
    pain: Number


class PathEntry(_Open):
    rank: int
    nodes: list[str]
    outcome: str
    probability: Number
    customers: Number
    pain: Number
    pain_mass: Number
    peak_end: Number | None
    contributions: list[Contribution]
    observed_customers: Number | None = Field(
        None, description="customers whose walk was exactly this route (null: may hide in 'other')"
    )
    observed_at_most: Number | None = Field(None, description="when unknown: the most it can be")


class Paths(_Open):
    """DESIGN.md §4 `paths` document (exact ranking)."""

    journey: str
    k: int
    rank: Literal["pain", "probability"]
    paths: list[PathEntry]


class VariantEntry(_Open):
    rank: int
    nodes: list[str]
    names: list[str]
    outcome: str
    kind: Literal["success", "failure"] | None
    customers: Number
    share: Number | None
    pain: Number
    peak_end: Number | None


class VariantsOther(_Open):
    customers: Number
    variants: int


class Variants(_Open):
    """Observed variants: the walks customers really took (loops included), most common first."""

    journey: str
    customers: Number
    variants: list[VariantEntry]
    other: VariantsOther


class TouchpointImpact(_Open):
    touchpoint: str
    name: str
    stage: str
    reach: Number
    pain: Number
    priority: Number
    removal_effect: Number | None
    weighted_satisfaction: Number


class Impact(_Open):
    journey: str
    success_probability: Number
    touchpoints: list[TouchpointImpact] = Field(description="ordered by priority, highest first")


class WhatIf(_Open):
    journey: str
    before: Analysis
    after: Analysis
    diff: dict[str, object]
