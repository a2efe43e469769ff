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

import re
from dataclasses import dataclass, field
from typing import Any

from journeymap.durations import seconds
from journeymap.engine.metrics import edge_flows, satisfaction, transition_probabilities
from journeymap.engine.report import by_touchpoint
from journeymap.model import ENTRY, Journey, Measured, Timing

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


def edge_customers(journey: Journey, analysis: dict[str, Any]) -> dict[tuple[str, str], float]:
    """Customers the model sends along each transition: entrants x reach(source) x P.

    Parameters
    ----------
    journey : Journey
        The journey.
    analysis : dict
        Its ``analyze`` document.

    Returns
    -------
    dict of (str, str) to float
        Expected customers of each transition, keyed ``(source, target)``.

    Examples
    --------
    >>> from journeymap.files import load_journey
    >>> journey = load_journey("fixtures/auto-repair.yaml")
    >>> from journeymap.engine import analyze
    >>> edge_customers(journey, analyze(journey))[("entry", "ad_promotion")]
    400.0
    """
    reach = {row["touchpoint"]: row["reach"] for row in analysis["touchpoints"]}
    reach[ENTRY] = 1.0
    return edge_flows(journey, reach, float(analysis["entrants"]))


def edge_amount(row: Row) -> float:
    """How much flows along an edge row: expected customers, else the file's weight.

    Parameters
    ----------
    row : dict
        An edge row of ``Tables``.

    Returns
    -------
    float
        ``expected_customers``, else ``customers``, else ``share``.

    Examples
    --------
    >>> edge_amount({"customers": 30}), edge_amount({"share": 0.25, "expected_customers": 12.5})
    (30.0, 12.5)
    """
    return float(row.get("expected_customers", row.get("customers", row.get("share", 0.0))))


def weight_label(row: Row) -> str:
    """A short label for an edge row: customers as a whole number, or a share in percent.

    Parameters
    ----------
    row : dict
        An edge row of ``Tables``.

    Returns
    -------
    str
        The label.

    Examples
    --------
    >>> [weight_label(row) for row in ({"expected_customers": 12.6}, {"customers": 30}, {"share": 0.25})]
    ['13', '30', '25%']
    """
    if "expected_customers" in row:
        return f"{float(row['expected_customers']):.0f}"
    if "customers" in row:
        return f"{float(row['customers']):g}"
    return f"{float(row['share']):.0%}"


def main_path(journey: Journey) -> list[str]:
    """The journey's main path: its most probable path from ``entry`` to an outcome.

    That is the engine's ``top_paths(rank="probability", k=1)`` (exact, ties by
    the node-id list), except that a path straight from ``entry`` to an outcome
    is passed over for the most probable one through a touchpoint, so the path
    always shows some of the journey.

    Parameters
    ----------
    journey : Journey
        The journey.

    Returns
    -------
    list of str
        Node ids from ``entry`` to an outcome.

    Examples
    --------
    >>> from journeymap.model import parse_journey
    >>> j = parse_journey({"id": "j", "name": "J",
    ...   "stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...   "touchpoints": [{"id": "a", "name": "A", "stage": "s", "experience": 5}],
    ...   "outcomes": [{"id": "ok", "name": "OK", "kind": "success"},
    ...                {"id": "no", "name": "No", "kind": "failure"}],
    ...   "transitions": [{"from": "entry", "to": "a", "customers": 10},
    ...     {"from": "a", "to": "ok", "customers": 6}, {"from": "a", "to": "no", "customers": 4}]})
    >>> main_path(j)
    ['entry', 'a', 'ok']
    """
    from journeymap.engine import top_paths

    outcomes = {o.id for o in journey.outcomes}
    direct = sum(1 for t in journey.transitions if t.source == ENTRY and t.target in outcomes)
    paths = top_paths(journey, k=direct + 1, rank="probability")["paths"]
    through = [p for p in paths if len(p["nodes"]) > 2]
    return list((through or paths)[0]["nodes"])


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


def behaviour_fields(
    expected_wait: str | float | None,
    prefix: str,
    time: Timing | None,
    measures: list[Measured] | None = None,
) -> dict[str, Any]:
    """The flat timing and behaviour fields of a touchpoint or transition (module docstring).

    Parameters
    ----------
    expected_wait : str, float or None
        The expected wait (a duration such as ``"2h"``, or seconds).
    prefix : str
        ``"dwell"`` for a touchpoint's time, ``"time"`` for a transition's.
    time : Timing or None
        The measured time.
    measures : list of Measured, optional
        The behavioural measures.

    Returns
    -------
    dict
        ``expected_wait_s``, ``PREFIX_n``, ``PREFIX_median_s``, ... and
        ``measure_NAME``, ``measure_NAME_target``, ``measure_NAME_n``, ``measure_NAME_score``.

    Examples
    --------
    >>> from journeymap.model import Measured, Timing
    >>> behaviour_fields("2h", "time", Timing(n=4, median_s=60.0))
    {'expected_wait_s': 7200.0, 'time_n': 4, 'time_median_s': 60.0, 'time_p90_s': None, 'time_mean_s': None}
    >>> rework = Measured(measure="rework", value=0.3, n=9, target=0.1)
    >>> fields = behaviour_fields(None, "dwell", None, [rework])
    >>> fields["measure_rework"], fields["measure_rework_target"], fields["measure_rework_n"]
    (0.3, 0.1, 9)
    """
    row: dict[str, Any] = {"expected_wait_s": None if expected_wait is None else seconds(expected_wait)}
    if time is not None:
        row.update({f"{prefix}_{key}": value for key, value in time.model_dump().items()})
    for m in measures or []:
        name = "measure_" + re.sub(r"\W", "_", m.measure, flags=re.ASCII)  # a safe key in every format
        row[name] = m.value
        row.update({f"{name}_{key}": getattr(m, key) for key in ("target", "n", "score")})
    return row


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
