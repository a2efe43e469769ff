"""Assembling a valid journey from counted transitions and touchpoint scores."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from collections.abc import Mapping as MappingABC
from typing import TYPE_CHECKING, Any

from journeymap.ingest.experience import departures_of, touchpoint_behaviour
from journeymap.ingest.mapping import Mapping, OutcomeSpec, TouchpointSpec
from journeymap.ingest.scores import ScoreStats
from journeymap.ingest.timing import Behaviour, TimeStats
from journeymap.model import ENTRY, Journey, Scale, parse_journey

if TYPE_CHECKING:  # order.py needs DuckDB (the [ingest] extra); only its type is used here
    from journeymap.ingest.order import StateInfo


def default_score(scale: Scale) -> float:
    """The experience given to a touchpoint nobody scored: the scale's midpoint.

    Its expectation is set equal, so its satisfaction (and pain) is 0, and it
    carries ``responses: 0`` so readers can tell it was not measured.

    Parameters
    ----------
    scale : Scale
        The journey's score scale.

    Returns
    -------
    float
        The midpoint of the scale.

    Examples
    --------
    >>> default_score(Scale(min=1, max=5))
    3.0
    """
    return (scale.min + scale.max) / 2


def touchpoint_document(
    tid: str,
    spec: TouchpointSpec | None,
    stage: str,
    score: ScoreStats | None,
    scale: Scale,
    survey: dict[str, Any] | None = None,
    behaviour: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One touchpoint of the journey file; survey answers win over event scores, and
    both over behaviour (whose evidence is kept either way); ``source`` says which won.

    Parameters
    ----------
    tid : str
        The touchpoint's id.
    spec : TouchpointSpec or None
        Its settings in the mapping (``None`` for a kept unmapped event).
    stage : str
        The id of its stage.
    score : ScoreStats or None
        The event scores given at it.
    scale : Scale
        The journey's score scale.
    survey : dict, optional
        Its survey fields (``experience``, ``responses`` ...), if answers scored it.
    behaviour : dict, optional
        Its ``time`` and, when measured, behaviour ``experience``, ``expectation`` and ``measures``.

    Returns
    -------
    dict
        The touchpoint as the journey file holds it, with ``source`` one of ``survey``,
        ``events``, ``behaviour`` or ``none`` (unscored: the midpoint, ``responses: 0``).

    Examples
    --------
    >>> doc = touchpoint_document("view", None, "s", ScoreStats(4, 6.0, 2.0), Scale())
    >>> doc["experience"], doc["responses"], doc["interval"], doc["source"]
    (6.0, 4, {'low': 2.817, 'high': 9.183}, 'events')
    >>> doc = touchpoint_document("view", None, "s", None, Scale())
    >>> doc["experience"], doc["expectation"], doc["responses"], doc["source"]
    (5.0, 5.0, 0, 'none')
    """
    doc: dict[str, Any] = {"id": tid, "name": (spec.name if spec and spec.name else tid), "stage": stage}
    if spec is not None:
        for key in ("channel", "owner", "expectation", "importance", "ideal", "expected_wait"):
            value = getattr(spec, key)
            if value is not None:
                doc[key] = value
    if survey:
        doc.update(survey)
        doc["source"] = "survey"
    elif score is not None and score.n > 0:
        doc["experience"] = round(score.mean, 4)
        doc["responses"] = score.n
        interval = score.interval(scale)
        if interval is not None:
            doc["interval"] = {"low": interval[0], "high": interval[1]}
        doc["source"] = "events"
    elif behaviour and "experience" in behaviour:
        doc["source"] = "behaviour"
    else:
        doc["experience"] = default_score(scale)
        doc["expectation"] = doc["experience"]
        doc["responses"] = 0
        doc["source"] = "none"
    if behaviour:
        scored = doc["source"] == "behaviour"
        doc.update({k: v for k, v in behaviour.items() if scored or k not in ("experience", "expectation")})
    return doc


