"""Commands turning data into journeys: ``ingest`` and ``diff``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from journeymap.cli.common import console, err_console, print_json, resolve_journey, store
from journeymap.durations import format_seconds
from journeymap.errors import InvalidInput
from journeymap.extras import require
from journeymap.files import Format, dump_journey
from journeymap.ingest.ids import journey_id as checked_id
from journeymap.ingest.mapping import load_mapping
from journeymap.ingest.paths import load_path_table
from journeymap.ingest.problems import describe
from journeymap.model import Journey

if TYPE_CHECKING:
    from journeymap.ingest.pipeline import Engine as EngineRunner
    from journeymap.ingest.pipeline import IngestResult


class _Bar:
    """The library's progress protocol drawn as a rich bar on stderr."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def step(self, label: str) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=100)
        self.task = self.progress.add_task(label, total=100)

    def update(self, percent: float) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=percent)


@contextmanager
def _progress(show: bool) -> Iterator[_Bar | None]:
    if not show or not err_console.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"))
    with Progress(*columns, TimeElapsedColumn(), console=err_console, transient=True) as progress:
        yield _Bar(progress)


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
    with _engine(engine, spark_master) as runner:
        result = _build(
            events,
            mapping,
            surveys,
            path_table,
            journey_id,
            name,
            strict,
            not (quiet or as_json),
            overrides,
            runner,
        )
    where = _write(result.journey, output, to_store)
    if where:
        result.summary["written"] = where
    if as_json:
        print_json(result.summary)
    elif not quiet:
        _print_summary(result.summary, console if where else err_console)
    if output is None and not to_store and not as_json:
        sys.stdout.write(dump_journey(result.journey, "yaml"))


def _build(
    events: Path,
    mapping: Path | None,
    surveys: Path | None,
    path_table: bool,
    journey_id: str | None,
    name: str | None,
    strict: bool,
    show_progress: bool,
    overrides: dict[str, Any] | None = None,
    runner: EngineRunner | None = None,
) -> IngestResult:
    require("ingest")
    from journeymap.ingest.pipeline import IngestResult, ingest_events, summarize_paths  # loads DuckDB

    if path_table:
        if mapping is not None or surveys is not None or overrides:
            raise InvalidInput("--path-table takes neither --mapping, --surveys, --order nor --variants")
        journey = load_path_table(events, checked_id(journey_id, "paths"), name)
        return IngestResult(journey, summarize_paths(journey))
    if mapping is None:
        raise InvalidInput("--mapping is required (or --path-table for a path table)")
    spec = load_mapping(mapping, overrides)
    with _progress(show_progress) as bar:
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


def _write(journey: Journey, output: Path | None, to_store: bool) -> str | None:
    if output is not None:
        fmt: Format = "json" if output.suffix.lower() == ".json" else "yaml"
        try:
            output.write_text(dump_journey(journey, fmt), encoding="utf-8")
        except OSError as exc:
            raise InvalidInput(f"{output}: cannot write ({exc.strerror})") from None
        return str(output)
    if to_store:
        st = store()
        try:
            version = st.put(journey)
        finally:
            st.close()
        return f"{journey.id}@{version}"
    return None


def _print_summary(summary: dict[str, Any], out: Console) -> None:
    events = f"{summary['events']} events, " if "events" in summary else ""
    reader = f" (reader: {summary['reader']})" if "reader" in summary else ""
    out.print(
        f"[bold]{summary['journey']}[/bold]: {summary['customers']} customers, {events}"
        f"{summary['touchpoints']} touchpoints, {summary['transitions']} transitions{reader}"
    )
    table = Table("outcome", "kind", "customers", "share")
    for oid, row in summary["outcomes"].items():
        table.add_row(oid, row["kind"], str(row["customers"]), f"{row['share']:.1%}")
    out.print(table)
    _print_check(summary, out)
    if summary.get("unmapped_events"):
        top = ", ".join(f"{k} ({v})" for k, v in summary["unmapped_top"].items())
        kept = " (kept)" if summary.get("unmapped_kept") else " (dropped)"
        out.print(f"unmapped events: {summary['unmapped_events']}{kept}; top: {top}")
    if summary.get("bad_rows") or summary.get("bad_scores"):
        problems = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in summary["problems"].items())
        out.print(
            f"[yellow]bad rows: {summary['bad_rows']}[/yellow] ({problems}); "
            f"bad scores: {summary['bad_scores']}"
        )
        for example in summary["examples"]:
            out.print(f"  {describe(example)}", markup=False)
    survey = summary.get("surveys")
    if survey:
        out.print(
            f"surveys: {survey['responses']} responses for {survey['touchpoints']} touchpoints, "
            f"{survey['bad_rows']} bad rows"
        )
        for example in survey["examples"]:
            out.print(f"  {describe(example)}", markup=False)
    if summary.get("written"):
        out.print(f"written: {summary['written']}")


