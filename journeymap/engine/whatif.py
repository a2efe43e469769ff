"""What-if patches: change scores, transition weights or remove touchpoints, then compare.

Why one module over ~300 lines: parsing a patch, checking its ids and applying
it (scores, weights, removals with their bypass rule) are one definition that
the engine, the API schemas and the PATCH route share; a third of it is
documentation and runnable examples.

A patch document (YAML/JSON)::

    touchpoints: {convenience: {experience: 7, expectation: 7, importance: 9}}
    transitions: [{from: entry, to: convenience, customers: 600}]   # set (or add) a weight
    remove: [branch_stock]

is applied in that order: scores, then weights, then removals. A removed
touchpoint is bypassed: each transition ``u → v`` into it becomes transitions
``u → x`` to v's successors, splitting u's weight in v's own proportions (added
to an existing ``u → x``); a share that would loop back to u itself is dropped
and u's remaining shares are rescaled to sum to 1. The patched journey is
validated like any file, so a patch that breaks a rule raises ``InvalidJourney``
listing every problem.

``TouchpointPatch`` and ``WhatIfPatch`` are the one patch model: the CLI's
``whatif``, the HTTP API's request bodies (``POST .../whatif`` and ``PATCH
.../touchpoints/ID``, which stores the result) and this module use them, and
``apply_patch`` is the one place a patch is applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from journeymap.errors import InvalidJourney, Problem
from journeymap.model import (
    Journey,
    Score,
    Slug,
    Transition,
    journey_document,
    parse_journey,
    shape_problems,
)

SOURCE = "patch"


class TouchpointPatch(BaseModel):
    """New values for some fields of one touchpoint; ``null`` removes an optional one
    (it falls back to its default). At least one field; the experience cannot be removed."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra={"minProperties": 1})

    name: str | None = Field(default=None, min_length=1, description="display name (cannot be removed)")
    experience: Annotated[Score | None, WithJsonSchema({"type": "number"})] = Field(
        default=None, description="actual score (cannot be removed)"
    )
    expectation: Score | None = Field(default=None, description="expected score; null: same as experience")
    importance: float | None = Field(default=None, ge=0, allow_inf_nan=False, description=">= 0; null: 1")
    ideal: Score | None = None
    responses: Annotated[int, Field(ge=0)] | None = None

    @field_validator("experience", "name")
    @classmethod
    def _kept(cls, value: object, info: ValidationInfo) -> object:
        if value is None:
            raise ValueError(f"{info.field_name} is required and cannot be removed")
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> TouchpointPatch:
        if not self.model_fields_set:
            raise ValueError("give at least one of " + ", ".join(type(self).model_fields))
        return self


