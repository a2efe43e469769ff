"""GraphML (yEd), GEXF (Gephi), Cytoscape.js JSON and D3 node-link JSON.

All four are written by networkx's own writers (``GraphMLWriter``,
``generate_gexf``, ``cytoscape_data``, ``node_link_data``). Only yEd's
graphics, which no kept library writes, are added by hand on top of
networkx's GraphML writer (``journeymap.export.yed``).

Each is shaped the way its consumer reads it: GraphML edges carry their id
only as the XML ``id`` (python-igraph reads a data key ``id`` as a clash);
GEXF is version 1.3 with the ``viz:`` module (colour, size, position of every
node, colour and thickness of every edge) and the journey's name and figures
in ``<meta>`` (GEXF has no graph attributes); the Cytoscape.js document's
top-level ``data`` is an object, as ``cy.json()`` writes and reads it.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree.ElementTree import Element, SubElement

import networkx as nx

from journeymap.export import palette
from journeymap.export.tables import Row, Tables
from journeymap.export.yed import YedGraphMLWriter, edge_widths, grid_positions


def tables_graph(tables: Tables, *, stages_as_nodes: bool = False) -> nx.DiGraph:
    """An attribute-flat ``DiGraph`` of the tables (node ``id`` is the node key).

    Parameters
    ----------
    tables : Tables
        The journey's rows (``journeymap.export.tables.journey_tables``).
    stages_as_nodes : bool, default False
        Add the stages as nodes too (for formats with compound nodes).

    Returns
    -------
    networkx.DiGraph
        Nodes and edges with the rows' fields as attributes, the graph row as graph attributes.

    Examples
    --------
    >>> from journeymap.export.tables import journey_tables
    >>> from journeymap.files import load_journey
    >>> tables = journey_tables(load_journey("fixtures/auto-repair.yaml"))
    >>> graph = tables_graph(tables)
    >>> graph.has_edge("entry", "ad_promotion"), graph.graph["id"]
    (True, 'auto-repair')
    """
    g = nx.DiGraph(**tables.graph)
    if stages_as_nodes:
        for stage in tables.stages:
            g.add_node(stage["id"], **{k: v for k, v in stage.items() if k != "id"}, type="stage")
    for row in tables.nodes:
        g.add_node(row["id"], **{k: v for k, v in row.items() if k != "id"})
    for row in tables.edges:
        g.add_edge(
            row["source"], row["target"], **{k: v for k, v in row.items() if k not in ("source", "target")}
        )
    return g


def graphml(tables: Tables) -> bytes:
    """GraphML with plain attributes plus yEd's label/shape graphics.

    Parameters
    ----------
    tables : Tables
        The journey's rows (``journeymap.export.tables.journey_tables``).

    Returns
    -------
    bytes
        The UTF-8 GraphML document.

    Examples
    --------
    >>> from journeymap.export.tables import journey_tables
    >>> from journeymap.files import load_journey
    >>> tables = journey_tables(load_journey("fixtures/auto-repair.yaml"))
    >>> import networkx as nx, io
    >>> nx.read_graphml(io.BytesIO(graphml(tables))).number_of_nodes() == len(tables.nodes)
    True
    """
    writer = YedGraphMLWriter(tables, infer_numeric_types=True, edge_id_from_attribute="id")
    writer.add_graph_element(tables_graph(tables))
    return ("<?xml version='1.0' encoding='utf-8'?>\n" + str(writer) + "\n").encode()


def gexf(tables: Tables) -> bytes:
    """GEXF 1.3 for Gephi: typed attributes, ``viz:`` colours, sizes and positions, ``<meta>``.

    Parameters
    ----------
    tables : Tables
        The journey's rows (``journeymap.export.tables.journey_tables``).

    Returns
    -------
    bytes
        The UTF-8 GEXF document.

    Examples
    --------
    >>> from journeymap.export.tables import journey_tables
    >>> from journeymap.files import load_journey
    >>> tables = journey_tables(load_journey("fixtures/auto-repair.yaml"))
    >>> text = gexf(tables).decode()
    >>> "http://gexf.net/1.3" in text, "<viz:color" in text
    (True, True)
    """
    g = tables_graph(tables)
    positions = grid_positions(tables)
    half = palette.extent(float(r.get("satisfaction", 0)) for r in tables.nodes)
    sizes = _node_sizes(tables.nodes)
    for row in tables.nodes:
        x, y = positions[str(row["id"])]
        g.nodes[row["id"]]["viz"] = {
            "color": _rgba(palette.node_fill(row, half)),
            "size": sizes[str(row["id"])],
            "position": {"x": x, "y": -y, "z": 0.0},  # Gephi's y axis points up
        }
    widths = edge_widths(tables.edges)
    for row in tables.edges:
        g.edges[row["source"], row["target"]]["viz"] = {
            "color": _rgba("#555555"),
            "thickness": round(widths[str(row["id"])][0], 3),
        }
    writer = nx.readwrite.gexf.GEXFWriter(version="1.3")
    writer.add_graph(g)
    _gexf_meta(writer.xml, tables.graph)
    return (str(writer) + "\n").encode()


def _gexf_meta(root: Element, graph: Row) -> None:
    """``<meta>``: journeymap as creator, the journey's name, description and figures."""
    meta = root.find("meta")
    assert meta is not None
    meta.clear()
    SubElement(meta, "creator").text = "journeymap"
    SubElement(meta, "title").text = str(graph["name"])
    SubElement(meta, "keywords").text = f"customer journey, {graph['id']}"
    figures = "; ".join(f"{k}={v}" for k, v in graph.items() if k not in ("name", "description"))
    description = f"{graph['description']}\n{figures}" if "description" in graph else figures
    SubElement(meta, "description").text = description


