"""Graphviz DOT: phases and stages as nested clusters, nodes filled by satisfaction.

Written by hand: networkx's ``write_dot`` needs pydot or pygraphviz (neither is
a dependency) and neither writes clusters from a networkx graph. The quoting is
DOT's: every id and label is a double-quoted string in which ``\\`` and ``"``
are escaped and line breaks become ``\\n``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from journeymap.display import number, percent
from journeymap.export import palette
from journeymap.export.tables import Row, Tables, edge_amount, weight_label
from journeymap.model import PHASES

PHASE_NAMES = {"pre_sale": "Pre-sale", "sale": "Sale", "after_sale": "After-sale"}
# The analysis figures a detailed label shows, named and formatted as the CLI's tables show them.
_FIGURE = partial(number, digits=3)
DETAIL_FIELDS: dict[str, tuple[str, Callable[[float], str]]] = {
    "reach": ("reach", _FIGURE),
    "pain": ("pain", _FIGURE),
    "priority": ("priority", _FIGURE),
    "carried": ("carried", _FIGURE),
    "removal_effect": ("removal effect", percent),
}


def quote(text: object) -> str:
    """``text`` as a DOT double-quoted string.

    >>> print(quote('say "hi"\\\\n'))
    "say \\"hi\\"\\\\n"
    """
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{escaped}"'


def dot(tables: Tables, detailed: bool = False) -> bytes:
    """The DOT document; ``detailed`` adds the analysis figures to the node labels."""
    half = palette.extent(float(r.get("satisfaction", 0)) for r in tables.nodes)
    lines = [
        f"digraph {quote(tables.graph['id'])} {{",
        f"  graph [rankdir=LR, newrank=true, label={quote(tables.graph['name'])}, labelloc=t,"
        ' fontname="sans-serif", fontsize=16];',
        '  node [shape=box, style="rounded,filled", fontname="sans-serif", fontsize=11];',
        '  edge [fontname="sans-serif", fontsize=9, color="#555555"];',
    ]
    by_stage: dict[str, list[Row]] = {}
    for row in tables.nodes:
        if row["type"] == "touchpoint":
            by_stage.setdefault(str(row["stage"]), []).append(row)
        else:
            lines.append("  " + _node(row, half, detailed))
    for phase in PHASES:
        stages = [s for s in tables.stages if s["phase"] == phase]
        if not stages:
            continue
        lines.append(f"  subgraph {quote('cluster_phase_' + phase)} {{")
        lines.append(f'    label={quote(PHASE_NAMES[phase])}; style="dashed"; color="#999999";')
        for stage in stages:
            lines.append(f"    subgraph {quote('cluster_' + str(stage['id']))} {{")
            lines.append(f'      label={quote(stage["label"])}; style="rounded,filled"; fillcolor="#f4f4f4";')
            lines += ["      " + _node(row, half, detailed) for row in by_stage.get(str(stage["id"]), [])]
            lines.append("    }")
        lines.append("  }")
    top = max([edge_amount(r) for r in tables.edges] + [1e-12])
    for row in tables.edges:
        width = 0.5 + 7.5 * edge_amount(row) / top
        lines.append(
            f"  {quote(row['source'])} -> {quote(row['target'])} "
            f"[id={quote(row['id'])}, penwidth={width:.2f}, label={quote(weight_label(row))}];"
        )
    lines.append("}")
    return ("\n".join(lines) + "\n").encode()


def _node(row: Row, half: float, detailed: bool) -> str:
    label = str(row["label"])
    if row["type"] == "entry":
        attrs = {"shape": "circle", "fillcolor": "#ffffff", "label": label}
    elif row["type"] == "outcome":
        fill = palette.SUCCESS if row["kind"] == "success" else palette.FAILURE
        share = f"\n{float(row['probability']):.0%}" if "probability" in row else ""
        attrs = {"shape": "ellipse", "fillcolor": fill, "fontcolor": "#ffffff", "label": label + share}
    else:
        fill = palette.diverging(float(row.get("satisfaction", 0)), half)
        extra = [
            f"{name} {show(float(row[k]))}"
            for k, (name, show) in DETAIL_FIELDS.items()
            if detailed and k in row
        ]
        attrs = {
            "fillcolor": fill,
            "fontcolor": palette.text_colour(fill),
            "label": "\n".join([label, *extra]),
            "tooltip": f"{label}\nsatisfaction {float(row['satisfaction']):g}",
        }
    body = ", ".join(f"{k}={quote(v)}" for k, v in attrs.items())
    return f"{quote(row['id'])} [{body}];"
