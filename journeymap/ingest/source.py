"""Opening data files in DuckDB: format detection, column types, time parsing.

DuckDB streams CSV (any delimiter, gzip), Parquet and NDJSON; with a memory
limit and a spill folder it works on files larger than memory. File order is
kept by materialising the scan with ``preserve_insertion_order`` on (DuckDB's
default, set explicitly here): the table's ``rowid`` is then the data row's
position in the file, the tie-break for equal timestamps.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from journeymap.errors import InvalidInput
from journeymap.ingest.dialect import DUCKDB, Dialect
from journeymap.ingest.progress import Progress, run
from journeymap.model import Scale

MEMORY_LIMIT = os.environ.get("JOURNEYMAP_INGEST_MEMORY", "1GB")
NUMERIC_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL", "U")


@contextmanager
def connection(memory_limit: str = MEMORY_LIMIT) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB connection that spills to a private temporary folder."""
    with tempfile.TemporaryDirectory(prefix="journeymap-ingest-") as spill:
        con = duckdb.connect(":memory:")
        try:
            con.execute(f"SET memory_limit = '{_quote(memory_limit)}'")
            con.execute(f"SET temp_directory = '{_quote(spill)}'")
            con.execute("SET preserve_insertion_order = true")
            con.execute("SET TimeZone = 'UTC'")
            con.execute("SET enable_progress_bar_print = false")  # never DuckDB's own bar on stdout
            yield con
        finally:
            con.close()


class DuckDatabase:
    """The shared ingest SQL run on a DuckDB connection (see ``journeymap.ingest.dialect``)."""

    dialect = DUCKDB

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def rows(self, sql: str, label: str | None = None, progress: Progress | None = None) -> list[Any]:
        if label is None:
            return self.con.execute(sql).fetchall()
        return run(self.con, sql, label, progress).fetchall()

    def create(self, name: str, sql: str, label: str | None = None, progress: Progress | None = None) -> None:
        statement = f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}"
        if label is None:
            self.con.execute(statement)
        else:
            run(self.con, statement, label, progress)

    def values(self, name: str, columns: dict[str, str], rows: list[tuple[Any, ...]]) -> None:
        fields = ", ".join(f"{c} {t}" for c, t in columns.items())
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({fields})")
        if rows:
            marks = ", ".join("?" for _ in columns)
            self.con.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)

    def keep(self, name: str, where: str) -> None:
        self.con.execute(f"DELETE FROM {name} WHERE NOT ({where})")  # rowid, the file order, stays


