"""CSV: ``nodes.csv`` and ``edges.csv`` in one zip, for ``neo4j-admin import`` and spreadsheets.

Written with the standard library's ``csv`` and ``zipfile``. Headers follow
neo4j-admin's import format: ``id:ID``, ``:LABEL``, ``:START_ID``, ``:END_ID``,
``:TYPE`` and typed columns (``experience:float``, ``responses:int``); text
columns carry no type. Files are UTF-8 with a byte-order mark so spreadsheet
programs read non-ASCII names correctly (neo4j-admin skips the mark).
Import with::

    neo4j-admin database import full --nodes=nodes.csv --relationships=edges.csv
"""

from __future__ import annotations

import csv
import io
import zipfile

from journeymap.export.tables import Row, Tables

NODE_LABELS = {"entry": "Entry", "touchpoint": "Touchpoint", "outcome": "Outcome"}
RELATIONSHIP = "NEXT"


def csv_zip(tables: Tables) -> bytes:
    """The zip archive holding ``nodes.csv`` and ``edges.csv``."""
    journey = str(tables.graph["id"])
    nodes = [
        {
            "id:ID": r["id"],
            ":LABEL": NODE_LABELS[str(r["type"])],
            "journey": journey,
            "name": r["label"],
            **{k: v for k, v in r.items() if k not in ("id", "label")},
        }
        for r in tables.nodes
    ]
    edges = [
        {
            ":START_ID": r["source"],
            ":END_ID": r["target"],
            ":TYPE": RELATIONSHIP,
            "journey": journey,
            **{k: v for k, v in r.items() if k not in ("source", "target")},
        }
        for r in tables.edges
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nodes.csv", _csv_text(nodes).encode("utf-8-sig"))
        archive.writestr("edges.csv", _csv_text(edges).encode("utf-8-sig"))
    return buffer.getvalue()


def _csv_text(rows: list[Row]) -> str:
    columns: dict[str, str] = {}
    for row in rows:
        for key, value in row.items():
            columns.setdefault(key, _header(key, value))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns.values())
    for row in rows:
        writer.writerow([_cell(row.get(key)) for key in columns])
    return out.getvalue()


def _header(key: str, value: object) -> str:
    if ":" in key or isinstance(value, str):
        return key
    if isinstance(value, bool):
        return f"{key}:boolean"
    return f"{key}:int" if isinstance(value, int) else f"{key}:float"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
