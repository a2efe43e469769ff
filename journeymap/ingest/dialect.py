"""One SQL text, two engines: the few places where DuckDB and Spark SQL spell a query differently.

Every query of the ingest (loading a log, row problems, the ordered pass over
each customer's events, the walks, variants and order-K states, scores and
surveys) is written once, as SQL text, in ``events``, ``timing``, ``walks``,
``order`` and ``surveys``; both engines run that same text. We chose SQL text
over a plan builder (a DataFrame API, or SQLGlot transpiling one dialect into
the other) because the ingest already was SQL, both engines accept the same
ANSI core (window functions with frames, ``FILTER`` on aggregates,
``GROUPING SETS``, ``try_cast``, ``GROUP BY ALL``), and the handful of spellings
that differ fit in the small table below, so a reader checks the two engines'
equivalence in one place instead of in two hand-kept copies.

==================  ===============================  =========================================
what                DuckDB                           Spark SQL
==================  ===============================  =========================================
identifier          ``"col"``                        ```col```
string literal      ``'it''s'``                      ``'it\\'s'`` (backslash escapes)
list literal        ``[1, 2]::INTEGER[]``            ``array(CAST(1 AS INT), ...)``
element i (1-based) ``(l)[i]``                       ``try_element_at(l, i)``
position of x       ``list_position(l, x)``          ``nullif(array_position(l, x), 0)``
length, append      ``len``, ``list_append``         ``size``, ``array_append``
head, first match   ``l[1:p]``, ``list_position``    ``slice``, ``array_position(transform)``
collapse repeats    ``list_filter`` (index from 1)   ``filter`` (index from 0)
ordered list        ``list(v ORDER BY k)``           ``array_sort(collect_list(struct(k, v)))``
first by order      ``first(v ORDER BY k)``          ``min_by(v, struct(k))``
last non-null       ``last_value(v IGNORE NULLS)``   ``last(v, true)``
median and p90      ``quantile_cont(x, [.5, .9])``   ``percentile(x, array(.5, .9))``
one row per i       ``unnest(range(1, len(l)+1))``   ``explode(sequence(1, size(l)))``
wide integer        ``HUGEINT``                      ``DECIMAL(38, 0)``
held-out customer   ``md5_number(c) % 5 = 0``        the same number, from ``md5(c)``'s hex
timestamp -> us     ``epoch_us(CAST(x AS TIMESTAMPTZ))``  ``unix_micros(CAST(x AS TIMESTAMP))``
file order          the table's ``rowid``            a ``rowid`` column the reader adds
==================  ===============================  =========================================

Both medians are exact order statistics interpolated linearly between the two
nearest ranks (DuckDB's ``quantile_cont`` and Spark's ``percentile`` agree).
The held-out split uses that 16 is 1 modulo 5: the 128-bit MD5 number modulo 5
equals the sum of its four 32-bit chunks modulo 5, which Spark's ``conv`` reads.

>>> DUCKDB.at(SPARK.array(["1", "2"], "INTEGER"), "i")
'(array(CAST(1 AS INTEGER), CAST(2 AS INTEGER)))[i]'
>>> SPARK.literal("it's")
"'it\\\\'s'"
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

from journeymap.ingest.progress import Progress

Name = Literal["duckdb", "spark"]
HELD_OUT = 5  # one customer in HELD_OUT is held out when the order is chosen from the data


@dataclass(frozen=True)
class Dialect:
    """How one engine spells the few constructs the shared ingest SQL needs."""

    name: Name

    @property
    def spark(self) -> bool:
        return self.name == "spark"

    def ident(self, name: str) -> str:
        """A quoted identifier."""
        if self.spark:
            return "`" + name.replace("`", "``") + "`"
        return '"' + name.replace('"', '""') + '"'

    def literal(self, value: Any) -> str:
        """A string literal."""
        text = str(value)
        if self.spark:
            return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return "'" + text.replace("'", "''") + "'"

    def array(self, items: list[str], sql_type: str) -> str:
        """A list of SQL values of ``sql_type``."""
        if self.spark:
            if not items:
                return f"CAST(array() AS ARRAY<{sql_type}>)"
            return "array(" + ", ".join(f"CAST({i} AS {sql_type})" for i in items) + ")"
        return "[" + ", ".join(items) + f"]::{sql_type}[]"

    def at(self, items: str, index: str) -> str:
        """Element ``index`` (from 1; negative from the end) of a list, NULL when out of range."""
        return f"try_element_at({items}, {index})" if self.spark else f"({items})[{index}]"

    def position(self, items: str, value: str) -> str:
        """Where ``value`` first is in a list (from 1), NULL when absent."""
        if self.spark:
            return f"CAST(nullif(array_position({items}, {value}), 0) AS INTEGER)"
        return f"CAST(list_position({items}, {value}) AS INTEGER)"

    def length(self, items: str) -> str:
        return f"size({items})" if self.spark else f"len({items})"

    def append(self, items: str, value: str) -> str:
        return f"array_append({items}, {value})" if self.spark else f"list_append({items}, {value})"

    def ordered_list(self, value: str, keys: list[str], where: str = "true") -> str:
        """The aggregate list of ``value`` over the rows ``where`` selects, ordered by ``keys``."""
        if self.spark:
            fields = ", ".join(f"{k} AS k{i}" for i, k in enumerate(keys))
            pairs = f"collect_list(struct({fields}, {value} AS v)) FILTER (WHERE {where})"
            return f"transform(array_sort({pairs}), x -> x.v)"
        return f"list({value} ORDER BY {', '.join(keys)}) FILTER (WHERE {where})"

    def first_by(self, value: str, keys: str) -> str:
        """The aggregate ``value`` of the first row by ``keys`` (a comma-separated column list)."""
        if self.spark:
            return f"min_by({value}, struct({keys}))"
        return f"first({value} ORDER BY {keys})"

    def last_known(self, value: str) -> str:
        """The window function giving the last non-NULL ``value`` of the frame."""
        return f"last({value}, true)" if self.spark else f"last_value({value} IGNORE NULLS)"

    def first_over(self, items: str, threshold: int) -> str:
        """Where the first element above ``threshold`` is in a list (from 1), 0 when none is."""
        if self.spark:
            return f"array_position(transform({items}, x -> x > {threshold}), true)"
        return f"coalesce(list_position(list_transform({items}, lambda x: x > {threshold}), true), 0)"

    def head(self, items: str, count: str) -> str:
        """The first ``count`` elements of a list."""
        return f"slice({items}, 1, {count})" if self.spark else f"({items})[1:{count}]"

    def collapse(self, items: str) -> str:
        """A list with runs of equal neighbours collapsed into one element."""
        if self.spark:  # the index of Spark's lambdas and brackets counts from 0
            return f"filter({items}, (x, i) -> CASE WHEN i = 0 THEN true ELSE x <> {items}[i - 1] END)"
        return f"list_filter({items}, lambda x, i: i = 1 OR x <> ({items})[i - 1])"

    def row_number(self) -> str:
        """The row's place in the file, from 1 (DuckDB numbers a scan in file order)."""
        return "rowid + 1" if self.spark else "row_number() OVER ()"

    def file_order(self) -> str:
        """The column list carrying the file order into a table (DuckDB's tables have ``rowid``)."""
        return ", rowid" if self.spark else ""

    def quantiles(self, value: str, where: str) -> str:
        """The median and 90th percentile of ``value`` (exact, interpolated), as a two-element list."""
        if self.spark:
            return f"percentile({value}, array(0.5, 0.9)) FILTER (WHERE {where})"
        return f"quantile_cont({value}, [0.5, 0.9]) FILTER (WHERE {where})"

    def each_position(self, items: str) -> str:
        """A set-returning expression: one row per position 1 .. length of the list."""
        if self.spark:
            return f"explode(sequence(1, size({items})))"
        return f"unnest(range(1, len({items}) + 1))"

    def wide_int(self, base: int, order: int) -> str:
        """An integer type holding ``base ** order``."""
        if base**order < 2**62:
            return "BIGINT"
        return "DECIMAL(38, 0)" if self.spark else "HUGEINT"

    def held(self, customer: str) -> str:
        """True for the customers held out when the order is chosen (the same ones on both engines)."""
        if not self.spark:
            return f"(md5_number({customer}) % {HELD_OUT}) = 0"
        chunks = " + ".join(
            f"CAST(conv(substr(md5({customer}), {i}, 8), 16, 10) AS BIGINT)" for i in (1, 9, 17, 25)
        )
        return f"(({chunks}) % {HELD_OUT}) = 0"

    def epoch_us(self, timestamp: str) -> str:
        """A timestamp column in epoch microseconds (a timestamp without zone is read as UTC)."""
        if self.spark:
            return f"unix_micros(CAST({timestamp} AS TIMESTAMP))"
        return f"epoch_us(CAST({timestamp} AS TIMESTAMPTZ))"

    def iso_us(self, text: str) -> str:
        """ISO-8601 text in epoch microseconds (a missing offset means UTC), NULL when unreadable."""
        if self.spark:
            return f"unix_micros(try_cast({text} AS TIMESTAMP))"
        return f"epoch_us(try_cast({text} AS TIMESTAMPTZ))"


DUCKDB = Dialect("duckdb")
SPARK = Dialect("spark")


class Database(Protocol):
    """An engine running the shared SQL: temporary tables by name, rows back as tuples."""

    dialect: Dialect

    def rows(self, sql: str, label: str | None = None, progress: Progress | None = None) -> list[Any]:
        """The rows of a query (``label`` names the step for ``progress``)."""
        ...

    def create(self, name: str, sql: str, label: str | None = None, progress: Progress | None = None) -> None:
        """Materialise a query as the temporary table ``name`` (replacing one of that name)."""
        ...

    def values(self, name: str, columns: dict[str, str], rows: list[tuple[Any, ...]]) -> None:
        """A small temporary table ``name`` of ``columns`` (name -> SQL type) holding ``rows``."""
        ...

    def keep(self, name: str, where: str) -> None:
        """Keep only the rows of table ``name`` for which ``where`` holds (the file order stays)."""
        ...
