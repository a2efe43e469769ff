"""One journey per segment from one pass over the log: every query groups by the segment ``g``.

Why one module over ~300 lines: splitting a log into segments is one sequence
(walks, then the ordered pass, then each segment's counts) over shared tables;
a third of it is runnable docstring examples.

A customer's segment is the value of ``columns.segment`` on their first event
(in event order, after the filter); a customer without one is in the segment
``None`` (shown as "(missing)"). The ordered pass over the events
(``timing.follow_sql``) and the walks (``walks.build_variants``) both carry
``g``, so the counts, times, measures, variants and model check of every
segment come from the same two queries as an unsegmented ingest, split by
``g`` afterwards; nothing is read twice. An unsegmented log is the one
segment ``None``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, cast

from journeymap.errors import InvalidInput
from journeymap.ingest.experience import rules_for
from journeymap.ingest.mapping import Mapping
from journeymap.ingest.order import (
    StateInfo,
    chosen_order,
    held_out_scores,
    named_transitions,
    state_name,
    state_node_sql,
    state_walk,
)
from journeymap.ingest.progress import Progress
from journeymap.ingest.scores import ScoreStats
from journeymap.ingest.timing import MICROS, Behaviour, Followed, by_id, decode, follow_sql
from journeymap.ingest.walks import (
    Codes,
    build_variants,
    first_touch_outcomes,
    state_transitions,
    top_variants,
)

ORDER_KEYS = "t, tie, rn"  # the one order of a customer's events (see events.py)
NO_SEGMENT = "CAST(NULL AS STRING)"  # the segment of every customer of an unsegmented log

if TYPE_CHECKING:  # the engines are extras
    from journeymap.ingest.dialect import Database
    from journeymap.ingest.sequences import SortedEvents
    from journeymap.ingest.source import DuckDatabase


@dataclass
class EventAggregate:
    """What an event log (or one segment of it) says, by node id (touchpoints and outcomes)."""

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
    filtered_out: int = 0
    customers: int = 0


def by_segment(
    db: Database,
    shared: EventAggregate,
    mapping: Mapping,
    node_sql: str,
    codes: Codes,
    progress: Progress | None = None,
) -> dict[str | None, EventAggregate]:
    """Each segment's aggregate from the walks and the ordered pass over ``node_sql``.

    Parameters
    ----------
    db : Database
        The engine holding the events (``events.aggregate_loaded`` prepares it).
    shared : EventAggregate
        What the whole log says (rows, problems, unmapped); copied into each segment.
    mapping : Mapping
        The mapping (segment column, order, variants, measures).
    node_sql : str
        The valid events as a FROM clause (``events._node_sql``).
    codes : Codes
        Node ids by code.
    progress : Progress, optional
        Told each step.

    Returns
    -------
    dict
        Segment value (``None``: missing, or the unsegmented log) -> ``EventAggregate``.
        On DuckDB the table ``ev`` is dropped once its events are sorted into arrays
        (``sequences``), so its memory serves the array passes.

    Raises
    ------
    InvalidInput
        More segment values than ``segments.limit``.

    Examples
    --------
    >>> from journeymap.ingest import parse_mapping
    >>> from journeymap.ingest.source import DuckDatabase, connection
    >>> m = parse_mapping({"stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...     "touchpoints": {"a": {"id": "a", "stage": "s"}},
    ...     "default_outcome": {"id": "end", "kind": "failure"}})
    >>> rows = "('x', 1, NULL::DOUBLE, 0.0, 1, 'w', 1), ('y', 1, NULL, 0.0, 2, 'w', 1)"
    >>> events = f"(SELECT * FROM (VALUES {rows})"
    >>> events += " AS e(c, t, s, tie, rn, sv, node))"
    >>> with connection() as con:
    ...     aggs = by_segment(DuckDatabase(con), EventAggregate(), m, events, Codes(["a", "end"], 1))
    >>> dict(aggs[None].transitions)
    {('entry', 'a'): 2, ('a', 'end'): 2}
    """
    segmented = mapping.columns.segment is not None
    code = {node: i + 1 for i, node in enumerate(codes.ids)}
    default = code[mapping.default_outcome.id]
    hold_out = mapping.order == "auto"
    d = db.dialect
    local = _sorted_events(db, node_sql, codes, mapping, hold_out, progress)
    if local is None:
        build_variants(
            db,
            node_sql,
            ORDER_KEYS,
            codes,
            default,
            segment=f"coalesce({d.first_by('sv', ORDER_KEYS)}, '')" if segmented else NO_SEGMENT,
            hold_out=hold_out,
            progress=progress,
        )
    scores = _scores(db, node_sql, codes.ids, segmented) if mapping.columns.score else {}
    if local is not None:
        from journeymap.ingest import sequences

        sequences.drop_events(cast("DuckDatabase", db))
        sequences.build_variants(cast("DuckDatabase", db), local, default)
    customers = segment_customers(db)
    if segmented:
        check_limit(mapping, customers)
    customers = customers or {None: 0}  # no usable event: one empty journey (the pipeline refuses it)
    success = {code[o] for o, spec in mapping.outcome_specs().items() if spec.kind == "success"}
    result: dict[str | None, EventAggregate] = {}
    for value, n in customers.items():
        result[value] = replace(shared, customers=n, scores=scores.get(value, {}), transitions=Counter())
        where = "g IS NULL" if value is None else f"g = {d.literal(value)}"
        _walks(db, result[value], codes, where, success, mapping, local, value)
    segment = "coalesce(first_value(sv) OVER win, '')" if segmented else NO_SEGMENT
    for order in sorted({agg.order for agg in result.values()}):
        _behaviour(db, result, node_sql, codes, order, mapping, segment, progress, local)
    return {None if segmented and value == "" else value: agg for value, agg in result.items()}


def _sorted_events(
    db: Database, node_sql: str, codes: Codes, mapping: Mapping, hold_out: bool, progress: Progress | None
) -> SortedEvents | None:
    """The events sorted once for the array passes (``sequences``), or ``None`` where the SQL runs them."""
    if not getattr(db, "arrays", False):
        return None
    from journeymap.ingest import sequences

    duck = cast("DuckDatabase", db)
    return sequences.sorted_events(
        duck,
        node_sql,
        codes,
        mapping.columns.segment is not None,
        hold_out,
        not mapping.columns.order_by,
        progress,
    )


def _behaviour(
    db: Database,
    aggs: dict[str | None, EventAggregate],
    node_sql: str,
    codes: Codes,
    order: int,
    mapping: Mapping,
    segment: str,
    progress: Progress | None,
    local: SortedEvents | None = None,
) -> None:
    """Times and behaviour of the nodes (at order K: the states) of the segments at ``order``.

    At order 1 the same pass counts the transitions; at a higher order the
    pass runs over the events with each one's state (``state_node_sql``), so a
    state's times and measures are those of the customers who reached it with
    that history, by the same definitions as a touchpoint's.
    """
    windows = _windows(mapping, codes.ids)
    name: Callable[[int], str] = codes.id if order == 1 else state_name(codes, order)
    if local is not None and db.dialect.wide_int(len(codes.ids) + 1, order) == "BIGINT":
        from journeymap.ingest import sequences

        followed = sequences.follow(local, codes, order, windows)
    elif order == 1:
        followed = _follow(db, node_sql, codes, _windows_sql(db, windows), segment, "node", progress)
    else:
        states = state_node_sql(db.dialect, node_sql, codes, order, ORDER_KEYS)
        followed = _follow(db, states, codes, _windows_sql(db, windows), segment, "tp", progress)
    for value, agg in aggs.items():
        if agg.order == order:
            pairs = followed.get(value, Followed())
            if order == 1:
                _count_pairs(agg, pairs, codes, mapping.default_outcome.id)
            agg.behaviour = by_id(pairs, name)


def segment_customers(db: Database) -> dict[str | None, int]:
    """Customers per segment value in the ``variants`` table, most customers first.

    Parameters
    ----------
    db : Database
        The engine holding ``variants`` (``walks.build_variants``).

    Returns
    -------
    dict
        Segment value -> customers.

    Examples
    --------
    >>> import duckdb
    >>> from journeymap.ingest.source import DuckDatabase
    >>> con = duckdb.connect()
    >>> rows = "('web', 3), ('app', 5), ('web', 4)"
    >>> _ = con.execute(f"CREATE TABLE variants AS SELECT * FROM (VALUES {rows}) v(g, n)")
    >>> segment_customers(DuckDatabase(con))
    {'web': 7, 'app': 5}
    """
    rows = db.rows("SELECT g, sum(n) AS n FROM variants GROUP BY g ORDER BY n DESC, g")
    return {None if g is None else str(g): int(n) for g, n in rows}


def check_limit(mapping: Mapping, customers: dict[str | None, int]) -> None:
    """Refuse more segments than ``segments.limit``, naming the column and the count.

    Parameters
    ----------
    mapping : Mapping
        The mapping (``columns.segment``, ``segments.limit``).
    customers : dict
        Customers per segment value.

    Raises
    ------
    InvalidInput
        More values than the limit.

    Examples
    --------
    >>> from journeymap.ingest import parse_mapping
    >>> m = parse_mapping({"stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...     "columns": {"segment": "country"}, "segments": {"limit": 2}})
    >>> check_limit(m, {"DE": 5, "FR": 3})
    >>> check_limit(m, {"DE": 5, "FR": 3, "US": 1})
    Traceback (most recent call last):
    ...
    journeymap.errors.InvalidInput: columns.segment: column 'country' has 3 values, more than ... (2); ...
    """
    limit = mapping.segments.limit
    if len(customers) > limit:
        raise InvalidInput(
            f"columns.segment: column '{mapping.columns.segment}' has {len(customers)} values, "
            f"more than segments.limit ({limit}); raise segments.limit or narrow the log with filter"
        )


def _walks(
    db: Database,
    agg: EventAggregate,
    codes: Codes,
    where: str,
    success: set[int],
    mapping: Mapping,
    local: SortedEvents | None = None,
    segment: str | None = None,
) -> None:
    """The segment's variants, order, higher-order counts and first-touch outcomes."""
    [row] = db.rows(f"SELECT sum(n_after), sum(n_repeats) FROM variants WHERE {where}")
    agg.after_outcome, agg.repeats_collapsed = int(row[0] or 0), int(row[1] or 0)
    if mapping.order == "auto":
        agg.order_scores = held_out_scores(db, codes, success, where=where)
        agg.order = chosen_order(agg.order_scores)
    else:
        agg.order = int(mapping.order)
    if agg.order > 1:
        if local is None:
            counts = state_transitions(db, codes, agg.order, where)
        else:
            from journeymap.ingest.sequences import walk_transitions

            counts = walk_transitions(local, codes, agg.order, segment)
        agg.transitions, agg.states = named_transitions(counts, codes)
    distinct = mapping.order != "auto"  # no customer held out: one row per walk in a segment
    kept, other, other_walks = top_variants(db, mapping.variants, where, distinct)
    agg.variants = [(state_walk(w, codes, agg.order), n) for w, n in kept]
    agg.variants_other = (other, other_walks)
    agg.first_touch = [(codes.id(a), codes.id(b), n) for a, b, n in first_touch_outcomes(db, where)]


def _follow(
    db: Database,
    node_sql: str,
    codes: Codes,
    windows: str,
    segment: str,
    touchpoint: str,
    progress: Progress | None,
) -> dict[str | None, Followed]:
    """The ordered pass over the events, decoded per segment (again if events follow an outcome)."""

    def rows(after: bool) -> list[Any]:
        sql = follow_sql(
            db.dialect, node_sql, ORDER_KEYS, after, codes.touchpoints, windows, segment, touchpoint
        )
        return db.rows(sql, "following customers", progress)

    found = rows(False)
    if any(g == 0 and nxt is not None and _outcome(codes, node) for g, _, node, nxt, *_ in found):
        found = rows(True)
    split: dict[str | None, list[tuple[Any, ...]]] = {}
    for g, value, *rest in found:
        split.setdefault(None if value is None else str(value), []).append((g, *rest))
    return {value: decode(part) for value, part in split.items()}


def _outcome(codes: Codes, node: int | None) -> bool:
    return node is not None and codes.touchpoints < node <= len(codes.ids)


def _count_pairs(agg: EventAggregate, followed: Followed, codes: Codes, default_outcome: str) -> None:
    """First-order transition counts of one segment from its decoded pass."""
    for code, nxt, dropped, n, entries in followed.pairs:
        if dropped:
            continue
        node = codes.id(code)
        if entries:
            agg.transitions[("entry", node)] += entries
        if codes.is_outcome(code):
            continue
        target = default_outcome if nxt is None else codes.id(nxt)
        if target != node:
            agg.transitions[(node, target)] += n


def _windows(mapping: Mapping, nodes: list[str]) -> list[int | None]:
    """The repeat-contact window of each node (by code - 1), in microseconds (``None``: none)."""
    specs = mapping.touchpoint_specs()
    windows: list[int | None] = []
    for node in nodes:
        rule = rules_for(mapping, specs.get(node)).get("repeat_contact")
        windows.append(None if rule is None or rule.window_s is None else round(rule.window_s * MICROS))
    return windows


def _windows_sql(db: Database, windows: list[int | None]) -> str:
    """The windows as a list literal by node code (NULL: none)."""
    return db.dialect.array(["NULL" if w is None else str(w) for w in windows], "BIGINT")


def _scores(
    db: Database, node_sql: str, nodes: list[str], segmented: bool
) -> dict[str | None, dict[str, ScoreStats]]:
    """Score statistics by segment and node id (node codes index ``nodes`` from 1)."""
    segment = f"coalesce(first_value(sv) OVER (PARTITION BY c ORDER BY {ORDER_KEYS}), '')"
    source = f"(SELECT {segment if segmented else NO_SEGMENT} AS g, node, s FROM {node_sql}) AS scored"
    rows = db.rows(
        f"SELECT g, node, count(s), avg(s), stddev_samp(s) FROM {source} WHERE s IS NOT NULL GROUP BY g, node"
    )
    found: dict[str | None, dict[str, ScoreStats]] = {}
    for g, code, n, mean, sd in rows:
        found.setdefault(g, {})[nodes[int(code) - 1]] = ScoreStats.of(int(n), mean, sd)
    return found
