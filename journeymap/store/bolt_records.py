"""Journey <-> the node and relationship properties the Bolt store writes and reads.

Every node of a stored version carries ``journey`` (the journey id), ``version``,
``type`` (journey | entry | stage | touchpoint | outcome | persona | opportunity)
and, for all but the journey and entry, ``index`` (the position in the file)
beside the fields of the journey file (``None`` fields are left out). The
journey's ``scale`` is kept as ``scale_min`` / ``scale_max``.

Observed variants are nodes too (``:Variant``, type ``variant``, linked from
the journey node by ``(:Journey)-[:HAS_VARIANT]->(:Variant)``): each has its
walk as a list property ``nodes``, its ``customers`` and its rank as
``index``; the journey node keeps only ``variants`` = JSON of the "other" row
(``other_customers``, ``other_variants``). A table of many long walks then
never makes one node (or one request) too large.

Personas and opportunities are nodes (``:Persona``, ``:Opportunity``), not
properties of the journey: they have ids of their own, analysts ask across
journeys for them ("every planned opportunity and the touchpoints it changes"),
and an opportunity is linked to the touchpoints it changes by
``(:Opportunity)-[:ADDRESSES]->(:Touchpoint)``. The persona ids of a touchpoint
or transition are a list property ``personas`` (``'vip' IN t.personas``). A
property cannot hold maps, so the structured fields ``evidence`` and
``interval`` (and ``time``, ``measures``) are kept as JSON text.

Derived values make in-database analysis simple, so the analyst queries read
them instead of re-deriving them; they are not part of the journey and are
ignored when reading it back. They are computed by the caller (the engine's
``graph_figures``, handed to the store when it is opened), never here:

* ``NEXT.p``: the transition probability P(u→v) (``share``, or ``customers``
  over the customers leaving u); ``NEXT.flow``: expected customers taking the
  step (entrants · reach_u · p);
* ``reach`` on entry, touchpoints and outcomes: expected visits per entrant
  (for an outcome, the probability of ending there), DESIGN.md §3. ``None``
  (absent) when customers can be caught in a loop with no way out;
* ``pain`` on touchpoints: importance × max(0, expectation − experience).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

from journeymap.model import (
    ENTRY,
    Journey,
    Opportunity,
    Outcome,
    Persona,
    Stage,
    Touchpoint,
    Transition,
    Variant,
)

FLOAT_FIELDS = frozenset(
    {"experience", "expectation", "importance", "ideal", "reach", "entrants", "scale_min", "scale_max",
     "customers", "share", "p", "flow", "pain", "customer_value", "business_value", "effort"}
)  # fmt: skip
JSON_FIELDS = frozenset({"evidence", "interval", "time", "measures", "economics", "variants"})
Named = Stage | Touchpoint | Outcome | Persona | Opportunity  # the items with an id
Item = Named | Variant
WALK_PART_BYTES = 1500  # a variant's walk is staged in parts of at most this much JSON (see cut_walks)
_RESERVED = {"journey", "version", "type", "index", "created_at", "reach", "pain", "txn", "staged_at"}


class Figures(Protocol):
    """The derived values of one journey (``journeymap.engine.GraphFigures`` has them)."""

    @property
    def reach(self) -> Mapping[str, float]: ...
    @property
    def pain(self) -> Mapping[str, float]: ...
    @property
    def p(self) -> Sequence[float]: ...
    @property
    def flow(self) -> Sequence[float | None]: ...


FiguresOf = Callable[[Journey], Figures]


def exact(value: float) -> list[int]:
    """``[m, e]`` with ``value == m * 2.0 ** e`` exactly: how floats travel to the server.

    FalkorDB's Bolt endpoint keeps only six decimals of a float parameter (``1e-10``
    arrives as ``0.0``) and its ``toFloat`` parses strings to single precision, while
    integers arrive whole; the statements rebuild each float as ``m * 2.0 ^ e``.

    >>> exact(0.375), exact(7.0)
    ([6755399441055744, -54], [7881299347898368, -50])
    """
    mantissa, exponent = math.frexp(value)
    return [int(mantissa * 2**53), exponent - 53]


def _split(values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``props`` (texts, integers and lists of texts, written as they are; ``JSON_FIELDS`` as
    JSON text) and ``num`` (floats, as ``exact`` pairs). Empty lists are left out."""
    props = {
        k: json.dumps(v, ensure_ascii=False) if k in JSON_FIELDS else v
        for k, v in values.items()
        if v is not None and v != [] and k not in FLOAT_FIELDS
    }
    num = {k: exact(float(v)) for k, v in values.items() if v is not None and k in FLOAT_FIELDS}
    return {"props": props, "num": num}


