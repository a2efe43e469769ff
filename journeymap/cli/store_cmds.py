"""Graph-store commands: ``store check``, ``store init`` and ``cypher NAME`` (analyst queries)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from journeymap.cli.common import console, print_json, store
from journeymap.errors import InvalidInput
from journeymap.queries import names, statement
from journeymap.store import JourneyStore

store_app = typer.Typer(
    help="Check or prepare the configured store (JOURNEYMAP_STORE).", no_args_is_help=True
)
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ANALYTICS = "analytics"


def _bolt(st: JourneyStore, command: str) -> Any:
    if st.embedded:
        raise InvalidInput(
            f"'journeymap {command}' needs a graph store: set JOURNEYMAP_STORE=bolt://host:7687 "
            f"(or neo4j://, neo4j+s://); the configured store is {st.describe()}"
        )
    return st


def _status_document(st: JourneyStore) -> dict[str, Any]:
    if st.embedded:
        st.list()  # proves the store answers
        return {"store": st.describe(), "server": "embedded", "version": None, "schema_ready": True,
                "present": [], "missing": []}  # fmt: skip
    from journeymap.store.bolt_schema import schema_status

    status = schema_status(_bolt(st, "store check"))
    return {
        "store": st.describe(),
        "server": status.server.kind,
        "version": status.server.version,
        "edition": status.server.edition,
        "schema_ready": status.ready,
        "present": status.present,
        "missing": status.missing,
    }


def _print_status(doc: dict[str, Any]) -> None:
    console.print(f"store:   {escape(doc['store'])}")
    version = f" {doc['version']}" if doc["version"] else ""
    console.print(f"server:  {doc['server']}{escape(version)}")
    if doc["schema_ready"]:
        console.print(f"schema:  in place ({len(doc['present'])} constraints/indexes)")
    else:
        console.print(f"schema:  missing {', '.join(doc['missing'])} — run 'journeymap store init'")


@store_app.command("check")
def check(as_json: AsJson = False) -> None:
    """Connect to the store; print what it is, its version and whether the schema is in place."""
    st = store()
    try:
        doc = _status_document(st)
    finally:
        st.close()
    print_json(doc) if as_json else _print_status(doc)


@store_app.command("init")
def init(as_json: AsJson = False) -> None:
    """Create the constraints and indexes the server supports (idempotent)."""
    from journeymap.store.bolt_schema import init_schema

    st = store()
    try:
        if not st.embedded:
            init_schema(_bolt(st, "store init"))
        doc = _status_document(st)
    finally:
        st.close()
    print_json(doc) if as_json else _print_status(doc)


def parse_param(text: str) -> tuple[str, Any]:
    """``k=v`` with v read as JSON when it is JSON (numbers, true, null, lists), else as text.

    >>> parse_param("k=5"), parse_param("journey=auto-repair"), parse_param("j=null")
    (('k', 5), ('journey', 'auto-repair'), ('j', None))
    """
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise InvalidInput(f"--param {text!r}: write it as NAME=VALUE")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return key.strip(), value


def analytics_parameters(name: str, given: list[str]) -> dict[str, Any]:
    """The statement's defaults overlaid with ``--param`` values; every parameter it uses must be set."""
    stmt = statement(f"{ANALYTICS}/{name}")
    values = dict(stmt.defaults)
    values.update(parse_param(p) for p in given)
    unknown = sorted(set(values) - stmt.parameters)
    missing = sorted(stmt.parameters - set(values))
    if unknown or missing:
        wanted = ", ".join(sorted(stmt.parameters)) or "none"
        problems = ([f"unknown {', '.join(unknown)}"] if unknown else []) + (
            [f"missing {', '.join(missing)}"] if missing else []
        )
        raise InvalidInput(f"query '{name}': {'; '.join(problems)} (its parameters: {wanted})")
    return values


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return "—" if value is None else str(value)


def cypher(
    name: Annotated[
        str | None, typer.Argument(help="Query in cypher/analytics/ (omit to list them).")
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE (JSON values allowed); repeatable.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Run an analyst query from cypher/analytics/ against the graph store."""
    available = [n.removeprefix(f"{ANALYTICS}/") for n in names(ANALYTICS)]
    if name is None:
        for query in available:
            console.print(f"{query:<22} {escape(statement(f'{ANALYTICS}/{query}').summary)}")
        return
    if name not in available:
        raise InvalidInput(f"no analyst query '{name}'; available: {', '.join(available)}")
    values = analytics_parameters(name, param or [])
    st = store()
    try:
        rows = _bolt(st, "cypher").read(f"{ANALYTICS}/{name}", **values)
    finally:
        st.close()
    if as_json:
        print_json(rows)
        return
    table = Table(box=box.SIMPLE_HEAD, title=name)
    for column in rows[0] if rows else []:
        table.add_column(column)
    for row in rows:
        table.add_row(*(escape(_cell(v)) for v in row.values()))
    console.print(table if rows else f"{name}: no rows")


def register(app: typer.Typer) -> None:
    app.add_typer(store_app, name="store")
    app.command("cypher")(cypher)
