"""The ordered pass on one machine: the events sorted once, then array passes (the DuckDB engine).

``walks.build_variants`` and ``timing.follow_sql`` define the walks, the
pairs, the times and the behaviour in SQL, and the Spark engine runs them as
written. Run in DuckDB each of those queries sorts the events again (by
customer, then by customer and node, then per state at order K); on one
machine it is several times faster to fetch the events sorted once (by
customer, then ``ORDER_KEYS``) and compute the same numbers with whole-array
numpy passes and a few compiled loops (``journeymap.ingest.loops``). The results are the
same by definition; tests check them against the SQL on generated logs.

A customer's events are told apart from the next customer's by a 64-bit hash
of the customer id, read where the sort puts one customer after another: two
*neighbouring* customers with equal hashes would be read as one (odds about
customers / 2**64, 5e-14 for a million customers).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from journeymap.ingest.dialect import DUCKDB
from journeymap.ingest.loops import compiled, group_stats, needs_compiling, plain
from journeymap.ingest.progress import Progress, watched
from journeymap.ingest.timing import Followed, NodeBehaviour, TimeStats
from journeymap.ingest.walks import Codes, State, key_digits

if TYPE_CHECKING:
    from journeymap.ingest.source import DuckDatabase

BATCH_ROWS = 1 << 20  # rows per batch fetched from DuckDB
COMPILE_FROM = 200_000  # events: below this the plain loops beat loading numba (~0.8 s)
DENSE_KEYS = 1 << 24  # key ranges up to this are numbered by a lookup table, not a sort


@dataclass
class SortedEvents:
    """A log's valid events sorted by customer, then ``ORDER_KEYS``, and what is known per customer."""

    first: np.ndarray  # bool: the event is its customer's first
    node: np.ndarray  # int32 node code
    t: np.ndarray  # int64 microseconds
    customer: np.ndarray  # int64 customer number (0 ..) of each event
    segment: np.ndarray  # int32 per customer: index into ``segments``
    segments: list[str | None]
    held: np.ndarray  # bool per customer: held out when the order is chosen
    dropped: np.ndarray  # bool: the event comes after its customer's first outcome
    touchpoints: int
    walks: tuple[np.ndarray, np.ndarray] | None = None  # each customer's walk: node codes, offsets

    @property
    def loops(self) -> dict[str, Any]:
        """The loops to use: compiled for a big log, plain for a small one."""
        return _loops(len(self.node))


def _loops(events: int) -> dict[str, Any]:
    return compiled() if events >= COMPILE_FROM else plain()