def graph_records(
    journey: Journey, figures: Figures | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The nodes and the NEXT steps to write, each as ``props`` + ``num`` (see ``_split``).

    Without ``figures`` the journey is written alone (no ``reach``, ``pain``, ``p``, ``flow``).
    """
    reach = figures.reach if figures else {}
    pains = figures.pain if figures else {}
    probabilities = figures.p if figures else [None] * len(journey.transitions)
    flows = figures.flow if figures else [None] * len(journey.transitions)
    entrants = journey.effective_entrants
    scale = {"scale_min": journey.scale.min, "scale_max": journey.scale.max} if journey.scale else {}
    fields = {"id", "name", "description", "entrants", "notes", "evidence", "economics", "variants"}
    head = journey.model_dump(include=fields)
    variants = journey.variants
    if variants is not None:  # the walks become :Variant nodes; the head keeps the "other" row
        head["variants"] = variants.model_dump(exclude={"top"})
    nodes = [
        _split({**head, **scale, "type": "journey"}),
        _split({"id": ENTRY, "type": "entry", "reach": reach.get(ENTRY), "entrants": entrants}),
    ]
    groups: list[tuple[str, Sequence[Named]]] = [
        ("stage", journey.stages),
        ("touchpoint", journey.touchpoints),
        ("outcome", journey.outcomes),
        ("persona", journey.personas or []),
        ("opportunity", journey.opportunities or []),
    ]
    for kind, items in groups:
        for i, item in enumerate(items):
            derived = {"reach": reach.get(item.id), "pain": pains.get(item.id)}
            nodes.append(_split({**item.model_dump(), "type": kind, "index": i, **derived}))
    for i, variant in enumerate(variants.top if variants else []):
        nodes.append(_split({"type": "variant", "index": i, **variant.model_dump()}))
    steps = []
    for i, (t, p, flow) in enumerate(zip(journey.transitions, probabilities, flows, strict=True)):
        weight: dict[str, Any] = {"customers": t.customers, "share": t.share, "personas": t.personas}
        weight |= {"expected_wait": t.expected_wait, "time": t.time.model_dump() if t.time else None}
        steps.append(
            {"from": t.source, "to": t.target, **_split({**weight, "index": i, "p": p, "flow": flow})}
        )
    return nodes, steps


def cut_walks(
    nodes: list[dict[str, Any]], part_bytes: int = WALK_PART_BYTES
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Variant nodes whose walk is longer than ``part_bytes`` (as JSON) keep its first part;
    the rest comes back as ``{index, nodes}`` parts to append in order (``store/extend_variants``).

    >>> nodes = [{"props": {"type": "variant", "index": 0, "nodes": ["step"] * 5}, "num": {}}]
    >>> kept, parts = cut_walks(nodes, part_bytes=20)
    >>> kept[0]["props"]["nodes"], [p["nodes"] for p in parts]
    (['step', 'step'], [['step', 'step'], ['step']])
    """
    kept, parts = [], []
    for node in nodes:
        props = node["props"]
        if props.get("type") != "variant":
            kept.append(node)
            continue
        chunks: list[list[str]] = [[]]
        for step in props["nodes"]:
            if chunks[-1] and len(json.dumps([*chunks[-1], step], ensure_ascii=False).encode()) > part_bytes:
                chunks.append([])
            chunks[-1].append(step)
        kept.append({**node, "props": {**props, "nodes": chunks[0]}})
        parts += [{"index": props["index"], "nodes": chunk} for chunk in chunks[1:]]
    return kept, parts


def _fields(node: Mapping[str, Any], model: type[Item | Journey | Transition]) -> dict[str, Any]:
    return {
        k: json.loads(v) if k in JSON_FIELDS and isinstance(v, str) else v
        for k, v in node.items()
        if k in model.model_fields and k not in _RESERVED
    }


def journey_from_records(records: Iterable[Mapping[str, Any]]) -> Journey:
    """Rebuild a journey from ``store/get_journey`` rows (``type``, ``node``, ``next``)."""
    by_type: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    steps: list[tuple[int, dict[str, Any]]] = []
    for row in records:
        node = row["node"]
        by_type[row["type"]].append(node)
        for step in row["next"]:
            props = step["properties"]
            weight = _fields(props, Transition)
            steps.append((int(props["index"]), {"from": node["id"], "to": step["to"], **weight}))
    (head,) = by_type["journey"]

    def ordered(kind: str, model: type[Item]) -> list[dict[str, Any]]:
        return [_fields(n, model) for n in sorted(by_type[kind], key=lambda n: int(n["index"]))]

    scale = {"min": head["scale_min"], "max": head["scale_max"]} if "scale_min" in head else None
    fields = _fields(head, Journey)
    if fields.get("variants") is not None:
        walks = sorted(by_type["variant"], key=lambda n: int(n["index"]))
        fields["variants"] = {**fields["variants"], "top": [_fields(n, Variant) for n in walks]}
    document = {
        **fields,
        "scale": scale,
        "stages": ordered("stage", Stage),
        "touchpoints": ordered("touchpoint", Touchpoint),
        "outcomes": ordered("outcome", Outcome),
        "transitions": [step for _, step in sorted(steps, key=lambda s: s[0])],
        "personas": ordered("persona", Persona) or None,
        "opportunities": ordered("opportunity", Opportunity) or None,
    }
    return Journey.model_validate(document)
