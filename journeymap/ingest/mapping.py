"""The mapping file: how raw events (and survey rows) become journey nodes.

Why one module over ~300 lines: the mapping's models and the checks across them
(``mapping_problems``) report the same field paths, and much of it is field
documentation and runnable examples.

A mapping is YAML::

    columns: {customer: customer_id, touchpoint: event, time: ts, score: rating}
    time_format: auto            # iso | epoch_s | epoch_ms | auto
    scale: {min: 0, max: 10}     # the journey's score scale
    stages:
      - {id: browse, name: Browse, phase: pre_sale}
    touchpoints:                 # raw event name -> touchpoint
      view_product: {id: product_page, stage: browse, channel: web}
    outcomes:                    # raw event name -> outcome
      purchase: {id: purchase, kind: success}
    default_outcome: {id: no_purchase, kind: failure}
    unmapped: drop               # or keep
    surveys: {columns: {touchpoint: tp, experience: score}, scale: "1-5"}
    order: 1                     # 1..5 or auto: states remember the last K touchpoints
    variants: 20                 # observed variants kept in the journey (the rest: "other")
    filter: {country: [DE, FR]}  # only events whose column holds one of the values (as text)
    segments: {limit: 50, min_customers: 30}  # with columns.segment: one journey per value

Everything is checked when the file is loaded (``parse_mapping``), so ingest never starts with a
mapping that could only produce an invalid journey.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from journeymap.durations import Duration, seconds
from journeymap.errors import InvalidInput, InvalidJourney, Problem
from journeymap.files import read_document
from journeymap.model import ENTRY, MeasureName, Phase, Scale, Score, Slug, Stage, scale_problems

Column = Annotated[str, Field(min_length=1)]
DOMAIN_LABELS = {"还可以": 40.0, "满意": 60.0, "非常满意": 100.0}  # OK / satisfied / very satisfied
TimeFormat = Literal["iso", "epoch_s", "epoch_ms", "auto"]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventColumns(_Spec):
    customer: Column = "customer_id"
    touchpoint: Column = "event"
    time: Column = "timestamp"
    score: Column | None = None
    order_by: Column | None = None
    segment: Column | None = None


MEASURES: tuple[str, ...] = get_args(MeasureName)
"""Behavioural measures a mapping may score (timing.py defines each); all are 'lower is better'."""


class MeasureSpec(_Spec):
    """How one behavioural measure scores a touchpoint (README: "Experience from behaviour")."""

    target: Annotated[str | float, Field(union_mode="left_to_right")] | None = None
    window: Duration | None = None
    penalty: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None


class TouchpointSpec(_Spec):
    id: Slug
    stage: Slug
    name: str | None = None
    channel: str | None = None
    owner: str | None = None
    expectation: Score | None = None
    importance: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    ideal: Score | None = None
    expected_wait: Duration | None = None
    measures: dict[str, MeasureSpec] | None = None


class OutcomeSpec(_Spec):
    id: Slug
    kind: Literal["success", "failure"]
    name: str | None = None


class UnmappedStage(_Spec):
    id: Slug = "unmapped"
    name: str = "Unmapped events"
    phase: Phase = "sale"


class SurveyColumns(_Spec):
    touchpoint: Column = "touchpoint"
    experience: Column = "experience"
    expectation: Column | None = None
    importance: Column | None = None
    customer: Column | None = None


class SurveySpec(_Spec):
    """How survey responses are read: column names and the scale answers use."""

    columns: SurveyColumns = SurveyColumns()
    scale: Literal["0-10", "1-5", "labels"] | Scale = "0-10"
    labels: dict[str, float] = Field(default_factory=lambda: dict(DOMAIN_LABELS))
    label_scale: Scale = Scale(min=0, max=100)


class SegmentSpec(_Spec):
    """How ``columns.segment`` splits a log: at most ``limit`` values; small ones are reported, not built."""

    limit: Annotated[int, Field(ge=1, le=10_000)] = 50
    min_customers: Annotated[int, Field(ge=1)] = 30


FilterValue = Annotated[str | int, Field(union_mode="left_to_right")]


class Mapping(_Spec):
    columns: EventColumns = EventColumns()
    time_format: TimeFormat = "auto"
    scale: Scale = Scale()
    score_scale: Scale | None = None
    stages: list[Stage] = Field(min_length=1)
    touchpoints: dict[str, TouchpointSpec] = Field(default_factory=dict)
    outcomes: dict[str, OutcomeSpec] = Field(default_factory=dict)
    default_outcome: OutcomeSpec = OutcomeSpec(id="no_outcome", kind="failure", name="No outcome")
    unmapped: Literal["drop", "keep"] = "drop"
    unmapped_stage: UnmappedStage = UnmappedStage()
    surveys: SurveySpec = SurveySpec()
    measures: dict[str, MeasureSpec] = Field(default_factory=dict)
    order: Annotated[int, Field(ge=1, le=5)] | Literal["auto"] = 1
    variants: Annotated[int, Field(ge=0, le=10_000)] = 20
    filter: dict[Column, Annotated[list[FilterValue], Field(min_length=1)]] = Field(default_factory=dict)
    segments: SegmentSpec = SegmentSpec()

    def filter_values(self) -> dict[str, list[str]]:
        """The filter's accepted values by column, as the text they are compared with."""
        return {column: [str(v).strip() for v in values] for column, values in self.filter.items()}

    def read_columns(self) -> dict[str, str | None]:
        """Every column the event log must have: the mapped ones and those the filter tests."""
        return self.columns.model_dump() | {f"filter.{c}": c for c in self.filter}

    def event_scale(self) -> Scale:
        """The scale of event scores (the journey scale unless ``score_scale`` says otherwise)."""
        return self.score_scale or self.scale

    def node_id(self, raw: str) -> str | None:
        """The touchpoint or outcome id a raw event name maps to (None: unmapped)."""
        if raw in self.touchpoints:
            return self.touchpoints[raw].id
        return self.outcomes[raw].id if raw in self.outcomes else None

    def touchpoint_specs(self) -> dict[str, TouchpointSpec]:
        """One spec per touchpoint id (several raw names may map to one touchpoint)."""
        return {spec.id: spec for spec in self.touchpoints.values()}

    def outcome_specs(self) -> dict[str, OutcomeSpec]:
        """Every outcome id the mapping can produce, the default one last."""
        found = {spec.id: spec for spec in self.outcomes.values()}
        found.setdefault(self.default_outcome.id, self.default_outcome)
        return found

    def reserved_ids(self) -> set[str]:
        """Ids a kept unmapped event must not take."""
        return (
            {ENTRY, self.unmapped_stage.id}
            | {s.id for s in self.stages}
            | set(self.touchpoint_specs())
            | set(self.outcome_specs())
        )


