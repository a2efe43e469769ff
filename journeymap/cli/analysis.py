"""Analysis commands: analyze, paths, impact, whatif (tables, or the DESIGN §4 JSON with --json)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from journeymap.cli.common import console, err_console, print_json, resolve_journey
from journeymap.display import measure_value, observed_text
from journeymap.display import number as _num
from journeymap.display import percent as _pct
from journeymap.files import read_document
from journeymap.model import Journey

FileOrId = Annotated[
    str, typer.Argument(metavar="FILE_OR_ID", help="A journey file, or a stored journey id.")
]
NUMERIC = ("reach", "satisfaction", "weighted_satisfaction", "gap", "pain", "carried", "priority")
AsJson = Annotated[bool, typer.Option("--json", help="Print the JSON document instead of tables.")]
Alpha = Annotated[float, typer.Option("--alpha", help="Memory of carried experience, in (0, 1].")]


def _table(title: str, *columns: str) -> Table:
    """A compact table: the first column (ids) never wraps, numbers align right."""
    table = Table(
        title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False, collapse_padding=True
    )
    for i, name in enumerate(columns):
        table.add_column(
            name, no_wrap=i == 0, justify="left" if i == 0 or name in ("name", "stage") else "right"
        )
    return table


def analyze(file_or_id: FileOrId, alpha: Alpha = 0.5, as_json: AsJson = False) -> None:
    """Flow, scores, carried experience and removal effects of every touchpoint."""
    from journeymap.engine import analyze as analyze_journey  # the engine (scipy) loads when used

    journey = resolve_journey(file_or_id)
    doc = analyze_journey(journey, alpha)
    if as_json:
        print_json(doc)
        return
    print_summary(doc)
    stage_names = {s.id: s.name for s in journey.stages}
    for sid in doc["stages"]:
        table = _table(
            f"Stage {escape(stage_names[sid])} ({sid})",
            *("touchpoint", "name", "reach", "sat", "w.sat", "gap", "pain", "carried", "prio", "removal"),
            "source",
        )
        for row in doc["touchpoints"]:
            if row["stage"] == sid:
                figures = (_num(row[f], 3) for f in NUMERIC)
                removal = _pct(row["removal_effect"])
                table.add_row(row["touchpoint"], escape(row["name"]), *figures, removal, source_label(row))
        if table.row_count:
            console.print(table)
    stages = _table("Stages", "stage", "name", "reach", "pain", "satisfaction")
    for sid, row in doc["stages"].items():
        figures = (_num(row[f], 3) for f in ("reach", "pain", "satisfaction"))
        stages.add_row(sid, escape(stage_names[sid]), *figures)
    console.print(stages)


def source_label(row: dict[str, Any]) -> str:
    """Where a score came from, with the measures past their target: ``behaviour: wait 4.49d/1d``."""
    over = [m for m in row.get("measures") or [] if m.get("target") and m["value"] > m["target"]]
    if row["source"] != "behaviour" or not over:
        return str(row["source"])
    shown = [
        f"{m['measure']} {measure_value(m['measure'], m['value'])}/{measure_value(m['measure'], m['target'])}"
        for m in over
    ]
    return "behaviour: " + ", ".join(shown)


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
    announce_compiling()
    doc = with_observed(top_paths(journey, k=k, rank=rank, to=to, kind=kind), journey)
    if as_json:
        print_json(doc)
        return
    title = f"Top {doc['k']} paths by {'pain mass' if doc['rank'] == 'pain' else 'probability'}"
    print_paths(doc, title, node_names(journey))


def announce_compiling() -> None:
    """Say so on stderr when the next path query compiles the search (the first on a machine)."""
    from journeymap.engine.paths import needs_compiling

    if needs_compiling():
        err_console.print("compiling the path search (once per machine)…")


def node_names(journey: Journey) -> dict[str, str]:
    """Touchpoint and outcome id -> name, for human output."""
    return {
        **{t.id: t.name for t in journey.touchpoints},
        **{o.id: o.name for o in journey.outcomes},
    }


def print_paths(doc: dict[str, Any], title: str, names: Mapping[str, str]) -> None:
    """One block per path: its numbers on one line, its touchpoints (name and id) on the next."""
    console.print(f"[bold]{title}[/bold]" + ("" if doc["paths"] else ": none"))
    if doc.get("note"):
        console.print(doc["note"], style="yellow")
    for p in doc["paths"]:
        outcome = p["outcome"]
        console.print(
            f"{p['rank']:>3}. {escape(names.get(outcome, outcome))} ({outcome}, {p['kind']})"
            f"  p {_num(p['probability'])}"
            f" · {_num(p['customers'])} customers · pain {_num(p['pain'])}"
            f" · pain mass {_num(p['pain_mass'])} · peak-end {_num(p['peak_end'])}"
            + (f" · {observed_text(p)}" if "observed_customers" in p else "")
            + (f" · value at stake {_num(p['economics']['value_at_stake'])}" if "economics" in p else "")
        )
        sources = {c["touchpoint"]: c["source"] for c in p.get("contributions", [])}
        steps = [f"{names.get(n, n)} ({step_note(n, sources.get(n))})" for n in p["nodes"][1:-1]]
        console.print("     " + (" → ".join(steps) or "(straight from entry)"), style="dim", markup=False)


def step_note(node: str, source: str | None) -> str:
    """A path step's id, with where its score came from unless a designer or survey gave it.

    >>> step_note("call", "behaviour"), step_note("call", "designer"), step_note("call", None)
    ('call, behaviour', 'call', 'call')
    """
    return node if source in (None, "designer", "survey") else f"{node}, {source}"


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
    if doc.get("note"):
        console.print(doc["note"], style="yellow")
    print_economics(doc["economics"])
    console.print(impact_table(doc["touchpoints"], "Touchpoints by priority"))


def impact_table(rows: list[dict[str, Any]], title: str) -> Table:
    table = _table(
        title, "touchpoint", "name", "stage", "reach", "pain", "priority", "removal", "weighted", "source",
        "lost", "wom lost", "wom won", "at stake",
    )  # fmt: skip
    for r in rows:
        table.add_row(
            r["touchpoint"],
            escape(r["name"]),
            r["stage"],
            _num(r["reach"], 3),
            _num(r["pain"], 3),
            _num(r["priority"], 3),
            _pct(r["removal_effect"]),
            _num(r["weighted_satisfaction"], 3),
            source_label(r),
            *(_num(r.get(f), 3) for f in ("customers_lost", "word_of_mouth_lost", "word_of_mouth_won")),
            _num(r.get("value_at_stake"), 4),
        )
    return table


def print_economics(econ: dict[str, Any]) -> None:
    """What the journey's pain costs over the horizon (README, "What a pain costs")."""
    money = f" {econ['currency']}" if econ.get("currency") else ""
    console.print(
        f"over {econ['horizon']}: value at stake {_num(econ['value_at_stake'])}{money}"
        f" ({_num(econ['customers_lost'])} customers lost,"
        f" {_num(econ['word_of_mouth_lost'])} lost by word of mouth"
        f" from {_num(econ['dissatisfied'])} dissatisfied;"
        f" {_num(econ['complaints'])} complaints expected,"
        f" each standing for {_num(econ['customers_per_complaint'])});"
        f" word of mouth won {_num(econ['word_of_mouth_won'])} ({_num(econ['value_won'])}{money})"
    )


