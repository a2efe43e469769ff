"""Mermaid text: a ``flowchart`` with stage subgraphs, and a ``journey`` diagram.

Written by hand (no kept Python library writes Mermaid). Safety rules:

* node and subgraph ids are generated (``n0``, ``n1``, ``s0`` ...), never the
  journey's ids, so no id can clash with Mermaid keywords (``end``) or arrow
  syntax (``o``, ``x``, ``-``);
* every label is double-quoted and the characters Mermaid or HTML would read
  (``# " ; : < > & ` { } [ ] ( ) |``) are written as Mermaid entity codes
  (``#35;``, ``#quot;`` ...); line breaks become ``<br>``.
"""

from __future__ import annotations

import re

from journeymap.errors import InvalidInput
from journeymap.export import palette
from journeymap.export.flows import edge_amount, weight_label
from journeymap.export.tables import Row, Tables

_SPECIAL = re.compile(r"[#\"';:<>&`{}\[\]()|%\\]")
_ENTITY_NAMES = {'"': "quot", "<": "lt", ">": "gt", "&": "amp"}


def escape(text: object) -> str:
    r"""Text made safe inside a double-quoted Mermaid label.

    Parameters
    ----------
    text : object
        Any value, written with ``str``.

    Returns
    -------
    str
        The text with quotes, markup, ``#`` and ``;`` as entity codes and line breaks as ``<br>``.

    Examples
    --------
    >>> escape('a "b" <c> #1; d\ne')
    'a #quot;b#quot; #lt;c#gt; #35;1#59; d<br>e'
    """

    def code(match: re.Match[str]) -> str:
        ch = match.group(0)
        return f"#{_ENTITY_NAMES.get(ch, str(ord(ch)))};"

    lines = re.split(r"\r\n|\r|\n", str(text))
    return "<br>".join(_SPECIAL.sub(code, line) for line in lines)


def flowchart(tables: Tables) -> bytes:
    """A left-to-right flowchart; stages are subgraphs, nodes filled by satisfaction.

    Parameters
    ----------
    tables : Tables
        The journey's rows (``journeymap.export.tables.journey_tables``).

    Returns
    -------
    bytes
        The UTF-8 Mermaid text.

    Examples
    --------
    >>> from journeymap.export.tables import journey_tables
    >>> from journeymap.files import load_journey
    >>> tables = journey_tables(load_journey("fixtures/auto-repair.yaml"))
    >>> flowchart(tables).decode().splitlines()[1]  # after a comment naming the journey
    'flowchart LR'
    """
    ids = {str(row["id"]): f"n{i}" for i, row in enumerate(tables.nodes)}
    half = palette.extent(float(r.get("satisfaction", 0)) for r in tables.nodes)
    lines = [f"%% {escape(tables.graph['name'])} ({tables.graph['id']})", "flowchart LR"]
    for row in tables.nodes:
        if row["type"] != "touchpoint":
            lines.append("  " + _node(ids, row))
    for index, stage in enumerate(tables.stages):
        lines.append(f'  subgraph s{index}["{escape(stage["label"])}"]')
        lines += ["    " + _node(ids, r) for r in tables.nodes if r.get("stage") == stage["id"]]
        lines.append("  end")
    top = max([edge_amount(r) for r in tables.edges] + [1e-12])
    for row in tables.edges:
        lines.append(
            f'  {ids[str(row["source"])]} -->|"{escape(weight_label(row))}"| {ids[str(row["target"])]}'
        )
    for row in tables.nodes:
        fill = palette.node_fill(row, half)
        lines.append(f"  style {ids[str(row['id'])]} fill:{fill},color:{palette.text_colour(fill)}")
    for index, row in enumerate(tables.edges):
        lines.append(f"  linkStyle {index} stroke-width:{1 + 7 * edge_amount(row) / top:.1f}px")
    return ("\n".join(lines) + "\n").encode()


def journey_diagram(tables: Tables, path: list[str], scale_span: float) -> bytes:
    """Mermaid's ``journey`` diagram along ``path`` (the main path, node ids).

    Scores map satisfaction (experience - expectation, in tenths of the scale)
    to Mermaid's 1-5 faces: 3 is as expected. A journey whose touchpoints do
    not all lie on the path is drawn along the path and says so in a comment.

    Parameters
    ----------
    tables : Tables
        The journey's rows.
    path : list of str
        Node ids from ``entry`` to an outcome (``journeymap.export.flows.main_path``).
    scale_span : float
        The width of the journey's scale (max − min).

    Returns
    -------
    bytes
        The UTF-8 Mermaid text.

    Raises
    ------
    InvalidInput
        When the path holds no touchpoint.

    Examples
    --------
    >>> from journeymap.export.tables import journey_tables
    >>> from journeymap.files import load_journey
    >>> tables = journey_tables(load_journey("fixtures/auto-repair.yaml"))
    >>> from journeymap.export.flows import main_path
    >>> text = journey_diagram(tables, main_path(load_journey("fixtures/auto-repair.yaml")), 100.0).decode()
    >>> text.splitlines()[1]  # after a comment: 3 touchpoints are off the main path
    'journey'
    """
    rows = {str(r["id"]): r for r in tables.nodes}
    on_path = [rows[n] for n in path if rows[n]["type"] == "touchpoint"]
    if not on_path:
        raise InvalidInput("mermaid-journey needs a main path through at least one touchpoint")
    names = {str(s["id"]): str(s["label"]) for s in tables.stages}
    lines = ["journey", f"  title {_journey_text(tables.graph['name'])}"]
    left_out = sum(1 for r in tables.nodes if r["type"] == "touchpoint") - len(on_path)
    if left_out:
        steps = " -> ".join(path)
        lines.insert(
            0,
            f"%% Non-linear journey: drawn along its main path (its most probable path) "
            f"{steps}; "
            f"{left_out} touchpoint(s) off that path are not shown.",
        )
    section = None
    for row in on_path:
        if row["stage"] != section:
            section = row["stage"]
            lines.append(f"  section {_journey_text(names[str(section)])}")
        score = _face(float(row.get("satisfaction", 0)), scale_span)
        lines.append(f"    {_journey_text(row['label'])}: {score}: Customer")
    last = rows[path[-1]]
    if last["type"] == "outcome":
        lines.append(f"  section {_journey_text('Outcome')}")
        lines.append(f"    {_journey_text(last['label'])}: {5 if last['kind'] == 'success' else 1}: Customer")
    return ("\n".join(lines) + "\n").encode()


def _face(satisfaction: float, span: float) -> int:
    return max(1, min(5, round(3 + satisfaction * 10 / span)))


def _journey_text(text: object) -> str:
    """Journey-diagram text: one line, entity codes for what its grammar forbids."""
    return escape(re.sub(r"\s+", " ", str(text)).strip())


def _node(ids: dict[str, str], row: Row) -> str:
    label = escape(row["label"])
    if row["type"] == "entry":
        return f'{ids[str(row["id"])]}(("{label}"))'
    if row["type"] == "outcome":
        share = f"<br>{float(row['probability']):.0%}" if "probability" in row else ""
        return f'{ids[str(row["id"])]}(["{label}{share}"])'
    return f'{ids[str(row["id"])]}["{label}"]'
