"""Pydantic v2 models of the journey file (DESIGN.md §2) and its validation.

Validation runs in two passes and reports *every* problem of a pass at once:
first the shape (types, required fields, id syntax, ranges), then, when the
shape is sound, the graph rules (unique ids, known references, shares, ways
in and out). Each problem names its rule and its place, e.g.
``transitions[3].to: unknown id 'pikcup' [unknown-node]``.
"""

from __future__ import annotations

import gc
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from journeymap.durations import Duration
from journeymap.errors import InvalidJourney, Problem

ENTRY = "entry"
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
SHARE_TOLERANCE = 1e-6
MAX_INTEGER = 2**63 - 1  # the largest integer every store holds (SQLite, Bolt: 64-bit signed)

Slug = Annotated[str, Field(pattern=ID_PATTERN)]


def _none_if_empty(value: list[Any] | None) -> list[Any] | None:
    return value or None


Ids = Annotated[list[str] | None, AfterValidator(_none_if_empty)]  # an empty list is the same as none
Score = Annotated[float, Field(allow_inf_nan=False)]
Phase = Literal["pre_sale", "sale", "after_sale"]
PHASES: tuple[Phase, ...] = ("pre_sale", "sale", "after_sale")
LANES: tuple[str, ...] = ("front-stage", "back-stage", "support")  # the usual lanes; any text is allowed
Status = Literal["idea", "planned", "in_progress", "done"]
STATUSES: tuple[Status, ...] = ("idea", "planned", "in_progress", "done")
URL_PATTERN = r"^https?://\S+$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Scale(_Strict):
    min: Score = 0.0
    max: Score = 10.0

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if not self.min < self.max:
            raise ValueError(f"min ({self.min}) must be below max ({self.max})")
        return self


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


EvidenceList = Annotated[list[Evidence] | None, AfterValidator(_none_if_empty)]


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


class Timing(_Strict):
    """Measured time (seconds) over the ``n`` customers' steps it was measured on (see README)."""

    n: Annotated[int, Field(ge=0)]
    median_s: Seconds | None = None
    p90_s: Seconds | None = None
    mean_s: Seconds | None = None


class Measured(_Strict):
    """One measure behind a touchpoint's score: its value, over ``n``, and the target it was held to."""

    measure: str
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


# --------------------------------------------------------------------------- loading


def parse_journey(data: Any, source: str | None = None) -> Journey:
    """Validate a decoded journey document; raise ``InvalidJourney`` with every problem.

    >>> doc = {"id": "tiny", "name": "Tiny", "stages": [{"id": "s", "name": "S",
    ...   "phase": "sale"}], "touchpoints": [{"id": "a", "name": "A", "stage": "s",
    ...   "experience": 5}], "outcomes": [{"id": "ok", "name": "OK", "kind": "success"}],
    ...   "transitions": [{"from": "entry", "to": "a", "share": 1},
    ...                   {"from": "a", "to": "ok", "share": 1}]}
    >>> parse_journey(doc).touchpoints[0].expected
    5.0
    """
    if not isinstance(data, Mapping):
        kind = type(data).__name__
        raise InvalidJourney([Problem("", "document", f"expected a mapping, got {kind}")], source)
    with without_gc():
        try:
            journey = Journey.model_validate(data)
        except ValidationError as exc:
            raise InvalidJourney(_shape_problems(exc), source) from None
        except RecursionError:
            raise InvalidJourney([Problem("", "document", "nested too deeply")], source) from None
        problems = graph_problems(journey)
    if problems:
        raise InvalidJourney(problems, source)
    return journey


