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
    """An in-memory DuckDB connection that spills to a private temporary folder.

    Parameters
    ----------
    memory_limit : str
        DuckDB's ``memory_limit`` (``JOURNEYMAP_INGEST_MEMORY``, else ``1GB``).

    Returns
    -------
    Iterator of duckdb.DuckDBPyConnection
        A context manager yielding the connection (in UTC, file order kept); it is closed on exit.

    Examples
    --------
    >>> with connection("256MB") as con:
    ...     con.execute("SELECT current_setting('TimeZone'), 40 + 2").fetchone()
    ('UTC', 42)
    """
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

    def __init__(self, con: duckdb.DuckDBPyConnection, arrays: bool = True) -> None:
        self.con = con
        self.arrays = arrays  # the ordered pass as array passes over the events sorted once (sequences)

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
    """``csv``, ``parquet`` or ``json`` from the file name (``.gz`` looked through).

    Parameters
    ----------
    path : Path
        The data file (only its name is read).

    Returns
    -------
    str
        ``parquet`` for ``.parquet``/``.pq``, ``json`` for ``.json``/``.ndjson``/``.jsonl``, else ``csv``.

    Examples
    --------
    >>> [file_format(Path(n)) for n in ("log.parquet", "log.ndjson.gz", "log.tsv", "log")]
    ['parquet', 'json', 'csv', 'csv']
    """
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
    """The table function reading ``path`` (CSV read as text, so no row fails a type guess).

    Parameters
    ----------
    path : Path
        The data file (CSV, Parquet or NDJSON, by ``file_format``).

    Returns
    -------
    str
        A DuckDB table function call, to use after ``FROM``.

    Raises
    ------
    InvalidInput
        ``path`` does not exist or is a folder.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> log = folder / "log.csv"
    >>> _ = log.write_text("customer,ts\\nc1,5\\n")
    >>> scan_sql(log).endswith("header = true, all_varchar = true, store_rejects = true)")
    True
    >>> scan_sql(folder)
    Traceback (most recent call last):
    ...
    journeymap.errors.InvalidInput: ...: is a folder, not a data file
    """
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

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The connection that reads the file.
    path : Path
        The data file.
    wanted : dict
        Mapping role -> column name (``None``: the role is not mapped).

    Returns
    -------
    tuple of (str, dict)
        The table function to read ``path`` with, and column name -> DuckDB type.

    Examples
    --------
    >>> import tempfile
    >>> log = Path(tempfile.mkdtemp()) / "log.ndjson"
    >>> _ = log.write_text('{"cust": "c1", "ts": 5, "page": "home"}\\n{"cust": "c2", "ts": "x"}\\n')
    >>> with connection() as con:
    ...     scan, types = open_scan(con, log, {"customer": "cust", "time": "ts", "segment": None})
    ...     rows = con.execute(f"SELECT * FROM {scan}").fetchall()
    >>> types, rows
    ({'cust': 'VARCHAR', 'ts': 'VARCHAR'}, [('c1', '5'), ('c2', 'x')])
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
    """Column name -> DuckDB type of a scan; unreadable files become ``InvalidInput``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The connection that runs the scan.
    scan : str
        A table function or table name, as after ``FROM``.
    source : str
        The file's name, for the error message.

    Returns
    -------
    dict
        Column name -> DuckDB type, in the scan's column order.

    Raises
    ------
    InvalidInput
        DuckDB cannot read the scan.

    Examples
    --------
    >>> import tempfile
    >>> log = Path(tempfile.mkdtemp()) / "log.parquet"
    >>> with connection() as con:
    ...     _ = con.execute(f"COPY (SELECT 'c1' AS cust, 5 AS ts) TO '{log}'")
    ...     column_types(con, scan_sql(log), str(log))
    {'cust': 'VARCHAR', 'ts': 'INTEGER'}
    >>> with connection() as con:
    ...     column_types(con, "read_parquet('no/such.parquet')", "no/such.parquet")
    Traceback (most recent call last):
    ...
    journeymap.errors.InvalidInput: no/such.parquet: cannot read (...)
    """
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
    except duckdb.Error as exc:
        raise InvalidInput(f"{source}: cannot read ({reason(exc)})") from None
    return {str(r[0]): str(r[1]) for r in rows}


