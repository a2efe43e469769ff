"""Journey resources over HTTP: create/replace with ETag/If-Match, read, list, versions, delete, patch."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from journeymap.errors import InvalidJourney
from journeymap.model import ID_PATTERN, journey_document, parse_journey
from tests.annotated import annotated_document
from tests.api.conftest import EDITOR, FIXTURES, ROOT, VIEWER, MakeClient, fixture_document

JID = "mei-su-electronics"
PROBLEM = "application/problem+json"


class _AnyText(str):
    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and bool(other)

    __hash__ = str.__hash__


ANY_TEXT = _AnyText()


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:journeymap:problem:")
    assert body["title"] and body["detail"]
    return body


def test_put_creates_then_get_returns_the_same_document_with_etag(client: TestClient) -> None:
    document = fixture_document()
    created = client.put(f"/journeys/{JID}", json=document, headers=EDITOR)
    assert created.status_code == 201
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == f"/journeys/{JID}"
    expected = journey_document(parse_journey(document))
    assert created.json() == expected
    got = client.get(f"/journeys/{JID}", headers=VIEWER)
    assert got.status_code == 200
    assert got.headers["etag"] == '"1"'
    assert got.json() == expected


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_every_fixture_round_trips(client: TestClient, path: Path) -> None:
    document = yaml.safe_load(path.read_text("utf-8"))
    assert client.put(f"/journeys/{document['id']}", json=document, headers=EDITOR).status_code == 201
    assert client.get(f"/journeys/{document['id']}", headers=VIEWER).json() == journey_document(
        parse_journey(document)
    )


def test_annotations_round_trip_over_http(client: TestClient) -> None:
    document = annotated_document()
    assert client.put("/journeys/annotated", json=document, headers=EDITOR).status_code == 201
    got = client.get("/journeys/annotated", headers=VIEWER).json()
    assert parse_journey(got) == parse_journey(document)
    assert got["opportunities"][0]["status"] == "in_progress"
    assert got["touchpoints"][0]["personas"] == ["regular", "tourist"]


def test_put_without_id_in_body_takes_the_paths_id(client: TestClient) -> None:
    document = fixture_document()
    del document["id"]
    response = client.put("/journeys/renamed", json=document, headers=EDITOR)
    assert response.status_code == 201
    assert response.json()["id"] == "renamed"


def test_put_with_a_different_id_in_body_is_422(client: TestClient) -> None:
    body = assert_problem(client.put("/journeys/other", json=fixture_document(), headers=EDITOR), 422)
    assert body["problems"] == [
        {"loc": "id", "rule": "id-mismatch", "message": f"the body's id '{JID}' is not the path's 'other'"}
    ]
    assert client.get("/journeys/other", headers=VIEWER).status_code == 404


def test_replace_without_if_match_is_428_and_changes_nothing(
    client: TestClient, stored: dict[str, Any]
) -> None:
    changed = copy.deepcopy(stored)
    changed["name"] = "Changed"
    body = assert_problem(client.put(f"/journeys/{JID}", json=changed, headers=EDITOR), 428)
    assert 'If-Match: "1"' in body["detail"]
    assert client.get(f"/journeys/{JID}", headers=VIEWER).json()["name"] == stored["name"]


def test_replace_with_current_if_match_makes_version_2(client: TestClient, stored: dict[str, Any]) -> None:
    changed = {**stored, "name": "Changed"}
    response = client.put(f"/journeys/{JID}", json=changed, headers={**EDITOR, "If-Match": '"1"'})
    assert response.status_code == 200
    assert response.headers["etag"] == '"2"'
    assert client.get(f"/journeys/{JID}", headers=VIEWER).json()["name"] == "Changed"
    assert client.get(f"/journeys/{JID}?version=1", headers=VIEWER).json()["name"] == stored["name"]


@pytest.mark.parametrize("tag", ['"1"', "1", 'W/"1"', '"7", "1"', "*"])
def test_if_match_forms_that_name_the_current_version(
    client: TestClient, stored: dict[str, Any], tag: str
) -> None:
    response = client.put(f"/journeys/{JID}", json=stored, headers={**EDITOR, "If-Match": tag})
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'


@pytest.mark.parametrize("tag", ['"2"', '"0"', "junk", '"3", "4"'])
def test_if_match_that_does_not_match_is_412(client: TestClient, stored: dict[str, Any], tag: str) -> None:
    changed = {**stored, "name": "Changed"}
    body = assert_problem(
        client.put(f"/journeys/{JID}", json=changed, headers={**EDITOR, "If-Match": tag}), 412
    )
    assert body["current_version"] == 1
    assert client.get(f"/journeys/{JID}", headers=VIEWER).json()["name"] == stored["name"]


def test_if_match_on_a_missing_journey_is_412(client: TestClient) -> None:
    for tag in ('"1"', "*"):
        response = client.put(
            f"/journeys/{JID}", json=fixture_document(), headers={**EDITOR, "If-Match": tag}
        )
        assert_problem(response, 412)
    assert client.get(f"/journeys/{JID}", headers=VIEWER).status_code == 404


def test_if_none_match_star_creates_only(client: TestClient, stored: dict[str, Any]) -> None:
    response = client.put(f"/journeys/{JID}", json=stored, headers={**EDITOR, "If-None-Match": "*"})
    assert_problem(response, 412)
    response = client.put(
        "/journeys/fresh", json={**stored, "id": "fresh"}, headers={**EDITOR, "If-None-Match": "*"}
    )
    assert response.status_code == 201


def test_two_clients_editing_one_journey_the_stale_one_gets_412(
    make_client: MakeClient, tmp_path: Path
) -> None:
    alice, bob = make_client(), make_client()  # two apps, one store: like two servers
    alice.put(f"/journeys/{JID}", json=fixture_document(), headers=EDITOR)
    seen_by_alice = alice.get(f"/journeys/{JID}", headers=EDITOR)
    seen_by_bob = bob.get(f"/journeys/{JID}", headers=EDITOR)
    assert seen_by_alice.headers["etag"] == seen_by_bob.headers["etag"] == '"1"'
    alice_doc = {**seen_by_alice.json(), "name": "Alice's edit"}
    bob_doc = {**seen_by_bob.json(), "name": "Bob's edit"}
    first = alice.put(
        f"/journeys/{JID}", json=alice_doc, headers={**EDITOR, "If-Match": seen_by_alice.headers["etag"]}
    )
    assert first.status_code == 200 and first.headers["etag"] == '"2"'
    second = bob.put(
        f"/journeys/{JID}", json=bob_doc, headers={**EDITOR, "If-Match": seen_by_bob.headers["etag"]}
    )
    assert_problem(second, 412)
    after = bob.get(f"/journeys/{JID}", headers=EDITOR)
    assert after.headers["etag"] == '"2"'
    assert after.json()["name"] == "Alice's edit"
    patch = bob.patch(
        f"/journeys/{JID}/touchpoints/convenience",
        json={"experience": 9},
        headers={**EDITOR, "If-Match": seen_by_bob.headers["etag"]},
    )
    assert_problem(patch, 412)
    assert [
        v["version"] for v in bob.get(f"/journeys/{JID}/versions", headers=EDITOR).json()["versions"]
    ] == [1, 2]


INVALID = sorted(p for p in (ROOT / "fixtures" / "invalid").glob("*.yaml") if p.stem != "syntax")


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_journeys_are_422_with_every_problem_and_nothing_is_stored(
    client: TestClient, path: Path
) -> None:
    document = yaml.safe_load(path.read_text("utf-8"))
    with pytest.raises(InvalidJourney) as oracle:
        parse_journey(document)
    raw_id = document.get("id") if isinstance(document, dict) else None
    jid = raw_id if isinstance(raw_id, str) and re.match(ID_PATTERN, raw_id) else "x"
    body = assert_problem(client.put(f"/journeys/{jid}", json=document, headers=EDITOR), 422)
    expected = [p.as_dict() for p in oracle.value.problems]
    if isinstance(document, dict) and "id" in document and raw_id != jid:
        expected = [{"loc": "id", "rule": "id-mismatch", "message": ANY_TEXT}, *expected]
    assert body["problems"] == expected
    assert re.search(r"^# expect-rule: (\S+)", path.read_text("utf-8"), re.M)[1] in {
        p["rule"] for p in expected
    }  # type: ignore[index]
    assert client.get("/journeys", headers=VIEWER).json()["total"] == 0


def test_malformed_json_is_422_syntax(client: TestClient) -> None:
    response = client.put(
        f"/journeys/{JID}", content=b'{"id": "x",', headers={**EDITOR, "Content-Type": "application/json"}
    )
    body = assert_problem(response, 422)
    assert body["problems"][0]["rule"] == "syntax"


def test_a_body_that_is_not_utf8_is_422_naming_the_byte(client: TestClient) -> None:
    latin1 = b'{"id": "caf\xe9"}'
    json_type = {**EDITOR, "Content-Type": "application/json"}
    response = client.put(f"/journeys/{JID}", content=latin1, headers=json_type)
    body = assert_problem(response, 422)
    assert body["problems"] == [{"loc": "", "rule": "encoding", "message": "not UTF-8 text (byte 11)"}]
    assert client.get("/journeys", headers=VIEWER).json()["total"] == 0


def test_a_body_that_is_not_json_is_415(client: TestClient) -> None:
    response = client.put(
        f"/journeys/{JID}", content=b"id: x", headers={**EDITOR, "Content-Type": "text/yaml"}
    )
    assert_problem(response, 415)


def test_list_is_paged_and_ordered_by_id(client: TestClient) -> None:
    ids = []
    for path in FIXTURES:
        document = yaml.safe_load(path.read_text("utf-8"))
        client.put(f"/journeys/{document['id']}", json=document, headers=EDITOR)
        ids.append(document["id"])
    seen: list[str] = []
    offset: int | None = 0
    while offset is not None:
        page = client.get(f"/journeys?limit=3&offset={offset}", headers=VIEWER).json()
        assert page["total"] == len(ids) and page["limit"] == 3 and len(page["items"]) <= 3
        seen += [item["id"] for item in page["items"]]
        assert all(item["version"] == 1 and item["updated_at"] for item in page["items"])
        offset = page["next_offset"]
    assert seen == sorted(ids)
    assert client.get("/journeys?offset=100", headers=VIEWER).json()["items"] == []
    assert_problem(client.get("/journeys?limit=0", headers=VIEWER), 422)


def test_unknown_journey_and_version_are_404(client: TestClient, stored: dict[str, Any]) -> None:
    assert "no journey 'nope'" in assert_problem(client.get("/journeys/nope", headers=VIEWER), 404)["detail"]
    assert_problem(client.get(f"/journeys/{JID}?version=9", headers=VIEWER), 404)
    assert_problem(client.get("/journeys/nope/versions", headers=VIEWER), 404)


def test_bad_id_in_the_path_is_422(client: TestClient) -> None:
    body = assert_problem(client.get("/journeys/Not_A_Slug", headers=VIEWER), 422)
    assert body["problems"][0]["loc"] == "path.journey_id"


def test_versions_lists_every_version(client: TestClient, stored: dict[str, Any]) -> None:
    client.put(f"/journeys/{JID}", json=stored, headers={**EDITOR, "If-Match": '"1"'})
    response = client.get(f"/journeys/{JID}/versions", headers=VIEWER)
    assert response.headers["etag"] == '"2"'
    body = response.json()
    assert body["journey"] == JID and body["current"] == 2
    assert [v["version"] for v in body["versions"]] == [1, 2]


def test_delete_needs_if_match_then_removes_everything(client: TestClient, stored: dict[str, Any]) -> None:
    assert_problem(client.delete(f"/journeys/{JID}", headers=EDITOR), 428)
    assert_problem(client.delete(f"/journeys/{JID}", headers={**EDITOR, "If-Match": '"5"'}), 412)
    assert client.get(f"/journeys/{JID}", headers=VIEWER).status_code == 200
    response = client.delete(f"/journeys/{JID}", headers={**EDITOR, "If-Match": '"1"'})
    assert response.status_code == 204 and response.content == b""
    assert_problem(client.get(f"/journeys/{JID}", headers=VIEWER), 404)
    assert_problem(client.delete(f"/journeys/{JID}", headers={**EDITOR, "If-Match": "*"}), 404)
    again = client.put(f"/journeys/{JID}", json=stored, headers=EDITOR)
    assert again.status_code == 201 and again.headers["etag"] == '"2"'  # versions are never reused


def test_patch_sets_scores_removes_optional_ones_and_makes_a_version(
    client: TestClient, stored: dict[str, Any]
) -> None:
    response = client.patch(
        f"/journeys/{JID}/touchpoints/convenience",
        json={"experience": 8, "ideal": None, "importance": 2.5},
        headers={**EDITOR, "If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    touchpoint = next(t for t in response.json()["touchpoints"] if t["id"] == "convenience")
    assert touchpoint["experience"] == 8 and touchpoint["importance"] == 2.5 and "ideal" not in touchpoint
    assert touchpoint["expectation"] == 7  # untouched
    stored_now = client.get(f"/journeys/{JID}", headers=VIEWER).json()
    assert stored_now == response.json()
    before = journey_document(parse_journey(stored))
    assert [t for t in stored_now["touchpoints"] if t["id"] != "convenience"] == [
        t for t in before["touchpoints"] if t["id"] != "convenience"
    ]
    assert {k: v for k, v in stored_now.items() if k != "touchpoints"} == {
        k: v for k, v in before.items() if k != "touchpoints"
    }


@pytest.mark.parametrize(
    ("body", "status", "loc"),
    [
        ({"experience": 11}, 422, "touchpoints[1].experience"),  # outside the 0..10 scale
        ({"experience": None}, 422, "body.experience"),
        ({}, 422, "body"),
        ({"mood": 3}, 422, "body.mood"),
        ({"importance": -1}, 422, "body.importance"),
    ],
)
def test_patch_with_bad_scores_is_422_and_changes_nothing(
    client: TestClient, stored: dict[str, Any], body: dict[str, Any], status: int, loc: str
) -> None:
    response = client.patch(
        f"/journeys/{JID}/touchpoints/convenience", json=body, headers={**EDITOR, "If-Match": '"1"'}
    )
    problem = assert_problem(response, status)
    assert loc in [p["loc"] for p in problem["problems"]]
    assert client.get(f"/journeys/{JID}", headers=VIEWER).headers["etag"] == '"1"'


def test_patch_preconditions_and_unknown_ids(client: TestClient, stored: dict[str, Any]) -> None:
    url = f"/journeys/{JID}/touchpoints/convenience"
    assert_problem(client.patch(url, json={"experience": 6}, headers=EDITOR), 428)
    assert_problem(client.patch(url, json={"experience": 6}, headers={**EDITOR, "If-Match": '"4"'}), 412)
    missing = client.patch(
        f"/journeys/{JID}/touchpoints/nope", json={"experience": 6}, headers={**EDITOR, "If-Match": '"1"'}
    )
    assert "no touchpoint 'nope'" in assert_problem(missing, 404)["detail"]
    assert_problem(client.patch("/journeys/nope/touchpoints/a", json={"experience": 6}, headers=EDITOR), 404)
