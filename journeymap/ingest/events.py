"""Event-log aggregation: rows -> transition counts, scores, row problems.

Why one module over ~300 lines: its queries are one pipeline over the table
``ev`` (load, bad-row report, node table) sharing column names, and a third of
it is runnable docstring examples; split, a reader would hop between files to
follow one query into the next.

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

from pathlib import Path
from typing import Any

import duckdb

from journeymap.errors import InvalidInput
from journeymap.ingest.dialect import Database, Dialect
from journeymap.ingest.experience import rules_for
from journeymap.ingest.mapping import Mapping
from journeymap.ingest.progress import Progress
from journeymap.ingest.segments import EventAggregate, by_segment
from journeymap.ingest.source import (
    DuckDatabase,
    open_scan,
    reason,
    rejected_lines,
    rescaled,
    text,
    time_micros,
)
from journeymap.ingest.walks import Codes

EXAMPLES = 5
PROBLEMS = {
    "missing_customer": "c IS NULL",
    "missing_touchpoint": "r IS NULL AND raw IS NULL",
    "bad_time": "t IS NULL",
}


def aggregate_events(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: Mapping,
    strict: bool = False,
    progress: Progress | None = None,
) -> EventAggregate:
    """Read an event log and aggregate it as ``mapping`` says (a mapping without ``columns.segment``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A connection from ``source.connection`` (its temporary tables are replaced).
    path : Path
        The event log.
    mapping : Mapping
        The mapping.
    strict : bool
        Count unmapped events as bad rows (with ``unmapped: drop``).
    progress : Progress, optional
        Told each step.

    Returns
    -------
    EventAggregate
        Transition counts, scores, times and behaviour, variants, row problems.

    Raises
    ------
    InvalidInput
        An unreadable file, a missing column, a measured touchpoint without times, or a
        segmented mapping (``aggregate_segments``).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from journeymap.ingest import parse_mapping
    >>> from journeymap.ingest.source import connection
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "shop.csv"
    >>> rows = ["cust,event,ts,device", "a,view,1,web", "a,buy,2,web", "b,view,1,app", "c,view,3,app"]
    >>> _ = log.write_text("\\n".join(rows) + "\\n")
    >>> spec = {"columns": {"customer": "cust", "touchpoint": "event", "time": "ts"},
    ...         "stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...         "touchpoints": {"view": {"id": "view", "stage": "s"}},
    ...         "outcomes": {"buy": {"id": "buy", "kind": "success"}}}
    >>> with connection() as con:
    ...     agg = aggregate_events(con, log, parse_mapping(spec))
    >>> sorted(agg.transitions.items())
    [(('entry', 'view'), 3), (('view', 'buy'), 1), (('view', 'no_outcome'), 2)]
    """
    if mapping.columns.segment:
        raise InvalidInput(
            "columns.segment: this mapping makes one journey per segment (use ingest_segments)"
        )
    [agg] = aggregate_segments(con, path, mapping, strict, progress).values()
    return agg


def aggregate_segments(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: Mapping,
    strict: bool = False,
    progress: Progress | None = None,
) -> dict[str | None, EventAggregate]:
    """Read an event log once and aggregate each segment (README: "Segments").

    Row problems, unmapped names and filtered rows are the log's, so every
    segment carries them; counts, times, measures and variants are the segment's.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A connection from ``source.connection`` (its temporary tables are replaced).
    path : Path
        The event log.
    mapping : Mapping
        The mapping; ``columns.segment`` names the segment column, if any.
    strict : bool
        Count unmapped events as bad rows (with ``unmapped: drop``).
    progress : Progress, optional
        Told each step.

    Returns
    -------
    dict
        Segment value -> ``EventAggregate``, most customers first; the key is ``None`` for
        customers without a value, and the one key of an unsegmented log.

    Raises
    ------
    InvalidInput
        As ``aggregate_events``, and more segment values than ``segments.limit``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from journeymap.ingest import parse_mapping
    >>> from journeymap.ingest.source import connection
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "shop.csv"
    >>> rows = ["cust,event,ts,device", "a,view,1,web", "a,buy,2,web", "b,view,1,app", "c,view,3,app"]
    >>> _ = log.write_text("\\n".join(rows) + "\\n")
    >>> spec = {"columns": {"customer": "cust", "touchpoint": "event", "time": "ts"},
    ...         "stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...         "touchpoints": {"view": {"id": "view", "stage": "s"}},
    ...         "outcomes": {"buy": {"id": "buy", "kind": "success"}}}
    >>> spec["columns"]["segment"] = "device"
    >>> with connection() as con:
    ...     aggs = aggregate_segments(con, log, parse_mapping(spec))
    >>> {value: (agg.customers, agg.transitions[("view", "buy")]) for value, agg in aggs.items()}
    {'app': (2, 0), 'web': (1, 1)}
    """
    db = DuckDatabase(con)
    scan, types = open_scan(con, path, mapping.read_columns())
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
) -> dict[str | None, EventAggregate]:
    """Aggregate the events ``load_events`` put in the table ``ev``, on either engine, by segment.

    ``rejected`` is the count and first examples of lines the reader could not split into
    fields. The result is as ``aggregate_segments``'s.

    Parameters
    ----------
    db : Database
        The engine holding the table ``ev`` (``DuckDatabase``, or Spark's).
    mapping : Mapping
        The mapping the events were loaded with.
    rejected : tuple of (int, list of dict)
        How many lines the reader rejected, and the first of them as examples.
    strict : bool
        Count unmapped events as bad rows (with ``unmapped: drop``).
    progress : Progress, optional
        Told each step.

    Returns
    -------
    dict
        Segment value -> ``EventAggregate`` (the one key ``None`` for an unsegmented log).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from journeymap.ingest import parse_mapping
    >>> from journeymap.ingest.source import connection
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "shop.csv"
    >>> rows = ["cust,event,ts,device", "a,view,1,web", "a,buy,2,web", "b,view,1,app", "c,view,3,app"]
    >>> _ = log.write_text("\\n".join(rows) + "\\n")
    >>> spec = {"columns": {"customer": "cust", "touchpoint": "event", "time": "ts"},
    ...         "stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...         "touchpoints": {"view": {"id": "view", "stage": "s"}},
    ...         "outcomes": {"buy": {"id": "buy", "kind": "success"}}}
    >>> mapping = parse_mapping(spec)
    >>> with connection() as con:
    ...     db = DuckDatabase(con)
    ...     scan, types = open_scan(con, log, mapping.read_columns())
    ...     load_events(db, scan, types, mapping)
    ...     aggs = aggregate_loaded(db, mapping)
    >>> [(value, agg.customers, agg.transitions[("view", "buy")]) for value, agg in aggs.items()]
    [(None, 3, 1)]
    """
    raw_names = list(mapping.touchpoints) + list(mapping.outcomes)
    agg = EventAggregate(reader=db.dialect.name, filtered_out=_apply_filter(db, mapping))
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
    segmented = mapping.columns.segment is not None
    node_sql = _node_sql(
        db, [code.get(n, 0) for n in node_of], bool(agg.kept_names), _tie_sql(mapping), segmented
    )
    return by_segment(db, agg, mapping, node_sql, codes, progress)


def load_events(
    db: Database, scan: str, types: dict[str, str], mapping: Mapping, progress: Progress | None = None
) -> None:
    """Materialise the table ``ev`` from ``scan`` (a table function or view with the mapped columns).

    ``types`` gives the column types (DuckDB's names: ``TIMESTAMP``, ``DOUBLE``, ``VARCHAR`` ...).

    Parameters
    ----------
    db : Database
        The engine to create ``ev`` in (``DuckDatabase``, or Spark's).
    scan : str
        SQL reading the log (``source.open_scan``), used as a FROM item.
    types : dict
        Column name -> type of the columns ``scan`` gives.
    mapping : Mapping
        Which columns hold the customer, event, time, score, order and segment.
    progress : Progress, optional
        Told the step ("reading events").

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from journeymap.ingest import parse_mapping
    >>> from journeymap.ingest.source import connection
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "shop.csv"
    >>> rows = ["cust,event,ts,device", "a,view,1,web", "a,buy,2,web", "b,view,1,app", "c,view,3,app"]
    >>> _ = log.write_text("\\n".join(rows) + "\\n")
    >>> spec = {"columns": {"customer": "cust", "touchpoint": "event", "time": "ts"},
    ...         "stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...         "touchpoints": {"view": {"id": "view", "stage": "s"}},
    ...         "outcomes": {"buy": {"id": "buy", "kind": "success"}}}
    >>> mapping = parse_mapping(spec)
    >>> with connection() as con:
    ...     db = DuckDatabase(con)
    ...     scan, types = open_scan(con, log, mapping.read_columns())
    ...     load_events(db, scan, types, mapping)
    ...     db.rows("SELECT count(*), count(r), count(t) FROM ev")
    [(4, 4, 4)]
    """
    d, cols = db.dialect, mapping.columns
    names = _names_sql(db, list(mapping.touchpoints) + list(mapping.outcomes))
    event = text(cols.touchpoint, d)
    time = time_micros(cols.time, types[cols.time], mapping.time_format, d)
    score, score_bad = "CAST(NULL AS DOUBLE)", "false"
    order = f"try_cast({text(cols.order_by, d)} AS DOUBLE)" if cols.order_by else "CAST(NULL AS DOUBLE)"
    segment = f", {text(cols.segment, d)} AS sv" if cols.segment else ""
    if cols.score:
        given = text(cols.score, d)
        score = rescaled(f"try_cast({given} AS DOUBLE)", mapping.event_scale(), mapping.scale)
        score_bad = f"({given} IS NOT NULL AND {score} IS NULL)"
    sql = f"""
        SELECT c, r, CASE WHEN r IS NULL THEN e END AS raw, t,
               CASE WHEN t IS NULL THEN {text("tt", d)} END AS bad_time, s, sb, o{", sv" if segment else ""},
               f{d.file_order()}
        FROM (
            SELECT {text(cols.customer, d)} AS c, {event} AS e, {d.position(names, event)} AS r,
                   {time} AS t, {d.ident(cols.time)} AS tt, {score} AS s, {score_bad} AS sb,
                   {order} AS o{segment}, {_filter_sql(mapping, d)} AS f{d.file_order()}
            FROM {scan}
        ) AS src"""
    db.create("ev", sql, "reading events", progress)


def _filter_sql(mapping: Mapping, d: Dialect) -> str:
    """SQL true for the events ``mapping.filter`` keeps: each named column holds one of its values."""
    tests = [
        f"coalesce({text(column, d)} IN ({', '.join(d.literal(v) for v in values)}), false)"
        for column, values in mapping.filter_values().items()
    ]
    return " AND ".join(tests) or "true"


def _apply_filter(db: Database, mapping: Mapping) -> int:
    """Drop the events the filter does not keep (the file order stays); return how many."""
    if not mapping.filter:
        return 0
    [row] = db.rows("SELECT count(*) FROM ev WHERE NOT f")
    if row[0]:
        db.keep("ev", "f")
    return int(row[0])


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
    """Note the unmapped raw names (most frequent first) and, for ``unmapped: keep``, their ids.

    Parameters
    ----------
    agg : EventAggregate
        Where to note them (``unmapped_names``, ``unmapped_events``, ``kept_names``).
    counts : list of tuple of (str, int)
        Each unmapped raw name and its number of usable events.
    mapping : Mapping
        Its ``unmapped`` setting and the ids the kept names must avoid.

    Examples
    --------
    >>> from journeymap.ingest import parse_mapping
    >>> mapping = parse_mapping({"stages": [{"id": "s", "name": "S", "phase": "sale"}], "unmapped": "keep"})
    >>> agg = EventAggregate()
    >>> record_unmapped(agg, [("Help Page", 2), ("chat", 5)], mapping)
    >>> agg.unmapped_names, agg.unmapped_events, agg.kept_names
    ({'chat': 5, 'Help Page': 2}, 7, {'chat': 'chat', 'Help Page': 'help_page'})
    """
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


def _node_sql(
    db: Database,
    code_of_raw: list[int],
    with_kept: bool,
    tie: str = "CAST(0 AS DOUBLE)",
    segmented: bool = False,
) -> str:
    """A FROM clause of valid events: customer ``c``, time ``t``, score ``s``, ``tie``, row ``rn``, ``node``
    and the event's segment value ``sv`` (NULL when the log is not segmented).

    ``ORDER BY`` ``ORDER_KEYS`` within a customer is the order of their events.
    """
    codes = db.dialect.array([str(c) for c in code_of_raw], "INTEGER")
    node = db.dialect.at(codes, "ev.r") if code_of_raw else "CAST(NULL AS INTEGER)"
    sv = "ev.sv" if segmented else "CAST(NULL AS STRING)"
    columns = f"ev.c, ev.t, ev.s, {tie} AS tie, ev.rowid AS rn, {sv} AS sv"
    if with_kept:
        return (
            f"(SELECT {columns}, coalesce({node}, kept.code) AS node "
            "FROM ev LEFT JOIN kept ON ev.r IS NULL AND ev.raw = kept.raw "
            "WHERE ev.c IS NOT NULL AND ev.t IS NOT NULL AND (ev.r IS NOT NULL OR kept.code IS NOT NULL)"
            ") AS e"
        )
    valid = "c IS NOT NULL AND t IS NOT NULL AND r IS NOT NULL"
    return f"(SELECT {columns}, {node} AS node FROM ev WHERE {valid}) AS e"
