"""Analysis routes: the documents equal the engine's on the stored version; caching and invalidation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from api.runtime import Runtime
from api.schemas import Analysis, Impact, Paths, WhatIf
from journeymap import engine
from journeymap.engine.observed import with_observed
from journeymap.model import parse_journey
from tests.api.conftest import EDITOR, FIXTURES, VIEWER, MakeClient, fixture_document, keyed_settings
from tests.api.test_journeys import assert_problem

JID = "mei-su-electronics"


def same(document: dict[str, Any]) -> Any:
    """The engine's document as it reads back from JSON."""
    return json.loads(json.dumps(document))


def runtime_of(client: TestClient) -> Runtime:
    runtime: Runtime = client.app.state.runtime  # type: ignore[attr-defined]
    return runtime


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_analysis_paths_impact_equal_the_engine_on_every_fixture(client: TestClient, path: Path) -> None:
    document = yaml.safe_load(path.read_text("utf-8"))
    jid = document["id"]
    client.put(f"/journeys/{jid}", json=document, headers=EDITOR)
    journey = parse_journey(document)
    analysis = client.get(f"/journeys/{jid}/analysis?alpha=0.3", headers=VIEWER)
    assert analysis.status_code == 200 and analysis.headers["etag"] == '"1"'
    assert analysis.json() == same(engine.analyze(journey, alpha=0.3))
    paths = client.get(f"/journeys/{jid}/paths?k=3&rank=probability&kind=failure", headers=VIEWER)
    expected = with_observed(engine.top_paths(journey, k=3, rank="probability", kind="failure"), journey)
    assert paths.json() == same(expected)
    impact = client.get(f"/journeys/{jid}/impact", headers=VIEWER).json()
    assert impact == same(engine.impact(journey))
    # the documents fit the response schemas the OpenAPI document publishes
    Analysis.model_validate(analysis.json())
    Paths.model_validate(paths.json())
    Impact.model_validate(impact)


def test_repeated_reads_come_from_the_cache(client: TestClient, stored: dict[str, Any]) -> None:
    cache = runtime_of(client).cache
    first = client.get(f"/journeys/{JID}/paths?k=4", headers=VIEWER)
    assert (cache.hits, cache.misses) == (0, 1)
    for _ in range(3):
        again = client.get(f"/journeys/{JID}/paths?k=4", headers=VIEWER)
        assert again.content == first.content
    assert (cache.hits, cache.misses) == (3, 1)
    client.get(f"/journeys/{JID}/paths?k=5", headers=VIEWER)  # other parameters: another entry
    assert cache.misses == 2 and len(cache) == 2


def test_a_write_invalidates_and_answers_follow_the_new_version(
    client: TestClient, stored: dict[str, Any]
) -> None:
    before = client.get(f"/journeys/{JID}/analysis", headers=VIEWER).json()
    patched = client.patch(
        f"/journeys/{JID}/touchpoints/convenience",
        json={"experience": 9},
        headers={**EDITOR, "If-Match": '"1"'},
    )
    assert patched.status_code == 200
    assert len(runtime_of(client).cache) == 0
    after = client.get(f"/journeys/{JID}/analysis", headers=VIEWER)
    assert after.headers["etag"] == '"2"'
    assert after.json() == same(engine.analyze(parse_journey(patched.json())))
    assert after.json()["expected_pain"] < before["expected_pain"]
    old = client.get(f"/journeys/{JID}/analysis?version=1", headers=VIEWER)
    assert old.headers["etag"] == '"1"' and old.json() == before


def test_a_write_through_another_app_is_seen_at_once(
    make_client: MakeClient, stored: Any, tmp_path: Path
) -> None:
    reader = make_client()
    writer = make_client()
    first = reader.get(f"/journeys/{JID}/impact", headers=VIEWER).json()
    changed = {
        **fixture_document(),
        "touchpoints": [
            {**tp, "experience": 0} if tp["id"] == "price_tag" else tp
            for tp in fixture_document()["touchpoints"]
        ],
    }
    assert (
        writer.put(f"/journeys/{JID}", json=changed, headers={**EDITOR, "If-Match": '"1"'}).status_code == 200
    )
    second = reader.get(f"/journeys/{JID}/impact", headers=VIEWER)
    assert second.headers["etag"] == '"2"'
    assert second.json() == same(engine.impact(parse_journey(changed))) != first


