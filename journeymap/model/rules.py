"""Every graph rule of DESIGN.md §2 a shape-valid journey must also keep, each problem named."""

from __future__ import annotations

import math
from collections.abc import Iterable
from operator import attrgetter

from pydantic import BaseModel

from journeymap.errors import Problem
from journeymap.model.base import ENTRY, Scale
from journeymap.model.context import Opportunity, Persona
from journeymap.model.flow import flow_problems, transition_ends, transition_problems
from journeymap.model.journey import Journey, Outcome, Stage, Touchpoint


def graph_problems(journey: Journey) -> list[Problem]:
    """Every graph rule of DESIGN.md §2 that ``journey`` breaks (empty when valid)."""
    problems: list[Problem] = []
    problems += _id_problems(journey)
    problems += _score_problems(journey)
    ends = transition_ends(journey)
    problems += transition_problems(journey, ends)
    if not any(p.rule in {"unknown-node", "duplicate-id"} for p in problems):
        flow = flow_problems(journey, ends)
        ends.can_finish = not flow  # the chain need not walk the graph again (engine.chain)
        problems += flow
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
    problems: list[Problem] = []
    groups: list[tuple[str, Iterable[Stage | Touchpoint | Outcome]]] = [
        ("stages", journey.stages),
        ("touchpoints", journey.touchpoints),
        ("outcomes", journey.outcomes),
    ]
    every = [item.id for _, items in groups for item in items]
    if ENTRY in every or len(set(every)) < len(every):
        _repeated_ids(groups, problems)
    stage_ids = {s.id for s in journey.stages}
    for i, tp in enumerate(journey.touchpoints):
        if tp.stage not in stage_ids:
            problems.append(
                Problem(f"touchpoints[{i}].stage", "unknown-stage", f"unknown stage '{tp.stage}'")
            )
    return problems


def _repeated_ids(
    groups: list[tuple[str, Iterable[Stage | Touchpoint | Outcome]]], problems: list[Problem]
) -> None:
    """Add a problem for every use of the reserved id and every id used before."""
    seen: dict[str, tuple[str, int]] = {}
    for group, items in groups:
        for i, item in enumerate(items):
            first = seen.setdefault(item.id, (group, i))
            if item.id == ENTRY:
                problems.append(
                    Problem(f"{group}[{i}].id", "reserved-id", "'entry' is reserved for the start")
                )
            elif first != (group, i):
                message = f"id '{item.id}' is already used at {first[0]}[{first[1]}].id"
                problems.append(Problem(f"{group}[{i}].id", "duplicate-id", message))


def _score_problems(journey: Journey) -> list[Problem]:
    problems = []
    scale = journey.scale
    low, high = (scale.min, scale.max) if scale is not None else (-math.inf, math.inf)
    for i, tp in enumerate(journey.touchpoints):
        expectation, ideal = tp.expectation, tp.ideal
        inside = (
            low <= tp.experience <= high
            and (expectation is None or low <= expectation <= high)
            and (ideal is None or low <= ideal <= high)
        )
        if scale is not None and not inside:
            problems += scale_problems(f"touchpoints[{i}]", tp, ("experience", "expectation", "ideal"), scale)
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
    holders: list[tuple[str, list[str] | None]] = []
    for group, items in (("touchpoints", journey.touchpoints), ("transitions", journey.transitions)):
        # the attribute pass is in C; most of a million transitions name no persona
        named = list(map(attrgetter("personas"), items))
        if any(named):
            holders += [(f"{group}[{i}]", refs) for i, refs in enumerate(named) if refs]
    for loc, refs in holders:
        for j, ref in enumerate(refs or []):
            if ref not in personas:
                problems.append(
                    Problem(f"{loc}.personas[{j}]", "unknown-persona", f"unknown persona '{ref}'")
                )
    touchpoints = {tp.id for tp in journey.touchpoints} if journey.opportunities else set()
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
