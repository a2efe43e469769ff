"""Exports of a journey for other tools, and the self-contained journey map page.

Public API (used by the CLI and the HTTP API)::

    export_journey(journey, fmt, with_analysis=False) -> ExportResult
    FORMATS                                   # the format names
    map_html(journey, alpha=0.5) -> str       # the map page

Which writer makes each format:

=================  ==========================================================
graphml            networkx ``GraphMLWriter`` + yEd graphics added by hand
gexf               networkx ``GEXFWriter`` (GEXF 1.3 with ``viz:``)
cytoscape          networkx ``cytoscape_data`` (stages as compound parents)
d3                 networkx ``node_link_data``
dot                by hand (``graphviz.py``): no kept writer does clusters
mermaid            by hand (``mermaid.py``): flowchart with stage subgraphs
mermaid-journey    by hand (``mermaid.py``): Mermaid's journey diagram
csv                stdlib ``csv`` + ``zipfile`` (neo4j-admin headers, ID spaces)
cypher             ``cypher/export/*.cypher`` templates, parameters inlined
=================  ==========================================================
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, get_args

from journeymap.errors import InvalidInput
from journeymap.export import cypher, graphviz, mermaid, tabular
from journeymap.export.flows import main_path
from journeymap.export.mappage import render
from journeymap.export.tables import Tables, journey_tables
from journeymap.model import Journey


@dataclass(frozen=True)
class ExportResult:
    """One exported document: its bytes, media type and a suggested file name."""

    content: bytes
    media_type: str
    filename: str


@dataclass(frozen=True)
class _Format:
    suffix: str
    media_type: str
    write: Callable[[Journey, bool], bytes]


def _from_tables(write: Callable[[Tables], bytes]) -> Callable[[Journey, bool], bytes]:
    def run(journey: Journey, with_analysis: bool) -> bytes:
        return write(journey_tables(journey, with_analysis))

    return run


def _networkx(name: str) -> Callable[[Tables], bytes]:
    """A writer of ``networkx_formats``, imported on first use (networkx takes ~0.1 s to import)."""

    def write(tables: Tables) -> bytes:
        writer: Callable[[Tables], bytes] = getattr(
            importlib.import_module("journeymap.export.networkx_formats"), name
        )
        return writer(tables)

    return write


def _dot(journey: Journey, with_analysis: bool) -> bytes:
    # Edge widths show the customers the model sends, so the analysis always runs.
    return graphviz.dot(journey_tables(journey, with_analysis=True), detailed=with_analysis)


def _mermaid_journey(journey: Journey, with_analysis: bool) -> bytes:
    if with_analysis:
        raise InvalidInput(
            "mermaid-journey draws each step's satisfaction face only and has no place for the analysis; "
            "export it without the analysis, or use dot, mermaid, graphml, gexf, cytoscape, d3, csv or cypher"
        )
    span = journey.scale.max - journey.scale.min if journey.scale else 10.0
    return mermaid.journey_diagram(journey_tables(journey, with_analysis), main_path(journey), span)


_FORMATS: dict[str, _Format] = {
    "graphml": _Format("graphml", "application/graphml+xml", _from_tables(_networkx("graphml"))),
    "gexf": _Format("gexf", "application/gexf+xml", _from_tables(_networkx("gexf"))),
    "cytoscape": _Format("cyjs", "application/json", _from_tables(_networkx("cytoscape"))),
    "d3": _Format("json", "application/json", _from_tables(_networkx("d3"))),
    "dot": _Format("dot", "text/vnd.graphviz; charset=utf-8", _dot),
    "mermaid": _Format("mmd", "text/plain; charset=utf-8", _from_tables(mermaid.flowchart)),
    "mermaid-journey": _Format("journey.mmd", "text/plain; charset=utf-8", _mermaid_journey),
    "csv": _Format("csv.zip", "application/zip", _from_tables(tabular.csv_zip)),
    "cypher": _Format("cypher", "text/plain; charset=utf-8", _from_tables(cypher.script)),
}
ExportFormat = Literal[
    "graphml", "gexf", "cytoscape", "d3", "dot", "mermaid", "mermaid-journey", "csv", "cypher"
]
FORMATS: tuple[str, ...] = get_args(ExportFormat)
assert tuple(_FORMATS) == FORMATS, "ExportFormat names every format, in order"
BINARY_FORMATS = frozenset({"csv"})


def export_journey(journey: Journey, fmt: str, with_analysis: bool = False) -> ExportResult:
    """Export ``journey`` for another tool in format ``fmt``.

    Parameters
    ----------
    journey : Journey
        The journey.
    fmt : str
        One of ``FORMATS``: ``graphml``, ``gexf``, ``cytoscape``, ``d3``, ``dot``,
        ``mermaid``, ``mermaid-journey``, ``csv`` (a zip for neo4j-admin) or ``cypher``.
    with_analysis : bool, default False
        Add the engine's figures (reach, pain, priority, carried, removal effect,
        economics; edge probability and expected customers) to the data.

    Returns
    -------
    ExportResult
        The bytes, their media type and a file name (``ID.SUFFIX``).

    Raises
    ------
    InvalidInput
        For an unknown format, and for ``with_analysis`` with ``mermaid-journey``
        (Mermaid's journey diagram has no place for figures).

    Examples
    --------
    >>> from journeymap.files import load_journey
    >>> result = export_journey(load_journey("fixtures/mei-su-electronics.yaml"), "d3")
    >>> result.media_type, result.filename
    ('application/json', 'mei-su-electronics.json')
    >>> export_journey(load_journey("fixtures/mei-su-electronics.yaml"), "svg")
    Traceback (most recent call last):
    journeymap.errors.InvalidInput: unknown export format 'svg'; choose one of: graphml, ...
    """
    spec = _FORMATS.get(fmt)
    if spec is None:
        raise InvalidInput(f"unknown export format '{fmt}'; choose one of: {', '.join(FORMATS)}")
    return ExportResult(spec.write(journey, with_analysis), spec.media_type, f"{journey.id}.{spec.suffix}")


def map_html(journey: Journey, alpha: float = 0.5) -> str:
    """The journey map: one self-contained HTML page (inline CSS, JS and SVG).

    Parameters
    ----------
    journey : Journey
        The journey.
    alpha : float, default 0.5
        The memory of carried experience shown on the emotion curve.

    Returns
    -------
    str
        The page.

    Examples
    --------
    >>> from journeymap.files import load_journey
    >>> page = map_html(load_journey("fixtures/auto-repair.yaml"))
    >>> page.startswith("<!DOCTYPE html>"), "Content-Security-Policy" in page
    (True, True)
    """
    return render(journey, alpha=alpha)


__all__ = ["BINARY_FORMATS", "FORMATS", "ExportFormat", "ExportResult", "export_journey", "map_html"]
