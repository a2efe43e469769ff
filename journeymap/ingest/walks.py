"""Customers' walks in DuckDB: each customer's node sequence, cleaned, grouped into variants.

A walk is a customer's events in order (``segments.ORDER_KEYS``), cut after the
first outcome (later events are counted, not walked), with repeats of one node
collapsed, ending in the ``default_outcome`` when no outcome event came. The
``variants`` table groups customers by walk: ``(g, held, w, n)`` — segment,
held-out flag (for choosing the order), the walk as node codes, customers. Every
number of an ingest (transition counts at any order, observed variants, the
model check) is a ``GROUP BY`` over it, so a real log with few distinct walks
costs almost nothing after the one ordered pass over its events.

Node codes put touchpoints first (``1..touchpoints``) and outcomes after, so
``code > touchpoints`` tells an outcome.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from journeymap.ingest.progress import Progress

if TYPE_CHECKING:  # the engines are extras; build.py needs StateInfo without them
    from journeymap.ingest.dialect import Database


@dataclass(frozen=True)
class Codes:
    """Node ids by code (``ids[code - 1]``) and where outcomes start."""

    ids: list[str]
    touchpoints: int

    def id(self, code: int) -> str:
        return self.ids[code - 1]

    def is_outcome(self, code: int) -> bool:
        return code > self.touchpoints


def build_variants(
    db: Database,
    node_sql: str,
    order_keys: str,
    codes: Codes,
    default_code: int,
    segment: str = "CAST(NULL AS STRING)",
    hold_out: bool = False,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Create the ``variants`` table ``(g, held, w, n, n_after, n_repeats)`` from the events.

    Parameters
    ----------
    db : Database
        The engine holding the events.
    node_sql : str
        The events as a FROM clause with ``c``, ``node`` and the ``order_keys`` columns.
    order_keys : str
        The columns ordering one customer's events.
    codes : Codes
        Node ids by code (outcomes after touchpoints).
    default_code : int
        The code of the outcome a walk without one ends in.
    segment : str
        An aggregate over one customer's events giving their segment ``g``.
    hold_out : bool
        Flag one customer in ``HELD_OUT`` (by a hash of the id) as held out.
    progress : Progress, optional
        Told the step.

    Returns
    -------
    tuple of int
        Events after an outcome, repeats collapsed.

    Examples
    --------
    >>> import duckdb
    >>> from journeymap.ingest.source import DuckDatabase
    >>> con = duckdb.connect()
    >>> rows = "('x', 1, 1), ('x', 5, 2), ('x', 7, 1), ('x', 8, 3), ('y', 2, 2)"  # customer, time, node code
    >>> _ = con.execute(f"CREATE TABLE e AS SELECT c, t, NULL::DOUBLE AS s, 0.0 AS tie, t AS rn, "
    ...                 f"NULL::VARCHAR AS sv, node FROM (VALUES {rows}) v(c, t, node)")
    >>> build_variants(DuckDatabase(con), "e", "t, tie, rn", Codes(["a", "b", "ok", "end"], 2), 4)
    (0, 0)
    >>> con.execute("SELECT w, n FROM variants ORDER BY w").fetchall()
    [([1, 2, 1, 3], 1), ([2, 4], 1)]
    """
    d = db.dialect
    held = d.held("c") if hold_out else "false"
    keys = [k.strip() for k in order_keys.split(",")]
    sql = f"""
        SELECT g, held, w, count(*) AS n, sum(n_after) AS n_after, sum(n_repeats) AS n_repeats FROM (
            SELECT g, held, n_after, {d.length("cut")} - {d.length("walk")} AS n_repeats,
                   CASE WHEN p > 0 THEN walk ELSE {d.append("walk", str(default_code))} END AS w
            FROM (
                SELECT g, held, cut, p, {d.length("raw")} - {d.length("cut")} AS n_after,
                       {d.collapse("cut")} AS walk
                FROM (
                    SELECT g, held, raw, p, CASE WHEN p > 0 THEN {d.head("raw", "p")} ELSE raw END AS cut
                    FROM (
                        SELECT g, held, raw, {d.first_over("raw", codes.touchpoints)} AS p
                        FROM (
                            SELECT {segment} AS g, {held} AS held, {d.ordered_list("node", keys)} AS raw
                            FROM {node_sql} GROUP BY c, {held}
                        ) AS lists
                    ) AS found
                ) AS cuts
            ) AS walks
        ) AS customers GROUP BY g, held, w"""
    db.create("variants", sql, "following customers", progress)
    [row] = db.rows("SELECT coalesce(sum(n_after), 0), coalesce(sum(n_repeats), 0) FROM variants")
    return int(row[0]), int(row[1])


State = tuple[int, ...]  # the last touchpoints (oldest first, current last); an outcome alone


