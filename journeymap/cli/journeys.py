"""Commands for journey files and the store: validate, import, list, show, delete, demo."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.markup import escape
from rich.table import Table

from journeymap.cli.common import console, err_console, print_json, store
from journeymap.errors import JourneymapError
from journeymap.files import dump_journey, load_journey

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def validate(files: Annotated[list[Path], typer.Argument(help="Journey files (YAML/JSON).")]) -> None:
    """Check journey files; exit 2 listing every problem if any file is invalid."""
    failed = 0
    for path in files:
        try:
            journey = load_journey(path)
        except JourneymapError as error:
            failed += 1
            err_console.print(f"[red]✗[/red] {escape(str(error))}", soft_wrap=True)
            continue
        console.print(f"✓ {path}: {journey.id} ({len(journey.touchpoints)} touchpoints)")
    if failed:
        raise typer.Exit(2)


def import_(
    files: Annotated[list[Path], typer.Argument(help="Journey files to store.")],
    expect_version: Annotated[
        int | None, typer.Option("--expect-version", help="Refuse unless the stored version is N (0 = new).")
    ] = None,
) -> None:
    """Validate journey files, then store them; prints id@version for each."""
    journeys = [load_journey(p) for p in files]  # all valid before anything is stored
    st = store()
    try:
        for journey in journeys:
            version = st.put(journey, expected_version=expect_version)
            console.print(f"{journey.id}@{version}")
    finally:
        st.close()


def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List stored journeys."""
    st = store()
    try:
        rows = st.list()
    finally:
        st.close()
    if as_json:
        print_json(
            [{"id": r.id, "name": r.name, "version": r.version, "updated_at": r.updated_at} for r in rows]
        )
        return
    table = Table("id", "version", "name", "updated")
    for r in rows:
        table.add_row(r.id, str(r.version), r.name, r.updated_at)
    console.print(table)


def show(
    journey_id: Annotated[str, typer.Argument(metavar="ID")],
    version: Annotated[int | None, typer.Option("--version", help="A given version.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="yaml or json.")] = "yaml",
) -> None:
    """Print a stored journey file."""
    if fmt not in ("yaml", "json"):
        from journeymap.errors import InvalidInput

        raise InvalidInput(f"--format: '{fmt}' is not one of yaml, json")
    st = store()
    try:
        stored = st.get(journey_id, version)
    finally:
        st.close()
    chosen: Literal["yaml", "json"] = "json" if fmt == "json" else "yaml"
    sys.stdout.write(dump_journey(stored.journey, chosen))


def delete(
    journey_id: Annotated[str, typer.Argument(metavar="ID")],
    expect_version: Annotated[int | None, typer.Option("--expect-version")] = None,
) -> None:
    """Delete a stored journey and all its versions."""
    st = store()
    try:
        st.delete(journey_id, expected_version=expect_version)
    finally:
        st.close()
    console.print(f"deleted {journey_id}")


def demo(
    fixtures: Annotated[Path, typer.Option(help="Folder of journey files.")] = FIXTURES,
    maps: Annotated[Path, typer.Option(help="Folder for each journey's map page.")] = Path("maps"),
) -> None:
    """Load the bundled fixtures into the store, print their analysis and write their maps."""
    files = sorted(p for p in fixtures.glob("*.yaml"))
    if not files:
        from journeymap.errors import InvalidInput

        raise InvalidInput(f"{fixtures}: no journey files found")
    journeys = [load_journey(p) for p in files]
    st = store()
    try:
        for journey in journeys:
            version = st.put(journey)
            console.print(f"stored {journey.id}@{version}  ({st.describe()})")
    finally:
        st.close()
    from journeymap.cli.analysis import print_demo_analysis
    from journeymap.export import map_html

    maps.mkdir(parents=True, exist_ok=True)
    for journey in journeys:
        print_demo_analysis(journey)
        page = maps / f"{journey.id}.html"
        page.write_text(map_html(journey), encoding="utf-8")
        console.print(f"map: {page}")


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command("import")(import_)
    app.command("list")(list_)
    app.command()(show)
    app.command()(delete)
    app.command()(demo)
