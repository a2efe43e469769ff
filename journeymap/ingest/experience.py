"""From behavioural measures to experience and expectation (the triangle law's inputs).

Every measure is "lower is better" and is held to a target τ > 0 with a
penalty δ (score points per target-length; default a tenth of the scale). A
touchpoint's expectation E is its mapped ``expectation``, else the scale's
midpoint. Each measured value x takes δ·max(0, x/τ − 1) off: at or below its
target nothing (the experience meets the expectation), then δ for each further
target-length — linear past the target, monotone (never better for a worse
value). The experience is E minus the sum, clipped to the scale, so
pain = importance·max(0, E − experience) follows DESIGN §3 unchanged. Doing
better than a target earns no credit: a log shows friction, not delight, and
a credit would let a measure near 0 (no back-steps) hide another's problem.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from journeymap.durations import seconds
from journeymap.ingest.mapping import Mapping, MeasureSpec, TouchpointSpec
from journeymap.ingest.timing import NodeBehaviour
from journeymap.model import Scale


@dataclass(frozen=True)
class Rule:
    """A measure as it scores one touchpoint: its target, penalty and (repeat contacts) window."""

    measure: str
    target: float
    penalty: float
    window_s: float | None = None


def rules_for(mapping: Mapping, spec: TouchpointSpec | None) -> dict[str, Rule]:
    """The measures that score a touchpoint: the mapping's defaults, overridden by its own.

    Parameters
    ----------
    mapping : Mapping
        The mapping (its ``measures`` defaults and its scale).
    spec : TouchpointSpec or None
        The touchpoint's settings (``None`` for a kept unmapped event).

    Returns
    -------
    dict
        Measure name -> ``Rule``; a ``wait`` without a target (nor ``expected_wait``) is left out.

    Examples
    --------
    >>> from journeymap.ingest.mapping import parse_mapping
    >>> m = parse_mapping({"stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...     "measures": {"rework": {"target": 0.1}},
    ...     "touchpoints": {"call": {"id": "call", "stage": "s", "expected_wait": "3m",
    ...                              "measures": {"wait": {"penalty": 2}}}}})
    >>> rules = rules_for(m, m.touchpoints["call"])
    >>> [(r.measure, r.target, r.penalty) for r in sorted(rules.values(), key=lambda r: r.measure)]
    [('rework', 0.1, 1.0), ('wait', 180.0, 2.0)]
    """
    specs: dict[str, MeasureSpec] = dict(mapping.measures)
    if spec is not None and spec.measures:
        specs.update(spec.measures)
    default_penalty = (mapping.scale.max - mapping.scale.min) / 10
    rules = {}
    for name, measure in specs.items():
        target = measure.target
        if target is None and name == "wait" and spec is not None:
            target = spec.expected_wait
        if target is None:
            continue  # a default wait with no target, on a touchpoint without expected_wait
        value = seconds(target) if name == "wait" else float(target)
        window = None if measure.window is None else seconds(measure.window)
        rules[name] = Rule(name, value, measure.penalty or default_penalty, window)
    return rules


@dataclass(frozen=True)
class Departures:
    """Where customers go on leaving each node: all, to an earlier stage, into a failure."""

    total: Counter[str]
    back: Counter[str]
    failed: Counter[str]

    @classmethod
    def of(
        cls, transitions: Counter[tuple[str, str]], stage_rank: dict[str, int], failures: set[str]
    ) -> Departures:
        total: Counter[str] = Counter()
        back: Counter[str] = Counter()
        failed: Counter[str] = Counter()
        for (source, target), n in transitions.items():
            total[source] += n
            if target in failures:
                failed[source] += n
            elif source in stage_rank and target in stage_rank and stage_rank[target] < stage_rank[source]:
                back[source] += n
        return cls(total, back, failed)


def departures_of(
    mapping: Mapping, transitions: Counter[tuple[str, str]], touchpoint_of: dict[str, str] | None = None
) -> Departures:
    """Where customers go on leaving each node, with the mapping's stage order.

    Kept unmapped events' stage ranks last; a higher-order state ranks as its touchpoint.

    Parameters
    ----------
    mapping : Mapping
        The mapping (stages, touchpoints, failure outcomes).
    transitions : Counter
        Customers per (source, target).
    touchpoint_of : dict, optional
        The touchpoint of each higher-order state (``cart--page`` -> ``cart``).

    Returns
    -------
    Departures
        All departures, back-steps (to an earlier stage) and failures, per node.

    Examples
    --------
    >>> from collections import Counter
    >>> from journeymap.ingest.mapping import parse_mapping
    >>> m = parse_mapping({"stages": [{"id": "browse", "name": "B", "phase": "sale"},
    ...                               {"id": "buy", "name": "P", "phase": "sale"}],
    ...     "touchpoints": {"page": {"id": "page", "stage": "browse"},
    ...                     "cart": {"id": "cart", "stage": "buy"}},
    ...     "default_outcome": {"id": "lost", "kind": "failure"}})
    >>> moves = Counter({("cart--page", "page--cart--page"): 3, ("cart--page", "lost"): 1})
    >>> out = departures_of(m, moves, {"cart--page": "cart", "page--cart--page": "page"})
    >>> out.total["cart--page"], out.back["cart--page"], out.failed["cart--page"]
    (4, 3, 1)
    """
    rank = {s.id: i for i, s in enumerate(mapping.stages)}
    rank.setdefault(mapping.unmapped_stage.id, len(rank))
    specs = mapping.touchpoint_specs()
    stage_rank = {tid: rank[spec.stage] for tid, spec in specs.items()}
    for state, tid in (touchpoint_of or {}).items():
        stage_rank[state] = rank[specs[tid].stage] if tid in specs else rank[mapping.unmapped_stage.id]
    failures = {oid for oid, o in mapping.outcome_specs().items() if o.kind == "failure"}
    for source, _ in transitions:
        stage_rank.setdefault(source, rank[mapping.unmapped_stage.id])
    stage_rank.pop("entry", None)
    return Departures.of(transitions, stage_rank, failures)


def touchpoint_behaviour(
    tid: str, spec: TouchpointSpec | None, mapping: Mapping, node: NodeBehaviour | None, out: Departures
) -> dict[str, Any]:
    """The touchpoint's ``time`` (dwell) and, where its rules were measured, experience,
    expectation and ``measures`` (the file's fields).

    Parameters
    ----------
    tid : str
        The touchpoint's (or state's) id.
    spec : TouchpointSpec or None
        Its settings (``None`` for a kept unmapped event).
    mapping : Mapping
        The mapping (measures and scale).
    node : NodeBehaviour or None
        What the log shows at the touchpoint.
    out : Departures
        Where customers go on leaving each node (``departures_of``).

    Returns
    -------
    dict
        ``time`` when dwell times were seen; ``experience``, ``measures`` and ``expectation``
        when a rule was measured; empty otherwise.

    Examples
    --------
    >>> from journeymap.ingest.mapping import parse_mapping
    >>> m = parse_mapping({"stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...     "measures": {"rework": {"target": 0.1}},
    ...     "touchpoints": {"call": {"id": "call", "stage": "s"}}})
    >>> node = NodeBehaviour(visits=10, visitors=10, returners=3)
    >>> out = departures_of(m, Counter({("call", "no_outcome"): 10}))
    >>> doc = touchpoint_behaviour("call", m.touchpoints["call"], m, node, out)
    >>> doc["experience"], doc["expectation"], doc["measures"][0]["value"]
    (3.0, 5.0, 0.3)
    """
    doc: dict[str, Any] = {}
    if node is not None and node.dwell is not None and node.dwell.n:
        doc["time"] = node.dwell.document()
    values = measured(tid, node or NodeBehaviour(), out)
    scale = mapping.scale
    expectation = spec.expectation if spec is not None and spec.expectation is not None else None
    if expectation is None:
        expectation = (scale.min + scale.max) / 2
    scored = behaviour_score(expectation, rules_for(mapping, spec), values, scale)
    if scored is not None:
        doc["experience"], doc["measures"] = scored
        doc["expectation"] = expectation
    return doc


def measured(tid: str, node: NodeBehaviour, out: Departures) -> dict[str, tuple[float, int]]:
    """Every measure's (value, n) at a touchpoint; a measure over nobody is left out.

    Parameters
    ----------
    tid : str
        The touchpoint's (or state's) id.
    node : NodeBehaviour
        What the log shows at it.
    out : Departures
        Where customers go on leaving each node.

    Returns
    -------
    dict
        Measure name -> (value, customers or visits it was measured over).

    Examples
    --------
    >>> node = NodeBehaviour(visits=10, visitors=10, returners=3)
    >>> out = Departures.of(Counter({("call", "lost"): 8, ("call", "home"): 2}), {}, {"lost"})
    >>> measured("call", node, out)
    {'rework': (0.3, 10), 'repeat_contact': (0.0, 10), 'back_step': (0.0, 10), 'drop_off': (0.8, 10)}
    """
    values: dict[str, tuple[float, int]] = {}
    if node.wait is not None and node.wait.n and node.wait.median_s is not None:
        values["wait"] = (node.wait.median_s, node.wait.n)
    if node.visitors:
        values["rework"] = (round(node.returners / node.visitors, 6), node.visitors)
    if node.visits:
        values["repeat_contact"] = (round(node.repeat_contacts / node.visits, 6), node.visits)
    leaving = out.total[tid]
    if leaving:
        values["back_step"] = (round(out.back[tid] / leaving, 6), int(leaving))
        values["drop_off"] = (round(out.failed[tid] / leaving, 6), int(leaving))
    return values


def behaviour_score(
    expectation: float, rules: dict[str, Rule], values: dict[str, tuple[float, int]], scale: Scale
) -> tuple[float, list[dict[str, Any]]] | None:
    """The experience the measures give and the evidence (None when no rule was measured).

    Parameters
    ----------
    expectation : float
        The touchpoint's expectation, where the score starts.
    rules : dict
        Measure name -> ``Rule`` (``rules_for``).
    values : dict
        Measure name -> (value, n) (``measured``).
    scale : Scale
        The journey's score scale.

    Returns
    -------
    tuple of (float, list of dict) or None
        The experience and, per measured rule, its ``measure``, ``value``, ``n``, ``target``
        and ``score`` (the experience that rule alone gives).

    Examples
    --------
    >>> behaviour_score(7, {"wait": Rule("wait", 180, 1.0)}, {"wait": (540, 12)}, Scale())
    (5.0, [{'measure': 'wait', 'value': 540, 'n': 12, 'target': 180, 'score': 5.0}])
    >>> behaviour_score(7, {"wait": Rule("wait", 180, 1.0)}, {"wait": (60, 12)}, Scale())[0]
    7.0
    """
    total = 0.0
    evidence = []
    for name in sorted(rules):
        if name not in values:
            continue
        rule = rules[name]
        value, n = values[name]
        term = -rule.penalty * max(0.0, value / rule.target - 1)
        total += term
        evidence.append(
            {
                "measure": name,
                "value": value,
                "n": n,
                "target": rule.target,
                "score": clip(expectation + term, scale),
            }
        )
    if not evidence:
        return None
    return clip(expectation + total, scale), evidence


def clip(value: float, scale: Scale) -> float:
    """``value`` rounded to 4 places and held inside the scale.

    Parameters
    ----------
    value : float
        A score.
    scale : Scale
        The scale to hold it in.

    Returns
    -------
    float
        The clipped, rounded score.

    Examples
    --------
    >>> clip(3.14159265, Scale()), clip(11.5, Scale()), clip(-2, Scale(min=1, max=5))
    (3.1416, 10.0, 1.0)
    """
    return round(min(scale.max, max(scale.min, value)), 4)
