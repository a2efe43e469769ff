"""Analysis commands: analyze, paths, variants, impact, whatif (tables, or the DESIGN §4 JSON with --json).

Each command computes its document with the engine (imported when the command
runs) and prints it with ``journeymap.cli.analysis_tables``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from journeymap.cli.analysis_tables import (
    impact_table,
    node_names,
    print_analysis,
    print_impact,
    print_paths,
    print_variants,
    print_whatif,
)
from journeymap.cli.common import console, err_console, print_json, resolve_journey
from journeymap.display import percent as _pct
from journeymap.files import read_document
from journeymap.model import Journey

FileOrId = Annotated[
    str, typer.Argument(metavar="FILE_OR_ID", help="A journey file, or a stored journey id.")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print the JSON document instead of tables.")]
Alpha = Annotated[float, typer.Option("--alpha", help="Memory of carried experience, in (0, 1].")]


def analyze(file_or_id: FileOrId, alpha: Alpha = 0.5, as_json: AsJson = False) -> None:
    """Flow, scores, carried experience and removal effects of every touchpoint."""
    from journeymap.engine import analyze as analyze_journey  # the engine (scipy) loads when used

    journey = resolve_journey(file_or_id)
    doc = analyze_journey(journey, alpha)
    if as_json:
        print_json(doc)
        return
    print_analysis(doc, journey)


def paths(
    file_or_id: FileOrId,
    k: Annotated[int, typer.Option("--k", help="How many paths.")] = 5,
    rank: Annotated[
        Literal["pain", "probability"], typer.Option("--rank", help="Rank by pain mass or by probability.")
    ] = "pain",
    to: Annotated[str | None, typer.Option("--to", help="Only paths ending at this outcome.")] = None,
    kind: Annotated[
        Literal["success", "failure"] | None,
        typer.Option("--kind", help="Only paths ending at an outcome of this kind."),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """The exact top-k paths from entry to an outcome, by pain mass or probability."""
    from journeymap.engine import top_paths
    from journeymap.engine.observed import with_observed

    journey = resolve_journey(file_or_id)
    announce_compiling(journey, rank)
    doc = with_observed(top_paths(journey, k=k, rank=rank, to=to, kind=kind), journey)
    if as_json:
        print_json(doc)
        return
    title = f"Top {doc['k']} paths by {'pain mass' if doc['rank'] == 'pain' else 'probability'}"
    print_paths(doc, title, node_names(journey))


def announce_compiling(journey: Journey, rank: str = "pain") -> None:
    """Say so on stderr when a path query on ``journey`` compiles the search (the first
    query on a machine that needs the compiled search)."""
    from journeymap.engine.paths import needs_compiling

    if needs_compiling(len(journey.transitions), rank):
        err_console.print("compiling the path search (once per machine)…")


def variants(file_or_id: FileOrId, as_json: AsJson = False) -> None:
    """The walks customers really took (loops included), with customers, pain along them and peak-end."""
    from journeymap.engine.observed import variants_document

    doc = variants_document(resolve_journey(file_or_id))
    if as_json:
        print_json(doc)
        return
    print_variants(doc)


def impact(file_or_id: FileOrId, as_json: AsJson = False) -> None:
    """Touchpoints ordered by priority (pain delivered per entrant), with removal effects."""
    from journeymap.engine import impact as impact_of

    doc = impact_of(resolve_journey(file_or_id))
    if as_json:
        print_json(doc)
        return
    print_impact(doc)


def whatif(
    file_or_id: FileOrId,
    patch: Annotated[Path, typer.Argument(metavar="PATCH.yaml", help="The what-if patch (YAML or JSON).")],
    alpha: Alpha = 0.5,
    as_json: AsJson = False,
) -> None:
    """Apply a what-if patch and show the analysis before and after."""
    from journeymap.engine import whatif as whatif_of

    doc = whatif_of(resolve_journey(file_or_id), read_document(patch), alpha)
    if as_json:
        print_json(doc)
        return
    print_whatif(doc, f"What if: {patch.name}")


def demo_analysis(journey: Journey) -> dict[str, Any]:
    """The demo's figures per journey: success, top three priorities, top three pain paths."""
    from journeymap.engine import impact as impact_of
    from journeymap.engine import top_paths

    doc = impact_of(journey)
    announce_compiling(journey)
    return {
        "success_probability": doc["success_probability"],
        "top_touchpoints": doc["touchpoints"][:3],
        "top_pain_paths": top_paths(journey, k=3, rank="pain")["paths"],
    }


def print_demo_analysis(journey: Journey) -> None:
    """The demo's few lines per journey (``demo_analysis`` as tables)."""
    doc = demo_analysis(journey)
    console.print(f"\n[bold]{journey.id}[/bold]: success probability {_pct(doc['success_probability'])}")
    console.print(impact_table(doc["top_touchpoints"], "Top 3 touchpoints by priority"))
    print_paths({"paths": doc["top_pain_paths"]}, "Top 3 pain paths", node_names(journey))


def register(app: typer.Typer) -> None:
    app.command()(analyze)
    app.command()(paths)
    app.command()(variants)
    app.command()(impact)
    app.command()(whatif)