def assemble(
    journey_id: str,
    name: str,
    mapping: Mapping,
    transitions: Counter[tuple[str, str]],
    scores: MappingABC[str, ScoreStats],
    kept: MappingABC[str, str],
    surveys: MappingABC[str, dict[str, Any]],
    source: str,
    behaviour: Behaviour | None = None,
    states: MappingABC[str, StateInfo] | None = None,
) -> Journey:
    """The journey document for counted transitions, validated by ``parse_journey``.

    Only nodes some customer reached are included, so every touchpoint is
    reachable from entry and (as each customer ends in an outcome) has a way out.
    ``states`` are the states of a higher-order chain (see ``order.py``): each
    becomes a touchpoint with its own touchpoint's stage and scores, and its own
    time and behaviour (``behaviour`` is keyed by state id).

    Parameters
    ----------
    journey_id, name : str
        The journey's id and name.
    mapping : Mapping
        The mapping (stages, touchpoint settings, outcomes, measures).
    transitions : Counter
        Customers per (source, target), by node (or state) id.
    scores : mapping
        Event score statistics per touchpoint id.
    kept : mapping
        Raw name -> id of unmapped events kept as touchpoints.
    surveys : mapping
        Survey scores per touchpoint id.
    source : str
        Where the data came from (named in errors).
    behaviour : Behaviour, optional
        Times on transitions and behaviour per node.
    states : mapping, optional
        State id -> ``StateInfo`` of a higher-order chain.

    Returns
    -------
    Journey
        The validated journey.

    Raises
    ------
    InvalidJourney
        When the counts cannot make a valid journey.

    Examples
    --------
    >>> from collections import Counter
    >>> from journeymap.ingest.mapping import parse_mapping
    >>> m = parse_mapping({"stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...     "touchpoints": {"view": {"id": "view", "stage": "s"}},
    ...     "outcomes": {"buy": {"id": "buy", "kind": "success"}}})
    >>> counts = Counter({("entry", "view"): 3, ("view", "buy"): 1, ("view", "no_outcome"): 2})
    >>> j = assemble("shop", "Shop", m, counts, {}, {}, {}, "example")
    >>> [(t.source, t.target, t.customers) for t in j.transitions]
    [('entry', 'view', 3.0), ('view', 'no_outcome', 2.0), ('view', 'buy', 1.0)]
    """
    states = states or {}
    used = {node for pair in transitions for node in pair} - {ENTRY}
    used_states = {sid: info for sid, info in sorted(states.items()) if sid in used}
    specs = mapping.touchpoint_specs()
    kept_ids = set(kept.values())
    outcomes = [o for oid, o in mapping.outcome_specs().items() if oid in used]
    seen = behaviour or Behaviour()
    out = departures_of(mapping, transitions, {sid: info.touchpoint for sid, info in states.items()})

    def measured(tid: str, spec: TouchpointSpec | None) -> dict[str, Any]:
        return touchpoint_behaviour(tid, spec, mapping, seen.nodes.get(tid), out)

    touchpoints = [
        touchpoint_document(
            tid, spec, spec.stage, scores.get(tid), mapping.scale, surveys.get(tid), measured(tid, spec)
        )
        for tid, spec in specs.items()
        if tid in used
    ]
    raw_of = {tid: raw for raw, tid in kept.items()}
    touchpoints += [
        touchpoint_document(
            tid,
            None,
            mapping.unmapped_stage.id,
            scores.get(tid),
            mapping.scale,
            surveys.get(tid),
            measured(tid, None),
        )
        | {"name": raw_of[tid]}
        for tid in sorted(kept_ids & used)
    ]
    touchpoints += _state_documents(used_states, mapping, scores, surveys, raw_of, measured)
    stages = [s.model_dump(exclude_none=True) for s in mapping.stages]
    if kept_ids & (used | {info.touchpoint for info in used_states.values()}):
        stages.append(mapping.unmapped_stage.model_dump())
    document = {
        "id": journey_id,
        "name": name,
        "scale": mapping.scale.model_dump(),
        "stages": stages,
        "touchpoints": touchpoints,
        "outcomes": [_outcome_document(o) for o in outcomes],
        "transitions": [
            _transition_document(s, t, n, seen.edge_times.get((s, t)))
            for (s, t), n in sorted(transitions.items(), key=_edge_order)
        ],
    }
    return parse_journey(document, source)


def _transition_document(source: str, target: str, n: int, time: TimeStats | None) -> dict[str, Any]:
    doc: dict[str, Any] = {"from": source, "to": target, "customers": n}
    if time is not None and time.n:
        doc["time"] = time.document()
    return doc


def _state_documents(
    states: MappingABC[str, StateInfo],
    mapping: Mapping,
    scores: MappingABC[str, ScoreStats],
    surveys: MappingABC[str, dict[str, Any]],
    raw_of: MappingABC[str, str],
    measured: Callable[[str, TouchpointSpec | None], dict[str, Any]],
) -> list[dict[str, Any]]:
    """Touchpoints for higher-order states: their touchpoint's settings, scores and stage, and their
    own time and behaviour (``measured``: of the customers who reached the state)."""
    specs = mapping.touchpoint_specs()

    def name(tid: str) -> str:
        spec = specs.get(tid)
        return (spec.name if spec and spec.name else None) or raw_of.get(tid, tid)

    documents = []
    for sid, info in states.items():
        spec = specs.get(info.touchpoint)
        stage = spec.stage if spec else mapping.unmapped_stage.id
        score, survey = scores.get(info.touchpoint), surveys.get(info.touchpoint)
        doc = touchpoint_document(sid, spec, stage, score, mapping.scale, survey, measured(sid, spec))
        history = " > ".join(name(t) for t in reversed(info.before))
        documents.append(doc | {"name": f"{name(info.touchpoint)} (after {history})"})
    return documents


def _outcome_document(outcome: OutcomeSpec) -> dict[str, Any]:
    return {"id": outcome.id, "name": outcome.name or outcome.id.replace("_", " "), "kind": outcome.kind}


def _edge_order(item: tuple[tuple[str, str], int]) -> tuple[int, str, int, str]:
    (source, target), n = item
    return (0 if source == ENTRY else 1, source, -n, target)
