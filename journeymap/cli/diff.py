"""``journeymap diff``: two journeys side by side, the differences with the most evidence first."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from journeymap.cli.common import console, print_json, resolve_journey
from journeymap.durations import format_seconds


def diff(
    first: Annotated[str, typer.Argument(metavar="A", help="A journey: file or stored id.")],
    second: Annotated[str, typer.Argument(metavar="B", help="The journey compared with A: file or id.")],
    top: Annotated[int, typer.Option("--top", min=1, help="Rows per ranked list.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Compare two journeys (designed vs ingested, or two segments): B against A, by their ids."""
    from journeymap.ingest.diff import diff_journeys  # the engine (scipy) loads when used

    document = diff_journeys(resolve_journey(first), resolve_journey(second), top=top)
    if as_json:
        print_json(document)
        return
    print_diff(document)


def names(doc: dict[str, Any]) -> tuple[str, str]:
    """How the two journeys are called: their ids (told apart when equal)."""
    a, b = doc["a"], doc["b"]
    return (f"{a} (A)", f"{b} (B)") if a == b else (a, b)


def print_diff(doc: dict[str, Any]) -> None:
    """The diff document as tables, in the document's order."""
    a, b = names(doc)
    console.print(f"[bold]{b}[/bold] compared with [bold]{a}[/bold]")
    for group in ("touchpoints", "outcomes"):
        for side, name in (("only_a", a), ("only_b", b)):
            if doc[group][side]:
                console.print(f"{group} only in {name}: {', '.join(doc[group][side])}")
    _transition_table(doc, a, b)
    _changes_table(doc["score_changes"], a, b)
    _time_table(doc.get("time_changes", []), a)
    sp, pain = doc["success_probability"], doc["expected_pain"]
    console.print(f"success probability: {a} {sp['a']:.4f}, {b} {sp['b']:.4f}")
    console.print(f"expected pain per entrant: {a} {pain['a']:.4g}, {b} {pain['b']:.4g}")
    for side, name in (("a", a), ("b", b)):
        console.print(f"top pain paths ({name}):")
        for p in doc["top_pain_paths"][side]:
            console.print(f"  {p['rank']}. {' > '.join(p['nodes'])}  pain mass {p['pain_mass']:.3g}")


def _share(side: dict[str, Any] | None) -> str:
    """``31.7% (150 of 473)``: a share with the customers behind it (— when absent)."""
    if side is None:
        return "—"
    if side["customers"] is None:
        return f"{side['share']:.1%}"
    return f"{side['share']:.1%} ({side['customers']:g} of {side['leaving']:g})"


def _transition_table(doc: dict[str, Any], a: str, b: str) -> None:
    """Shares that differ (tested first, by evidence), then transitions found in one journey only."""
    rows = doc["transitions"]
    differing = [r for r in rows if r["group"] != "one-sided"]
    if differing:
        title = f"transition shares by evidence (tested with >= {doc['min_customers']} customers a side)"
        table = Table("from", "to", a, b, "delta", "p-value", title=title)
        for r in differing:
            p = "too few" if r["group"] == "few" else f"{r['p_value']:.2g}"
            table.add_row(r["from"], r["to"], _share(r["a"]), _share(r["b"]), f"{r['delta']:+.1%}", p)
        console.print(table)
    one_sided = [r for r in rows if r["group"] == "one-sided"]
    if one_sided:
        table = Table("from", "to", "only in", "share", title="transitions in one journey only")
        for r in one_sided:
            only, side = (a, r["a"]) if r["a"] is not None else (b, r["b"])
            table.add_row(r["from"], r["to"], only, _share(side))
        console.print(table)


def _changes_table(rows: list[dict[str, Any]], a: str, b: str) -> None:
    if not rows:
        return
    table = Table("touchpoint", "field", a, b, "delta", "responses", title="scores that differ most")
    for r in rows:
        responses = "—" if r.get("responses") is None else str(r["responses"])
        values = (f"{r['a']:g}", f"{r['b']:g}", f"{r['delta']:+g}")
        table.add_row(r["touchpoint"], r["field"], *values, responses)
    console.print(table)


def _time_table(rows: list[dict[str, Any]], a: str) -> None:
    """Measured times (median, p90) against the first journey's (its plan or its median)."""
    if not rows:
        return
    table = Table("step", a, "median", "p90", "n", f"x {a}", title="times against the first journey")
    for r in rows:
        step = f"wait for {r['touchpoint']}" if "touchpoint" in r else f"{r['from']} -> {r['to']}"
        plan = format_seconds(r["a_s"]) if r["a_s"] else "—"
        ratio = f"{r['ratio']:.2g}x" if r["ratio"] is not None else "—"
        p90 = format_seconds(r["p90_s"]) if r["p90_s"] is not None else "—"
        table.add_row(step, plan, format_seconds(r["median_s"]), p90, str(r["n"]), ratio)
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("diff")(diff)