class WhatIfPatch(BaseModel):
    """Changes to try on a journey (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    touchpoints: dict[Slug, TouchpointPatch] = Field(
        default_factory=dict, description="new scores per touchpoint id"
    )
    transitions: list[Transition] = Field(
        default_factory=list, description="set a transition's weight (added if missing)"
    )
    remove: list[Slug] = Field(
        default_factory=list,
        description="touchpoints to remove; their customers go on to the removed touchpoint's successors",
    )


def parse_patch(data: Any) -> WhatIfPatch:
    """Validate a decoded patch document.

    Parameters
    ----------
    data : Mapping or WhatIfPatch
        The patch as decoded from YAML/JSON (``touchpoints``, ``transitions``,
        ``remove``), or an already validated ``WhatIfPatch`` (returned as it is).

    Returns
    -------
    WhatIfPatch
        The validated patch.

    Raises
    ------
    InvalidJourney
        With source ``patch``, naming every field at fault (or a document that is not a mapping).

    Examples
    --------
    >>> parse_patch({"touchpoints": {"a": {"experience": 6}}}).touchpoints["a"].experience
    6.0
    >>> parse_patch(["a"])
    Traceback (most recent call last):
    journeymap.errors.InvalidJourney: ...
    """
    if isinstance(data, WhatIfPatch):
        return data
    if not isinstance(data, Mapping):
        got = type(data).__name__
        raise InvalidJourney([Problem("", "document", f"expected a mapping, got {got}")], SOURCE)
    try:
        return WhatIfPatch.model_validate(data)
    except ValidationError as exc:
        raise InvalidJourney(shape_problems(exc), SOURCE) from None


def apply_patch(journey: Journey, patch: WhatIfPatch, keep_variants: bool = False) -> Journey:
    """A new, validated journey with the patch applied (the input is not changed).

    Parameters
    ----------
    journey : Journey
        The journey to change.
    patch : WhatIfPatch
        Scores to set, transition weights to set (or add) and touchpoints to remove,
        applied in that order.
    keep_variants : bool, optional
        Keep the observed variants: only for a stored edit of touchpoint fields,
        which leaves every id and transition in place (default False).

    Returns
    -------
    Journey
        The patched journey; a what-if carries no observed variants (nobody
        walked it) unless ``keep_variants`` applies.

    Raises
    ------
    InvalidJourney
        With source ``patch`` when the patch names unknown ids or the result breaks a rule.

    Examples
    --------
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.model import parse_journey
    >>> tiny = parse_journey(_TINY)
    >>> apply_patch(tiny, parse_patch({"touchpoints": {"a": {"experience": 6}}})).touchpoint("a").experience
    6.0
    >>> tiny.touchpoint("a").experience
    4.0
    """
    doc = journey_document(journey)
    if not (keep_variants and not patch.transitions and not patch.remove):
        doc.pop("variants", None)  # observed walks describe the journey as it was, not the what-if
    problems = _reference_problems(journey, patch)
    if problems:
        raise InvalidJourney(problems, SOURCE)
    by_id = {tp["id"]: tp for tp in doc["touchpoints"]}
    for tid, change in patch.touchpoints.items():
        for field in change.model_fields_set:
            value = getattr(change, field)
            if value is None:
                by_id[tid].pop(field, None)
            else:
                by_id[tid][field] = value
    for t in patch.transitions:
        _set_weight(doc["transitions"], t)
    for tid in patch.remove:
        _bypass(doc, tid)
    return parse_journey(doc, SOURCE)


def _reference_problems(journey: Journey, patch: WhatIfPatch) -> list[Problem]:
    touchpoints = {tp.id for tp in journey.touchpoints}
    nodes = touchpoints | {o.id for o in journey.outcomes} | {"entry"}
    problems = [
        Problem(f"touchpoints.{tid}", "unknown-node", f"unknown touchpoint '{tid}'")
        for tid in patch.touchpoints
        if tid not in touchpoints
    ]
    for i, t in enumerate(patch.transitions):
        for field, node in (("from", t.source), ("to", t.target)):
            if node not in nodes:
                problems.append(Problem(f"transitions[{i}].{field}", "unknown-node", f"unknown id '{node}'"))
    seen: set[str] = set()
    for i, tid in enumerate(patch.remove):
        if tid not in touchpoints:
            problems.append(Problem(f"remove[{i}]", "unknown-node", f"unknown touchpoint '{tid}'"))
        elif tid in seen:
            problems.append(Problem(f"remove[{i}]", "duplicate-id", f"'{tid}' is removed twice"))
        seen.add(tid)
    return problems


def _weight_key(t: Mapping[str, Any]) -> str:
    return "customers" if "customers" in t else "share"


def _set_weight(transitions: list[dict[str, Any]], t: Transition) -> None:
    key = "customers" if t.customers is not None else "share"
    for row in transitions:
        if row["from"] == t.source and row["to"] == t.target:
            row.pop("customers", None)
            row.pop("share", None)
            row[key] = t.weight
            return
    transitions.append({"from": t.source, "to": t.target, key: t.weight})


def _bypass(doc: dict[str, Any], tid: str) -> None:
    transitions: list[dict[str, Any]] = doc["transitions"]
    incoming = [t for t in transitions if t["to"] == tid]
    outgoing = [t for t in transitions if t["from"] == tid]
    out_total = sum(t[_weight_key(t)] for t in outgoing)
    kept = [t for t in transitions if tid not in (t["from"], t["to"])]
    index = {(t["from"], t["to"]): t for t in kept}
    for into in incoming:
        source, key = into["from"], _weight_key(into)
        for out in outgoing:
            target = out["to"]
            amount = into[key] * out[_weight_key(out)] / out_total if out_total > 0 else 0.0
            if target == source:
                continue
            if (source, target) in index:
                index[(source, target)][key] += amount
            else:
                row = {"from": source, "to": target, key: amount}
                kept.append(row)
                index[(source, target)] = row
        if key == "share":
            _rescale_shares(kept, source)
    doc["transitions"] = kept
    doc["touchpoints"] = [tp for tp in doc["touchpoints"] if tp["id"] != tid]
    for opportunity in doc.get("opportunities", []):
        opportunity["touchpoints"] = [t for t in opportunity["touchpoints"] if t != tid]


def _rescale_shares(transitions: list[dict[str, Any]], source: str) -> None:
    rows = [t for t in transitions if t["from"] == source]
    total = sum(t["share"] for t in rows)
    if total > 0:
        for t in rows:
            t["share"] = min(1.0, t["share"] / total)


def differences(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """``after − before`` for every number both analyses share (None where either is None).

    Parameters
    ----------
    before, after : dict
        ``analyze`` documents of the journey before and after a patch.

    Returns
    -------
    dict
        ``success_probability``, ``expected_pain``, ``outcomes`` and ``stages``
        differences; ``touchpoints``: one row per touchpoint in both (``touchpoint``
        and the change of each number), in the order of ``before``; ``removed``:
        the ids only before.

    Examples
    --------
    >>> before = {"success_probability": 0.5, "expected_pain": 4.0, "outcomes": {"ok": 0.5},
    ...           "touchpoints": [{"touchpoint": "a", "pain": 4.0}, {"touchpoint": "b", "pain": 1.0}],
    ...           "stages": {}}
    >>> after = {"success_probability": 0.75, "expected_pain": 0.0, "outcomes": {"ok": 0.75},
    ...          "touchpoints": [{"touchpoint": "a", "pain": 0.0}], "stages": {}}
    >>> diff = differences(before, after)
    >>> diff["touchpoints"], diff["removed"], diff["success_probability"]
    ([{'touchpoint': 'a', 'pain': -4.0}], ['b'], 0.25)
    """
    kept = {row["touchpoint"]: row for row in after["touchpoints"]}
    removed = [row["touchpoint"] for row in before["touchpoints"] if row["touchpoint"] not in kept]
    return {
        "success_probability": _delta(before["success_probability"], after["success_probability"]),
        "expected_pain": _delta(before["expected_pain"], after["expected_pain"]),
        "outcomes": _deltas(before["outcomes"], after["outcomes"]),
        "touchpoints": [
            {"touchpoint": row["touchpoint"], **_deltas(row, kept[row["touchpoint"]])}
            for row in before["touchpoints"]
            if row["touchpoint"] in kept
        ],
        "stages": {sid: _deltas(row, after["stages"][sid]) for sid, row in before["stages"].items()},
        "removed": removed,
    }


def _delta(a: Any, b: Any) -> float | None:
    if isinstance(a, bool) or isinstance(b, bool):
        return None
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(b - a) + 0.0
    return None


def _deltas(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, float | None]:
    return {
        key: _delta(value, after.get(key))
        for key, value in before.items()
        if isinstance(value, int | float) or value is None
    }