def sorted_events(
    db: DuckDatabase,
    node_sql: str,
    codes: Codes,
    segmented: bool,
    hold_out: bool,
    tie_is_outcome: bool,
    progress: Progress | None = None,
) -> SortedEvents:
    """Fetch the events of ``node_sql`` as arrays in the order ``segments.ORDER_KEYS`` gives each customer.

    DuckDB sorts by customer, time and file order (with ``tie`` in the sort key
    it takes twice as long: the wider key leaves DuckDB's fast path), and
    ``_break_ties`` moves equal times into ``tie`` order. The rows stream into
    arrays in batches, so the result is never held twice.

    Parameters
    ----------
    db : DuckDatabase
        The connection holding the events (and ``ev``, for the segment values).
    node_sql : str
        The valid events as a FROM clause aliased ``e`` (``events._node_sql``).
    codes : Codes
        Node ids by code (outcomes after touchpoints).
    segmented : bool
        Fetch each event's segment value (as a code into ``segments``).
    hold_out : bool
        Mark the customers held out for choosing the order.
    tie_is_outcome : bool
        ``tie`` is 1 for outcome events and 0 otherwise (no ``order_by`` column), so it
        comes from the node codes instead of being fetched.
    progress : Progress, optional
        Told the step ("following customers").

    Returns
    -------
    SortedEvents
        The events in order, with each one's customer and whether it follows an outcome.

    Examples
    --------
    >>> import duckdb
    >>> from journeymap.ingest.source import DuckDatabase
    >>> con = duckdb.connect()
    >>> rows = "('y', 2, 3), ('x', 5, 2), ('x', 1, 1), ('x', 7, 1)"  # customer, time, node code
    >>> _ = con.execute(f"CREATE TABLE e AS SELECT c, t, 0.0 AS tie, t AS rn, NULL::VARCHAR AS sv, node "
    ...                 f"FROM (VALUES {rows}) v(c, t, node)")
    >>> ev = sorted_events(DuckDatabase(con), "e", Codes(["a", "b", "ok"], 2), False, False, True)
    >>> ev.node.tolist(), ev.first.tolist(), ev.customer.tolist()
    ([1, 2, 1, 3], [True, False, False, True], [0, 0, 0, 1])
    """
    con = db.con
    columns = {"node": "CAST(node AS INTEGER)", "t": "CAST(t AS BIGINT)"}
    join, names = "", list[str | None]([None])
    if segmented:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE segment_codes AS SELECT sv AS segment_value, "
            "CAST(row_number() OVER (ORDER BY sv) AS INTEGER) AS segment_code "
            "FROM (SELECT DISTINCT sv FROM ev WHERE sv IS NOT NULL)"
        )
        values = con.execute("SELECT segment_value FROM segment_codes ORDER BY segment_code").fetchall()
        names = ["", *(str(v) for (v,) in values)]
        columns["segment"] = "CAST(coalesce(segment_code, 0) AS INTEGER)"
        join = " LEFT JOIN segment_codes ON sv = segment_codes.segment_value"
    if hold_out:
        columns["held"] = f"CAST({DUCKDB.held('c')} AS UTINYINT)"
    if not tie_is_outcome:
        columns["tie"] = "CAST(tie AS DOUBLE)"
    columns["h"] = "hash(c)"
    [(rows, last_row)] = con.execute(f"SELECT count(*), coalesce(max(rn), 0) FROM {node_sql}").fetchall()
    file_order = "CAST(rn AS INTEGER)" if last_row < 2**31 else "rn"
    select = ", ".join(f"{sql} AS {name}" for name, sql in columns.items())
    sql = f"SELECT {select} FROM {node_sql}{join} ORDER BY c, t, {file_order}"
    kinds = {"node": np.int32, "t": np.int64, "segment": np.int32, "held": np.uint8, "tie": np.float64}
    arrays = {name: np.empty(rows, kinds[name]) for name in columns if name != "h"}
    first = np.ones(rows, bool)  # where the customer's hash changes (kept batch by batch: 1 byte, not 8)
    at, previous = 0, None
    with watched(con, "following customers", progress):
        for batch in con.sql(sql).to_arrow_reader(BATCH_ROWS):
            size = batch.num_rows
            if not size:
                continue
            h = _numpy(batch.column("h"), np.uint64)
            first[at + 1 : at + size] = h[1:] != h[:-1]
            first[at] = previous is None or h[0] != previous
            previous = h[-1]
            for name, array in arrays.items():
                array[at : at + size] = _numpy(batch.column(name), array.dtype)
            at += size
    node = arrays.pop("node")
    t = arrays.pop("t")
    segment_of = arrays.pop("segment", np.zeros(rows, np.int32))
    tie = node > codes.touchpoints if tie_is_outcome else arrays.pop("tie")
    _break_ties(first, t, tie, [node, segment_of])
    del tie
    if progress is not None and rows >= COMPILE_FROM and needs_compiling():
        progress.step("following customers: compiling the loops first (once per machine)")
    customer, dropped = _loops(rows)["customers_and_drops"](first, node, codes.touchpoints)
    starts = np.flatnonzero(first)
    return SortedEvents(
        first=first,
        node=node,
        t=t,
        customer=customer,
        segment=segment_of[starts],
        segments=names,
        held=arrays.pop("held", np.zeros(rows, np.uint8))[starts].view(bool),
        dropped=dropped,
        touchpoints=codes.touchpoints,
    )