def state_transitions(
    db: Database, codes: Codes, order: int, where: str = "true"
) -> Counter[tuple[State, State]]:
    """Customers moving between order-``order`` states (``()`` is entry) in the selected variants.

    States are grouped as integers (the codes as digits in base ``len(ids) + 1``;
    hashing numbers is several times faster than hashing lists) and decoded here.

    Parameters
    ----------
    db : Database
        The engine holding ``variants`` (``build_variants``).
    codes : Codes
        Node ids by code.
    order : int
        K, the touchpoints a state remembers (an outcome is a state alone).
    where : str
        SQL selecting the variants (one segment, or the training customers).

    Returns
    -------
    Counter
        (state, next state) -> customers; a state is its codes, oldest first.

    Examples
    --------
    >>> import duckdb
    >>> from journeymap.ingest.source import DuckDatabase
    >>> con = duckdb.connect()
    >>> walks = "([1, 2, 3], 2), ([2, 3], 1)"  # node codes: a = 1, b = 2, ok = 3
    >>> _ = con.execute(f"CREATE TABLE variants AS SELECT * FROM (VALUES {walks}) v(w, n)")
    >>> sorted(state_transitions(DuckDatabase(con), Codes(["a", "b", "ok"], 2), 2).items())
    [(((), (1,)), 2), (((), (2,)), 1), (((1,), (1, 2)), 2), (((1, 2), (3,)), 2), (((2,), (3,)), 1)]
    """
    d = db.dialect
    base = len(codes.ids) + 1
    kind = d.wide_int(base, order)

    def at(i: str) -> str:
        return d.at("w", i)

    def key(i: str) -> str:
        digits = " + ".join(
            f"CAST(CASE WHEN {i} - {j} >= 1 THEN {at(f'{i} - {j}')} ELSE 0 END AS {kind}) * {base**j}"
            for j in range(order)
        )
        return f"CASE WHEN {at(i)} > {codes.touchpoints} THEN CAST({at(i)} AS {kind}) ELSE {digits} END"

    rows = db.rows(f"""
        SELECT CASE WHEN i = 1 THEN 0 ELSE {key("i - 1")} END AS a, {key("i")} AS b, sum(n) AS n
        FROM (SELECT w, n, {d.each_position("w")} AS i FROM variants WHERE {where}) AS steps
        GROUP BY ALL""")
    return Counter({(key_digits(int(a), base), key_digits(int(b), base)): int(n) for a, b, n in rows})


def key_digits(key: int, base: int) -> State:
    """The codes of a state key, oldest first (``0`` is entry, ``()``).

    Parameters
    ----------
    key : int
        The key: codes as digits in ``base``, the current one last.
    base : int
        One more than the number of codes.

    Returns
    -------
    tuple of int
        The codes, oldest first.

    Examples
    --------
    >>> key_digits(2 * 5 + 1, 5), key_digits(3, 5), key_digits(0, 5)
    ((2, 1), (3,), ())
    """
    found = []
    while key:
        key, digit = divmod(key, base)
        found.append(digit)
    return tuple(reversed(found))


def top_variants(
    db: Database, top: int, where: str = "true", distinct: bool = False
) -> tuple[list[tuple[tuple[int, ...], int]], int, int]:
    """The ``top`` walks by customers, and the customers and walks left in "other".

    ``distinct`` says the selected rows hold each walk once (no customers held out, one
    segment): the walks are then ranked as they are, without grouping them again (at a
    million distinct walks the grouping is most of the cost).

    Parameters
    ----------
    db : Database
        The engine holding ``variants`` (``build_variants``).
    top : int
        How many walks to keep.
    where : str
        SQL selecting the variants (one segment).
    distinct : bool
        Each walk is on one selected row only.

    Returns
    -------
    tuple of (list, int, int)
        (walk, customers) of the ``top`` walks, most customers first; the customers and the
        distinct walks not among them.

    Examples
    --------
    >>> import duckdb
    >>> from journeymap.ingest.source import DuckDatabase
    >>> con = duckdb.connect()
    >>> walks = "('web', [1, 3], 4), ('app', [1, 3], 2), ('web', [2, 3], 3), ('web', [1, 2, 4], 1)"
    >>> _ = con.execute(f"CREATE TABLE variants AS SELECT * FROM (VALUES {walks}) v(g, w, n)")
    >>> top_variants(DuckDatabase(con), 1)
    ([((1, 3), 6)], 4, 2)
    >>> top_variants(DuckDatabase(con), 5, "g = 'app'")
    ([((1, 3), 2)], 0, 0)
    >>> top_variants(DuckDatabase(con), 1, "g = 'web'", distinct=True)
    ([((1, 3), 4)], 4, 2)
    """
    walks = (
        f"variants WHERE {where}"
        if distinct
        else f"(SELECT w, sum(n) AS n FROM variants WHERE {where} GROUP BY w)"
    )
    rows = db.rows(f"SELECT w, n FROM {walks} ORDER BY n DESC, w LIMIT {int(top)}")
    [total] = db.rows(f"SELECT coalesce(sum(n), 0), count(*) FROM {walks}")
    kept = [(tuple(w), int(n)) for w, n in rows]
    return kept, int(total[0]) - sum(n for _, n in kept), int(total[1]) - len(kept)


def first_touch_outcomes(db: Database, where: str = "true") -> list[tuple[int, int, int]]:
    """(first node, final node, customers) over the selected variants.

    Parameters
    ----------
    db : Database
        The engine holding ``variants`` (``build_variants``).
    where : str
        SQL selecting the variants (one segment).

    Returns
    -------
    list of tuple of int
        (first node code, final node code, customers), sorted.

    Examples
    --------
    >>> import duckdb
    >>> from journeymap.ingest.source import DuckDatabase
    >>> con = duckdb.connect()
    >>> walks = "([1, 3], 4), ([1, 2, 3], 2), ([2, 4], 3), ([1, 2, 4], 1)"
    >>> _ = con.execute(f"CREATE TABLE variants AS SELECT * FROM (VALUES {walks}) v(w, n)")
    >>> first_touch_outcomes(DuckDatabase(con))
    [(1, 3, 6), (1, 4, 1), (2, 4, 3)]
    """
    d = db.dialect
    rows = db.rows(
        f"SELECT {d.at('w', '1')}, {d.at('w', '-1')}, sum(n) FROM variants WHERE {where} GROUP BY ALL"
    )
    return sorted((int(a), int(b), int(n)) for a, b, n in rows)
