"""``journeymap ingest`` with ``columns.segment``: one journey per segment, written or stored together."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from journeymap.cli.common import console, err_console, print_json
from journeymap.cli.ingest_output import print_check, print_log, progress_bar, write_journey
from journeymap.errors import InvalidInput
from journeymap.extras import require
from journeymap.ingest.ids import segment_label
from journeymap.ingest.mapping import Mapping

if TYPE_CHECKING:
    from journeymap.ingest.pipeline import Engine as EngineRunner


def ingest_segmented(
    events: Path,
    spec: Mapping,
    surveys: Path | None,
    journey_id: str | None,
    name: str | None,
    strict: bool,
    output: Path | None,
    to_store: bool,
    quiet: bool,
    as_json: bool,
    runner: EngineRunner | None = None,
) -> None:
    """Ingest one journey per segment; write each into the folder ``output`` or the store.

    Everything is read and checked before the first journey is written, so bad
    input (too many segments, a missing column, no segment big enough) writes nothing.
    """
    if output is None and not to_store and not as_json:
        raise InvalidInput(
            f"columns.segment: '{spec.columns.segment}' makes one journey per segment; "
            "give --output FOLDER or --store"
        )
    if output is not None and (output.suffix.lower() in {".yaml", ".yml", ".json"} or output.is_file()):
        raise InvalidInput(f"--output: '{output}' must be a folder with columns.segment (a file per segment)")
    require("ingest")
    from journeymap.ingest.pipeline import ingest_segments  # loads DuckDB

    with progress_bar(not (quiet or as_json)) as bar:
        result = ingest_segments(events, spec, surveys, journey_id, name, strict, bar, runner)
    if output is not None:
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InvalidInput(f"{output}: cannot create the folder ({exc.strerror})") from None
    for built in result.results:
        target = None if output is None else output / f"{built.journey.id}.yaml"
        where = write_journey(built.journey, target, to_store)
        if where:
            built.summary["written"] = where
    if as_json:
        print_json(result.summary)
    elif not quiet:
        print_segments(result.summary, console)
        if result.summary["small_segments"]:
            print_small(result.summary, err_console)


def print_segments(summary: dict[str, Any], out: Console) -> None:
    """One row per segment (customers, success share, order, largest model-check gap), then each check."""
    out.print(
        f"{summary['events']} events in {len(summary['segments'])} segments of "
        f"[bold]{summary['segment_column']}[/bold] (reader: {summary['reader']})"
    )
    table = Table("segment", "journey", "customers", "success", "order", "largest gap", "written")
    for seg in summary["segments"]:
        gap = (seg["model_check"].get("largest_gap") or {}).get("gap")
        table.add_row(
            segment_label(seg["segment"]),
            seg["journey"],
            str(seg["customers"]),
            f"{seg['success_share']:.1%}",
            str(seg["order"]),
            "—" if gap is None else f"{gap:+.1%}",
            seg.get("written", "—"),
        )
    out.print(table)
    for seg in summary["segments"]:
        out.print(f"[bold]{seg['journey']}[/bold] ({segment_label(seg['segment'])}):", end=" ")
        print_check(seg, out)
    print_log(summary, out)


def print_small(summary: dict[str, Any], out: Console) -> None:
    """The segments left out for having fewer customers than ``segments.min_customers``."""
    small = ", ".join(f"{segment_label(s['segment'])} ({s['customers']})" for s in summary["small_segments"])
    out.print(
        f"[yellow]not built, fewer than {summary['min_customers']} customers:[/yellow] {small} "
        "(lower segments.min_customers to build them)"
    )
