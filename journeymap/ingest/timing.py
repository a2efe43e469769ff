"""Time and behaviour from the sorted log: what one pass over each customer's events yields.

Definitions (all in seconds; a *visit* is a run of consecutive events of one
customer at the same node, which ingest collapses into one step):

- time of a transition u -> v: from the **last** event of the visit to u to
  the **first** event of the visit to v that follows it (repeats at u are
  time spent at u, not on the way). A transition into the default outcome
  (no next event) has no time; neither has one from ``entry``.
- dwell of a touchpoint (its ``time``): from the first event of a visit to the
  first event of whatever follows it, over visits some event follows (so it
  spans start/complete events of the visit and the hand-off to the next step).
- wait of a touchpoint v: the times of the transitions into v from touchpoints
  (how long customers wait to get to v), pooled.
- rework: the share of the customers who visited v that came back to it
  after leaving (two or more visits).
- repeat_contact: the share of visits to v that began within the mapping's
  ``window`` after the same customer's previous visit to v ended.
- back_step: the share of departures from v to a touchpoint of an earlier stage.
- drop_off: the share of departures from v that end the journey in a failure.

Medians and 90th percentiles are DuckDB's ``quantile_cont`` (Spark's
``percentile`` on the Spark engine; numpy's ``partition`` in the DuckDB
engine's array passes, ``journeymap.ingest.sequences``): exact order
statistics over every measured step, linearly interpolated between the two
nearest ranks (numpy's default ``percentile``), not sketches or samples.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from journeymap.ingest.dialect import Dialect

MICROS = 1_000_000


@dataclass(frozen=True)
class TimeStats:
    """Count, median, 90th percentile and mean of some times, in seconds."""

    n: int
    median_s: float | None
    p90_s: float | None
    mean_s: float | None

    @classmethod
    def of(cls, n: Any, quantiles: Any, mean: Any) -> TimeStats:
        """From a query's count, ``quantile_cont(x, [0.5, 0.9])`` list and ``avg`` (microseconds)."""
        if not n:
            return cls(0, None, None, None)
        median, p90 = (round(float(q) / MICROS, 6) for q in quantiles)
        return cls(int(n), median, p90, round(float(mean) / MICROS, 6))

    def document(self) -> dict[str, Any]:
        """The journey file's ``time`` field."""
        return {"n": self.n, "median_s": self.median_s, "p90_s": self.p90_s, "mean_s": self.mean_s}


@dataclass
class NodeBehaviour:
    """What the log shows at one node (counts before they become shares)."""

    visits: int = 0
    visitors: int = 0
    returners: int = 0
    repeat_contacts: int = 0
    dwell: TimeStats | None = None
    wait: TimeStats | None = None


@dataclass
class Behaviour:
    """Times on transitions and behaviour per node, by node id."""

    edge_times: dict[tuple[str, str], TimeStats] = field(default_factory=dict)
    nodes: dict[str, NodeBehaviour] = field(default_factory=dict)

    def node(self, node_id: str) -> NodeBehaviour:
        return self.nodes.setdefault(node_id, NodeBehaviour())