def file_format(path: Path) -> str:
    """``csv``, ``parquet`` or ``json`` from the file name (``.gz`` looked through)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".gz", ".gzip", ".zst"):
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    if last in (".parquet", ".pq"):
        return "parquet"
    if last in (".json", ".ndjson", ".jsonl"):
        return "json"
    return "csv"


def scan_sql(path: Path) -> str:
    """The table function reading ``path`` (CSV read as text, so no row fails a type guess)."""
    if not path.exists():
        raise InvalidInput(f"{path}: no such file")
    if path.is_dir():
        raise InvalidInput(f"{path}: is a folder, not a data file")
    name = _quote(str(path))
    fmt = file_format(path)
    if fmt == "parquet":
        return f"read_parquet('{name}')"
    if fmt == "json":
        return f"read_json('{name}', format = 'newline_delimited')"
    return f"read_csv('{name}', header = true, all_varchar = true, store_rejects = true)"


def open_scan(
    con: duckdb.DuckDBPyConnection, path: Path, wanted: dict[str, str | None]
) -> tuple[str, dict[str, str]]:
    """The scan of ``path`` and its column types, refusing files without the ``wanted`` columns.

    NDJSON is read back with the wanted columns as text: DuckDB types JSON
    fields from a sample, and a later value of another type would stop the scan.
    """
    scan = scan_sql(path)
    types = column_types(con, scan, str(path))
    require_columns(types, wanted, str(path))
    if file_format(path) == "csv" and any(f"{c}_1" in types for c in wanted.values() if c):
        refuse_repeated_headers(con, path, wanted)
    if file_format(path) == "json":
        fields = ", ".join(f"{literal(c)}: 'VARCHAR'" for c in dict.fromkeys(c for c in wanted.values() if c))
        scan = f"read_json({literal(path)}, format = 'newline_delimited', columns = {{{fields}}})"
        types = {c: "VARCHAR" for c in wanted.values() if c}
    return scan, types


def column_types(con: duckdb.DuckDBPyConnection, scan: str, source: str) -> dict[str, str]:
    """Column name -> DuckDB type of a scan; unreadable files become ``InvalidInput``."""
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
    except duckdb.Error as exc:
        raise InvalidInput(f"{source}: cannot read ({reason(exc)})") from None
    return {str(r[0]): str(r[1]) for r in rows}


def require_columns(types: dict[str, str], wanted: dict[str, str | None], source: str) -> None:
    """Refuse a file that lacks a column the mapping names."""
    missing = [f"{role} -> '{col}'" for role, col in wanted.items() if col and col not in types]
    if missing:
        have = ", ".join(types) or "none"
        raise InvalidInput(f"{source}: missing column(s) {', '.join(missing)} (columns: {have})")


def refuse_repeated_headers(
    con: duckdb.DuckDBPyConnection, path: Path, wanted: dict[str, str | None]
) -> None:
    """Refuse a CSV whose header names a mapped column twice.

    DuckDB renames the second ``ts`` to ``ts_1``, so the first would be read silently;
    only called when such a name shows up, as a file may also have a real ``ts_1``.
    """
    header = con.execute(
        f"SELECT * FROM read_csv({literal(path)}, header = false, all_varchar = true) LIMIT 1"
    ).fetchone()
    refuse_repeated_names([str(c).strip() for c in header or ()], wanted, str(path))


def refuse_repeated_names(cells: list[str], wanted: dict[str, str | None], source: str) -> None:
    """Refuse a header (``cells``) that names a mapped column twice, saying which columns.

    >>> refuse_repeated_names(["cust", "ts", "ts"], {"time": "ts"}, "log.csv")
    Traceback (most recent call last):
    ...
    journeymap.errors.InvalidInput: log.csv: columns.time: 'ts' names 2 columns ...rename one
    """
    for role, column in wanted.items():
        places = [str(i + 1) for i, cell in enumerate(cells) if column and cell == column]
        if len(places) > 1:
            raise InvalidInput(
                f"{source}: columns.{role}: '{column}' names {len(places)} columns of the header "
                f"(columns {', '.join(places)}); rename one"
            )


def ident(name: str, dialect: Dialect = DUCKDB) -> str:
    """A quoted SQL identifier."""
    return dialect.ident(name)


def literal(value: Any, dialect: Dialect = DUCKDB) -> str:
    """A SQL string literal."""
    return dialect.literal(value)


def text(column: str, dialect: Dialect = DUCKDB) -> str:
    """A column as trimmed text, empty strings as NULL."""
    return f"nullif(trim(CAST({dialect.ident(column)} AS STRING)), '')"


def rescaled(value: str, source: Scale, target: Scale) -> str:
    """SQL mapping a number linearly from ``source`` onto ``target`` (NULL when off ``source``)."""
    factor = (target.max - target.min) / (source.max - source.min)
    return (
        f"CASE WHEN {value} BETWEEN {source.min} AND {source.max} "
        f"THEN {target.min} + ({value} - {source.min}) * {factor} END"
    )


def time_micros(column: str, sql_type: str, fmt: str, dialect: Dialect = DUCKDB) -> str:
    """SQL for the event time in epoch microseconds (NULL when it cannot be parsed).

    ``auto`` reads a number as epoch milliseconds when its magnitude is at least
    1e11 (in seconds that would be the year 5138) and as epoch seconds
    otherwise; anything else is parsed as an ISO-8601 timestamp (a missing
    offset means UTC).
    """
    col = dialect.ident(column)
    if sql_type.startswith("TIMESTAMP") or sql_type == "DATE":
        return dialect.epoch_us(col)
    number = (
        f"try_cast({col} AS DOUBLE)" if not sql_type.startswith(NUMERIC_TYPES) else f"CAST({col} AS DOUBLE)"
    )
    seconds = f"try_cast(round({number} * 1e6) AS BIGINT)"  # NULL (a bad time) when out of range
    millis = f"try_cast(round({number} * 1e3) AS BIGINT)"
    iso = dialect.iso_us(text(column, dialect))
    if fmt == "epoch_s":
        return seconds
    if fmt == "epoch_ms":
        return millis
    if fmt == "iso":
        return iso
    return (
        f"CASE WHEN {number} IS NULL THEN {iso} WHEN abs({number}) >= 1e11 THEN {millis} ELSE {seconds} END"
    )


def rejected_lines(con: duckdb.DuckDBPyConnection, limit: int) -> tuple[int, list[dict[str, Any]]]:
    """Malformed CSV lines DuckDB skipped: their count and the first few."""
    try:
        total = con.execute("SELECT count(DISTINCT line) FROM reject_errors").fetchone()
        rows = con.execute(
            "SELECT line, min(error_type), min(csv_line) FROM reject_errors "
            f"GROUP BY line ORDER BY line LIMIT {int(limit)}"
        ).fetchall()
    except duckdb.Error:
        return 0, []
    examples = [{"line": int(r[0]), "problem": str(r[1]).lower(), "text": str(r[2])[:120]} for r in rows]
    return int(total[0]) if total else 0, examples


def _quote(value: str) -> str:
    return value.replace("'", "''")


def reason(exc: Exception) -> str:
    """DuckDB's error in one line: its first, or the line naming an over-long CSV line.

    DuckDB's "CSV Error on Line: N" counts from the sniffer's sample, not the file,
    so when a line is over ``max_line_size`` the line saying so is the clearer one.
    """
    lines = str(exc).strip().splitlines()
    too_long = [line for line in lines if line.startswith("Maximum line size")]
    return (too_long or lines or [type(exc).__name__])[0]
