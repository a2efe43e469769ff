"""Event-log aggregation: rows -> transition counts, scores, row problems.

The SQL below is the one definition both engines run (DuckDB here, Spark SQL
in ``journeymap.ingest.spark``); ``journeymap.ingest.dialect`` spells the few
constructs they write differently.

One pass materialises the file into a compact table (customer, raw-name index,
time in microseconds, score) whose ``rowid`` is the file order. Window
functions over ``PARTITION BY customer ORDER BY`` ``ORDER_KEYS`` then give
each event its successor; grouping the pairs gives the transition counts. A
customer's journey ends at their first outcome event; events after it are
counted and ignored (that second, slower window only runs when some exist).

Events of one customer with equal times are ordered by ``tie``, then by file
order: without an ``order_by`` column a touchpoint event comes before an
outcome event (an offer accepted in the same millisecond as the approval
belongs before it); with one, its value read as a number decides (values that
are not numbers come last).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from journeymap.errors import InvalidInput
from journeymap.ingest.dialect import Database
from journeymap.ingest.experience import rules_for
from journeymap.ingest.mapping import Mapping
from journeymap.ingest.order import StateInfo, chosen_order, held_out_scores, named_transitions, state_walk
from journeymap.ingest.progress import Progress
from journeymap.ingest.scores import ScoreStats
from journeymap.ingest.source import (
    DuckDatabase,
    open_scan,
    reason,
    rejected_lines,
    rescaled,
    text,
    time_micros,
)
from journeymap.ingest.timing import MICROS, Behaviour, Followed, by_id, decode, follow_sql
from journeymap.ingest.walks import (
    Codes,
    build_variants,
    first_touch_outcomes,
    state_transitions,
    top_variants,
)

EXAMPLES = 5
ORDER_KEYS = "t, tie, rn"  # the one order of a customer's events (see the module docstring)
PROBLEMS = {
    "missing_customer": "c IS NULL",
    "missing_touchpoint": "r IS NULL AND raw IS NULL",
    "bad_time": "t IS NULL",
}


@dataclass
class EventAggregate:
    """What an event log says, by node id (touchpoints and outcomes)."""

    events: int = 0
    transitions: Counter[tuple[str, str]] = field(default_factory=Counter)
    scores: dict[str, ScoreStats] = field(default_factory=dict)
    problems: dict[str, int] = field(default_factory=dict)
    bad_rows: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)
    unmapped_events: int = 0
    unmapped_names: dict[str, int] = field(default_factory=dict)
    kept_names: dict[str, str] = field(default_factory=dict)
    repeats_collapsed: int = 0
    after_outcome: int = 0
    bad_scores: int = 0
    reader: str = "duckdb"
    behaviour: Behaviour = field(default_factory=Behaviour)
    order: int = 1
    order_scores: dict[int, float] = field(default_factory=dict)
    states: dict[str, StateInfo] = field(default_factory=dict)
    variants: list[tuple[list[str], int]] = field(default_factory=list)
    variants_other: tuple[int, int] = (0, 0)
    first_touch: list[tuple[str, str, int]] = field(default_factory=list)


def aggregate_events(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: Mapping,
    strict: bool = False,
    progress: Progress | None = None,
) -> EventAggregate:
    """Read an event log with DuckDB and aggregate it as ``mapping`` says."""
    db = DuckDatabase(con)
    scan, types = open_scan(con, path, mapping.columns.model_dump())
    try:
        load_events(db, scan, types, mapping, progress)
    except duckdb.Error as exc:
        raise InvalidInput(f"{path}: cannot read ({reason(exc)})") from None
    return aggregate_loaded(db, mapping, rejected_lines(con, EXAMPLES), strict, progress)


def aggregate_loaded(
    db: Database,
    mapping: Mapping,
    rejected: tuple[int, list[dict[str, Any]]] = (0, []),
    strict: bool = False,
    progress: Progress | None = None,
) -> EventAggregate:
    """Aggregate the events ``load_events`` put in the table ``ev``, on either engine.

    ``rejected`` is the count and first examples of lines the reader could not split into fields.
    """
    raw_names = list(mapping.touchpoints) + list(mapping.outcomes)
    agg = EventAggregate(reader=db.dialect.name)
    _count_problems(db, agg, strict and mapping.unmapped == "drop", _names_sql(db, raw_names), rejected)
    _unmapped(db, agg, mapping)
    if agg.problems.get("bad_time"):
        _refuse_timeless(db, mapping, raw_names)
    node_of = [mapping.node_id(n) or "" for n in raw_names]
    outcome_ids = set(mapping.outcome_specs())
    touchpoints = sorted((set(node_of) | set(agg.kept_names.values())) - outcome_ids - {""})
    codes = Codes(touchpoints + sorted(outcome_ids), len(touchpoints))
    code = {node: i + 1 for i, node in enumerate(codes.ids)}
    db.values(
        "kept", {"raw": "STRING", "code": "INTEGER"}, [(raw, code[i]) for raw, i in agg.kept_names.items()]
    )
    node_sql = _node_sql(db, [code.get(n, 0) for n in node_of], bool(agg.kept_names), _tie_sql(mapping))
    # timing and behaviour of each touchpoint (and the first-order counts) in one pass
    windows = _windows_sql(db, mapping, codes.ids)
    _transitions(db, agg, node_sql, codes, windows, mapping.default_outcome.id, progress)
    # the walks: variants, the order-K states and their counts (equal to the above at order 1)
    hold_out = mapping.order == "auto"
    default = code[mapping.default_outcome.id]
    agg.after_outcome, agg.repeats_collapsed = build_variants(
        db, node_sql, ORDER_KEYS, codes, default, hold_out=hold_out, progress=progress
    )
    success = {code[o] for o, spec in mapping.outcome_specs().items() if spec.kind == "success"}
    if hold_out:
        agg.order_scores = held_out_scores(db, codes, success)
        agg.order = chosen_order(agg.order_scores)
    else:
        agg.order = int(mapping.order)
    if agg.order > 1:
        counts = state_transitions(db, codes, agg.order)
        agg.transitions, agg.states = named_transitions(counts, codes)
    agg.scores = _scores(db, node_sql, codes.ids) if mapping.columns.score else {}
    kept, other, other_walks = top_variants(db, mapping.variants)
    agg.variants = [(state_walk(w, codes, agg.order), n) for w, n in kept]
    agg.variants_other = (other, other_walks)
    agg.first_touch = [(codes.id(a), codes.id(b), n) for a, b, n in first_touch_outcomes(db)]
    return agg


def load_events(
    db: Database, scan: str, types: dict[str, str], mapping: Mapping, progress: Progress | None = None
) -> None:
    """Materialise the table ``ev`` from ``scan`` (a table function or view with the mapped columns).

    ``types`` gives the column types (DuckDB's names: ``TIMESTAMP``, ``DOUBLE``, ``VARCHAR`` ...).
    """
    d, cols = db.dialect, mapping.columns
    names = _names_sql(db, list(mapping.touchpoints) + list(mapping.outcomes))
    event = text(cols.touchpoint, d)
    time = time_micros(cols.time, types[cols.time], mapping.time_format, d)
    score, score_bad = "CAST(NULL AS DOUBLE)", "false"
    order = f"try_cast({text(cols.order_by, d)} AS DOUBLE)" if cols.order_by else "CAST(NULL AS DOUBLE)"
    if cols.score:
        given = text(cols.score, d)
        score = rescaled(f"try_cast({given} AS DOUBLE)", mapping.event_scale(), mapping.scale)
        score_bad = f"({given} IS NOT NULL AND {score} IS NULL)"
    sql = f"""
        SELECT c, r, CASE WHEN r IS NULL THEN e END AS raw, t,
               CASE WHEN t IS NULL THEN {text("tt", d)} END AS bad_time, s, sb, o{d.file_order()}
        FROM (
            SELECT {text(cols.customer, d)} AS c, {event} AS e, {d.position(names, event)} AS r,
                   {time} AS t, {d.ident(cols.time)} AS tt, {score} AS s, {score_bad} AS sb,
                   {order} AS o{d.file_order()}
            FROM {scan}
        ) AS src"""
    db.create("ev", sql, "reading events", progress)


def _names_sql(db: Database, raw_names: list[str]) -> str:
    return db.dialect.array([db.dialect.literal(n) for n in raw_names], "STRING")


def _count_problems(
    db: Database, agg: EventAggregate, strict: bool, names: str, rejected: tuple[int, list[dict[str, Any]]]
) -> None:
    problems = dict(PROBLEMS)
    if strict:
        problems["unknown_touchpoint"] = "r IS NULL AND raw IS NOT NULL"
    counts = ", ".join(f"count(*) FILTER (WHERE {cond})" for cond in problems.values())
    any_bad = " OR ".join(f"({cond})" for cond in problems.values())
    [row] = db.rows(
        f"SELECT count(*), {counts}, count(*) FILTER (WHERE {any_bad}), count(*) FILTER (WHERE sb) FROM ev"
    )
    agg.events = int(row[0])
    agg.problems = {name: int(n) for name, n in zip(problems, row[1:-2], strict=True) if n}
    agg.bad_rows, agg.bad_scores = int(row[-2]), int(row[-1])
    rejected_count, lines = rejected
    if rejected_count:
        agg.problems["malformed_line"] = rejected_count
        agg.bad_rows += rejected_count
        agg.examples += lines
    if agg.bad_rows > rejected_count:
        agg.examples += _examples(db, problems, names)
    if agg.bad_scores:
        rows = db.rows(f"SELECT rowid + 1 FROM ev WHERE sb ORDER BY rowid LIMIT {EXAMPLES}")
        agg.examples += [{"row": int(r[0]), "problem": "bad_score"} for r in rows]


def _examples(db: Database, problems: dict[str, str], names: str) -> list[dict[str, Any]]:
    case = " ".join(f"WHEN {cond} THEN {db.dialect.literal(name)}" for name, cond in problems.items())
    any_bad = " OR ".join(f"({cond})" for cond in problems.values())
    rows = db.rows(
        f"SELECT rowid + 1, CASE {case} END, c, coalesce(raw, {db.dialect.at(names, 'r')}), bad_time "
        f"FROM ev WHERE {any_bad} ORDER BY rowid LIMIT {EXAMPLES}"
    )
    examples = []
    for row_no, problem, customer, raw, bad_time in rows:
        example: dict[str, Any] = {"row": int(row_no), "problem": problem}
        for key, value in (("customer", customer), ("touchpoint", raw), ("time", bad_time)):
            if value is not None:
                example[key] = value
        examples.append(example)
    return examples


def _refuse_timeless(db: Database, mapping: Mapping, raw_names: list[str]) -> None:
    """Refuse a log in which a touchpoint the mapping measures has rows but not one usable time."""
    rows = db.rows(
        "SELECT r, count(*), min(rowid) + 1 FROM ev WHERE r IS NOT NULL AND c IS NOT NULL "
        "GROUP BY r HAVING count(t) = 0"
    )
    for r, n, first in sorted(rows):
        raw = raw_names[int(r) - 1]
        spec = mapping.touchpoints.get(raw)
        if spec is not None and rules_for(mapping, spec):
            raise InvalidInput(
                f"touchpoints.{raw}: its measures need times, but none of its {n} rows has one "
                f"(first: row {first}, bad time)"
            )


def _unmapped(db: Database, agg: EventAggregate, mapping: Mapping) -> None:
    rows = db.rows(
        "SELECT raw, count(*) FROM ev WHERE r IS NULL AND raw IS NOT NULL "
        "AND c IS NOT NULL AND t IS NOT NULL GROUP BY raw"
    )
    record_unmapped(agg, [(str(name), int(n)) for name, n in rows], mapping)


def record_unmapped(agg: EventAggregate, counts: list[tuple[str, int]], mapping: Mapping) -> None:
    """Note the unmapped raw names (most frequent first) and, for ``unmapped: keep``, their ids."""
    agg.unmapped_names = dict(sorted(counts, key=lambda item: (-item[1], item[0])))
    agg.unmapped_events = sum(agg.unmapped_names.values())
    if mapping.unmapped == "keep":
        from journeymap.ingest.ids import slug_ids

        agg.kept_names = slug_ids(list(agg.unmapped_names), mapping.reserved_ids())


def _tie_sql(mapping: Mapping) -> str:
    """SQL ordering events of one customer with equal times (never NULL, see the module docstring)."""
    if mapping.columns.order_by:
        return "coalesce(ev.o, CAST('infinity' AS DOUBLE))"
    touchpoint_names = len(mapping.touchpoints)  # raw names: touchpoints first, then outcomes
    return f"CAST(coalesce(ev.r > {touchpoint_names}, false) AS DOUBLE)"


def _node_sql(db: Database, code_of_raw: list[int], with_kept: bool, tie: str = "CAST(0 AS DOUBLE)") -> str:
    """A FROM clause of valid events: customer ``c``, time ``t``, score ``s``, ``tie``, row ``rn``, ``node``.

    ``ORDER BY`` ``ORDER_KEYS`` within a customer is the order of their events.
    """
    codes = db.dialect.array([str(c) for c in code_of_raw], "INTEGER")
    node = db.dialect.at(codes, "ev.r") if code_of_raw else "CAST(NULL AS INTEGER)"
    columns = f"ev.c, ev.t, ev.s, {tie} AS tie, ev.rowid AS rn"
    if with_kept:
        return (
            f"(SELECT {columns}, coalesce({node}, kept.code) AS node "
            "FROM ev LEFT JOIN kept ON ev.r IS NULL AND ev.raw = kept.raw "
            "WHERE ev.c IS NOT NULL AND ev.t IS NOT NULL AND (ev.r IS NOT NULL OR kept.code IS NOT NULL)"
            ") AS e"
        )
    valid = "c IS NOT NULL AND t IS NOT NULL AND r IS NOT NULL"
    return f"(SELECT {columns}, {node} AS node FROM ev WHERE {valid}) AS e"


def _transitions(
    db: Database,
    agg: EventAggregate,
    node_sql: str,
    codes: Codes,
    windows: str,
    default_outcome: str,
    progress: Progress | None,
) -> None:
    nodes = codes.ids
    followed = _follow(db, node_sql, codes.touchpoints, False, windows, progress)
    if any(nxt is not None and codes.is_outcome(code) for code, nxt, _, _, _ in followed.pairs):
        followed = _follow(db, node_sql, codes.touchpoints, True, windows, progress)
    for code, nxt, dropped, n, entries in followed.pairs:
        if dropped:
            agg.after_outcome += n
            continue
        node = nodes[code - 1]
        if entries:
            agg.transitions[("entry", node)] += entries
        if codes.is_outcome(code):
            continue
        target = default_outcome if nxt is None else nodes[nxt - 1]
        if target == node:
            agg.repeats_collapsed += n
        else:
            agg.transitions[(node, target)] += n
    agg.behaviour = by_id(followed, nodes)


def _follow(
    db: Database, node_sql: str, touchpoints: int, after: bool, windows: str, progress: Progress | None
) -> Followed:
    sql = follow_sql(db.dialect, node_sql, ORDER_KEYS, after, touchpoints, windows)
    return decode(db.rows(sql, "following customers", progress))


def _windows_sql(db: Database, mapping: Mapping, nodes: list[str]) -> str:
    """The repeat-contact window of each node code, in microseconds (NULL: none)."""
    specs = mapping.touchpoint_specs()
    cells = []
    for node in nodes:
        rule = rules_for(mapping, specs.get(node)).get("repeat_contact")
        cells.append("NULL" if rule is None or rule.window_s is None else str(round(rule.window_s * MICROS)))
    return db.dialect.array(cells, "BIGINT")


def _scores(db: Database, node_sql: str, nodes: list[str]) -> dict[str, ScoreStats]:
    """Score statistics by node id (node codes index ``nodes`` from 1)."""
    rows = db.rows(
        f"SELECT node, count(s), avg(s), stddev_samp(s) FROM {node_sql} WHERE s IS NOT NULL GROUP BY node"
    )
    return {nodes[int(code) - 1]: ScoreStats.of(int(n), mean, sd) for code, n, mean, sd in rows}