def follow_sql(
    dialect: Dialect,
    node_sql: str,
    order: str,
    after: bool,
    touchpoints: int,
    windows: str,
    segment: str = "CAST(NULL AS STRING)",
    touchpoint: str = "node",
) -> str:
    """One query over the events of ``node_sql``: pairs, their times and per-node behaviour.

    Rows come in three grouping sets: ``g`` 0 = (node, nxt), 2 = (node), 4 = (nxt) (the bits of
    ``grouping_id`` over all the grouping columns, as Spark requires); ``dropped`` (events after
    the first outcome) and the segment ``seg`` (the second column) split each. ``decode`` reads them.

    Parameters
    ----------
    dialect : Dialect
        The engine's spelling of the SQL.
    node_sql : str
        The events as a FROM clause with ``c, t, tie, rn, sv, node``.
    order : str
        The columns ordering one customer's events.
    after : bool
        Flag events after their customer's first outcome as ``dropped``.
    touchpoints : int
        Codes (of ``touchpoint``) above this are outcomes.
    windows : str
        A list literal of the repeat-contact window (microseconds, NULL for none) by node code.
    segment : str
        The customer's segment, an expression over the window ``win``.
    touchpoint : str
        The node code indexing ``windows`` (``node``, unless nodes are higher-order states).

    Returns
    -------
    str
        The query.

    Examples
    --------
    >>> import duckdb
    >>> from journeymap.ingest.dialect import DUCKDB
    >>> con = duckdb.connect()
    >>> rows = "('x', 0, 1), ('x', 5000000, 1), ('x', 9000000, 2), ('y', 0, 1)"  # times in microseconds
    >>> _ = con.execute(f"CREATE TABLE e AS SELECT c, t, 0.0 AS tie, t AS rn, NULL::VARCHAR AS sv, node "
    ...                 f"FROM (VALUES {rows}) v(c, t, node)")
    >>> sql = follow_sql(DUCKDB, "e", "t, tie, rn", False, 1, "[NULL, NULL]::BIGINT[]")
    >>> followed = decode([row[:1] + row[2:] for row in con.execute(sql).fetchall()])
    >>> followed.edge_times[(1, 2)].median_s, followed.nodes[1].visitors
    (4.0, 2)
    """
    is_outcome = f"{touchpoint} > {touchpoints}"
    moved = f"nxt IS NOT NULL AND nxt <> node AND NOT {is_outcome}"
    dropped = f"coalesce(k > min(CASE WHEN {is_outcome} THEN k END) OVER (PARTITION BY c), false)"

    def stats(x: str) -> str:
        return (
            f"count(*) FILTER (WHERE {moved}), {dialect.quantiles(x, moved)}, avg({x}) FILTER (WHERE {moved})"
        )

    def running(frame: str) -> str:
        return f"OVER (PARTITION BY c, node, dropped ORDER BY {order} ROWS {frame})"

    return f"""
        WITH ordered AS (
            SELECT c, node, {touchpoint} AS tp, t, tie, rn, row_number() OVER win AS k, {segment} AS seg,
                   lag(node) OVER win IS DISTINCT FROM node AS starts,
                   lead(node) OVER win AS nxt, (lead(t) OVER win) - t AS dt
            FROM {node_sql} WINDOW win AS (PARTITION BY c ORDER BY {order})
        ), paired AS (
            SELECT *, k = 1 AS is_first, {dropped if after else "false"} AS dropped FROM ordered
        ), visits AS (
            SELECT *, sum(CAST(starts AS INTEGER)) {running("UNBOUNDED PRECEDING")} AS visit_no,
                   max(CASE WHEN nxt IS DISTINCT FROM node THEN t END)
                       {running("BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING")} AS last_left,
                   max(CASE WHEN starts THEN t END) {running("UNBOUNDED PRECEDING")} AS arrived
            FROM paired
        )
        SELECT grouping_id(seg, node, nxt, dropped) AS g, seg, node, nxt, dropped, count(*) AS n,
               count(*) FILTER (WHERE is_first) AS entries,
               {stats("dt")},
               count(*) FILTER (WHERE starts) AS visits,
               count(*) FILTER (WHERE starts AND visit_no = 1) AS visitors,
               count(*) FILTER (WHERE starts AND visit_no = 2) AS returners,
               count(*) FILTER (WHERE starts AND t - last_left <= {dialect.at(windows, "tp")}) AS repeats,
               {stats("t + dt - arrived")}
        FROM visits
        GROUP BY GROUPING SETS ((seg, node, nxt, dropped), (seg, node, dropped), (seg, nxt, dropped))"""


@dataclass
class Followed:
    """The decoded rows of ``follow_sql``: pair counts and behaviour, by node code."""

    pairs: list[tuple[int, int | None, bool, int, int]] = field(default_factory=list)
    edge_times: dict[tuple[int, int], TimeStats] = field(default_factory=dict)
    nodes: dict[int, NodeBehaviour] = field(default_factory=dict)