def mapping_problems(mapping: Mapping) -> list[Problem]:
    """What a mapping would carry into an invalid journey: unknown stages, shared ids, off-scale scores.

    Parameters
    ----------
    mapping : Mapping
        A mapping whose fields each passed validation.

    Returns
    -------
    list of Problem
        Each problem at its field (``parse_mapping`` refuses a mapping with any).

    Examples
    --------
    >>> m = parse_mapping({"stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...     "touchpoints": {"view": {"id": "view", "stage": "s"}}})
    >>> mapping_problems(m)
    []
    >>> lost = m.model_copy(update={"touchpoints": {"view": TouchpointSpec(id="view", stage="gone")}})
    >>> [str(p) for p in mapping_problems(lost)]
    ["touchpoints.view.stage: unknown stage 'gone' [unknown-stage]"]
    """
    problems = []
    stage_ids = [s.id for s in mapping.stages]
    owners: dict[str, str] = {}
    for i, sid in enumerate(stage_ids):
        problems += _clash(f"stages[{i}]", sid, owners, "stage")
    seen_tp: dict[str, TouchpointSpec] = {}
    for raw, tp in mapping.touchpoints.items():
        loc = f"touchpoints.{raw}"
        if tp.stage not in stage_ids:
            problems.append(Problem(f"{loc}.stage", "unknown-stage", f"unknown stage '{tp.stage}'"))
        problems += scale_problems(loc, tp, ("expectation", "ideal"), mapping.scale)
        earlier = seen_tp.get(tp.id)
        if earlier is not None and earlier.model_dump(exclude={"name"}) != tp.model_dump(exclude={"name"}):
            problems.append(
                Problem(loc, "conflicting-touchpoint", f"'{tp.id}' is mapped twice with different settings")
            )
        seen_tp.setdefault(tp.id, tp)
        problems += _clash(loc, tp.id, owners, "touchpoint")
    outcomes = [(f"outcomes.{raw}", o) for raw, o in mapping.outcomes.items()]
    outcomes.append(("default_outcome", mapping.default_outcome))
    kinds: dict[str, str] = {}
    for loc, outcome in outcomes:
        if kinds.get(outcome.id, outcome.kind) != outcome.kind:
            problems.append(Problem(loc, "conflicting-outcome", f"'{outcome.id}' has two kinds"))
        kinds[outcome.id] = outcome.kind
        problems += _clash(loc, outcome.id, owners, "outcome")
    for raw in sorted(set(mapping.touchpoints) & set(mapping.outcomes)):
        problems.append(
            Problem(f"outcomes.{raw}", "double-mapping", f"'{raw}' is both touchpoint and outcome")
        )
    if mapping.unmapped == "keep":
        problems += _clash("unmapped_stage", mapping.unmapped_stage.id, owners, "unmapped")
    problems += _measure_problems("measures", mapping.measures, None)
    for raw, tp in mapping.touchpoints.items():
        problems += _measure_problems(f"touchpoints.{raw}.measures", tp.measures or {}, tp)
    problems += _shared_columns("columns", mapping.columns)
    problems += _shared_columns("surveys.columns", mapping.surveys.columns)
    return problems


