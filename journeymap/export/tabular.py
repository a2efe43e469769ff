"""CSV for ``neo4j-admin database import full``: one zip of node and relationship files.

Written with the standard library's ``csv`` and ``zipfile``. The headers follow
neo4j-admin's import format: ``:ID(space)``, ``:START_ID(space)`` and
``:END_ID(space)`` with the three ID spaces ``Journey``, ``Stage`` and ``Node``,
``:LABEL``, ``:TYPE`` and typed columns (``experience:double``,
``entrants:long``, ``flag:boolean``); text columns carry no type. The import
ids are journey-scoped (``JOURNEY/ID``, ids cannot contain ``/``), so the zips
of many journeys import together; they are not stored as properties, the
nodes keep ``journey`` and ``id`` as the Cypher export and the store do.

The graph is the Cypher export's: ``(:Journey)-[:HAS_STAGE]->(:Stage)``,
``(:Journey)-[:STARTS_AT]->(:Entry)``, ``(:Touchpoint)-[:IN_STAGE]->(:Stage)``
and ``[:NEXT]`` between entry, touchpoints and outcomes.

Files are UTF-8 without a byte-order mark (neo4j-admin would read a mark as
part of the first header), entries are readable by everyone (mode 0644) and
carry a fixed time stamp, so the same journey gives the same bytes on every
run. Import with::

    neo4j-admin database import full --nodes=journeys.csv --nodes=stages.csv \\
        --nodes=nodes.csv --relationships=has_stage.csv --relationships=starts_at.csv \\
        --relationships=in_stage.csv --relationships=next.csv neo4j
"""

from __future__ import annotations

import csv
import io
import zipfile

from journeymap.export.tables import Row, Tables

NODE_LABELS = {"entry": "Entry", "touchpoint": "Touchpoint", "outcome": "Outcome"}
FILES = (
    "journeys.csv",
    "stages.csv",
    "nodes.csv",
    "has_stage.csv",
    "starts_at.csv",
    "in_stage.csv",
    "next.csv",
)
_STAMP = (1980, 1, 1, 0, 0, 0)  # the zip format's earliest time: no clock in the bytes
_MODE = 0o100644  # a regular file, rw-r--r--


def scoped(journey: str, local: object) -> str:
    """The import id of a journey's stage or node: ``JOURNEY/ID``.

    Parameters
    ----------
    journey : str
        The journey id.
    local : object
        The stage or node id within the journey.

    Returns
    -------
    str
        The id, unique across journeys (neo4j-admin imports many zips together).

    Examples
    --------
    >>> scoped("mei-su", "entry")
    'mei-su/entry'
    """
    return f"{journey}/{local}"


def csv_zip(tables: Tables) -> bytes:
    """The zip archive holding the files in ``FILES``, for ``neo4j-admin database import full``.

    Parameters
    ----------
    tables : Tables
        The journey's rows (``journeymap.export.tables.journey_tables``).

    Returns
    -------
    bytes
        The zip: UTF-8 CSV files without BOM, entries mode 0644, the same bytes for the same journey.

    Examples
    --------
    >>> import io, zipfile
    >>> from journeymap.export.tables import journey_tables
    >>> from journeymap.files import load_journey
    >>> archive = csv_zip(journey_tables(load_journey("fixtures/auto-repair.yaml")))
    >>> sorted(zipfile.ZipFile(io.BytesIO(archive)).namelist()) == sorted(FILES)
    True
    """
    journey = str(tables.graph["id"])
    files: dict[str, list[Row]] = {
        "journeys.csv": [{":ID(Journey)": journey, ":LABEL": "Journey", "journey": journey, **tables.graph}],
        "stages.csv": [
            {":ID(Stage)": scoped(journey, s["id"]), ":LABEL": "Stage", "journey": journey, **s}
            for s in tables.stages
        ],
        "nodes.csv": [_node(journey, r) for r in tables.nodes],
        "has_stage.csv": [_link(journey, "Journey", "Stage", "HAS_STAGE", s["id"]) for s in tables.stages],
        "starts_at.csv": [
            _link(journey, "Journey", "Node", "STARTS_AT", r["id"])
            for r in tables.nodes
            if r["type"] == "entry"
        ],
        "in_stage.csv": [
            {
                ":START_ID(Node)": scoped(journey, r["id"]),
                ":END_ID(Stage)": scoped(journey, r["stage"]),
                ":TYPE": "IN_STAGE",
            }
            for r in tables.nodes
            if r["type"] == "touchpoint"
        ],
        "next.csv": [
            {
                ":START_ID(Node)": scoped(journey, r["source"]),
                ":END_ID(Node)": scoped(journey, r["target"]),
                ":TYPE": "NEXT",
                "journey": journey,
                **{k: v for k, v in r.items() if k not in ("source", "target")},
            }
            for r in tables.edges
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in FILES:
            entry = zipfile.ZipInfo(name, date_time=_STAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # unix, so the mode bits below are read
            entry.external_attr = _MODE << 16
            archive.writestr(entry, _csv_text(files[name]).encode("utf-8"))
    return buffer.getvalue()


def _node(journey: str, row: Row) -> Row:
    return {
        ":ID(Node)": scoped(journey, row["id"]),
        ":LABEL": NODE_LABELS[str(row["type"])],
        "journey": journey,
        "id": row["id"],
        "name": row["label"],
        **{k: v for k, v in row.items() if k not in ("id", "label", "type")},
    }


def _link(journey: str, start: str, end: str, kind: str, target: object) -> Row:
    return {f":START_ID({start})": journey, f":END_ID({end})": scoped(journey, target), ":TYPE": kind}


def _csv_text(rows: list[Row]) -> str:
    values: dict[str, list[object]] = {}
    for row in rows:
        for key, value in row.items():
            values.setdefault(key, []).append(value)
    columns = {key: _header(key, seen) for key, seen in values.items()}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns.values())
    for row in rows:
        writer.writerow([_cell(row.get(key)) for key in columns])
    return out.getvalue()


def _header(key: str, values: list[object]) -> str:
    """A column header: neo4j-admin's ``name:type`` for numbers and booleans.

    A column with any fraction is ``double``, so one header fits every row.

    >>> _header("experience", [7, 7.5]), _header("responses", [3]), _header("name", ["x"])
    ('experience:double', 'responses:long', 'name')
    """
    if ":" in key or any(isinstance(v, str) for v in values):
        return key
    if all(isinstance(v, bool) for v in values):
        return f"{key}:boolean"
    return f"{key}:long" if all(isinstance(v, int) for v in values) else f"{key}:double"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return repr(value)
    return str(value)