def _print_check(summary: dict[str, Any], out: Console) -> None:
    """The model check: per first touchpoint, observed vs modelled success share."""
    check = summary.get("model_check")
    if not check or not check["by_first_touchpoint"]:
        return
    scores = summary.get("order_scores")
    if scores:
        tried = ", ".join(f"{k}: {v:.4f}" for k, v in scores.items())
        chosen = summary["order"]
        out.print(f"order chosen from the data: {chosen} (held-out log-likelihood per step {tried})")
    worst = check["largest_gap"]
    out.print(
        f"model check (order {check['order']}): largest gap at first touchpoint {worst['touchpoint']}: "
        f"observed success {worst['observed']:.1%}, model {worst['model']:.1%} "
        f"({worst['customers']} customers)"
    )
    if check["flagged"]:
        out.print(
            "[yellow]the chain forgets where customers came from here; try --order 2 or --order auto[/yellow]"
        )


def diff(
    planned: Annotated[str, typer.Argument(metavar="PLANNED", help="Designed journey: file or stored id.")],
    actual: Annotated[str, typer.Argument(metavar="ACTUAL", help="Ingested journey: file or stored id.")],
    top: Annotated[int, typer.Option("--top", min=1, help="Rows per ranked list.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Compare a designed journey with an ingested one."""
    from journeymap.ingest.diff import diff_journeys  # the engine (scipy) loads when used

    document = diff_journeys(resolve_journey(planned), resolve_journey(actual), top=top)
    if as_json:
        print_json(document)
        return
    _print_diff(document)


def _print_diff(doc: dict[str, Any]) -> None:
    console.print(f"[bold]{doc['planned']}[/bold] (planned) vs [bold]{doc['actual']}[/bold] (actual)")
    for group in ("touchpoints", "outcomes"):
        for side in ("only_planned", "only_actual"):
            if doc[group][side]:
                console.print(f"{group} {side.replace('_', ' ')}: {', '.join(doc[group][side])}")
    for side in ("only_planned", "only_actual"):
        edges = doc["transitions"][side]
        if edges:
            console.print(
                f"transitions {side.replace('_', ' ')}: "
                + ", ".join(f"{e['from']}->{e['to']} ({e['share']:.1%})" for e in edges)
            )
    _changes_table(doc["share_changes"], ("from", "to"), "{:.1%}", "{:+.1%}", "shares that differ most")
    _changes_table(doc["score_changes"], ("touchpoint", "field"), "{:g}", "{:+g}", "scores that differ most")
    _time_table(doc.get("time_changes", []))
    sp, pain = doc["success_probability"], doc["expected_pain"]
    console.print(f"success probability: {sp['planned']:.4f} -> {sp['actual']:.4f}")
    console.print(f"expected pain per entrant: {pain['planned']:.4g} -> {pain['actual']:.4g}")
    for side in ("planned", "actual"):
        console.print(f"top pain paths ({side}):")
        for p in doc["top_pain_paths"][side]:
            console.print(f"  {p['rank']}. {' > '.join(p['nodes'])}  pain mass {p['pain_mass']:.3g}")


def _changes_table(
    rows: list[dict[str, Any]], keys: tuple[str, str], value: str, delta: str, title: str
) -> None:
    if not rows:
        return
    table = Table(*keys, "planned", "actual", "delta", title=title)
    for r in rows:
        table.add_row(
            r[keys[0]],
            r[keys[1]],
            value.format(r["planned"]),
            value.format(r["actual"]),
            delta.format(r["delta"]),
        )
    console.print(table)


def _time_table(rows: list[dict[str, Any]]) -> None:
    """Measured times (median, p90) against the planned ones, slowest against plan first."""
    if not rows:
        return
    table = Table("step", "planned", "median", "p90", "n", "x plan", title="times against plan")
    for r in rows:
        step = f"wait for {r['touchpoint']}" if "touchpoint" in r else f"{r['from']} -> {r['to']}"
        plan = format_seconds(r["planned_s"]) if r["planned_s"] else "—"
        ratio = f"{r['ratio']:.2g}x" if r["ratio"] is not None else "—"
        p90 = format_seconds(r["p90_s"]) if r["p90_s"] is not None else "—"
        table.add_row(step, plan, format_seconds(r["median_s"]), p90, str(r["n"]), ratio)
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("diff")(diff)