def require_columns(types: dict[str, str], wanted: dict[str, str | None], source: str) -> None:
    """Refuse a file that lacks a column the mapping names.

    Parameters
    ----------
    types : dict
        Column name -> type of the file (``column_types``).
    wanted : dict
        Mapping role -> column name (``None``: the role is not mapped).
    source : str
        The file's name, for the error message.

    Raises
    ------
    InvalidInput
        A mapped column is not in ``types``; the message lists the file's columns.

    Examples
    --------
    >>> types = {"cust": "VARCHAR", "ts": "BIGINT"}
    >>> require_columns(types, {"customer": "cust", "time": "ts", "score": None}, "log.csv")
    >>> require_columns(types, {"customer": "cust", "time": "when"}, "log.csv")
    Traceback (most recent call last):
    ...
    journeymap.errors.InvalidInput: log.csv: missing column(s) time -> 'when' (columns: cust, ts)
    """
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

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The connection that reads the header line.
    path : Path
        The CSV file.
    wanted : dict
        Mapping role -> column name (``None``: the role is not mapped).

    Raises
    ------
    InvalidInput
        From ``refuse_repeated_names``, when a mapped column is named twice.

    Examples
    --------
    >>> import tempfile
    >>> log = Path(tempfile.mkdtemp()) / "log.csv"
    >>> _ = log.write_text("cust,ts,ts_1\\nc1,5,6\\n")
    >>> with connection() as con:
    ...     refuse_repeated_headers(con, log, {"customer": "cust", "time": "ts"})
    >>> _ = log.write_text("cust,ts,ts\\nc1,5,6\\n")
    >>> with connection() as con:
    ...     refuse_repeated_headers(con, log, {"customer": "cust", "time": "ts"})
    Traceback (most recent call last):
    ...
    journeymap.errors.InvalidInput: ...log.csv: columns.time: 'ts' names 2 columns ...; rename one
    """
    header = con.execute(
        f"SELECT * FROM read_csv({literal(path)}, header = false, all_varchar = true) LIMIT 1"
    ).fetchone()
    refuse_repeated_names([str(c).strip() for c in header or ()], wanted, str(path))


def refuse_repeated_names(cells: list[str], wanted: dict[str, str | None], source: str) -> None:
    """Refuse a header (``cells``) that names a mapped column twice, saying which columns.

    Parameters
    ----------
    cells : list of str
        The header's cells, in file order.
    wanted : dict
        Mapping role -> column name (``None``: the role is not mapped).
    source : str
        The file's name, for the error message.

    Raises
    ------
    InvalidInput
        A mapped column names two or more cells.

    Examples
    --------
    >>> refuse_repeated_names(["cust", "ts", "ts_1"], {"time": "ts", "score": None}, "log.csv")
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
    """A quoted SQL identifier.

    Parameters
    ----------
    name : str
        The column or table name.
    dialect : Dialect
        The engine's spelling (DuckDB unless given).

    Returns
    -------
    str
        ``name`` quoted, its quote characters doubled.

    Examples
    --------
    >>> from journeymap.ingest.dialect import SPARK
    >>> ident('say "hi"!'), ident("say `hi`!", SPARK)
    ('"say ""hi""!"', '`say ``hi``!`')
    """
    return dialect.ident(name)


def literal(value: Any, dialect: Dialect = DUCKDB) -> str:
    """A SQL string literal.

    Parameters
    ----------
    value : Any
        The value, written as its ``str``.
    dialect : Dialect
        The engine's spelling (DuckDB unless given).

    Returns
    -------
    str
        The quoted literal.

    Examples
    --------
    >>> import duckdb
    >>> literal("it's"), duckdb.sql(f"SELECT {literal(Path('a') / 'b')}").fetchall()
    ("'it''s'", [('a/b',)])
    """
    return dialect.literal(value)