def whatif(
    file_or_id: FileOrId,
    patch: Annotated[Path, typer.Argument(metavar="PATCH.yaml", help="The what-if patch (YAML or JSON).")],
    alpha: Alpha = 0.5,
    as_json: AsJson = False,
) -> None:
    """Apply a what-if patch and show the analysis before and after."""
    from journeymap.engine import by_touchpoint
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
    for key in ("value_at_stake", "value_won", "net_value", "word_of_mouth_lost", "word_of_mouth_won"):
        table.add_row(
            key.replace("_", " "),
            _num(before["economics"][key]),
            _num(after["economics"][key]),
            _signed(diff["economics"][key]),
        )
    for o, change in diff["outcomes"].items():
        table.add_row(
            f"outcome {o}", _pct(before["outcomes"][o]), _pct(after["outcomes"][o]), _signed(change, pct=True)
        )
    console.print(table)
    changed = _table(
        "Touchpoints that changed", "touchpoint", "name", "priority", "change", "carried", "change"
    )
    now, was = by_touchpoint(after), by_touchpoint(before)
    for d in diff["touchpoints"]:
        if any(abs(v) > 1e-12 for v in d.values() if isinstance(v, float)):
            row = now[d["touchpoint"]]
            changed.add_row(
                d["touchpoint"],
                escape(row["name"]),
                _num(row["priority"]),
                _signed(d["priority"]),
                _num(row["carried"]),
                _signed(d["carried"]),
            )
    for tid in diff["removed"]:
        changed.add_row(tid, escape(was[tid]["name"]), "removed", "", "", "")
    console.print(changed)


def _signed(value: float | None, pct: bool = False) -> str:
    if value is None:
        return "—"
    return f"{100 * value:+.1f} pt" if pct else f"{value:+,.3f}"


def demo_analysis(journey: Journey) -> dict[str, Any]:
    """The demo's figures per journey: success, top three priorities, top three pain paths."""
    from journeymap.engine import impact as impact_of
    from journeymap.engine import top_paths

    doc = impact_of(journey)
    announce_compiling()
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
