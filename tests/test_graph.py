"""The graph seam is lossless: Journey -> DiGraph -> Journey is the identity."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings

from journeymap.files import load_journey
from journeymap.graph import from_graph, to_graph
from journeymap.model import Journey
from tests.strategies import journeys

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@settings(max_examples=150, deadline=None)
@given(journeys())
def test_round_trip_generated(journey: Journey) -> None:
    assert from_graph(to_graph(journey)) == journey


def test_round_trip_fixtures() -> None:
    for path in FIXTURES.glob("*.yaml"):
        journey = load_journey(path)
        assert from_graph(to_graph(journey)) == journey


def test_graph_shape() -> None:
    journey = load_journey(FIXTURES / "mei-su-electronics.yaml")
    g = to_graph(journey)
    assert g.nodes["entry"]["type"] == "entry"
    assert g.nodes["convenience"]["importance"] == 9
    assert g.nodes["walks_away"]["kind"] == "failure"
    assert g.edges["entry", "convenience"] == {"customers": 400, "index": 1}
    assert g.number_of_edges() == len(journey.transitions)
    assert list(g.nodes)[: 1 + len(journey.touchpoints)] == ["entry"] + [t.id for t in journey.touchpoints]