def _measure_problems(loc: str, measures: dict[str, MeasureSpec], tp: TouchpointSpec | None) -> list[Problem]:
    """Unknown measure names, targets that are no share or duration above 0, windows out of place."""
    problems = []
    for name, spec in measures.items():
        at = f"{loc}.{name}"
        if name not in MEASURES:
            message = f"unknown measure '{name}' (known: {', '.join(MEASURES)})"
            problems.append(Problem(at, "unknown-measure", message))
            continue
        if name == "wait":
            if spec.target is None and tp is not None and tp.expected_wait is None:
                message = "a wait needs a target (or the touchpoint's expected_wait)"
                problems.append(Problem(f"{at}.target", "required", message))
            elif spec.target is not None:
                try:
                    seconds(spec.target)
                except ValueError as exc:
                    problems.append(Problem(f"{at}.target", "duration", str(exc)))
        elif not isinstance(spec.target, int | float) or not 0 < spec.target <= 1:
            message = f"{spec.target!r} is not a share above 0 and at most 1 (e.g. 0.1 for 10 %)"
            problems.append(Problem(f"{at}.target", "share", message))
        if name == "repeat_contact" and spec.window is None:
            problems.append(Problem(f"{at}.window", "required", "repeat contacts need a window (e.g. 7d)"))
        elif name != "repeat_contact" and spec.window is not None:
            problems.append(Problem(f"{at}.window", "window", "only repeat_contact takes a window"))
    return problems


def _shared_columns(loc: str, columns: BaseModel) -> list[Problem]:
    """A problem for each role that names a column another role already reads."""
    problems: list[Problem] = []
    role_of: dict[str, str] = {}
    for role, column in columns.model_dump().items():
        if column is None:
            continue
        if column in role_of:
            message = f"column '{column}' is already the {role_of[column]} column"
            problems.append(Problem(f"{loc}.{role}", "shared-column", message))
        role_of.setdefault(column, role)
    return problems


def _clash(loc: str, node_id: str, owners: dict[str, str], kind: str) -> list[Problem]:
    """Problems of ``node_id`` at ``loc``: reserved, or taken by another kind (or by another stage)."""
    if node_id == ENTRY:
        return [Problem(f"{loc}.id", "reserved-id", "'entry' is reserved for the start")]
    here = loc if kind == "stage" else f"{kind}:{loc}"  # several raw names may share one node, not one stage
    owner = owners.setdefault(node_id, here)
    if owner != here and not (kind != "stage" and owner.startswith(f"{kind}:")):
        where = owner.split(":", 1)[-1]
        return [Problem(f"{loc}.id", "duplicate-id", f"id '{node_id}' is already used at {where}")]
    return []


def parse_mapping(data: Any, source: str | None = None) -> Mapping:
    """Validate a decoded mapping document.

    Parameters
    ----------
    data : Any
        The decoded YAML or JSON document.
    source : str, optional
        Where it came from (named in the error).

    Returns
    -------
    Mapping
        The checked mapping.

    Raises
    ------
    InvalidJourney
        Listing every problem, each at its field (``filter.country``, ``segments.limit``).

    Examples
    --------
    >>> stages = [{"id": "s", "name": "S", "phase": "sale"}]
    >>> m = parse_mapping({"stages": stages, "columns": {"segment": "device"},
    ...                    "filter": {"country": ["DE", 7]}})
    >>> m.columns.segment, m.segments.limit, m.filter_values()
    ('device', 50, {'country': ['DE', '7']})
    >>> parse_mapping({"stages": stages, "filter": {"country": []}})
    Traceback (most recent call last):
    ...
    journeymap.errors.InvalidJourney: 1 problem
      filter.country: List should have at least 1 item after validation, not 0 [too_short]
    """
    if not isinstance(data, dict):
        raise InvalidJourney([Problem("", "document", "a mapping file must be a YAML mapping")], source)
    try:
        mapping = Mapping.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = ".".join(str(p) for p in err["loc"])
            problems.append(Problem(loc, err["type"], err["msg"].removeprefix("Value error, ")))
        raise InvalidJourney(problems, source) from None
    problems = mapping_problems(mapping)
    if problems:
        raise InvalidJourney(problems, source)
    return mapping


def load_mapping(path: str | Path, overrides: dict[str, Any] | None = None) -> Mapping:
    """Read and validate a mapping file (YAML or JSON).

    Parameters
    ----------
    path : str or Path
        The mapping file.
    overrides : dict, optional
        Top-level settings replacing the file's (the CLI's ``--order``, ``--variants``).

    Returns
    -------
    Mapping
        The checked mapping.

    Raises
    ------
    InvalidInput
        No such file.
    InvalidJourney
        An invalid mapping (``parse_mapping``).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "m.yaml"
    >>> _ = path.write_text("stages: [{id: s, name: S, phase: sale}]\\norder: 2\\n")
    >>> load_mapping(path).order, load_mapping(path, {"order": "auto"}).order
    (2, 'auto')
    """
    path = Path(path)
    if not path.exists():
        raise InvalidInput(f"{path}: no such mapping file")
    document = read_document(path)
    if overrides and isinstance(document, dict):
        document = document | overrides
    return parse_mapping(document, str(path))
