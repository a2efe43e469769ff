"""The Spark ingest engine: the same journey as DuckDB's, from logs too big for one machine.

It runs the very SQL text of the DuckDB engine (``journeymap.ingest.dialect``
lists the few spellings that differ) on Spark SQL, so counts, outcome
rules, the tie rule, bad-row reports, timing, behaviour, variants and the
order-K states are one definition on both engines. Two ways in:

- a path (``journeymap ingest EVENTS --engine spark [--spark-master URL]``,
  or ``ingest_events(path, mapping, engine=SparkEngine(spark))``): CSV,
  Parquet, NDJSON, gzip, one file or a folder of many;
- a DataFrame a notebook already holds (``ingest_dataframe``).

Ties: a customer's events with equal times are ordered as on DuckDB
(touchpoint before outcome, or the mapping's ``order_by`` column), then by
file order, which for a folder means file by file in path order and line by
line within each (``journeymap.ingest.spark.reader``), and for a DataFrame
its partition order. A log whose ties matter beyond that names an
``order_by`` column: it decides on every engine and every cluster layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journeymap.errors import InvalidInput
from journeymap.ingest.dialect import SPARK
from journeymap.ingest.events import aggregate_loaded, load_events
from journeymap.ingest.mapping import Mapping
from journeymap.ingest.progress import Progress
from journeymap.ingest.segments import EventAggregate
from journeymap.ingest.spark.reader import Source, frame_source, open_source, values_sql
from journeymap.ingest.spark.session import start_session
from journeymap.ingest.surveys import SurveyAggregate, aggregate_answers

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from journeymap.ingest.pipeline import IngestResult

__all__ = ["SparkDatabase", "SparkEngine", "ingest_dataframe", "start_session"]


class SparkDatabase:
    """The shared ingest SQL run on a Spark session; tables are cached temporary views."""

    dialect = SPARK

    def __init__(self, spark: SparkSession) -> None:
        self.spark = spark
        self.cached: dict[str, DataFrame] = {}

    def rows(self, sql: str, label: str | None = None, progress: Progress | None = None) -> list[Any]:
        if progress is not None and label is not None:
            progress.step(label)
        rows = [tuple(row) for row in self.spark.sql(sql).collect()]
        if progress is not None and label is not None:
            progress.update(100.0)
        return rows

    def create(self, name: str, sql: str, label: str | None = None, progress: Progress | None = None) -> None:
        from pyspark import StorageLevel

        if progress is not None and label is not None:
            progress.step(label)
        frame = self.spark.sql(sql).persist(StorageLevel.MEMORY_AND_DISK)
        frame.count()  # computed once, here, and read from the cache by every later query
        old = self.cached.pop(name, None)
        frame.createOrReplaceTempView(name)
        if old is not None:
            old.unpersist()
        self.cached[name] = frame
        if progress is not None and label is not None:
            progress.update(100.0)

    def values(self, name: str, columns: dict[str, str], rows: list[tuple[Any, ...]]) -> None:
        self.spark.sql(values_sql(columns, rows)).createOrReplaceTempView(name)

    def keep(self, name: str, where: str) -> None:
        self.create(name, f"SELECT * FROM {name} WHERE {where}")  # rowid is a column here

    def close(self) -> None:
        """Drop the cached tables."""
        for name, frame in self.cached.items():
            frame.unpersist()
            self.spark.catalog.dropTempView(name)
        self.cached.clear()


@contextmanager
def _session_state(spark: SparkSession, source: str) -> Iterator[SparkDatabase]:
    """A database on ``spark`` in UTC; Spark's errors on the data become ``InvalidInput`` on ``source``."""
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    zone = spark.conf.get("spark.sql.session.timeZone")
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    db = SparkDatabase(spark)
    try:
        yield db
    except (PySparkException, Py4JError) as exc:
        raise InvalidInput(f"{source}: cannot read ({_reason(exc)})") from None
    finally:
        db.close()
        spark.conf.set("spark.sql.session.timeZone", zone or "UTC")