def _numpy(column: Any, dtype: Any) -> np.ndarray:
    """A fixed-width Arrow array as numpy, zero-copy where it has no nulls.

    Not ``Array.to_numpy``: pyarrow imports pandas, where installed, the first time it
    converts (0.3–0.7 s, more than the whole array pass of a million events).

    Examples
    --------
    >>> import duckdb
    >>> batch = duckdb.sql("SELECT CAST(i AS INTEGER) AS i FROM range(3) r(i)").to_arrow_table()
    >>> _numpy(batch.column("i").chunk(0), np.int32).tolist()
    [0, 1, 2]
    >>> import pyarrow as pa
    >>> _numpy(pa.array([1.5, None]), np.float64).tolist()  # nulls: copied, as NaN
    [1.5, nan]
    """
    dtype = np.dtype(dtype)
    if column.null_count or column.type.bit_width != dtype.itemsize * 8:
        values: np.ndarray = column.to_numpy(zero_copy_only=False).astype(dtype)
        return values
    return np.frombuffer(column.buffers()[1], dtype, count=len(column), offset=column.offset * dtype.itemsize)


def _arrow(values: np.ndarray, kind: Any) -> Any:
    """A numpy array as an Arrow array of ``kind`` (fixed width; bool is bit-packed), zero-copy
    where it can be — built from buffers, as ``pa.array`` would import pandas (``_numpy``)."""
    import pyarrow as pa  # type: ignore[import-untyped]

    if values.dtype == np.bool_:
        return pa.Array.from_buffers(
            kind, len(values), [None, pa.py_buffer(np.packbits(values, bitorder="little"))]
        )
    return pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(np.ascontiguousarray(values))])


