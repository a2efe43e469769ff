"""A parameter-free Cypher script that recreates a journey in any Neo4j.

The statements are the templates in ``cypher/export/*.cypher`` (Cypher stays
out of Python); this module only turns their ``$parameters`` into Cypher
literals, so the script runs without parameters in ``cypher-shell -f``, the
Neo4j Browser or any Bolt client. Running it again replaces the journey.

Graph shape: ``(:Journey)-[:HAS_STAGE]->(:Stage)``, ``(:Journey)-[:STARTS_AT]->(:Entry)``,
``(:Touchpoint)-[:IN_STAGE]->(:Stage)``, ``(:Outcome)``, and ``[:NEXT]`` between
entry, touchpoints and outcomes; every node carries ``journey`` (the journey id),
``id`` and the flat attributes of ``journeymap.export.tables``, and the extra
label ``:JourneymapExport``: a re-run deletes only nodes with that label, so it
never touches a journeymap graph store's own nodes in the same database.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from journeymap.export.tables import Tables
from journeymap.queries import replace_parameters, statement

TEMPLATES = Path(__file__).resolve().parents[2] / "cypher" / "export"
ORDER = (
    "delete_journey",
    "create_journey",
    "create_stages",
    "create_entry",
    "create_touchpoints",
    "create_outcomes",
    "create_transitions",
)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}

Value = str | int | float | bool | None | Sequence["Value"] | Mapping[str, "Value"]


def load_template(name: str) -> str:
    """The text of ``cypher/export/NAME.cypher`` without its comments (read by the one loader).

    Parameters
    ----------
    name : str
        The template's name (the file's stem).

    Returns
    -------
    str
        The statement, ``$parameters`` still in it.

    Examples
    --------
    >>> "$journey" in load_template("create_journey")
    True
    """
    text = statement(f"export/{name}").text
    return "\n".join(line for line in text.splitlines() if line.strip())


def literal(value: Value) -> str:
    r"""``value`` as a Cypher literal.

    Parameters
    ----------
    value : str, int, float, bool, None, list or dict
        The value (lists and maps of these too).

    Returns
    -------
    str
        The literal, strings quoted and escaped, map keys back-quoted.

    Raises
    ------
    ValueError
        For a number Cypher cannot write (NaN or an infinity).

    Examples
    --------
    >>> literal("it's \\ 美")
    "'it\\'s \\\\ 美'"
    >>> literal({"a b": [1, 2.5, None, True]})
    '{`a b`: [1, 2.5, null, true]}'
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} has no Cypher literal")
        return repr(value)
    if isinstance(value, str):
        return "'" + "".join(_ESCAPES.get(ch) or _control(ch) for ch in value) + "'"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_key(k)}: {literal(v)}" for k, v in value.items()) + "}"
    return "[" + ", ".join(literal(v) for v in value) + "]"


def inline(template: str, parameters: Mapping[str, Value]) -> str:
    """``template`` with every ``$parameter`` replaced by its literal.

    Parameters
    ----------
    template : str
        A Cypher statement with ``$name`` parameters.
    parameters : Mapping
        The value of each parameter.

    Returns
    -------
    str
        The statement with no parameters left.

    Examples
    --------
    >>> inline("WITH $id AS id, $n AS n", {"id": "auto-repair", "n": 2})
    "WITH 'auto-repair' AS id, 2 AS n"
    """

    def substitute(name: str) -> str:
        value = parameters[name]
        if isinstance(value, list) and value:  # one item a line, for people reading the script
            return "[\n  " + ",\n  ".join(literal(v) for v in value) + "\n]"
        return literal(value)

    return replace_parameters(template, substitute)


def script(tables: Tables) -> bytes:
    """The whole script: one statement per template, each ended by ``;``.

    Parameters
    ----------
    tables : Tables
        The journey's rows (``journeymap.export.tables.journey_tables``).

    Returns
    -------
    bytes
        The UTF-8 script for ``cypher-shell -f``.

    Examples
    --------
    >>> from journeymap.export.tables import journey_tables
    >>> from journeymap.files import load_journey
    >>> tables = journey_tables(load_journey("fixtures/auto-repair.yaml"))
    >>> text = script(tables).decode()
    >>> text.count(";") >= 3, "'auto-repair'" in text
    (True, True)
    """
    parameters = _parameters(tables)
    header = [
        f"// journeymap export of journey {tables.graph['id']}: run with `cypher-shell -f FILE`.",
        "// Re-running replaces the journey (its nodes are matched by their `journey` property).",
    ]
    statements = [inline(load_template(name), parameters) + ";" for name in ORDER]
    return ("\n".join(header) + "\n\n" + "\n\n".join(statements) + "\n").encode()


def _parameters(tables: Tables) -> dict[str, Value]:
    def properties(row: Mapping[str, Value], drop: tuple[str, ...] = ()) -> dict[str, Value]:
        return {("name" if k == "label" else k): v for k, v in row.items() if k not in drop}

    by_type: dict[str, list[dict[str, Value]]] = {"entry": [], "touchpoint": [], "outcome": []}
    for row in tables.nodes:
        by_type[str(row["type"])].append(properties(row, drop=("type",)))
    return {
        "journey": tables.graph["id"],
        "properties": {**tables.graph},
        "entry": by_type["entry"][0],
        "stages": [properties(s) for s in tables.stages],
        "touchpoints": by_type["touchpoint"],
        "outcomes": by_type["outcome"],
        "transitions": [
            {
                "source": r["source"],
                "target": r["target"],
                "properties": properties(r, drop=("source", "target")),
            }
            for r in tables.edges
        ],
    }


def _key(name: str) -> str:
    return name if _IDENTIFIER.fullmatch(name) else "`" + name.replace("`", "``") + "`"


def _control(ch: str) -> str:
    return f"\\u{ord(ch):04x}" if ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 else ch
