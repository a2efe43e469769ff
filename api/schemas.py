"""Models of the HTTP documents: request bodies validated by FastAPI, and response
documents described for OpenAPI (the engine's documents are DESIGN.md §4; fields
may be added, so response models allow extra members).

Why one module over ~300 lines: these are the API's documents as OpenAPI lists
them, each a short class; one file is the one place a client author reads.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from journeymap.model import Measured, ScoreSource, Timing

Number = float
Importance = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Source = Annotated[
    ScoreSource,
    Field(description="where the score came from: survey answers, event scores, behavioural measures, "
          "a designer's file, or none (nothing measured: the scale's midpoint)"),
]  # fmt: skip
NoPain = Annotated[
    str | None,
    Field(description="set when ranking by pain while every pain is 0: the order then says nothing"),
]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


# --------------------------------------------------------------------------- requests


# The patch bodies are the engine's one patch model (``journeymap.engine.whatif``):
# ``TouchpointPatch`` (PATCH .../touchpoints/ID) and ``WhatIfPatch`` (POST .../whatif).


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


class TouchpointRow(_Open):
    """One touchpoint's figures: the same row in ``analysis`` (file order) and ``impact`` (by priority)."""

    touchpoint: str = Field(description="the touchpoint's id")
    name: str
    stage: str
    reach: Number = Field(description="expected visits per entrant")
    visit_probability: Number
    satisfaction: Number
    weighted_satisfaction: Number
    gap: Number | None
    pain: Number
    carried: Number | None
    priority: Number = Field(description="reach × pain: pain delivered here per entrant")
    removal_effect: Number | None
    source: Source
    responses: int | None = None
    measures: list[Measured] | None = Field(None, description="behavioural measures behind the score")
    time: Timing | None = Field(None, description="dwell: first event of a visit to the next step's")
    expected_wait_s: Number | None = Field(None, description="the designer's expected wait, in seconds")
    customers_lost: Number
    word_of_mouth_lost: Number
    word_of_mouth_won: Number
    value_at_stake: Number


class StageAnalysis(_Open):
    reach: Number
    pain: Number
    satisfaction: Number | None


class OutcomeEconomics(_Open):
    kind: Literal["success", "failure"]
    customers: Number
    verdict: Literal["dissatisfied", "neutral", "satisfied"]


class Economics(_Open):
    """What the journey's pain costs over the horizon (README, "What a pain costs")."""

    currency: str | None
    horizon: str
    period: str
    horizon_factor: Number
    value_per_customer: Number
    customers_per_complaint: Number
    customers: Number
    customers_lost: Number
    dissatisfied: Number
    satisfied: Number
    complaints: Number
    word_of_mouth_lost: Number
    word_of_mouth_won: Number
    value_at_stake: Number
    value_won: Number
    net_value: Number
    outcomes: dict[str, OutcomeEconomics]


class Analysis(_Open):
    """DESIGN.md §4 `analyze` document."""

    journey: str
    entrants: Number
    success_probability: Number
    outcomes: dict[str, Number]
    expected_pain: Number
    touchpoints: list[TouchpointRow] = Field(description="one row per touchpoint, in file order")
    stages: dict[str, StageAnalysis]
    economics: Economics


class Contribution(_Open):
    touchpoint: str
    pain: Number
    source: Source
    measures: list[Measured] | None = Field(None, description="behavioural measures behind the score")


class PathEconomics(_Open):
    carried: Number
    verdict: Literal["dissatisfied", "neutral", "satisfied"]
    customers_lost: Number
    word_of_mouth_lost: Number
    word_of_mouth_won: Number
    value_at_stake: Number


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
    economics: PathEconomics
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
    note: NoPain = None


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


class DiffSide(_Open):
    share: Number
    customers: Number | None = Field(description="customers who took the transition (null: shares only)")
    leaving: Number | None = Field(description="customers who left its source")


class DiffTransition(_Open):
    from_: str = Field(alias="from")
    to: str
    a: DiffSide | None
    b: DiffSide | None
    delta: Number | None
    z: Number | None
    p_value: Number | None
    group: Literal["tested", "few", "one-sided"]


class Diff(_Open):
    """Journey B against journey A, named by their ids; transitions ranked by evidence (README: diff)."""

    a: str
    b: str
    min_customers: int
    touchpoints: dict[str, list[str]]
    outcomes: dict[str, list[str]]
    transitions: list[DiffTransition]
    score_changes: list[dict[str, object]]
    time_changes: list[dict[str, object]]
    success_probability: dict[str, Number | None]
    expected_pain: dict[str, Number | None]
    top_pain_paths: dict[str, list[object]]


class Impact(_Open):
    journey: str
    success_probability: Number
    expected_pain: Number
    touchpoints: list[TouchpointRow] = Field(description="the analysis rows, highest priority first")
    note: NoPain = None
    economics: Economics


class TouchpointChange(_Open):
    """after − before of each number of a touchpoint's row (null where either is null)."""

    touchpoint: str


class WhatIfDiff(_Open):
    success_probability: Number | None
    expected_pain: Number | None
    outcomes: dict[str, Number | None]
    touchpoints: list[TouchpointChange] = Field(description="touchpoints in both, in file order")
    stages: dict[str, dict[str, Number | None]]
    removed: list[str]
    economics: dict[str, Number]


class WhatIf(_Open):
    journey: str
    before: Analysis
    after: Analysis
    diff: WhatIfDiff


class RaisedTouchpoint(_Open):
    touchpoint: str
    experience: Number
    expectation: Number
    value_at_stake: Number


class VerdictChange(_Open):
    outcome: str
    from_: str = Field(alias="from")
    to: str


class Fix(_Open):
    rank: int
    opportunity: str
    title: str
    status: str
    touchpoints: list[str]
    effort: Number | None
    value_recovered: Number = Field(description="the value at stake of the shortfalls the fix closes")
    value_per_effort: Number | None = Field(description="value recovered / effort; null for no or 0 effort")
    whatif_value_change: Number = Field(
        description="net value after raising them to expectation, minus before"
    )
    raised: list[RaisedTouchpoint]
    verdicts_changed: list[VerdictChange]
    reason: str


class Fixes(_Open):
    """The opportunities in the order to fix them (``journeymap fixes``)."""

    journey: str
    currency: str | None
    horizon: str
    value_at_stake: Number
    value_won: Number
    net_value: Number
    value_per_customer: Number
    fixes: list[Fix] = Field(description="ranked by value recovered per unit of effort")
