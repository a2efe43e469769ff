"""How the analysis documents print for people: rich tables and path lines (``--json`` prints them raw).

The commands in ``journeymap.cli.analysis`` compute a document and hand it here;
nothing in this module computes a figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from journeymap.cli.common import console
from journeymap.display import measure_value, observed_text
from journeymap.display import number as _num
from journeymap.display import percent as _pct
from journeymap.model import Journey

if TYPE_CHECKING:
    from rich.table import Table

NUMERIC = ("reach", "satisfaction", "weighted_satisfaction", "gap", "pain", "carried", "priority")


def escape(text: str) -> str:
    """``rich.markup.escape`` (rich is imported when a table is printed, not for ``--json``)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def table(title: str, *columns: str) -> Table:
    """A compact table: the first column (ids) never wraps, numbers align right."""
    from rich import box
    from rich.table import Table

    made = Table(
        title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False, collapse_padding=True
    )
    for i, name in enumerate(columns):
        made.add_column(
            name, no_wrap=i == 0, justify="left" if i == 0 or name in ("name", "stage") else "right"
        )
    return made


def print_analysis(doc: dict[str, Any], journey: Journey) -> None:
    """The ``analyze`` document: the summary, one table per stage, then the stages."""
    print_summary(doc)
    stage_names = {s.id: s.name for s in journey.stages}
    for sid in doc["stages"]:
        rows = table(
            f"Stage {escape(stage_names[sid])} ({sid})",
            *("touchpoint", "name", "reach", "sat", "w.sat", "gap", "pain", "carried", "prio", "removal"),
            "source",
        )
        for row in doc["touchpoints"]:
            if row["stage"] == sid:
                figures = (_num(row[f], 3) for f in NUMERIC)
                removal = _pct(row["removal_effect"])
                rows.add_row(row["touchpoint"], escape(row["name"]), *figures, removal, source_label(row))
        if rows.row_count:
            console.print(rows)
    stages = table("Stages", "stage", "name", "reach", "pain", "satisfaction")
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


def print_variants(doc: dict[str, Any]) -> None:
    """The observed variants: rank, outcome, customers, share, pain, peak-end and the walk."""
    if not doc["variants"]:
        console.print(
            f"[bold]{doc['journey']}[/bold]: no observed variants (ingest an event log to get them)"
        )
        return
    console.print(f"[bold]{doc['journey']}[/bold]: {_num(doc['customers'])} customers")
    rows = table("Observed variants", "rank", "outcome", "customers", "share", "pain", "peak-end", "walk")
    for r in doc["variants"]:
        walk = " → ".join(r["nodes"][:-1]) or "(straight from entry)"
        rows.add_row(
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
        rows.add_row(
            "other",
            "",
            _num(other["customers"]),
            _pct(other["customers"] / doc["customers"]),
            "",
            "",
            f"{other['variants']} more variants",
        )
    console.print(rows)


def print_impact(doc: dict[str, Any]) -> None:
    """The ``impact`` document: success, the economics line, the touchpoints by priority."""
    console.print(f"[bold]{doc['journey']}[/bold]: success {_pct(doc['success_probability'])}")
    if doc.get("note"):
        console.print(doc["note"], style="yellow")
    print_economics(doc["economics"])
    console.print(impact_table(doc["touchpoints"], "Touchpoints by priority"))


def impact_table(rows: list[dict[str, Any]], title: str) -> Table:
    made = table(
        title, "touchpoint", "name", "stage", "reach", "pain", "priority", "removal", "weighted", "source",
        "lost", "wom lost", "wom won", "at stake",
    )  # fmt: skip
    for r in rows:
        made.add_row(
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
    return made


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


def print_whatif(doc: dict[str, Any], title: str) -> None:
    """The ``whatif`` document: the headline figures before and after, then the touchpoints that changed."""
    from journeymap.engine import by_touchpoint

    before, after, diff = doc["before"], doc["after"], doc["diff"]
    figures = table(title, "", "before", "after", "change")
    figures.add_row(
        "success probability",
        _pct(before["success_probability"]),
        _pct(after["success_probability"]),
        signed(diff["success_probability"], pct=True),
    )
    figures.add_row(
        "expected pain",
        _num(before["expected_pain"]),
        _num(after["expected_pain"]),
        signed(diff["expected_pain"]),
    )
    for key in ("value_at_stake", "value_won", "net_value", "word_of_mouth_lost", "word_of_mouth_won"):
        figures.add_row(
            key.replace("_", " "),
            _num(before["economics"][key]),
            _num(after["economics"][key]),
            signed(diff["economics"][key]),
        )
    for o, change in diff["outcomes"].items():
        figures.add_row(
            f"outcome {o}", _pct(before["outcomes"][o]), _pct(after["outcomes"][o]), signed(change, pct=True)
        )
    console.print(figures)
    changed = table(
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
                signed(d["priority"]),
                _num(row["carried"]),
                signed(d["carried"]),
            )
    for tid in diff["removed"]:
        changed.add_row(tid, escape(was[tid]["name"]), "removed", "", "", "")
    console.print(changed)


def signed(value: float | None, pct: bool = False) -> str:
    """A change with its sign: points for a fraction, three decimals else, ``—`` for none.

    >>> signed(0.0123, pct=True), signed(-2.5), signed(None)
    ('+1.2 pt', '-2.500', '—')
    """
    if value is None:
        return "—"
    return f"{100 * value:+.1f} pt" if pct else f"{value:+,.3f}"