def _arrow_strings(values: list[str | None]) -> Any:
    """Strings (``None``: null) as an Arrow string array, built from buffers (``_arrow``)."""
    import pyarrow as pa

    data = [b"" if v is None else v.encode() for v in values]
    offsets = np.zeros(len(data) + 1, np.int32)
    np.cumsum([len(d) for d in data], out=offsets[1:])
    valid = np.packbits(np.array([v is not None for v in values], bool), bitorder="little")
    buffers = [pa.py_buffer(valid), pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
    return pa.Array.from_buffers(pa.string(), len(values), buffers)


def _break_ties(first: np.ndarray, t: np.ndarray, tie: np.ndarray, columns: list[np.ndarray]) -> bool:
    """Reorder (in place, stably) each run of one customer's events with equal times by ``tie``.

    Returns whether any run was reordered.

    Examples
    --------
    >>> first = np.array([True, False, False, True]); t = np.array([1, 5, 5, 5])
    >>> node = np.array([7, 8, 9, 6])
    >>> _break_ties(first, t, np.array([0.0, 1.0, 0.0, 0.0]), [node]), node.tolist()
    (True, [7, 9, 8, 6])
    """
    tied = np.zeros(len(t), bool)
    tied[1:] = (t[1:] == t[:-1]) & ~first[1:]
    member = tied.copy()
    member[:-1] |= tied[1:]
    rows = np.flatnonzero(member)
    order = np.lexsort((tie[rows], np.cumsum(~tied[rows])))
    if not len(rows) or (order == np.arange(len(rows))).all():
        return False
    for column in columns:
        column[rows] = column[rows][order]
    return True


def drop_events(db: DuckDatabase) -> None:
    """Drop the events table ``ev`` (and the segment codes): once sorted into arrays they are not
    read again, and DuckDB hands their memory back before the array passes need it.

    Parameters
    ----------
    db : DuckDatabase
        The connection holding ``ev``.

    Examples
    --------
    >>> import duckdb
    >>> from journeymap.ingest.source import DuckDatabase
    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE TABLE ev AS SELECT 1 AS c")
    >>> drop_events(DuckDatabase(con))
    >>> con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'ev'").fetchall()
    [(0,)]
    """
    db.con.execute("DROP TABLE IF EXISTS ev")
    db.con.execute("DROP TABLE IF EXISTS segment_codes")


def _starts_of(ev: SortedEvents, ids: np.ndarray) -> np.ndarray:
    """True where an event begins a visit (its customer's first, or a node unlike the one before)."""
    starts = ev.first.copy()
    starts[1:] |= ids[1:] != ids[:-1]
    return starts


def _walk_table(ev: SortedEvents, default_code: int) -> Any:
    """Each customer's walk as ``walks.build_variants`` defines it, as an Arrow table
    ``(g, held, w, n_after, n_repeats)`` (one row per customer)."""
    import pyarrow as pa

    customers = len(ev.segment)
    values, offsets, after, repeats = ev.loops["walk_arrays"](
        ev.first, ev.node, ev.dropped, ev.touchpoints, default_code, customers
    )
    ev.walks = values, offsets
    lists, width, kind = (
        (pa.ListArray, np.int32, pa.int32())
        if offsets[-1] < 2**31
        else (pa.LargeListArray, np.int64, pa.int64())
    )
    columns = {
        "g": pa.DictionaryArray.from_arrays(_arrow(ev.segment, pa.int32()), _arrow_strings(ev.segments)),
        "held": _arrow(ev.held, pa.bool_()),
        "w": lists.from_arrays(_arrow(offsets.astype(width), kind), _arrow(values, pa.int32())),
        "n_after": _arrow(after, pa.int64()),
        "n_repeats": _arrow(repeats, pa.int64()),
    }
    return pa.Table.from_arrays(list(columns.values()), names=list(columns))


def build_variants(db: DuckDatabase, ev: SortedEvents, default_code: int) -> None:
    """Create the ``variants`` table of ``walks.build_variants`` from the sorted events.

    Parameters
    ----------
    db : DuckDatabase
        The connection to create ``variants`` in.
    ev : SortedEvents
        The events (``sorted_events``).
    default_code : int
        The code of the outcome a walk without one ends in.

    Examples
    --------
    >>> import duckdb
    >>> from journeymap.ingest.source import DuckDatabase
    >>> con = duckdb.connect()
    >>> rows = "('x', 1, 1), ('x', 5, 2), ('x', 6, 2), ('x', 8, 3), ('x', 9, 1), ('y', 2, 2)"
    >>> _ = con.execute(f"CREATE TABLE e AS SELECT c, t, 0.0 AS tie, t AS rn, NULL::VARCHAR AS sv, node "
    ...                 f"FROM (VALUES {rows}) v(c, t, node)")
    >>> codes = Codes(["a", "b", "ok", "end"], 2)
    >>> build_variants(DuckDatabase(con), sorted_events(DuckDatabase(con), "e", codes, False, False, True), 4)
    >>> con.execute("SELECT w, n, n_after, n_repeats FROM variants ORDER BY w").fetchall()
    [([1, 2, 3], 1, 1, 1), ([2, 4], 1, 0, 0)]
    """
    db.con.register("walks", _walk_table(ev, default_code))
    db.con.execute(
        "CREATE OR REPLACE TEMP TABLE variants AS SELECT CAST(g AS VARCHAR) AS g, held, w, count(*) AS n, "
        "sum(n_after) AS n_after, sum(n_repeats) AS n_repeats FROM walks GROUP BY ALL"
    )
    db.con.unregister("walks")


def walk_transitions(
    ev: SortedEvents, codes: Codes, order: int, segment: str | None
) -> Counter[tuple[State, State]]:
    """``walks.state_transitions`` over one segment's walks, from the arrays (after ``build_variants``).

    Parameters
    ----------
    ev : SortedEvents
        The events, their walks built (``build_variants``).
    codes : Codes
        Node ids by code.
    order : int
        K, the touchpoints a state remembers.
    segment : str or None
        The segment's value (as in the ``variants`` table's ``g``).

    Returns
    -------
    Counter
        (state, next state) -> customers; a state is its codes, oldest first (``()``: entry).

    Examples
    --------
    >>> import duckdb
    >>> from journeymap.ingest.source import DuckDatabase
    >>> con = duckdb.connect()
    >>> rows = "('x', 1, 1), ('x', 5, 2), ('x', 8, 3), ('y', 2, 2), ('y', 3, 3)"  # a = 1, b = 2, ok = 3
    >>> _ = con.execute(f"CREATE TABLE e AS SELECT c, t, 0.0 AS tie, t AS rn, NULL::VARCHAR AS sv, node "
    ...                 f"FROM (VALUES {rows}) v(c, t, node)")
    >>> codes = Codes(["a", "b", "ok"], 2)
    >>> ev = sorted_events(DuckDatabase(con), "e", codes, False, False, True)
    >>> build_variants(DuckDatabase(con), ev, 3)
    >>> sorted(walk_transitions(ev, codes, 2, None).items())
    [(((), (1,)), 1), (((), (2,)), 1), (((1,), (1, 2)), 1), (((1, 2), (3,)), 1), (((2,), (3,)), 1)]
    """
    assert ev.walks is not None, "build_variants first"
    if segment not in ev.segments:  # no customer at all (the pipeline refuses the log)
        return Counter()
    values, offsets = ev.walks
    lengths = np.diff(offsets)
    chosen = (ev.segment == ev.segments.index(segment))[np.repeat(np.arange(len(lengths)), lengths)]
    first = np.zeros(len(values), bool)
    first[offsets[:-1][lengths > 0]] = True
    base = len(codes.ids) + 1
    keys = ev.loops["state_keys"](first, values, ev.touchpoints, base, order)
    before = np.zeros(len(values), np.int64)
    before[1:] = keys[:-1]
    before[first] = 0
    ids, key_of = _numbered(np.concatenate([keys[chosen], before[chosen]]), base**order)
    states, steps = len(key_of), int(chosen.sum())
    pair, pair_key = _numbered(ids[steps:].astype(np.int64) * states + ids[:steps], states * states)
    state = [key_digits(int(k), base) for k in key_of.tolist()]
    counts = np.bincount(pair, minlength=len(pair_key)).tolist()
    return Counter(
        {
            (state[a], state[b]): n
            for (a, b), n in zip((divmod(int(k), states) for k in pair_key), counts, strict=True)
        }
    )


def _state_keys(ev: SortedEvents, base: int, order: int) -> np.ndarray:
    """Each event's order-``order`` state key as ``order.state_node_sql`` keys it (order 1: its node
    code, the array itself)."""
    if order == 1:
        return ev.node
    keys: np.ndarray = ev.loops["state_keys"](ev.first, ev.node, ev.touchpoints, base, order)
    return keys


def _numbered(keys: np.ndarray, bound: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Dense numbers (0 .., int32) for keys in ``[0, bound)``, and the key of each number (sorted).

    With ``mask`` only ``keys[mask]`` are numbered, but a number is given for every key:
    read the numbers only where ``mask`` holds.

    Examples
    --------
    >>> [a.tolist() for a in _numbered(np.array([7, 3, 7, 9]), 10)]
    [[1, 0, 1, 2], [3, 7, 9]]
    >>> numbers, key_of = _numbered(np.array([7, 3, 7, 9]), 10, np.array([True, False, True, True]))
    >>> numbers[[0, 2, 3]].tolist(), key_of.tolist()
    ([0, 0, 1], [7, 9])
    """
    chosen = keys if mask is None else keys[mask]
    if bound <= DENSE_KEYS:
        seen = np.zeros(bound, bool)
        seen[chosen] = True
        lookup = (np.cumsum(seen) - 1).astype(np.int32)
        return lookup[keys], np.flatnonzero(seen)
    if mask is None:
        unique, inverse = np.unique(keys, return_inverse=True)
        return inverse.astype(np.int32), unique
    unique = np.unique(chosen)
    return np.searchsorted(unique, keys).astype(np.int32), unique


def follow(
    ev: SortedEvents, codes: Codes, order: int, windows: list[int | None]
) -> dict[str | None, Followed]:
    """``timing.follow_sql`` decoded per segment (as ``segments._follow`` gives it), from the arrays.

    Parameters
    ----------
    ev : SortedEvents
        The events (``sorted_events``).
    codes : Codes
        Node ids by code.
    order : int
        The chain's order: at 2 or more the nodes are the order-K states' keys.
    windows : list of int or None
        The repeat-contact window of each node (by code - 1) in microseconds.

    Returns
    -------
    dict
        Segment value -> ``Followed`` (pairs, times on transitions, behaviour per node).

    Examples
    --------
    >>> import duckdb
    >>> from journeymap.ingest.source import DuckDatabase
    >>> con = duckdb.connect()
    >>> rows = "('x', 0, 1), ('x', 5000000, 1), ('x', 9000000, 2), ('y', 0, 1)"  # times in microseconds
    >>> _ = con.execute(f"CREATE TABLE e AS SELECT c, t, 0.0 AS tie, t AS rn, NULL::VARCHAR AS sv, node "
    ...                 f"FROM (VALUES {rows}) v(c, t, node)")
    >>> codes = Codes(["a", "ok"], 1)
    >>> ev = sorted_events(DuckDatabase(con), "e", codes, False, False, True)
    >>> followed = follow(ev, codes, 1, [None, None])[None]
    >>> followed.edge_times[(1, 2)].median_s, followed.nodes[1].visitors
    (4.0, 2)
    """
    base = len(codes.ids) + 1
    ids, state_of = _numbered(_state_keys(ev, base, order), base**order)
    states, segments = len(state_of), len(ev.segments)
    last = np.ones(len(ids), bool)
    last[:-1] = ev.first[1:]
    nxt = np.full(len(ids), -1, np.int32)
    nxt[:-1] = ids[1:]
    nxt[last] = -1
    kept = ~ev.dropped
    loops = ev.loops
    # one number per group: segment, node (, next node, dropped), as small as the counts allow
    seg = ev.segment[ev.customer].astype(np.int64) if segments > 1 else None

    def in_segment(numbers: np.ndarray) -> np.ndarray:  # (segment, number) as one key
        return numbers if seg is None else seg * states + numbers

    node, node_key = _numbered(in_segment(ids), segments * states, kept)
    window_of = np.array([-1 if w is None else w for w in [None, *windows]], np.int64)
    visits, timed, dt, dwell_times, dwell_node = loops["visit_pass"](
        ev.first, ids, ev.dropped, ev.node, ev.t, states, window_of, node, len(node_key), ev.touchpoints
    )
    del node
    scratch = np.empty(len(dt), np.int64)  # one buffer for the three groupings below
    dwell = group_stats(dwell_node, dwell_times, len(node_key), loops["grouped"], scratch)
    del dwell_times, dwell_node

    pair_keys = in_segment(ids).astype(np.int64, copy=False)  # a new array either way
    pair_keys *= states + 1
    pair_keys += nxt  # then + 1: in place, no 10 M-event temporary
    pair_keys += 1
    pair_keys *= 2
    pair_keys += ev.dropped
    pair, pair_key = _numbered(pair_keys, segments * states * (states + 1) * 2)
    del pair_keys
    pair_n = np.bincount(pair, minlength=len(pair_key))
    entries = np.bincount(pair[ev.first], minlength=len(pair_key))
    pair_times = group_stats(pair[timed], dt, len(pair_key), loops["grouped"], scratch)
    del pair

    arrival, arrival_key = _numbered(in_segment(nxt), segments * states, kept & ~last)
    wait = group_stats(arrival[timed], dt, len(arrival_key), loops["grouped"], scratch)

    found: dict[str | None, Followed] = {}
    value = [ev.segments[int(g)] for g in range(segments)]

    def part(g: int) -> Followed:
        return found.setdefault(value[g], Followed())

    state = state_of.tolist()
    for i, key in enumerate(pair_key.tolist()):
        rest, dropped = divmod(key, 2)
        rest, after = divmod(rest, states + 1)
        g, at = divmod(rest, states)
        followed = part(g)
        target = None if after == 0 else state[after - 1]
        followed.pairs.append((state[at], target, bool(dropped), int(pair_n[i]), int(entries[i])))
        if target is not None and not dropped and pair_times[0][i]:
            followed.edge_times[(state[at], target)] = _stats(pair_times, i)
    for i, (key, (visited, visitors, returners, repeats)) in enumerate(
        zip(node_key.tolist(), visits.tolist(), strict=True)
    ):
        g, at = divmod(key, states)
        followed = part(g)
        wait_before = followed.nodes[state[at]].wait if state[at] in followed.nodes else None
        followed.nodes[state[at]] = NodeBehaviour(
            visited, visitors, returners, repeats, _stats(dwell, i), wait_before
        )
    for i, key in enumerate(arrival_key.tolist()):
        g, at = divmod(key, states)
        part(g).nodes.setdefault(state[at], NodeBehaviour()).wait = _stats(wait, i)
    return found


def _stats(stats: tuple[np.ndarray, ...], i: int) -> TimeStats:
    counts, quantiles, high, low = stats
    n = int(counts[i])
    if not n:
        return TimeStats(0, None, None, None)
    total = (int(high[i]) << 32) + int(low[i])
    return TimeStats.of(n, quantiles[i].tolist(), total / n)
