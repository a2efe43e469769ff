"""Commands for journey files and the store: validate, import, list, show, delete, demo."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.markup import escape
from rich.table import Table

from journeymap.cli.common import console, err_console, print_json, put_unless_unchanged, store
from journeymap.errors import JourneymapError
from journeymap.files import dump_journey, load_journey

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def validate(
    files: Annotated[list[Path], typer.Argument(help="Journey files (YAML/JSON).")],
    as_json: AsJson = False,
) -> None:
    """Check journey files; exit 2 listing every problem if any file is invalid."""
    results: list[dict[str, object]] = []
    for path in files:
        try:
            journey = load_journey(path)
        except JourneymapError as error:
            results.append({"file": str(path), "valid": False, "error": str(error)})
            if not as_json:
                err_console.print(f"[red]✗[/red] {escape(str(error))}", soft_wrap=True)
            continue
        results.append(
            {"file": str(path), "valid": True, "journey": journey.id, "touchpoints": len(journey.touchpoints)}
        )
        if not as_json:
            console.print(f"✓ {path}: {journey.id} ({len(journey.touchpoints)} touchpoints)", markup=False)
    if as_json:
        print_json(results)
    if not all(r["valid"] for r in results):
        raise typer.Exit(2)


def import_(
    files: Annotated[list[Path], typer.Argument(help="Journey files to store.")],
    expect_version: Annotated[
        int | None, typer.Option("--expect-version", help="Refuse unless the stored version is N (0 = new).")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Validate journey files, then store them; prints id@version for each.

    A file equal to the journey's current version stores nothing and says so.
    """
    journeys = [load_journey(p) for p in files]  # all valid before anything is stored
    results = []
    st = store()
    try:
        for journey in journeys:
            version, stored = put_unless_unchanged(st, journey, expect_version)
            results.append({"id": journey.id, "version": version, "stored": stored})
            if not as_json:
                console.print(f"{journey.id}@{version}" + ("" if stored else " unchanged (no new version)"))
    finally:
        st.close()
    if as_json:
        print_json(results)


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
    fmt: Annotated[Literal["yaml", "json"], typer.Option("--format", help="The file format.")] = "yaml",
    as_json: Annotated[bool, typer.Option("--json", help="The same as --format json.")] = False,
) -> None:
    """Print a stored journey file."""
    st = store()
    try:
        stored = st.get(journey_id, version)
    finally:
        st.close()
    sys.stdout.write(dump_journey(stored.journey, "json" if as_json else fmt))


def delete(
    journey_id: Annotated[str, typer.Argument(metavar="ID")],
    expect_version: Annotated[
        int | None, typer.Option("--expect-version", help="Refuse unless the current version is N.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Delete a stored journey and all its versions."""
    st = store()
    try:
        st.delete(journey_id, expected_version=expect_version)
    finally:
        st.close()
    if as_json:
        print_json({"deleted": journey_id})
    else:
        console.print(f"deleted {journey_id}")


def demo(
    fixtures: Annotated[Path, typer.Option(help="Folder of journey files.")] = FIXTURES,
    maps: Annotated[Path, typer.Option(help="Folder for each journey's map page.")] = Path("maps"),
    as_json: Annotated[
        bool, typer.Option("--json", help="Print what was stored and written, with each analysis, as JSON.")
    ] = False,
) -> None:
    """Load the bundled fixtures into the store, print their analysis and write their maps."""
    files = sorted(p for p in fixtures.glob("*.yaml"))
    if not files:
        from journeymap.errors import InvalidInput

        raise InvalidInput(f"{fixtures}: no journey files found")
    journeys = [load_journey(p) for p in files]
    report: list[dict[str, Any]] = []
    st = store()
    try:
        where = st.describe()
        for journey in journeys:
            version, stored = put_unless_unchanged(st, journey)
            report.append({"id": journey.id, "version": version, "stored": stored})
            if not as_json:
                note = "stored" if stored else "unchanged"
                console.print(f"{note} {journey.id}@{version}  ({where})", markup=False)
    finally:
        st.close()
    from journeymap.cli.analysis import demo_analysis, print_demo_analysis
    from journeymap.export import map_html

    maps.mkdir(parents=True, exist_ok=True)
    for journey, entry in zip(journeys, report, strict=True):
        page = maps / f"{journey.id}.html"
        page.write_text(map_html(journey), encoding="utf-8")
        entry["map"] = str(page)
        if as_json:
            entry.update(demo_analysis(journey))
        else:
            print_demo_analysis(journey)
            console.print(f"map: {page}", markup=False)
    if as_json:
        print_json({"store": where, "journeys": report})


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command("import")(import_)
    app.command("list")(list_)
    app.command()(show)
    app.command()(delete)
    app.command()(demo)