def test_cache_can_be_turned_off(make_client: MakeClient, tmp_path: Path) -> None:
    client = make_client(keyed_settings(tmp_path, cache_entries=0))
    client.put(f"/journeys/{JID}", json=fixture_document(), headers=EDITOR)
    for _ in range(2):
        assert client.get(f"/journeys/{JID}/paths", headers=VIEWER).status_code == 200
    assert len(runtime_of(client).cache) == 0


@pytest.mark.parametrize(
    ("query", "loc"),
    [
        ("alpha=0", "query.alpha"),
        ("alpha=1.5", "query.alpha"),
        ("alpha=nan", "query.alpha"),
        ("k=0", "query.k"),
        ("k=101", "query.k"),
        ("rank=worst", "query.rank"),
        ("kind=maybe", "query.kind"),
        ("to=Bad!", "query.to"),
        ("version=0", "query.version"),
    ],
)
def test_bad_parameters_are_422_naming_the_parameter(
    client: TestClient, stored: dict[str, Any], query: str, loc: str
) -> None:
    route = "analysis" if query.startswith("alpha") else "paths"
    body = assert_problem(client.get(f"/journeys/{JID}/{route}?{query}", headers=VIEWER), 422)
    assert [p["loc"] for p in body["problems"]] == [loc]


def test_engine_refusals_are_422(client: TestClient, stored: dict[str, Any]) -> None:
    body = assert_problem(client.get(f"/journeys/{JID}/paths?to=nowhere", headers=VIEWER), 422)
    assert "nowhere" in body["detail"]
    body = assert_problem(client.get(f"/journeys/{JID}/paths?to=purchase&kind=failure", headers=VIEWER), 422)
    assert "purchase" in body["detail"]


@pytest.mark.parametrize("route", ["analysis", "paths", "impact"])
def test_unknown_journey_or_version_is_404(client: TestClient, stored: dict[str, Any], route: str) -> None:
    assert_problem(client.get(f"/journeys/nope/{route}", headers=VIEWER), 404)
    assert_problem(client.get(f"/journeys/{JID}/{route}?version=2", headers=VIEWER), 404)


WHATIF = {
    "touchpoints": {"convenience": {"experience": 7, "expectation": 7, "importance": 9}},
    "transitions": [{"from": "entry", "to": "convenience", "customers": 600}],
    "remove": ["branch_stock"],
}


def test_whatif_equals_the_engine_and_stores_nothing(client: TestClient, stored: dict[str, Any]) -> None:
    response = client.post(f"/journeys/{JID}/whatif?alpha=0.7", json=WHATIF, headers=VIEWER)
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"1"'
    assert response.json() == same(engine.whatif(parse_journey(stored), WHATIF, alpha=0.7))
    WhatIf.model_validate(response.json())
    assert client.get(f"/journeys/{JID}/versions", headers=VIEWER).json()["current"] == 1


@pytest.mark.parametrize(
    ("patch", "loc"),
    [
        ({"touchpoints": {"convenience": {"mood": 1}}}, "body.touchpoints.convenience.mood"),
        ({"transitions": [{"from": "entry", "to": "convenience"}]}, "body.transitions[0]"),
        ({"remove": ["Bad Id"]}, "body.remove[0]"),
        ({"surprise": 1}, "body.surprise"),
    ],
)
def test_whatif_with_a_malformed_patch_is_422(
    client: TestClient, stored: dict[str, Any], patch: dict[str, Any], loc: str
) -> None:
    body = assert_problem(client.post(f"/journeys/{JID}/whatif", json=patch, headers=VIEWER), 422)
    assert loc in [p["loc"] for p in body["problems"]]


@pytest.mark.parametrize(
    "patch",
    [
        {"remove": ["no_such_touchpoint"]},
        {"touchpoints": {"no_such_touchpoint": {"experience": 3}}},
        {"transitions": [{"from": "entry", "to": "nowhere", "customers": 5}]},
    ],
)
def test_whatif_naming_unknown_ids_is_422(
    client: TestClient, stored: dict[str, Any], patch: dict[str, Any]
) -> None:
    body = assert_problem(client.post(f"/journeys/{JID}/whatif", json=patch, headers=VIEWER), 422)
    assert "no_such_touchpoint" in response_text(body) or "nowhere" in response_text(body)


def response_text(body: dict[str, Any]) -> str:
    return json.dumps(body)
