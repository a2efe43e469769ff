"""The command turning data into journeys: ``ingest`` (segments: ``segments.py``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from journeymap.cli.common import console, err_console, print_json
from journeymap.cli.ingest_output import print_summary, progress_bar, write_journey
from journeymap.errors import InvalidInput
from journeymap.extras import require
from journeymap.files import dump_journey
from journeymap.ingest.ids import journey_id as checked_id
from journeymap.ingest.mapping import Mapping, load_mapping
from journeymap.ingest.paths import load_path_table

if TYPE_CHECKING:
    from journeymap.ingest.pipeline import Engine as EngineRunner
    from journeymap.ingest.pipeline import IngestResult


def ingest(
    events: Annotated[
        Path, typer.Argument(help="Event log (CSV, Parquet or NDJSON; .gz accepted), or a path table.")
    ],
    mapping: Annotated[Path | None, typer.Option("--mapping", "-m", help="Mapping file (YAML).")] = None,
    surveys: Annotated[
        Path | None, typer.Option("--surveys", help="Survey responses (CSV or Parquet).")
    ] = None,
    path_table: Annotated[
        bool, typer.Option("--path-table", help="EVENTS is a path table (path;total_conversions;total_null).")
    ] = False,
    journey_id: Annotated[
        str | None, typer.Option("--id", help="Journey id (default: from the file name).")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Journey name.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the journey file here.")
    ] = None,
    to_store: Annotated[bool, typer.Option("--store", help="Store the journey (JOURNEYMAP_STORE).")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Refuse any bad row or unmapped event.")] = False,
    order: Annotated[
        str | None,
        typer.Option("--order", help="States remember the last K touchpoints: 1..5, or auto."),
    ] = None,
    variants: Annotated[
        int | None, typer.Option("--variants", help="Observed variants to keep (mapping: variants).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, no summary.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    engine: Annotated[
        Literal["duckdb", "spark"],
        typer.Option("--engine", help="Run the ingest queries in DuckDB (this machine) or Spark."),
    ] = "duckdb",
    spark_master: Annotated[
        str | None,
        typer.Option("--spark-master", help="Spark master URL for --engine spark (default local[*])."),
    ] = None,
) -> None:
    """Build a journey from an event log (or a path table) and print what was read."""
    if output is not None and to_store:
        raise InvalidInput("give either --output or --store, not both")
    if spark_master is not None and engine != "spark":
        raise InvalidInput("--spark-master needs --engine spark")
    overrides = _overrides(order, variants)
    if path_table:
        if mapping is not None or surveys is not None or overrides:
            raise InvalidInput("--path-table takes neither --mapping, --surveys, --order nor --variants")
    elif mapping is None:
        raise InvalidInput("--mapping is required (or --path-table for a path table)")
    require(
        "spark" if engine == "spark" else "ingest"
    )  # a missing extra is named first, whatever else is wrong
    spec = None if mapping is None else load_mapping(mapping, overrides)
    if spec is not None and spec.columns.segment:
        from journeymap.cli.segments import ingest_segmented

        with _engine(engine, spark_master) as runner:
            ingest_segmented(
                events, spec, surveys, journey_id, name, strict, output, to_store, quiet, as_json, runner
            )
        return
    with _engine(engine, spark_master) as runner:
        result = _build(events, spec, surveys, journey_id, name, strict, not (quiet or as_json), runner)
    where = write_journey(result.journey, output, to_store)
    if where:
        result.summary["written"] = where
    if as_json:
        print_json(result.summary)
    elif not quiet:
        print_summary(result.summary, console if where else err_console)
    if output is None and not to_store and not as_json:
        sys.stdout.write(dump_journey(result.journey, "yaml"))


def _build(
    events: Path,
    spec: Mapping | None,
    surveys: Path | None,
    journey_id: str | None,
    name: str | None,
    strict: bool,
    show_progress: bool,
    runner: EngineRunner | None = None,
) -> IngestResult:
    """The journey of an event log (``spec``) or of a path table (no ``spec``)."""
    require("ingest")
    from journeymap.ingest.pipeline import IngestResult, ingest_events  # loads DuckDB
    from journeymap.ingest.summary import summarize_paths

    if spec is None:
        journey = load_path_table(events, checked_id(journey_id, "paths"), name)
        return IngestResult(journey, summarize_paths(journey))
    with progress_bar(show_progress) as bar:
        return ingest_events(events, spec, surveys, journey_id, name, strict, bar, runner)


@contextmanager
def _engine(engine: str, master: str | None) -> Iterator[EngineRunner | None]:
    """DuckDB (None: the default) or a Spark session on ``master``, stopped afterwards."""
    if engine == "duckdb":
        yield None
        return
    require("spark")  # before importing the engine, which loads pyspark and the shared queries
    from journeymap.ingest.spark.session import require_spark

    require_spark()  # and Java
    from journeymap.ingest.spark import SparkEngine, start_session

    spark = start_session(master or "local[*]")
    try:
        yield SparkEngine(spark)
    finally:
        spark.stop()


def _overrides(order: str | None, variants: int | None) -> dict[str, Any]:
    """Mapping settings given on the command line (checked with the mapping)."""
    found: dict[str, Any] = {}
    if order is not None:
        found["order"] = order if order == "auto" else _whole(order, "--order", "1..5 or auto")
    if variants is not None:
        found["variants"] = variants
    return found


def _whole(text: str, option: str, expected: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(f"{option}: '{text}' is not {expected}") from None


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
