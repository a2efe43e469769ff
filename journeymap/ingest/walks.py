"""Customers' walks in DuckDB: each customer's node sequence, cleaned, grouped into variants.

A walk is a customer's events in order (``events.ORDER_KEYS``), cut after the
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

from journeymap.ingest.progress import Progress, run

if TYPE_CHECKING:  # DuckDB is the [ingest] extra; build.py needs StateInfo without it
    import duckdb

HELD_OUT = 5  # one customer in HELD_OUT is held out when the order is chosen from the data


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
    con: duckdb.DuckDBPyConnection,
    node_sql: str,
    order_keys: str,
    codes: Codes,
    default_code: int,
    segment: str = "NULL::VARCHAR",
    hold_out: bool = False,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Create the ``variants`` table; return (events after an outcome, repeats collapsed)."""
    held = f"(md5_number(c) % {HELD_OUT}) = 0" if hold_out else "false"
    is_outcome = f"list_transform(raw, lambda x: x > {codes.touchpoints})"
    first_outcome = f"coalesce(list_position({is_outcome}, true), 0)"
    sql = f"""
        CREATE OR REPLACE TEMP TABLE variants AS
        SELECT g, held, w, count(*) AS n, sum(after) AS after, sum(repeats) AS repeats FROM (
            SELECT g, held, after, len(cut) - len(walk) AS repeats,
                   CASE WHEN p > 0 THEN walk ELSE list_append(walk, {default_code}) END AS w
            FROM (
                SELECT g, held, cut, p, len(raw) - len(cut) AS after,
                       list_filter(cut, lambda x, i: i = 1 OR x <> cut[i - 1]) AS walk
                FROM (
                    SELECT g, held, raw, p, CASE WHEN p > 0 THEN raw[1:p] ELSE raw END AS cut
                    FROM (
                        SELECT g, held, raw, {first_outcome} AS p
                        FROM (
                            SELECT {segment} AS g, {held} AS held, list(node ORDER BY {order_keys}) AS raw
                            FROM {node_sql} GROUP BY c, g, held
                        )
                    )
                )
            )
        ) GROUP BY ALL"""
    run(con, sql, "following customers", progress)
    row = con.execute("SELECT coalesce(sum(after), 0), coalesce(sum(repeats), 0) FROM variants").fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


State = tuple[int, ...]  # the last touchpoints (oldest first, current last); an outcome alone


def state_transitions(
    con: duckdb.DuckDBPyConnection, codes: Codes, order: int, where: str = "true"
) -> Counter[tuple[State, State]]:
    """Customers moving between order-``order`` states (``()`` is entry) in the selected variants.

    States are grouped as integers (the codes as digits in base ``len(ids) + 1``;
    hashing numbers is several times faster than hashing lists) and decoded here.
    """
    base = len(codes.ids) + 1
    kind = "BIGINT" if base**order < 2**62 else "HUGEINT"

    def key(i: str) -> str:
        digits = " + ".join(
            f"CAST(CASE WHEN {i} - {j} >= 1 THEN w[{i} - {j}] ELSE 0 END AS {kind}) * {base**j}"
            for j in range(order)
        )
        return f"CASE WHEN w[{i}] > {codes.touchpoints} THEN CAST(w[{i}] AS {kind}) ELSE {digits} END"

    rows = con.execute(f"""
        SELECT CASE WHEN i = 1 THEN 0 ELSE {key("i - 1")} END AS a, {key("i")} AS b, sum(n) AS n
        FROM (SELECT w, n, unnest(range(1, len(w) + 1)) AS i FROM variants WHERE {where})
        GROUP BY ALL""").fetchall()
    return Counter({(_digits(int(a), base), _digits(int(b), base)): int(n) for a, b, n in rows})


def _digits(key: int, base: int) -> State:
    """The codes of a state key, oldest first (``0`` is entry, ``()``)."""
    found = []
    while key:
        key, digit = divmod(key, base)
        found.append(digit)
    return tuple(reversed(found))


def top_variants(
    con: duckdb.DuckDBPyConnection, top: int, where: str = "true"
) -> tuple[list[tuple[tuple[int, ...], int]], int, int]:
    """The ``top`` walks by customers, and the customers and walks left in "other"."""
    rows = con.execute(
        f"SELECT w, sum(n) AS n FROM variants WHERE {where} GROUP BY w ORDER BY n DESC, w LIMIT {int(top)}"
    ).fetchall()
    total = con.execute(
        f"SELECT coalesce(sum(n), 0), count(DISTINCT w) FROM variants WHERE {where}"
    ).fetchone()
    assert total is not None
    kept = [(tuple(w), int(n)) for w, n in rows]
    return kept, int(total[0]) - sum(n for _, n in kept), int(total[1]) - len(kept)


def first_touch_outcomes(con: duckdb.DuckDBPyConnection, where: str = "true") -> list[tuple[int, int, int]]:
    """(first node, final node, customers) over the selected variants."""
    rows = con.execute(
        f"SELECT w[1], w[-1], sum(n) FROM variants WHERE {where} GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    return [(int(a), int(b), int(n)) for a, b, n in rows]
