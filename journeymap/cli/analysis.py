"""Analysis commands: analyze, paths, impact, whatif (tables, or the DESIGN §4 JSON with --json)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from journeymap.cli.common import console, err_console, print_json, resolve_journey
from journeymap.files import read_document
from journeymap.model import Journey

FileOrId = Annotated[
    str, typer.Argument(metavar="FILE_OR_ID", help="A journey file, or a stored journey id.")
]
NUMERIC = ("reach", "satisfaction", "weighted_satisfaction", "gap", "pain", "carried", "priority")
AsJson = Annotated[bool, typer.Option("--json", help="Print the JSON document instead of tables.")]
Alpha = Annotated[float, typer.Option("--alpha", help="Memory of carried experience, in (0, 1].")]


def _num(value: float | None, digits: int = 4) -> str:
    """A compact number: four significant digits, thousands in full."""
    if value is None:
        return "—"
    if 1e4 <= abs(value) < 1e15:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _table(title: str, *columns: str) -> Table:
    """A compact table: the first column (ids) never wraps, numbers align right."""
    table = Table(
        title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False, collapse_padding=True
    )
    for i, name in enumerate(columns):
        table.add_column(name, no_wrap=i == 0, justify="left" if i == 0 or name == "stage" else "right")
    return table


def analyze(file_or_id: FileOrId, alpha: Alpha = 0.5, as_json: AsJson = False) -> None:
    """Flow, scores, carried experience and removal effects of every touchpoint."""
    from journeymap.engine import analyze as analyze_journey  # the engine (scipy) loads when used

    doc = analyze_journey(resolve_journey(file_or_id), alpha)
    if as_json:
        print_json(doc)
        return
    print_summary(doc)
    for sid in doc["stages"]:
        table = _table(
            f"Stage {sid}", "touchpoint", "reach", "sat", "w.sat", "gap", "pain", "carried", "prio", "removal"
        )
        for tid, row in doc["touchpoints"].items():
            if row["stage"] == sid:
                table.add_row(tid, *(_num(row[f], 3) for f in NUMERIC), _pct(row["removal_effect"]))
        if table.row_count:
            console.print(table)
    stages = _table("Stages", "stage", "reach", "pain", "satisfaction")
    for sid, row in doc["stages"].items():
        stages.add_row(sid, _num(row["reach"], 3), _num(row["pain"], 3), _num(row["satisfaction"], 3))
    console.print(stages)


def print_summary(doc: dict[str, Any]) -> None:
    outcomes = ", ".join(f"{o} {_pct(p)}" for o, p in doc["outcomes"].items())
    console.print(
        f"[bold]{doc['journey']}[/bold]: success {_pct(doc['success_probability'])} "
        f"of {doc['entrants']:,.0f} entrants; expected pain {_num(doc['expected_pain'])} per entrant"
    )
    console.print(f"outcomes: {outcomes}")


def paths(
    file_or_id: FileOrId,
    k: Annotated[int, typer.Option("--k", help="How many paths.")] = 5,
    rank: Annotated[str, typer.Option("--rank", help="pain (pain mass) or probability.")] = "pain",
    to: Annotated[str | None, typer.Option("--to", help="Only paths ending at this outcome.")] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Only paths ending at failure (or success).")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """The exact top-k paths from entry to an outcome, by pain mass or probability."""
    from journeymap.engine import top_paths
    from journeymap.engine.observed import with_observed

    journey = resolve_journey(file_or_id)
    announce_compiling()
    doc = with_observed(top_paths(journey, k=k, rank=rank, to=to, kind=kind), journey)
    if as_json:
        print_json(doc)
        return
    print_paths(doc, f"Top {doc['k']} paths by {'pain mass' if doc['rank'] == 'pain' else 'probability'}")


def announce_compiling() -> None:
    """Say so on stderr when the next path query compiles the search (the first on a machine)."""
    from journeymap.engine.paths import needs_compiling

    if needs_compiling():
        err_console.print("compiling the path search (once per machine)…")


def print_paths(doc: dict[str, Any], title: str) -> None:
    """One block per path: its numbers on one line, its touchpoints on the next."""
    console.print(f"[bold]{title}[/bold]" + ("" if doc["paths"] else ": none"))
    for p in doc["paths"]:
        console.print(
            f"{p['rank']:>3}. {p['outcome']} ({p['kind']})  p {_num(p['probability'])}"
            f" · {_num(p['customers'])} customers · pain {_num(p['pain'])}"
            f" · pain mass {_num(p['pain_mass'])} · peak-end {_num(p['peak_end'])}{_observed(p)}"
        )
        console.print("     " + (" → ".join(p["nodes"][1:-1]) or "(straight from entry)"), style="dim")


def _observed(path: dict[str, Any]) -> str:
    if "observed_customers" not in path:
        return ""
    seen = path["observed_customers"]
    if seen is None:
        return f" · observed: not listed (at most {_num(path['observed_at_most'])}, in 'other')"
    return f" · observed {_num(seen)} customers"


def variants(file_or_id: FileOrId, as_json: AsJson = False) -> None:
    """The walks customers really took (loops included), with customers, pain along them and peak-end."""
    from journeymap.engine.observed import variants_document

    doc = variants_document(resolve_journey(file_or_id))
    if as_json:
        print_json(doc)
        return
    if not doc["variants"]:
        console.print(
            f"[bold]{doc['journey']}[/bold]: no observed variants (ingest an event log to get them)"
        )
        return
    console.print(f"[bold]{doc['journey']}[/bold]: {_num(doc['customers'])} customers")
    table = _table("Observed variants", "rank", "outcome", "customers", "share", "pain", "peak-end", "walk")
    for r in doc["variants"]:
        walk = " → ".join(r["nodes"][:-1]) or "(straight from entry)"
        table.add_row(
            str(r["rank"]),
            r["outcome"],
            _num(r["customers"]),
            _pct(r["share"]),
            _num(r["pain"], 3),
            _num(r["peak_end"], 3),
            walk,
        )
    other = doc["other"]
    if other["customers"]:
        table.add_row(
            "other",
            "",
            _num(other["customers"]),
            _pct(other["customers"] / doc["customers"]),
            "",
            "",
            f"{other['variants']} more variants",
        )
    console.print(table)


def impact(file_or_id: FileOrId, as_json: AsJson = False) -> None:
    """Touchpoints ordered by priority (pain delivered per entrant), with removal effects."""
    from journeymap.engine import impact as impact_of

    doc = impact_of(resolve_journey(file_or_id))
    if as_json:
        print_json(doc)
        return
    console.print(f"[bold]{doc['journey']}[/bold]: success {_pct(doc['success_probability'])}")
    console.print(impact_table(doc["touchpoints"], "Touchpoints by priority"))


def impact_table(rows: list[dict[str, Any]], title: str) -> Table:
    table = _table(title, "touchpoint", "stage", "reach", "pain", "priority", "removal", "weighted")
    for r in rows:
        table.add_row(
            r["touchpoint"],
            r["stage"],
            _num(r["reach"], 3),
            _num(r["pain"], 3),
            _num(r["priority"], 3),
            _pct(r["removal_effect"]),
            _num(r["weighted_satisfaction"], 3),
        )
    return table


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
    before, after, diff = doc["before"], doc["after"], doc["diff"]
    table = _table(f"What if: {patch.name}", "", "before", "after", "change")
    table.add_row(
        "success probability",
        _pct(before["success_probability"]),
        _pct(after["success_probability"]),
        _signed(diff["success_probability"], pct=True),
    )
    table.add_row(
        "expected pain",
        _num(before["expected_pain"]),
        _num(after["expected_pain"]),
        _signed(diff["expected_pain"]),
    )
    for o, change in diff["outcomes"].items():
        table.add_row(
            f"outcome {o}", _pct(before["outcomes"][o]), _pct(after["outcomes"][o]), _signed(change, pct=True)
        )
    console.print(table)
    changed = _table("Touchpoints that changed", "touchpoint", "priority", "change", "carried", "change")
    for tid, d in diff["touchpoints"].items():
        if any(abs(v) > 1e-12 for v in d.values() if v is not None):
            row = after["touchpoints"][tid]
            changed.add_row(
                tid,
                _num(row["priority"]),
                _signed(d["priority"]),
                _num(row["carried"]),
                _signed(d["carried"]),
            )
    for tid in diff["removed"]:
        changed.add_row(tid, "removed", "", "", "")
    console.print(changed)


def _signed(value: float | None, pct: bool = False) -> str:
    if value is None:
        return "—"
    return f"{100 * value:+.1f} pt" if pct else f"{value:+,.3f}"


def print_demo_analysis(journey: Journey) -> None:
    """The demo's few lines per journey: success, top three priorities, top three pain paths."""
    from journeymap.engine import impact as impact_of
    from journeymap.engine import top_paths

    doc = impact_of(journey)
    announce_compiling()
    console.print(f"\n[bold]{journey.id}[/bold]: success probability {_pct(doc['success_probability'])}")
    console.print(impact_table(doc["touchpoints"][:3], "Top 3 touchpoints by priority"))
    print_paths(top_paths(journey, k=3, rank="pain"), "Top 3 pain paths")


def register(app: typer.Typer) -> None:
    app.command()(analyze)
    app.command()(paths)
    app.command()(variants)
    app.command()(impact)
    app.command()(whatif)