def decode(rows: list[tuple[Any, ...]]) -> Followed:
    """Split ``follow_sql``'s rows into pairs (node, nxt, dropped, n, entries) and behaviour.

    Parameters
    ----------
    rows : list of tuple
        The rows of ``follow_sql`` without the segment column (``g`` first).

    Returns
    -------
    Followed
        Pair counts, times on transitions and per-node behaviour, by node code.

    Examples
    --------
    >>> import duckdb
    >>> from journeymap.ingest.dialect import DUCKDB
    >>> con = duckdb.connect()
    >>> rows = "('x', 0, 1), ('x', 3000000, 2), ('y', 0, 1), ('y', 1000000, 1)"  # times in microseconds
    >>> _ = con.execute(f"CREATE TABLE e AS SELECT c, t, 0.0 AS tie, t AS rn, NULL::VARCHAR AS sv, node "
    ...                 f"FROM (VALUES {rows}) v(c, t, node)")
    >>> sql = follow_sql(DUCKDB, "e", "t, tie, rn", False, 2, "[NULL, NULL]::BIGINT[]")
    >>> followed = decode([row[:1] + row[2:] for row in con.execute(sql).fetchall()])
    >>> sorted(followed.pairs, key=str)
    [(1, 1, False, 1, 1), (1, 2, False, 1, 1), (1, None, False, 1, 0), (2, None, False, 1, 0)]
    >>> followed.nodes[2].wait.median_s, followed.nodes[1].visits
    (3.0, 2)
    """
    result = Followed()
    for (
        g,
        node,
        nxt,
        dropped,
        n,
        entries,
        tn,
        tq,
        tm,
        visits,
        visitors,
        returners,
        repeats,
        dn,
        dq,
        dm,
    ) in rows:
        if g == 0:
            result.pairs.append(
                (int(node), None if nxt is None else int(nxt), bool(dropped), int(n), int(entries))
            )
            if nxt is not None and not dropped and tn:
                result.edge_times[(int(node), int(nxt))] = TimeStats.of(tn, tq, tm)
        elif dropped:
            continue
        elif g == 2:  # rows come in any order (Spark's do): keep a wait decoded before
            wait = result.nodes[int(node)].wait if int(node) in result.nodes else None
            result.nodes[int(node)] = NodeBehaviour(
                int(visits), int(visitors), int(returners), int(repeats), TimeStats.of(dn, dq, dm), wait
            )
        elif nxt is not None:
            result.nodes.setdefault(int(nxt), NodeBehaviour()).wait = TimeStats.of(tn, tq, tm)
    return result


def by_id(followed: Followed, name: Callable[[int], str]) -> Behaviour:
    """The behaviour with node codes (or state keys) replaced by ids.

    Parameters
    ----------
    followed : Followed
        The decoded pass (``decode``).
    name : callable
        Code (or state key) -> id.

    Returns
    -------
    Behaviour
        Times on transitions and behaviour per node, by id.

    Examples
    --------
    >>> times = {(1, 2): TimeStats(3, 5.0, 9.0, 6.0)}
    >>> followed = Followed(edge_times=times, nodes={1: NodeBehaviour(visits=4)})
    >>> behaviour = by_id(followed, lambda code: ["view", "buy"][code - 1])
    >>> behaviour.edge_times[("view", "buy")].median_s, behaviour.nodes["view"].visits
    (5.0, 4)
    """
    behaviour = Behaviour()
    for (a, b), stats in followed.edge_times.items():
        behaviour.edge_times[(name(a), name(b))] = stats
    for code, node in followed.nodes.items():
        behaviour.nodes[name(code)] = node
    return behaviour


def departures(transitions: Counter[tuple[str, str]]) -> Counter[str]:
    """Customers leaving each node (the sum of its outgoing transition counts).

    Parameters
    ----------
    transitions : Counter
        (source id, target id) -> customers.

    Returns
    -------
    Counter
        Source id -> customers leaving it.

    Examples
    --------
    >>> moves = Counter({("entry", "home"): 5, ("home", "cart"): 3, ("home", "end"): 2, ("cart", "buy"): 3})
    >>> departures(moves)
    Counter({'entry': 5, 'home': 5, 'cart': 3})
    """
    out: Counter[str] = Counter()
    for (source, _), n in transitions.items():
        out[source] += n
    return out