def _rgba(colour: str) -> dict[str, int | float]:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return {"r": r, "g": g, "b": b, "a": 1.0}


def _node_sizes(nodes: list[Row]) -> dict[str, float]:
    """Node size 10..40: by reach with analysis, else by importance (entry and outcomes 20)."""
    key = "reach" if any("reach" in r and r["type"] == "touchpoint" for r in nodes) else "importance"
    top = max([float(r.get(key, 1.0)) for r in nodes if r["type"] == "touchpoint"] + [1e-12])
    return {
        str(r["id"]): round(10 + 30 * float(r.get(key, 1.0)) / top, 3) if r["type"] == "touchpoint" else 20.0
        for r in nodes
    }


def cytoscape(tables: Tables) -> bytes:
    """Cytoscape.js elements JSON; stages are compound parent nodes.

    Parameters
    ----------
    tables : Tables
        The journey's rows (``journeymap.export.tables.journey_tables``).

    Returns
    -------
    bytes
        The UTF-8 JSON of ``cy.json()``'s shape: ``data`` and ``elements``.

    Examples
    --------
    >>> from journeymap.export.tables import journey_tables
    >>> from journeymap.files import load_journey
    >>> tables = journey_tables(load_journey("fixtures/auto-repair.yaml"))
    >>> import json
    >>> doc = json.loads(cytoscape(tables))
    >>> doc["data"]["id"], sorted(doc["elements"])
    ('auto-repair', ['edges', 'nodes'])
    """
    g = tables_graph(tables, stages_as_nodes=True)
    for _node, data in g.nodes(data=True):
        if data.get("type") == "touchpoint":
            data["parent"] = data["stage"]
    document: dict[str, Any] = nx.cytoscape_data(g, name="label")
    document["data"] = dict(g.graph)  # cy.json() keeps an object, drops networkx's pair list
    for element in document["elements"]["nodes"]:
        element["classes"] = element["data"].get("type", "")
    for element in document["elements"]["edges"]:
        element["data"]["id"] = f"{element['data']['source']}->{element['data']['target']}"
    return _json(document)


def d3(tables: Tables) -> bytes:
    """D3 node-link JSON (``nodes`` + ``links``), with the stages in ``graph``.

    Parameters
    ----------
    tables : Tables
        The journey's rows (``journeymap.export.tables.journey_tables``).

    Returns
    -------
    bytes
        The UTF-8 JSON.

    Examples
    --------
    >>> from journeymap.export.tables import journey_tables
    >>> from journeymap.files import load_journey
    >>> tables = journey_tables(load_journey("fixtures/auto-repair.yaml"))
    >>> import json
    >>> doc = json.loads(d3(tables))
    >>> len(doc["nodes"]) == len(tables.nodes), len(doc["links"]) == len(tables.edges)
    (True, True)
    """
    g = tables_graph(tables)
    g.graph["stages"] = tables.stages
    document = nx.node_link_data(g, edges="links")
    return _json(document)


def _json(document: Any) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
