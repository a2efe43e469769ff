"""API keys and roles, open access on loopback, and how keys are configured and held."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import Settings
from api.auth import is_loopback, role_of
from api.settings import key_digest, parse_api_keys
from journeymap.errors import InvalidInput
from tests.api.conftest import EDITOR, EDITOR_KEY, VIEWER, VIEWER_KEY, MakeClient, fixture_document
from tests.api.test_journeys import assert_problem

JID = "mei-su-electronics"
READS = [
    ("GET", "/journeys"),
    ("GET", f"/journeys/{JID}"),
    ("GET", f"/journeys/{JID}/versions"),
    ("GET", f"/journeys/{JID}/analysis"),
    ("GET", f"/journeys/{JID}/paths"),
    ("GET", f"/journeys/{JID}/impact"),
]
WRITES = [
    ("PUT", f"/journeys/{JID}"),
    ("DELETE", f"/journeys/{JID}"),
    ("PATCH", f"/journeys/{JID}/touchpoints/convenience"),
]


def send(client: TestClient, method: str, url: str, headers: dict[str, str]) -> Any:
    body = fixture_document() if method == "PUT" else {"experience": 6} if method == "PATCH" else None
    return client.request(method, url, json=body, headers={**headers, "If-Match": '"1"'})


@pytest.mark.parametrize(
    ("method", "url"), READS + WRITES + [("POST", "/validate"), ("POST", f"/journeys/{JID}/whatif")]
)
def test_no_key_is_401_with_a_bearer_challenge(
    client: TestClient, stored: Any, method: str, url: str
) -> None:
    response = client.request(method, url, json={})
    body = assert_problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in body["detail"]


@pytest.mark.parametrize("header", ["Bearer wrong-key", f"Basic {EDITOR_KEY}", EDITOR_KEY, "Bearer "])
def test_unknown_or_malformed_credentials_are_401(client: TestClient, stored: Any, header: str) -> None:
    response = client.get(f"/journeys/{JID}", headers={"Authorization": header})
    assert_problem(response, 401)
    assert "Bearer" in response.headers["www-authenticate"]


@pytest.mark.parametrize(("method", "url"), READS)
def test_viewer_and_editor_keys_may_read(client: TestClient, stored: Any, method: str, url: str) -> None:
    for headers in (VIEWER, EDITOR):
        assert client.request(method, url, headers=headers).status_code == 200


@pytest.mark.parametrize(("method", "url"), WRITES)
def test_viewer_key_may_not_write_and_nothing_changes(
    client: TestClient, stored: Any, method: str, url: str
) -> None:
    body = assert_problem(send(client, method, url, VIEWER), 403)
    assert "editor" in body["detail"]
    assert client.get(f"/journeys/{JID}", headers=VIEWER).headers["etag"] == '"1"'


@pytest.mark.parametrize(("method", "url"), WRITES)
def test_editor_key_may_write(client: TestClient, stored: Any, method: str, url: str) -> None:
    assert send(client, method, url, EDITOR).status_code in {200, 204}


def test_open_access_serves_loopback_clients_only(make_client: MakeClient, tmp_path: Path) -> None:
    settings = Settings(store_url=f"sqlite:///{tmp_path / 'open.db'}")
    local = make_client(settings)
    assert local.put(f"/journeys/{JID}", json=fixture_document()).status_code == 201
    assert local.get(f"/journeys/{JID}").status_code == 200
    remote = make_client(settings, client=("203.0.113.9", 5555))
    body = assert_problem(remote.get(f"/journeys/{JID}"), 403)
    assert "loopback" in body["detail"]
    assert remote.get("/health").status_code == 200  # health needs no key


def test_keys_are_held_only_as_digests() -> None:
    settings = Settings.from_env({"JOURNEYMAP_API_KEYS": f"editor:{EDITOR_KEY},viewer:{VIEWER_KEY}"})
    assert [k.role for k in settings.api_keys] == ["editor", "viewer"]
    assert {k.digest for k in settings.api_keys} == {key_digest(EDITOR_KEY), key_digest(VIEWER_KEY)}
    dumped = repr(settings) + str(settings.model_dump())
    assert EDITOR_KEY not in dumped and VIEWER_KEY not in dumped
    assert role_of(EDITOR_KEY, settings.api_keys) == "editor"
    assert role_of(VIEWER_KEY, settings.api_keys) == "viewer"
    assert role_of(EDITOR_KEY + "x", settings.api_keys) is None


def test_keys_from_a_file_add_to_the_variable(tmp_path: Path) -> None:
    key_file = tmp_path / "keys"
    key_file.write_text("# team keys\nviewer:from-file-1\n\neditor:from-file-2  # ops\n", "utf-8")
    env = {"JOURNEYMAP_API_KEYS": "editor:from-env", "JOURNEYMAP_API_KEYS_FILE": str(key_file)}
    settings = Settings.from_env(env)
    assert [(k.role, k.digest) for k in settings.api_keys] == [
        ("editor", key_digest("from-env")),
        ("viewer", key_digest("from-file-1")),
        ("editor", key_digest("from-file-2")),
    ]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"JOURNEYMAP_API_KEYS": "admin:k1"}, "role 'admin' is not one of viewer, editor"),
        ({"JOURNEYMAP_API_KEYS": "editor"}, "expected 'role:key'"),
        ({"JOURNEYMAP_API_KEYS": "editor:"}, "expected 'role:key'"),
        ({"JOURNEYMAP_API_KEYS": "editor:k,viewer:k"}, "two roles"),
        ({"JOURNEYMAP_API_KEYS_FILE": "/nonexistent/keys"}, "cannot read"),
        ({"JOURNEYMAP_MAX_BODY_BYTES": "lots"}, "not a whole number"),
        ({"JOURNEYMAP_MAX_NODES": "1"}, "JOURNEYMAP_MAX_NODES"),
    ],
)
def test_bad_settings_are_refused_clearly(env: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        Settings.from_env(env)


def test_settings_defaults_and_numbers_from_env() -> None:
    settings = Settings.from_env(
        {
            "JOURNEYMAP_STORE": "sqlite:///x.db",
            "JOURNEYMAP_MAX_BODY_BYTES": "1_000",
            "JOURNEYMAP_CACHE_ENTRIES": "0",
        }
    )
    assert settings.store_url == "sqlite:///x.db" and settings.max_body_bytes == 1000
    assert settings.cache_entries == 0 and settings.open_access
    assert Settings.from_env({}).store_url == "sqlite:///journeymap.db"
    assert parse_api_keys("", "env") == ()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.4", False),
        ("example.org", False),
        (None, False),
    ],
)
def test_is_loopback(host: str | None, loopback: bool) -> None:
    assert is_loopback(host) is loopback