def text(column: str, dialect: Dialect = DUCKDB) -> str:
    """A column as trimmed text, empty strings as NULL.

    Parameters
    ----------
    column : str
        The column name (quoted here).
    dialect : Dialect
        The engine's spelling (DuckDB unless given).

    Returns
    -------
    str
        The SQL expression.

    Examples
    --------
    >>> import duckdb
    >>> rows = "(' web '), ('  '), (NULL)"
    >>> duckdb.sql(f"SELECT {text('my col')} FROM (VALUES {rows}) v(\\"my col\\")").fetchall()
    [('web',), (None,), (None,)]
    """
    return f"nullif(trim(CAST({dialect.ident(column)} AS STRING)), '')"


def rescaled(value: str, source: Scale, target: Scale) -> str:
    """SQL mapping a number linearly from ``source`` onto ``target`` (NULL when off ``source``).

    Parameters
    ----------
    value : str
        A SQL expression giving the number.
    source : Scale
        The scale ``value`` is on.
    target : Scale
        The scale to map it onto.

    Returns
    -------
    str
        A SQL ``CASE`` expression.

    Examples
    --------
    >>> import duckdb
    >>> sql = rescaled("x", Scale(min=1, max=5), Scale(min=0, max=10))
    >>> duckdb.sql(f"SELECT {sql} FROM (VALUES (1.0::DOUBLE), (4), (6)) v(x)").fetchall()
    [(0.0,), (7.5,), (None,)]
    """
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

    Parameters
    ----------
    column : str
        The time column's name.
    sql_type : str
        Its type in the scan (``VARCHAR`` for CSV; a number, ``TIMESTAMP`` or ``DATE`` otherwise).
    fmt : str
        ``auto``, ``epoch_s``, ``epoch_ms`` or ``iso``.
    dialect : Dialect
        The engine's spelling (DuckDB unless given).

    Returns
    -------
    str
        A SQL expression giving a ``BIGINT`` of microseconds since 1970 UTC.

    Examples
    --------
    >>> import duckdb
    >>> rows = "('1700000000'), ('1700000000000'), ('2023-11-14T22:13:20Z'), ('yesterday')"
    >>> sql = time_micros("ts", "VARCHAR", "auto")
    >>> duckdb.sql(f"SET TimeZone = 'UTC'; SELECT {sql} FROM (VALUES {rows}) v(ts)").fetchall()
    [(1700000000000000,), (1700000000000000,), (1700000000000000,), (None,)]
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
    """Malformed CSV lines DuckDB skipped: their count and the first few.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The connection that scanned the CSV with ``store_rejects`` (``scan_sql``).
    limit : int
        How many lines to describe.

    Returns
    -------
    tuple of (int, list of dict)
        The count of rejected lines, and the first ``limit`` as ``line``, ``problem`` and ``text``.

    Examples
    --------
    >>> import tempfile
    >>> log = Path(tempfile.mkdtemp()) / "log.csv"
    >>> _ = log.write_text("cust,ts\\nc1,5\\nc2,6,7\\nc3,8\\n")
    >>> with connection() as con:
    ...     _ = con.execute(f"SELECT * FROM {scan_sql(log)}").fetchall()
    ...     rejected_lines(con, 5)
    (1, [{'line': 3, 'problem': 'too many columns', 'text': 'c2,6,7'}])
    """
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

    Parameters
    ----------
    exc : Exception
        The error DuckDB raised.

    Returns
    -------
    str
        One line of it (the exception's class name when its text is empty).

    Examples
    --------
    >>> import duckdb
    >>> try:
    ...     duckdb.sql("SELECT * FROM no_such_table")
    ... except duckdb.Error as exc:
    ...     reason(exc)
    'Catalog Error: Table with name no_such_table does not exist!'
    >>> reason(ValueError("CSV Error on Line: 3\\nMaximum line size of 10 bytes exceeded"))
    'Maximum line size of 10 bytes exceeded'
    """
    lines = str(exc).strip().splitlines()
    too_long = [line for line in lines if line.startswith("Maximum line size")]
    return (too_long or lines or [type(exc).__name__])[0]
