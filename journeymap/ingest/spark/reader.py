"""Reading event logs and survey answers into Spark: CSV, Parquet, NDJSON, gzip, one file or a folder.

The reader gives the shared ingest SQL what DuckDB's scan gives it: the
mapped columns (CSV and NDJSON fields as text, so no row fails a type
guess; Parquet with its own types) and a ``rowid`` column, the file order.

File order on a distributed file: rows are numbered file by file (files in
path order, so a folder of ``part-00000``, ``part-00001`` ... reads in part
order) and, within a file, in the order of its lines. Spark reads the
splits of a file in parallel; each split's rows get consecutive
``monotonically_increasing_id`` values, so one small aggregation (rows and
smallest id per split) gives every split's offset and ``rowid`` is exact
without a global sort. ``rowid`` is the tie-break after time (and the
mapping's ``order_by``), exactly as on DuckDB, and ``rowid + 1`` is the row
an example names. A DataFrame handed in by a caller has no files: its order
is its partition order (the order ``collect()`` returns).

Lines that cannot be split into the header's fields (Spark's corrupt
records) are reported as malformed lines, like DuckDB's rejected lines;
unlike DuckDB, rows after such a line keep their place in the file, so an
example's row is the data row of the file.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journeymap.errors import InvalidInput
from journeymap.ingest.dialect import SPARK
from journeymap.ingest.source import file_format, refuse_repeated_names, require_columns

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

CORRUPT = "_journeymap_corrupt"
DELIMITERS = ",;\t|"
SAMPLE_LINES = 1000


@dataclass
class Source:
    """A view of the mapped columns with ``rowid``; its column types; its malformed lines."""

    view: str
    types: dict[str, str]
    rejected: tuple[int, list[dict[str, Any]]]
    cached: list[DataFrame] = field(default_factory=list)


def data_files(path: Path) -> tuple[list[Path], str]:
    """The files of ``path`` (a file, or a folder's data files in path order) and their format.

    Hidden and ``_``-prefixed files (``_SUCCESS``, ``.crc``) are skipped, at any depth.

    Parameters
    ----------
    path : Path
        A log file, or a folder of them.

    Returns
    -------
    tuple
        The data files in path order, and their one format (``csv``, ``parquet`` or ``json``).

    Raises
    ------
    InvalidInput
        No such path, a folder without data files, or a folder mixing formats.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("part-00001.csv", "part-00000.csv", "_SUCCESS"):
    ...     _ = (folder / name).write_text("cust,event,ts\\n")
    >>> files, fmt = data_files(folder)
    >>> [f.name for f in files], fmt
    (['part-00000.csv', 'part-00001.csv'], 'csv')
    >>> _ = (folder / "more.parquet").write_bytes(b"")
    >>> data_files(folder)
    Traceback (most recent call last):
    ...
    journeymap.errors.InvalidInput: ...: the folder mixes formats (csv, parquet); keep one
    """
    if not path.exists():
        raise InvalidInput(f"{path}: no such file")
    if path.is_file():
        return [path], file_format(path)
    files = sorted(
        p
        for p in path.rglob("*")
        if p.is_file() and not any(part.startswith((".", "_")) for part in p.relative_to(path).parts)
    )
    if not files:
        raise InvalidInput(f"{path}: the folder holds no data files")
    formats = {file_format(p) for p in files}
    if len(formats) > 1:
        raise InvalidInput(f"{path}: the folder mixes formats ({', '.join(sorted(formats))}); keep one")
    return files, formats.pop()


def open_source(spark: SparkSession, path: Path, wanted: dict[str, str | None], view: str) -> Source:
    """Register ``view``: the log at ``path`` with the ``wanted`` columns and ``rowid``.

    Parameters
    ----------
    spark : SparkSession
        The session reading the files.
    path : Path
        A log file or a folder of them (``data_files``).
    wanted : dict
        Mapping field -> column name (None: not used); every named column must exist.
    view : str
        The temporary view to register.

    Returns
    -------
    Source
        The view, the columns' types, the malformed lines (count, first examples) and
        the cached frames to release afterwards.

    Examples
    --------
    With a session (``tests/ingest/test_spark.py`` runs it)::

        source = open_source(spark, Path("events/"), mapping.read_columns(), "journeymap_events")
        spark.sql(f"SELECT count(*) FROM {source.view}").collect()
    """
    files, fmt = data_files(path)
    names = [str(p) for p in files]
    columns = list(dict.fromkeys(c for c in wanted.values() if c))
    sep = ","
    if fmt == "parquet":
        frame = spark.read.parquet(*names)
    elif fmt == "json":
        frame = _json(spark, names, files[0], wanted, columns)
    else:
        frame, sep = _csv(spark, names, files[0], wanted)
    types = spark_types(frame)
    require_columns(types, wanted, str(path))
    keep = [_quoted(c) for c in ([*columns, CORRUPT] if CORRUPT in frame.columns else columns)]
    numbered, offsets = with_rowid(frame.select(*keep, "_metadata.file_path", "_metadata.file_block_start"))
    numbered.createOrReplaceTempView(f"{view}_all")
    if CORRUPT not in frame.columns:
        spark.sql(f"SELECT * FROM {view}_all").createOrReplaceTempView(view)
        return Source(view, types, (0, []))
    spark.sql(f"SELECT * FROM {view}_all WHERE {CORRUPT} IS NULL").createOrReplaceTempView(view)
    return Source(view, types, _rejected(spark, view, fmt, offsets, (sep, len(types) - 1), str(path)))


def frame_source(frame: DataFrame, wanted: dict[str, str | None], view: str) -> Source:
    """Register ``view``: a caller's DataFrame with the ``wanted`` columns and ``rowid`` (partition order).

    The selected columns are cached first, so the numbering and the ingest see the same rows in the
    same order even when ``frame`` would not compute them alike twice.

    Parameters
    ----------
    frame : DataFrame
        The events.
    wanted : dict
        Mapping field -> column name (None: not used); every named column must exist.
    view : str
        The temporary view to register.

    Returns
    -------
    Source
        The view, the columns' types, no malformed lines, and the cached frame to release.

    Examples
    --------
    In a notebook (``ingest_dataframe`` calls it)::

        source = frame_source(spark.table("lake.web_events"), mapping.read_columns(), "events")
    """
    from pyspark.sql import functions as f

    types = spark_types(frame)
    require_columns(types, wanted, "the DataFrame")
    columns = [_quoted(c) for c in dict.fromkeys(c for c in wanted.values() if c)]
    fixed = frame.select(*columns).select(
        "*", f.lit("").alias("file_path"), f.spark_partition_id().cast("bigint").alias("file_block_start")
    )
    fixed = fixed.persist()
    numbered, _ = with_rowid(fixed)
    numbered.createOrReplaceTempView(view)
    return Source(view, types, (0, []), [fixed])


def _quoted(column: str) -> Any:
    from pyspark.sql import functions as f

    return f.col("`" + column.replace("`", "``") + "`")


def with_rowid(frame: DataFrame) -> tuple[DataFrame, dict[str, int]]:
    """``frame`` (with ``file_path`` and ``file_block_start``) numbered in file order, from 0.

    (The count of the first column only keeps a data column in the scan: Spark refuses a CSV
    scan of nothing but the corrupt-record one.)

    Parameters
    ----------
    frame : DataFrame
        Rows with the columns ``file_path`` and ``file_block_start`` of the split they come from.

    Returns
    -------
    tuple
        The frame with ``rowid`` (and without ``file_block_start``), and the ``rowid`` of each
        file's first row by file path.

    Examples
    --------
    With a session (``open_source`` calls it on a scan's ``_metadata`` columns)::

        numbered, firsts = with_rowid(frame.select("*", "_metadata.file_path",
                                                   "_metadata.file_block_start"))
    """
    from pyspark.sql import functions as f

    tagged = frame.withColumn("_jm_id", f.monotonically_increasing_id())
    blocks = (
        tagged.groupBy("file_path", "file_block_start")
        .agg(f.count(f.lit(1)).alias("n"), f.min("_jm_id").alias("first"), f.count(tagged.columns[0]))
        .collect()
    )
    bases: list[tuple[str, int, int]] = []
    firsts: dict[str, int] = {}
    offset = 0
    for block in sorted(blocks, key=lambda b: (b["file_path"], b["file_block_start"])):
        firsts.setdefault(block["file_path"], offset)
        bases.append((block["file_path"], block["file_block_start"], offset - block["first"]))
        offset += block["n"]
    spark = frame.sparkSession
    columns = {"file_path": "STRING", "file_block_start": "BIGINT", "base": "BIGINT"}
    base = spark.sql(values_sql(columns, bases))
    numbered = tagged.join(f.broadcast(base), ["file_path", "file_block_start"])
    numbered = numbered.withColumn("rowid", f.col("_jm_id") + f.col("base"))
    return numbered.drop("_jm_id", "base", "file_block_start"), firsts


def values_sql(columns: dict[str, str], rows: list[tuple[Any, ...]]) -> str:
    """A query of literal ``rows`` (SQL, so no Python runs on the executors).

    Parameters
    ----------
    columns : dict
        Column name -> Spark SQL type.
    rows : list of tuple
        The rows (``None`` is NULL).

    Returns
    -------
    str
        A ``SELECT ... FROM VALUES`` query (an empty one when there are no rows).

    Examples
    --------
    >>> values_sql({"raw": "STRING", "code": "INTEGER"}, [("it's", 1)])
    "SELECT CAST(c0 AS STRING) AS raw, CAST(c1 AS INTEGER) AS code FROM VALUES ('it\\\\'s', 1) AS v(c0, c1)"
    """
    cells = ", ".join(f"CAST(c{i} AS {kind}) AS {name}" for i, (name, kind) in enumerate(columns.items()))
    names = ", ".join(f"c{i}" for i in range(len(columns)))
    if not rows:
        nulls = ", ".join("NULL" for _ in columns)
        return f"SELECT {cells} FROM VALUES ({nulls}) AS v({names}) WHERE false"
    literal = [", ".join(_value(v) for v in row) for row in rows]
    return f"SELECT {cells} FROM VALUES {', '.join(f'({r})' for r in literal)} AS v({names})"


def _value(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value)
    return SPARK.literal(value)


def spark_types(frame: DataFrame) -> dict[str, str]:
    """Column name -> type in DuckDB's words (``TIMESTAMP``, ``DATE``, ``DOUBLE``, ``VARCHAR`` ...).

    The shared ingest SQL reads times by these names (``source.time_micros``).

    Parameters
    ----------
    frame : DataFrame
        Any frame.

    Returns
    -------
    dict
        Column name -> ``TIMESTAMP``, ``DATE``, ``BIGINT``, ``DOUBLE`` or ``VARCHAR``.

    Examples
    --------
    With a session::

        spark_types(spark.sql("SELECT 1 AS n, 'a' AS s"))   # {'n': 'BIGINT', 's': 'VARCHAR'}
    """
    from pyspark.sql import types as t

    def name(kind: t.DataType) -> str:
        if isinstance(kind, t.TimestampType | t.TimestampNTZType):
            return "TIMESTAMP"
        if isinstance(kind, t.DateType):
            return "DATE"
        if isinstance(kind, t.IntegralType):
            return "BIGINT"
        if isinstance(kind, t.FractionalType):
            return "DOUBLE"
        return "VARCHAR"

    return {field.name: name(field.dataType) for field in frame.schema.fields}


def _head(path: Path, lines: int) -> list[str]:
    """The first ``lines`` lines of a (possibly gzip) text file."""
    opener = gzip.open if path.suffix.lower() in (".gz", ".gzip") else open
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as handle:
            return [line.rstrip("\r\n") for _, line in zip(range(lines), handle, strict=False)]
    except (OSError, EOFError) as exc:
        raise InvalidInput(f"{path}: cannot read ({exc})") from None


def _csv(
    spark: SparkSession, names: list[str], first: Path, wanted: dict[str, str | None]
) -> tuple[DataFrame, str]:
    header = _head(first, 1)
    if not header:
        raise InvalidInput(f"{first}: cannot read (the file is empty)")
    sep = max(DELIMITERS, key=header[0].count)
    cells = [c.strip() for c in next(csv.reader(io.StringIO(header[0]), delimiter=sep))]
    refuse_repeated_names(cells, wanted, str(first))
    schema = ", ".join(f"`{c.replace('`', '``')}` STRING" for c in [*cells, CORRUPT])
    reader = spark.read.schema(schema).options(
        header=True, sep=sep, quote='"', escape='"', mode="PERMISSIVE", columnNameOfCorruptRecord=CORRUPT
    )
    return reader.csv(names), sep


def _json(
    spark: SparkSession, names: list[str], first: Path, wanted: dict[str, str | None], columns: list[str]
) -> DataFrame:
    import json

    seen: dict[str, None] = {}
    for line in _head(first, SAMPLE_LINES):
        try:
            record = json.loads(line) if line.strip() else {}
        except ValueError:
            continue
        if isinstance(record, dict):
            seen.update(dict.fromkeys(record))
    require_columns(dict.fromkeys(seen, "VARCHAR"), wanted, str(first))
    schema = ", ".join(f"`{c.replace('`', '``')}` STRING" for c in [*columns, CORRUPT])
    return spark.read.schema(schema).options(mode="PERMISSIVE", columnNameOfCorruptRecord=CORRUPT).json(names)


def _rejected(
    spark: SparkSession, view: str, fmt: str, firsts: dict[str, int], header: tuple[str, int], source: str
) -> tuple[int, list[dict[str, Any]]]:
    """Malformed lines: their count and the first few (a JSON log with one is refused, as DuckDB does)."""
    found = spark.sql(  # every column: Spark refuses a scan of the corrupt-record column alone
        f"SELECT *, count(*) OVER () AS n_bad FROM {view}_all "
        f"WHERE {CORRUPT} IS NOT NULL ORDER BY rowid LIMIT 5"
    ).collect()
    if not found:
        return 0, []
    rows = [(r["rowid"], r["file_path"], r[CORRUPT], r["n_bad"]) for r in found]
    if fmt == "json":
        line = rows[0][0] - firsts.get(rows[0][1], 0) + 1
        raise InvalidInput(f"{source}: cannot read (malformed JSON on line {line}: {rows[0][2][:120]!r})")
    sep, fields = header
    examples = []
    for rowid, file_path, text, _ in rows:
        given = len(next(csv.reader(io.StringIO(text), delimiter=sep), []))
        problem = "too many columns" if given > fields else "missing columns"
        examples.append(
            {"line": rowid - firsts.get(file_path, 0) + 2, "problem": problem, "text": text[:120]}
        )
    return int(rows[0][3]), examples
