"""The journey as flat node and edge tables: the one source every export writes from.

Every value is a plain scalar (str, int, float or bool); a field the journey
leaves unset is absent, never ``None``, so writers that cannot store nulls
(GraphML, GEXF) need no special cases. Line breaks in text are ``\n``.

Nodes (``entry``, then touchpoints, then outcomes, in file order) carry ``id``,
``label`` (the name), ``type`` (entry | touchpoint | outcome) and, for
touchpoints, ``stage``, ``stage_name``, ``phase``, ``channel``, ``owner``,
``lane``, ``personas`` (comma-separated persona ids), ``notes``, every score
field of the file and ``satisfaction`` (experience - expectation); outcomes
carry ``kind``.
Edges (file order) carry ``id`` (``"source->target"``, unique because a pair
occurs once and ids cannot contain ``>``), ``source``, ``target``, the
file's ``customers`` or ``share`` and ``personas`` when given.

Timing and behaviour (fields of the file, so in every export, with or without
the analysis): touchpoints carry ``score_source`` (where the score came from:
survey | events | behaviour | designer | none), ``expected_wait_s`` (seconds),
their dwell as ``dwell_n``, ``dwell_median_s``, ``dwell_p90_s``,
``dwell_mean_s`` and each measure of their evidence as ``measure_NAME`` (its
value: seconds for ``wait``, a share for the others), ``measure_NAME_target``,
``measure_NAME_n`` and ``measure_NAME_score``; edges carry ``time_n``,
``time_median_s``, ``time_p90_s``, ``time_mean_s`` and ``expected_wait_s``.

With analysis (``journeymap.engine.analyze``), touchpoints gain ``reach``,
``pain``, ``priority``, ``carried``, ``removal_effect``, ``weighted_satisfaction``
and ``gap``; outcomes gain ``probability`` and ``expected_customers``; edges
gain ``probability`` (P(source -> target)) and ``expected_customers``
(entrants x reach(source) x probability: the customers the model sends along
the edge).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from journeymap.engine.metrics import satisfaction, transition_probabilities
from journeymap.engine.report import by_touchpoint
from journeymap.export.behaviour_fields import behaviour_fields
from journeymap.export.flows import edge_amount, edge_customers, main_path, weight_label
from journeymap.model import ENTRY, Journey

__all__ = [
    "JOURNEY_ECONOMICS",
    "TOUCHPOINT_ANALYSIS",
    "TOUCHPOINT_FIELDS",
    "Row",
    "Scalar",
    "Tables",
    "behaviour_fields",
    "edge_amount",
    "edge_customers",
    "journey_tables",
    "main_path",
    "normalise_newlines",
    "weight_label",
]

Scalar = str | int | float | bool
Row = dict[str, Scalar]

TOUCHPOINT_ANALYSIS = (
    "reach",
    "pain",
    "priority",
    "carried",
    "removal_effect",
    "weighted_satisfaction",
    "gap",
    "customers_lost",
    "word_of_mouth_lost",
    "word_of_mouth_won",
    "value_at_stake",
)
TOUCHPOINT_FIELDS = (
    "channel",
    "owner",
    "lane",
    "description",
    "experience",
    "expectation",
    "importance",
    "ideal",
    "responses",
)


@dataclass(frozen=True)
class Tables:
    """Flat rows of a journey, ready for any writer."""

    graph: Row
    nodes: list[Row]
    edges: list[Row]
    stages: list[Row] = field(default_factory=list)
    analysis: dict[str, Any] | None = None


def journey_tables(journey: Journey, with_analysis: bool = False, alpha: float = 0.5) -> Tables:
    """Flatten ``journey`` (and, if asked, its analysis) into rows; see the module docstring.

    Parameters
    ----------
    journey : Journey
        The journey.
    with_analysis : bool, default False
        Add the engine's figures to the rows.
    alpha : float, default 0.5
        The memory of carried experience for those figures.

    Returns
    -------
    Tables
        ``graph`` (the journey's own fields), ``nodes`` (entry, touchpoints,
        outcomes), ``edges``, ``stages`` and, with the analysis, ``analysis``.

    Examples
    --------
    >>> from journeymap.files import load_journey
    >>> journey = load_journey("fixtures/auto-repair.yaml")
    >>> tables = journey_tables(journey, with_analysis=True)
    >>> [row["id"] for row in tables.nodes[:2]], tables.nodes[1]["pain"]
    (['entry', 'ad_promotion'], 0.0)
    """
    analysis = _analyze(journey, alpha) if with_analysis else None
    nodes = [_entry_row(journey, analysis), *_touchpoint_rows(journey, analysis)]
    nodes += _outcome_rows(journey, analysis)
    return Tables(
        graph=_graph_row(journey, analysis),
        nodes=nodes,
        edges=_edge_rows(journey, analysis),
        stages=[
            _clean({"id": s.id, "label": s.name, "phase": s.phase, "position": i})
            for i, s in enumerate(journey.stages)
        ],
        analysis=analysis,
    )


JOURNEY_ECONOMICS = ("horizon", "customers_lost", "word_of_mouth_lost", "word_of_mouth_won", "value_at_stake",
                     "value_won", "net_value")  # fmt: skip
"""The journey's economics in an export with the analysis (per touchpoint: all four figures)."""


