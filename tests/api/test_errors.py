"""Every error answer is problem+json: routing errors, size limits, store failures, internal errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.problems import STATUS, status_of
from journeymap import errors
from tests.api.conftest import EDITOR, VIEWER, MakeClient, fixture_document, keyed_settings
from tests.api.test_journeys import assert_problem

JID = "mei-su-electronics"


def test_unknown_route_is_404_problem(client: TestClient) -> None:
    body = assert_problem(client.get("/no/such/route", headers=VIEWER), 404)
    assert body["instance"] == "/no/such/route"


def test_wrong_method_is_405_problem_with_allow(client: TestClient) -> None:
    response = client.post(f"/journeys/{JID}", headers=EDITOR)
    assert_problem(response, 405)
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "PUT", "DELETE"}


def test_every_error_class_has_a_status() -> None:
    classes = [
        c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.JourneymapError)
    ]
    for cls in classes:
        if cls is not errors.JourneymapError:
            assert cls in STATUS, cls
    assert status_of(errors.JourneymapError("x")) == 500


def _small_body_client(make_client: MakeClient, tmp_path: Path, limit: int) -> TestClient:
    return make_client(keyed_settings(tmp_path, max_body_bytes=limit))


def test_body_over_the_limit_is_413_by_content_length(make_client: MakeClient, tmp_path: Path) -> None:
    client = _small_body_client(make_client, tmp_path, 1000)
    response = client.put(f"/journeys/{JID}", json=fixture_document(), headers=EDITOR)
    body = assert_problem(response, 413)
    assert "1000 bytes" in body["detail"]
    assert client.get("/journeys", headers=VIEWER).json()["total"] == 0


def test_body_over_the_limit_is_413_when_streamed_without_length(
    make_client: MakeClient, tmp_path: Path
) -> None:
    client = _small_body_client(make_client, tmp_path, 1000)

    def chunks() -> Iterator[bytes]:
        for _ in range(50):
            yield b" " * 100  # whitespace is valid JSON padding: only the size is wrong

    response = client.post(
        "/validate", content=chunks(), headers={**EDITOR, "Content-Type": "application/json"}
    )
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert_problem(response, 413)


def test_streamed_body_under_the_limit_is_read_whole(make_client: MakeClient, tmp_path: Path) -> None:
    client = _small_body_client(make_client, tmp_path, 100_000)
    import json

    text = json.dumps(fixture_document()).encode()

    def chunks() -> Iterator[bytes]:
        for i in range(0, len(text), 97):
            yield text[i : i + 97]

    response = client.post(
        "/validate", content=chunks(), headers={**EDITOR, "Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["touchpoints"] == len(fixture_document()["touchpoints"])


@pytest.mark.parametrize(
    ("limit", "what"), [({"max_nodes": 10}, "11 nodes"), ({"max_edges": 5}, "transitions")]
)
def test_graph_over_the_limits_is_422(
    make_client: MakeClient, tmp_path: Path, limit: dict[str, int], what: str
) -> None:
    client = make_client(keyed_settings(tmp_path, **limit))
    for response in (
        client.put(f"/journeys/{JID}", json=fixture_document(), headers=EDITOR),
        client.post("/validate", json=fixture_document(), headers=EDITOR),
    ):
        body = assert_problem(response, 422)
        assert what in body["detail"] and "JOURNEYMAP_MAX_" in body["detail"]
    assert client.get("/journeys", headers=VIEWER).json()["total"] == 0


def test_at_the_limits_is_accepted(make_client: MakeClient, tmp_path: Path) -> None:
    document = fixture_document()
    limits = {
        "max_nodes": 1 + len(document["touchpoints"]) + len(document["outcomes"]),
        "max_edges": len(document["transitions"]),
    }
    client = make_client(keyed_settings(tmp_path, **limits))
    assert client.put(f"/journeys/{JID}", json=document, headers=EDITOR).status_code == 201


@pytest.fixture
def broken_store(make_client: MakeClient, tmp_path: Path) -> TestClient:
    """An app whose SQLite file has been overwritten with garbage after start."""
    client = make_client(raise_server_exceptions=False)
    client.app.state.runtime.store.close()  # type: ignore[attr-defined]  # lets go of the file
    for leftover in tmp_path.glob("api.db-*"):
        leftover.unlink()
    (tmp_path / "api.db").write_bytes(b"this is not a database" * 500)
    return client


def test_store_failure_on_write_is_503_with_retry_after(broken_store: TestClient) -> None:
    response = broken_store.put(f"/journeys/{JID}", json=fixture_document(), headers=EDITOR)
    assert_problem(response, 503)
    assert response.headers["retry-after"] == "5"


def test_health_reports_an_unreachable_store_as_503(broken_store: TestClient) -> None:
    assert_problem(broken_store.get("/health"), 503)


def test_store_failure_on_read_is_503(broken_store: TestClient) -> None:
    body = assert_problem(broken_store.get("/journeys", headers=VIEWER), 503)
    assert body["title"] == "store unavailable"


def test_unexpected_failure_is_500_problem_without_internals(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client(raise_server_exceptions=False)
    store = client.app.state.runtime.store  # type: ignore[attr-defined]

    def broken_list() -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(store, "list", broken_list)  # a bug, not a refusal
    response = client.get("/journeys", headers=VIEWER)
    body = assert_problem(response, 500)
    assert "logged" in body["detail"]
    assert "secret internals" not in response.text and "Traceback" not in response.text


def test_health_ok(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["store"] == "sqlite: reachable"
