"""``journeymap fixes``: the opportunities in the order to fix them, with the figures behind each rank."""

from __future__ import annotations

from typing import Any

import typer

from journeymap.cli.analysis import Alpha, AsJson, FileOrId
from journeymap.cli.analysis_tables import table as _table
from journeymap.cli.common import console, print_json, resolve_journey
from journeymap.display import number as _num


def fixes(file_or_id: FileOrId, alpha: Alpha = 0.5, as_json: AsJson = False) -> None:
    """Opportunities ranked by value recovered per unit of effort, with the reasoning."""
    from journeymap.engine.fixes import fixes as fixes_of

    doc = fixes_of(resolve_journey(file_or_id), alpha)
    if as_json:
        print_json(doc)
        return
    print_fixes(doc)


def print_fixes(doc: dict[str, Any]) -> None:
    money = f" {doc['currency']}" if doc.get("currency") else ""
    console.print(
        f"[bold]{doc['journey']}[/bold]: value at stake {_num(doc['value_at_stake'])}{money}"
        f" over {doc['horizon']}; a customer is worth {_num(doc['value_per_customer'])}{money}"
    )
    if not doc["fixes"]:
        console.print("no opportunities in this journey (add them under 'opportunities')")
        return
    table = _table(
        "Fixes by value recovered per unit of effort",
        "rank", "opportunity", "status", "effort", "recovered", "per effort", "what-if Δ value",
    )  # fmt: skip
    for f in doc["fixes"]:
        table.add_row(
            str(f["rank"]),
            f["opportunity"],
            f["status"],
            _num(f["effort"]),
            _num(f["value_recovered"]),
            _num(f["value_per_effort"]),
            _num(f["whatif_value_change"]),
        )
    console.print(table)
    for f in doc["fixes"]:
        console.print(f"{f['rank']:>3}. {f['opportunity']} ({f['title']}): {f['reason']}", style="dim")


def register(app: typer.Typer) -> None:
    app.command()(fixes)