@contextmanager
def without_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: building a million objects that all stay alive
    otherwise triggers it again and again over a growing heap (half of validation time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_RULES = {
    "string_pattern_mismatch": "id-syntax",
    "extra_forbidden": "unknown-field",
    "missing": "required",
    "greater_than_equal": "range",
    "greater_than": "range",
    "less_than_equal": "range",
    "finite_number": "range",
    "too_short": "required",
    "literal_error": "choice",
    "less_than": "range",
    "string_too_short": "required",
}


def _shape_problems(exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".")
        rule = _RULES.get(err["type"], "type" if err["type"].endswith(("_type", "_parsing")) else err["type"])
        message = err["msg"]
        if rule == "id-syntax" and err["loc"][-1] == "url":
            rule, message = "url", f"{err['input']!r} is not an http(s) URL"
        elif rule == "id-syntax":
            message = f"{err['input']!r} is not an id (lowercase letters, digits, '_' or '-')"
        elif rule == "unknown-field":
            message = "unknown field"
        elif err["type"] == "missing":
            message = "field required"
        problems.append(Problem(loc, rule, message))
    return problems


def graph_problems(journey: Journey) -> list[Problem]:
    """Every graph rule of DESIGN.md §2 that ``journey`` breaks (empty when valid)."""
    problems: list[Problem] = []
    problems += _id_problems(journey)
    problems += _score_problems(journey)
    problems += _transition_problems(journey)
    if not any(p.rule in {"unknown-node", "duplicate-id"} for p in problems):
        problems += _flow_problems(journey)
    problems += annotation_problems(journey)
    problems += economics_problems(journey)
    problems += variant_problems(journey)
    return problems


def variant_problems(journey: Journey) -> list[Problem]:
    """Observed variants must walk known nodes and end in an outcome."""
    if journey.variants is None:
        return []
    outcomes = {o.id for o in journey.outcomes}
    nodes = outcomes | {tp.id for tp in journey.touchpoints}
    problems = []
    for i, variant in enumerate(journey.variants.top):
        loc = f"variants.top[{i}].nodes"
        for j, node in enumerate(variant.nodes):
            if node not in nodes:
                problems.append(Problem(f"{loc}[{j}]", "unknown-node", f"unknown id '{node}'"))
        if variant.nodes[-1] not in outcomes:
            problems.append(Problem(loc, "variant-end", f"ends at '{variant.nodes[-1]}', not an outcome"))
    return problems


def _id_problems(journey: Journey) -> list[Problem]:
    problems = []
    seen: dict[str, str] = {}
    groups: list[tuple[str, Iterable[Stage | Touchpoint | Outcome]]] = [
        ("stages", journey.stages),
        ("touchpoints", journey.touchpoints),
        ("outcomes", journey.outcomes),
    ]
    for group, items in groups:
        for i, item in enumerate(items):
            loc = f"{group}[{i}].id"
            if item.id == ENTRY:
                problems.append(Problem(loc, "reserved-id", "'entry' is reserved for the start"))
            elif item.id in seen:
                problems.append(
                    Problem(loc, "duplicate-id", f"id '{item.id}' is already used at {seen[item.id]}")
                )
            else:
                seen[item.id] = loc
    stage_ids = {s.id for s in journey.stages}
    for i, tp in enumerate(journey.touchpoints):
        if tp.stage not in stage_ids:
            problems.append(
                Problem(f"touchpoints[{i}].stage", "unknown-stage", f"unknown stage '{tp.stage}'")
            )
    return problems


def _score_problems(journey: Journey) -> list[Problem]:
    problems = []
    for i, tp in enumerate(journey.touchpoints):
        if journey.scale is not None:
            fields = ("experience", "expectation", "ideal")
            problems += scale_problems(f"touchpoints[{i}]", tp, fields, journey.scale)
        if tp.interval is not None and not tp.interval.low <= tp.experience <= tp.interval.high:
            message = (
                f"{tp.interval.low:g}..{tp.interval.high:g} does not contain the experience "
                f"{tp.experience:g} (it is that score's confidence interval)"
            )
            problems.append(Problem(f"touchpoints[{i}].interval", "interval", message))
    return problems


def scale_problems(loc: str, item: BaseModel, fields: tuple[str, ...], scale: Scale) -> list[Problem]:
    """A ``score-outside-scale`` problem for each of ``item``'s ``fields`` set off ``scale``."""
    low, high = scale.min, scale.max
    problems = []
    for field in fields:
        value = getattr(item, field)
        if value is not None and not low <= value <= high:
            message = f"{value:g} is outside the scale {low:g}..{high:g}"
            problems.append(Problem(f"{loc}.{field}", "score-outside-scale", message))
    return problems


def _transition_problems(journey: Journey) -> list[Problem]:
    """Endpoints, self-loops, duplicates and weights of every transition, in one pass."""
    problems: list[Problem] = []
    touchpoints = {tp.id for tp in journey.touchpoints}
    outcomes = {o.id for o in journey.outcomes}
    known = touchpoints | outcomes | {ENTRY}
    sources, targets = touchpoints | {ENTRY}, touchpoints | outcomes
    seen_pairs: dict[tuple[str, str], int] = {}
    modes: dict[str, int] = {}  # bit 1: 'customers' used, bit 2: 'share' used
    shares: dict[str, float] = defaultdict(float)
    for i, t in enumerate(journey.transitions):
        source, target = t.source, t.target
        if source not in sources or target not in targets or source == target:
            problems += _endpoint_problems(f"transitions[{i}]", source, target, known, outcomes)
        first = seen_pairs.setdefault((source, target), i)
        if first != i:
            message = f"'{source}' -> '{target}' is already given at transitions[{first}]"
            problems.append(Problem(f"transitions[{i}]", "duplicate-transition", message))
        if t.share is None:
            modes[source] = modes.get(source, 0) | 1
        else:
            modes[source] = modes.get(source, 0) | 2
            shares[source] += t.share
    for source, used in modes.items():
        where = f"transitions(from={source})"
        if used == 3:
            message = f"transitions leaving '{source}' mix 'customers' and 'share'"
            problems.append(Problem(where, "mixed-weights", message))
        elif used == 2 and abs(shares[source] - 1.0) > SHARE_TOLERANCE:
            message = f"shares leaving '{source}' sum to {shares[source]:.6g}, not 1"
            problems.append(Problem(where, "share-sum", message))
    return problems


def _endpoint_problems(
    loc: str, source: str, target: str, known: set[str], outcomes: set[str]
) -> list[Problem]:
    problems = []
    if source not in known:
        problems.append(Problem(f"{loc}.from", "unknown-node", f"unknown id '{source}'"))
    elif source in outcomes:
        problems.append(Problem(f"{loc}.from", "outcome-source", f"outcome '{source}' cannot lead on"))
    if target == ENTRY:
        problems.append(Problem(f"{loc}.to", "entry-target", "'entry' can only be a source"))
    elif target not in known:
        problems.append(Problem(f"{loc}.to", "unknown-node", f"unknown id '{target}'"))
    if source == target and source != ENTRY:
        problems.append(Problem(loc, "self-loop", f"'{source}' leads to itself"))
    return problems


class _Graph:
    """The journey's nodes as integers (entry 0, touchpoints 1..n, then outcomes) with the
    transitions' ends; ``forward``/``backward`` hold only transitions with a positive weight.
    Built in one pass over the transitions; ids must all be known."""

    def __init__(self, journey: Journey) -> None:
        self.touchpoints = len(journey.touchpoints)
        self.ids = [ENTRY, *(tp.id for tp in journey.touchpoints), *(o.id for o in journey.outcomes)]
        index = {node: i for i, node in enumerate(self.ids)}
        size = len(self.ids)
        self.exits = [0] * size
        self.weighted = [False] * size
        self.forward: list[list[int]] = [[] for _ in range(size)]
        self.backward: list[list[int]] = [[] for _ in range(size)]
        for t in journey.transitions:
            source, target = index[t.source], index[t.target]
            self.exits[source] += 1
            weight = t.customers if t.customers is not None else t.share
            if weight != 0:
                self.weighted[source] = True
            if weight is not None and weight > 0:
                self.forward[source].append(target)
                self.backward[target].append(source)

    def reached(self) -> list[bool]:
        """Nodes customers can reach from entry."""
        return _reachable([0], self.forward, len(self.ids))

    def trapped(self, reached: list[bool]) -> list[str]:
        """Touchpoints in ``reached`` from which no outcome can be reached."""
        first_outcome = self.touchpoints + 1
        finishing = _reachable(range(first_outcome, len(self.ids)), self.backward, len(self.ids))
        return [self.ids[i] for i in range(1, first_outcome) if reached[i] and not finishing[i]]


def _flow_problems(journey: Journey) -> list[Problem]:
    """Ways in and out: reachability from entry, exits, and a road to some outcome."""
    graph = _Graph(journey)
    problems = []
    if not graph.exits[0]:
        problems.append(Problem("transitions", "no-entry", "no transition leaves 'entry'"))
    for i in range(graph.touchpoints + 1):
        where, node = (f"touchpoints[{i - 1}]", graph.ids[i]) if i else ("entry", ENTRY)
        if i and not graph.exits[i]:
            problems.append(Problem(where, "no-way-out", f"touchpoint '{node}' has no way out"))
        elif graph.exits[i] and not graph.weighted[i]:
            problems.append(
                Problem(where, "zero-exits", f"every transition leaving '{node}' has zero weight")
            )
    reached = graph.reached()
    for i in range(1, graph.touchpoints + 1):
        if not reached[i]:
            message = f"'{graph.ids[i]}' cannot be reached from entry"
            problems.append(Problem(f"touchpoints[{i - 1}]", "unreachable", message))
    if not problems:
        stuck = graph.trapped(reached)
        if stuck:
            problems.append(
                Problem(
                    "transitions",
                    "closed-loop",
                    "customers entering "
                    + ", ".join(f"'{n}'" for n in stuck)
                    + " can never reach an outcome",
                )
            )
    return problems


def annotation_problems(journey: Journey) -> list[Problem]:
    """Personas and opportunities: ids unique within each list, every reference known.

    >>> doc = {"id": "j", "name": "J", "stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...   "touchpoints": [{"id": "a", "name": "A", "stage": "s", "experience": 5,
    ...                    "personas": ["vip"]}],
    ...   "outcomes": [{"id": "ok", "name": "OK", "kind": "success"}],
    ...   "transitions": [{"from": "entry", "to": "a", "share": 1}, {"from": "a", "to": "ok", "share": 1}]}
    >>> [str(p) for p in annotation_problems(Journey.model_validate(doc))]
    ["touchpoints[0].personas[0]: unknown persona 'vip' [unknown-persona]"]
    """
    problems: list[Problem] = []
    personas = _unique_ids("personas", journey.personas or [], problems)
    _unique_ids("opportunities", journey.opportunities or [], problems)
    holders: list[tuple[str, list[str] | None]] = [
        *((f"touchpoints[{i}]", tp.personas) for i, tp in enumerate(journey.touchpoints) if tp.personas),
        *((f"transitions[{i}]", t.personas) for i, t in enumerate(journey.transitions) if t.personas),
    ]
    for loc, refs in holders:
        for j, ref in enumerate(refs or []):
            if ref not in personas:
                problems.append(
                    Problem(f"{loc}.personas[{j}]", "unknown-persona", f"unknown persona '{ref}'")
                )
    touchpoints = {tp.id for tp in journey.touchpoints}
    for i, opp in enumerate(journey.opportunities or []):
        for j, ref in enumerate(opp.touchpoints):
            if ref not in touchpoints:
                loc = f"opportunities[{i}].touchpoints[{j}]"
                problems.append(Problem(loc, "unknown-touchpoint", f"unknown touchpoint '{ref}'"))
    return problems


def economics_problems(journey: Journey) -> list[Problem]:
    """``outcome_values`` name success outcomes; referral buyers are among the referrals.

    >>> doc = {"id": "j", "name": "J", "stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...   "outcomes": [{"id": "ok", "name": "OK", "kind": "success"}],
    ...   "transitions": [{"from": "entry", "to": "ok", "share": 1}],
    ...   "economics": {"outcome_values": {"gone": 5}, "referrals": 2}}
    >>> [str(p) for p in economics_problems(Journey.model_validate(doc))]  # doctest: +NORMALIZE_WHITESPACE
    ["economics.outcome_values.gone: 'gone' is not a success outcome [unknown-outcome]",
     'economics.referral_buyers: 4 of 2 referrals cannot buy [referrals]']
    """
    economics = journey.economics
    if economics is None:
        return []
    successes = {o.id for o in journey.outcomes if o.kind == "success"}
    problems = [
        Problem(f"economics.outcome_values.{oid}", "unknown-outcome", f"'{oid}' is not a success outcome")
        for oid in economics.outcome_values or {}
        if oid not in successes
    ]
    if economics.referral_buyers > economics.referrals:
        message = f"{economics.referral_buyers:g} of {economics.referrals:g} referrals cannot buy"
        problems.append(Problem("economics.referral_buyers", "referrals", message))
    return problems


def _unique_ids(group: str, items: Iterable[Persona | Opportunity], problems: list[Problem]) -> set[str]:
    seen: dict[str, str] = {}
    for i, item in enumerate(items):
        loc = f"{group}[{i}].id"
        if item.id in seen:
            problems.append(
                Problem(loc, "duplicate-id", f"id '{item.id}' is already used at {seen[item.id]}")
            )
        seen.setdefault(item.id, loc)
    return set(seen)


def _reachable(starts: Iterable[int], adjacency: list[list[int]], size: int) -> list[bool]:
    seen = [False] * size
    stack = []
    for start in starts:
        seen[start] = True
        stack.append(start)
    while stack:
        for nxt in adjacency[stack.pop()]:
            if not seen[nxt]:
                seen[nxt] = True
                stack.append(nxt)
    return seen


def trapped_nodes(journey: Journey) -> list[str]:
    """Touchpoints reachable from entry from which no outcome can be reached (ids must be known)."""
    graph = _Graph(journey)
    return graph.trapped(graph.reached())


# --------------------------------------------------------------------------- writing


def journey_document(journey: Journey) -> dict[str, Any]:
    """The journey as a plain document (the file's field names, no unset fields).

    Whole-number floats are written as integers so files stay as people wrote them.
    """
    raw = journey.model_dump(by_alias=True, exclude_none=True)
    return _tidy(raw)  # type: ignore[no-any-return]


def _tidy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value
