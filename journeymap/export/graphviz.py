"""Graphviz DOT: phases and stages as nested clusters, nodes filled by satisfaction.

Written by hand: networkx's ``write_dot`` needs pydot or pygraphviz (neither is
a dependency) and neither writes clusters from a networkx graph. The quoting is
DOT's: every id and label is a double-quoted string in which ``\\`` and ``"``
are escaped and line breaks become ``\\n``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from journeymap.display import measure_value, number, percent, timing_label, timing_text
from journeymap.durations import format_seconds
from journeymap.export import palette
from journeymap.export.flows import edge_amount, weight_label
from journeymap.export.tables import Row, Tables
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
    r"""``text`` as a DOT double-quoted string.

    Parameters
    ----------
    text : object
        Any value, written with ``str``.

    Returns
    -------
    str
        The quoted string, quotes and backslashes escaped, line breaks as ``\n``.

    Examples
    --------
    >>> print(quote('say "hi"\\n'))
    "say \"hi\"\\n"
    """
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{escaped}"'


def dot(tables: Tables, detailed: bool = False) -> bytes:
    """The DOT document: phases and stages as clusters, nodes filled by satisfaction.

    Parameters
    ----------
    tables : Tables
        The journey's rows (``journeymap.export.tables.journey_tables``).
    detailed : bool, default False
        Add the analysis figures to the node labels.

    Returns
    -------
    bytes
        The UTF-8 DOT text.

    Examples
    --------
    >>> from journeymap.export.tables import journey_tables
    >>> from journeymap.files import load_journey
    >>> text = dot(journey_tables(load_journey("fixtures/auto-repair.yaml"))).decode()
    >>> text.startswith("digraph"), "subgraph" in text
    (True, True)
    """
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
        label, tooltip = [weight_label(row)], ""
        if detailed:
            label += [text for text in [_compact_time(row, "time")] if text]
            detail = _time_detail(row, "time")
            tooltip = f", tooltip={quote(chr(10).join(detail))}" if detail else ""
        lines.append(
            f"  {quote(row['source'])} -> {quote(row['target'])} [id={quote(row['id'])}, "
            f"penwidth={width:.2f}, label={quote(chr(10).join(label))}{tooltip}];"
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
        if detailed:
            extra += _provenance_lines(row)
        attrs = {
            "fillcolor": fill,
            "fontcolor": palette.text_colour(fill),
            "label": "\n".join([label, *extra]),
            "tooltip": f"{label}\nsatisfaction {float(row['satisfaction']):g}",
        }
    body = ", ".join(f"{k}={quote(v)}" for k, v in attrs.items())
    return f"{quote(row['id'])} [{body}];"


def _compact_time(row: Row, prefix: str) -> str:
    """``med 2.3h · p90 1.1d`` of an edge's time (``prefix`` time) or a dwell ("" without one)."""
    median, p90 = (row.get(f"{prefix}_{key}") for key in ("median_s", "p90_s"))
    return timing_label(None if median is None else float(median), None if p90 is None else float(p90))


def _time_detail(row: Row, prefix: str) -> list[str]:
    """The full time (median, p90, mean, n) and the expected wait, in human units."""
    lines = []
    if f"{prefix}_n" in row:
        lines.append(timing_text({k: row.get(f"{prefix}_{k}") for k in ("n", "median_s", "p90_s", "mean_s")}))
    if "expected_wait_s" in row:
        lines.append(f"expected wait {format_seconds(float(row['expected_wait_s']))}")
    return lines


def _provenance_lines(row: Row) -> list[str]:
    """A touchpoint's score source, dwell, expected wait and the measures past their target."""
    lines = [f"source {row['score_source']}"] if "score_source" in row else []
    if _compact_time(row, "dwell"):
        lines.append(f"dwell {_compact_time(row, 'dwell')}")
    if "expected_wait_s" in row:
        lines.append(f"expected wait {format_seconds(float(row['expected_wait_s']))}")
    for key in sorted(k for k in row if f"{k}_n" in row and k.startswith("measure_")):
        name, value, target = key.removeprefix("measure_"), float(row[key]), row.get(f"{key}_target")
        if target is not None and value > float(target):
            lines.append(f"{name} {measure_value(name, value)} > {measure_value(name, float(target))}")
    return lines
