"""yEd's graphics on networkx's GraphML writer, and the card grid they are drawn on.

yEd reads its node and edge graphics (``y:ShapeNode``/``y:NodeLabel`` and
``y:PolyLineEdge``/``y:EdgeLabel`` data under ``yfiles.type`` keys) from GraphML
data no kept library writes, so ``YedGraphMLWriter`` adds them by hand on top
of networkx's ``GraphMLWriter``. The grid positions and line widths serve
Gephi's ``viz:`` data in GEXF too (``networkx_formats.gexf``).
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

import networkx as nx
from networkx.readwrite.graphml import GraphMLWriter

from journeymap.export import palette
from journeymap.export.flows import edge_amount, weight_label
from journeymap.export.tables import Row, Tables

YFILES_NS = "http://www.yworks.com/xml/graphml"
NODE_GRAPHICS_KEY = "yed_node"
EDGE_GRAPHICS_KEY = "yed_edge"
CARD_WIDTH, CARD_HEIGHT, COLUMN_GAP, ROW_GAP = 180.0, 60.0, 80.0, 30.0


class YedGraphMLWriter(GraphMLWriter):  # type: ignore[misc]
    """networkx's GraphML writer plus yEd node and edge graphics."""

    def __init__(self, tables: Tables, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tables = tables
        self.xml.set("xmlns:y", YFILES_NS)

    def __str__(self) -> str:
        self.indent(self.xml)
        return tostring(self.xml, encoding="unicode")  # characters, not &#...; references

    def add_attributes(self, scope: str, xml_obj: Element, data: dict[str, Any], default: Any) -> None:
        """As networkx's, but an edge's ``id`` stays the XML attribute only (no ``id`` data key)."""
        if scope == "edge":
            data = {k: v for k, v in data.items() if k != "id"}
        super().add_attributes(scope, xml_obj, data, default)

    def add_graph_element(self, G: nx.DiGraph) -> None:
        super().add_graph_element(G)
        self.xml.insert(
            0, Element("key", {"for": "node", "id": NODE_GRAPHICS_KEY, "yfiles.type": "nodegraphics"})
        )
        self.xml.insert(
            1, Element("key", {"for": "edge", "id": EDGE_GRAPHICS_KEY, "yfiles.type": "edgegraphics"})
        )
        graph = self.xml.find("graph")
        assert graph is not None
        nodes = {row["id"]: row for row in self.tables.nodes}
        positions = grid_positions(self.tables)
        half = palette.extent(float(r.get("satisfaction", 0)) for r in self.tables.nodes)
        widths = edge_widths(self.tables.edges)
        for element in graph:
            if element.tag == "node":
                node_id = element.get("id", "")
                _add_node_graphics(element, nodes[node_id], positions[node_id], half)
            elif element.tag == "edge":
                _add_edge_graphics(element, widths[element.get("id", "")])


def _add_node_graphics(element: Element, row: Row, position: tuple[float, float], half: float) -> None:
    fill, shape = palette.node_fill(row, half), "roundrectangle" if row["type"] == "touchpoint" else "ellipse"
    shape_node = SubElement(SubElement(element, "data", key=NODE_GRAPHICS_KEY), "y:ShapeNode")
    SubElement(
        shape_node,
        "y:Geometry",
        x=f"{position[0]:g}",
        y=f"{position[1]:g}",
        width=f"{CARD_WIDTH:g}",
        height=f"{CARD_HEIGHT:g}",
    )
    SubElement(shape_node, "y:Fill", color=fill, transparent="false")
    SubElement(shape_node, "y:BorderStyle", color="#333333", type="line", width="1.0")
    label = SubElement(
        shape_node,
        "y:NodeLabel",
        textColor=palette.text_colour(fill),
        alignment="center",
        autoSizePolicy="content",
        modelName="internal",
        modelPosition="c",
    )
    label.text = str(row["label"])
    SubElement(shape_node, "y:Shape", type=shape)


def _add_edge_graphics(element: Element, width: tuple[float, str]) -> None:
    line = SubElement(SubElement(element, "data", key=EDGE_GRAPHICS_KEY), "y:PolyLineEdge")
    SubElement(line, "y:LineStyle", color="#555555", type="line", width=f"{width[0]:.2f}")
    SubElement(line, "y:Arrows", source="none", target="standard")
    label = SubElement(line, "y:EdgeLabel")
    label.text = width[1]


def edge_widths(edges: list[Row]) -> dict[str, tuple[float, str]]:
    """Line width (1..8, by the amount flowing) and label per edge id.

    Parameters
    ----------
    edges : list of dict
        The edge rows (``Tables.edges``).

    Returns
    -------
    dict of str to (float, str)
        The width and the label (``weight_label``) of each edge, by edge id.

    Examples
    --------
    >>> edge_widths([{"id": "a->b", "customers": 30}, {"id": "b->c", "customers": 15}])
    {'a->b': (8.0, '30'), 'b->c': (4.5, '15')}
    """
    top = max([edge_amount(r) for r in edges] + [1e-12])
    return {str(r["id"]): (1 + 7 * edge_amount(r) / top, weight_label(r)) for r in edges}


def grid_positions(tables: Tables) -> dict[str, tuple[float, float]]:
    """Each node's top-left corner on a card grid: stage columns left to right, entry
    before them, outcomes after them, cards stacked in file order.

    Parameters
    ----------
    tables : Tables
        The journey's rows (``journeymap.export.tables.journey_tables``).

    Returns
    -------
    dict of str to (float, float)
        ``(x, y)`` of each node, by node id.

    Examples
    --------
    >>> from journeymap.export.tables import journey_tables
    >>> from journeymap.files import load_journey
    >>> at = grid_positions(journey_tables(load_journey("fixtures/auto-repair.yaml")))
    >>> at["entry"], at["ad_promotion"]
    ((0.0, 0.0), (260.0, 0.0))
    """
    column = {str(s["id"]): i + 1 for i, s in enumerate(tables.stages)}
    outcome_column = len(tables.stages) + 1
    rows_used: dict[int, int] = {}
    positions = {}
    for row in tables.nodes:
        col = (
            0
            if row["type"] == "entry"
            else outcome_column
            if row["type"] == "outcome"
            else column[str(row["stage"])]
        )
        slot = rows_used.get(col, 0)
        rows_used[col] = slot + 1
        positions[str(row["id"])] = (col * (CARD_WIDTH + COLUMN_GAP), slot * (CARD_HEIGHT + ROW_GAP))
    return positions