def _reason(exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0][:300] if lines else type(exc).__name__


def _aggregate(
    db: SparkDatabase, source: Source, mapping: Mapping, strict: bool, progress: Progress | None
) -> dict[str | None, EventAggregate]:
    try:
        load_events(db, source.view, source.types, mapping, progress)
        return aggregate_loaded(db, mapping, source.rejected, strict, progress)
    finally:
        for frame in source.cached:
            frame.unpersist()


class SparkEngine:
    """Ingest on a Spark session: ``ingest_events(path, mapping, engine=SparkEngine(spark))``."""

    name = "spark"

    def __init__(self, spark: SparkSession) -> None:
        self.spark = spark

    def events(
        self, path: Path, mapping: Mapping, strict: bool, progress: Progress | None
    ) -> dict[str | None, EventAggregate]:
        """Aggregate the event log at ``path`` (a file or a folder of files), by segment."""
        with _session_state(self.spark, str(path)) as db:
            source = open_source(self.spark, path, mapping.read_columns(), "journeymap_events")
            return _aggregate(db, source, mapping, strict, progress)

    def surveys(self, path: Path, mapping: Mapping, resolve: dict[str, str]) -> SurveyAggregate:
        """Average the survey answers at ``path`` per touchpoint."""
        with _session_state(self.spark, str(path)) as db:
            source = open_source(self.spark, path, mapping.surveys.columns.model_dump(), "journeymap_answers")
            return aggregate_answers(db, source.view, mapping, resolve)


def ingest_dataframe(
    frame: DataFrame,
    mapping: Mapping,
    journey_id: str = "events",
    name: str | None = None,
    surveys: DataFrame | None = None,
    strict: bool = False,
) -> IngestResult:
    """Build a journey from a Spark DataFrame of events, as ``ingest_events`` does from a file.

    Parameters
    ----------
    frame : pyspark.sql.DataFrame
        Events with the columns the mapping names (any types: text, numbers, timestamps).
    mapping : Mapping
        What the columns and event names mean (``journeymap.ingest.parse_mapping``).
    journey_id, name : str
        The journey's id and name.
    surveys : pyspark.sql.DataFrame, optional
        Survey answers with the columns of ``mapping.surveys``.
    strict : bool
        Refuse any bad row (``InvalidInput`` naming the first ones).

    Returns
    -------
    IngestResult
        The journey and the ingest summary (``reader: spark``).

    Raises
    ------
    InvalidInput
        A segmented mapping (use ``ingest_segments`` with ``SparkEngine``), a missing
        column, no usable events, or (``strict``) a bad row.

    Examples
    --------
    In a notebook attached to a cluster (``spark`` is its session)::

        from journeymap.ingest import load_mapping
        from journeymap.ingest.spark import ingest_dataframe

        result = ingest_dataframe(spark.table("lake.web_events"), load_mapping("mapping.yaml"), "web")
        result.summary["customers"]
    """
    from journeymap.ingest.pipeline import build_segments, check_events, check_strict, survey_names

    if mapping.columns.segment:
        raise InvalidInput("columns.segment: this mapping makes one journey per segment (ingest_segments)")
    spark = frame.sparkSession
    with _session_state(spark, "the DataFrame") as db:
        source = frame_source(frame, mapping.read_columns(), "journeymap_events")
        aggs = _aggregate(db, source, mapping, strict, None)
    check_events(aggs, "the DataFrame", strict)
    survey = None
    if surveys is not None:
        with _session_state(spark, "the survey DataFrame") as db:
            answers = frame_source(surveys, mapping.surveys.columns.model_dump(), "journeymap_answers")
            try:
                survey = aggregate_answers(db, answers.view, mapping, survey_names(mapping, aggs.values()))
            finally:
                for cached in answers.cached:
                    cached.unpersist()
        check_strict(survey.problems, 0, survey.examples, "the survey DataFrame", strict)
    title = name or f"Journey from {journey_id}"
    [result] = build_segments(aggs, mapping, journey_id, title, "DataFrame", survey).results
    return result
