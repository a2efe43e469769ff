"""What an ingest shows and writes: the progress bar, the summary, the model check, the written file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from journeymap.cli.common import err_console, store
from journeymap.errors import InvalidInput
from journeymap.files import Format, dump_journey
from journeymap.ingest.problems import describe
from journeymap.model import Journey


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
def progress_bar(show: bool) -> Iterator[_Bar | None]:
    if not show or not err_console.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"))
    with Progress(*columns, TimeElapsedColumn(), console=err_console, transient=True) as progress:
        yield _Bar(progress)


def write_journey(journey: Journey, output: Path | None, to_store: bool) -> str | None:
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


def print_summary(summary: dict[str, Any], out: Console) -> None:
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
    print_check(summary, out)
    print_log(summary, out)
    if summary.get("written"):
        out.print(f"written: {summary['written']}")


def print_log(summary: dict[str, Any], out: Console) -> None:
    """What was read: filtered and unmapped events, bad rows with examples, survey answers."""
    if summary.get("filtered_out"):
        out.print(f"filtered out: {summary['filtered_out']} events (mapping: filter)")
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


def print_check(summary: dict[str, Any], out: Console) -> None:
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