def _analyze(journey: Journey, alpha: float) -> dict[str, Any]:
    from journeymap.engine import analyze

    return analyze(journey, alpha=alpha)


def _clean(row: dict[str, Any]) -> Row:
    """Drop unset fields; line breaks become ``\\n`` (XML would fold ``\\r\\n`` anyway)."""
    return {k: normalise_newlines(v) if isinstance(v, str) else v for k, v in row.items() if v is not None}


def _joined(ids: list[str] | None) -> str | None:
    """Persona ids as one comma-separated text (ids cannot contain commas); None when unset."""
    return ",".join(ids) if ids is not None else None


def normalise_newlines(text: str) -> str:
    r"""Line breaks as ``\n``: ``\r\n`` and lone ``\r`` (XML would fold them anyway).

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        The text with every line break a single ``\n``.

    Examples
    --------
    >>> normalise_newlines("a\r\nb\rc") == "a\nb\nc"
    True
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _graph_row(journey: Journey, analysis: dict[str, Any] | None) -> Row:
    row: dict[str, Any] = {
        "id": journey.id,
        "name": journey.name,
        "description": journey.description,
        "entrants": journey.effective_entrants,
        "scale_min": journey.scale.min if journey.scale else None,
        "scale_max": journey.scale.max if journey.scale else None,
    }
    if analysis is not None:
        row["success_probability"] = analysis["success_probability"]
        row["expected_pain"] = analysis["expected_pain"]
        row.update({name: analysis["economics"][name] for name in JOURNEY_ECONOMICS})
    return _clean(row)


def _entry_row(journey: Journey, analysis: dict[str, Any] | None) -> Row:
    row: dict[str, Any] = {"id": ENTRY, "label": "Entry", "type": "entry"}
    if analysis is not None:
        row["reach"] = 1.0
        row["expected_customers"] = float(analysis["entrants"])
    return _clean(row)


def _touchpoint_rows(journey: Journey, analysis: dict[str, Any] | None) -> list[Row]:
    stages = {s.id: s for s in journey.stages}
    analysed = {} if analysis is None else by_touchpoint(analysis)
    rows = []
    for tp in journey.touchpoints:
        stage = stages[tp.stage]
        row: dict[str, Any] = {
            "id": tp.id,
            "label": tp.name,
            "type": "touchpoint",
            "stage": stage.id,
            "stage_name": stage.name,
            "phase": stage.phase,
        }
        row.update({name: getattr(tp, name) for name in TOUCHPOINT_FIELDS})
        row["personas"] = _joined(tp.personas)
        row["notes"] = tp.notes
        row["satisfaction"] = satisfaction(tp)
        row["score_source"] = tp.score_source
        row.update(behaviour_fields(tp.expected_wait, "dwell", tp.time, tp.measures))
        if analysis is not None:
            figures = analysed[tp.id]
            row.update({name: figures.get(name) for name in TOUCHPOINT_ANALYSIS})
        rows.append(_clean(row))
    return rows


def _outcome_rows(journey: Journey, analysis: dict[str, Any] | None) -> list[Row]:
    rows = []
    for o in journey.outcomes:
        row: dict[str, Any] = {
            "id": o.id,
            "label": o.name,
            "type": "outcome",
            "kind": o.kind,
            "description": o.description,
        }
        if analysis is not None:
            share = analysis["outcomes"][o.id]
            row["probability"] = share
            row["expected_customers"] = share * float(analysis["entrants"])
            row["verdict"] = analysis["economics"]["outcomes"][o.id]["verdict"]
        rows.append(_clean(row))
    return rows


def _edge_rows(journey: Journey, analysis: dict[str, Any] | None) -> list[Row]:
    probabilities = transition_probabilities(journey)
    flows = edge_customers(journey, analysis) if analysis is not None else {}
    rows = []
    for t in journey.transitions:
        pair = (t.source, t.target)
        row: dict[str, Any] = {
            "id": f"{t.source}->{t.target}",
            "source": t.source,
            "target": t.target,
            "customers": t.customers,
            "share": t.share,
            "personas": _joined(t.personas),
            **behaviour_fields(t.expected_wait, "time", t.time),
        }
        if analysis is not None:
            row["probability"] = probabilities[pair]
            row["expected_customers"] = flows[pair]
        rows.append(_clean(row))
    return rows
