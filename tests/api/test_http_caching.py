"""Browser-friendly HTTP: opt-in CORS (preflight answered), 304 for If-None-Match, Cache-Control."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import Settings
from journeymap.errors import InvalidInput
from tests.api.conftest import EDITOR, VIEWER, MakeClient, keyed_settings

JID = "mei-su-electronics"
ORIGIN = "https://tool.example.com"
READS = [
    f"/journeys/{JID}",
    f"/journeys/{JID}/analysis",
    f"/journeys/{JID}/impact",
    f"/journeys/{JID}/paths",
    f"/journeys/{JID}/export?format=dot",
    f"/journeys/{JID}/map",
]


@pytest.mark.parametrize("url", READS)
def test_a_matching_if_none_match_gets_304_without_a_body(
    client: TestClient, stored: dict[str, Any], url: str
) -> None:
    first = client.get(url, headers=VIEWER)
    assert first.status_code == 200 and first.headers["etag"] == '"1"'
    again = client.get(url, headers={**VIEWER, "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == '"1"'
    assert client.get(url, headers={**VIEWER, "If-None-Match": 'W/"1", "7"'}).status_code == 304
    assert client.get(url, headers={**VIEWER, "If-None-Match": '"2"'}).status_code == 200
    changed = {**stored, "name": "Renamed"}
    assert (
        client.put(f"/journeys/{JID}", json=changed, headers={**EDITOR, "If-Match": '"1"'}).status_code == 200
    )
    fresh = client.get(url, headers={**VIEWER, "If-None-Match": '"1"'})
    assert fresh.status_code == 200 and fresh.headers["etag"] == '"2"' and fresh.content


def test_no_304_hides_an_auth_failure_or_a_missing_journey(
    client: TestClient, stored: dict[str, Any]
) -> None:
    assert client.get(f"/journeys/{JID}/analysis", headers={"If-None-Match": "*"}).status_code == 401
    assert client.get("/journeys/nope/analysis", headers={**VIEWER, "If-None-Match": "*"}).status_code == 404


def test_cached_reads_say_how_to_cache(client: TestClient, stored: dict[str, Any]) -> None:
    current = client.get(f"/journeys/{JID}/analysis", headers=VIEWER)
    assert current.headers["cache-control"] == "private, no-cache"
    pinned = client.get(f"/journeys/{JID}/analysis?version=1", headers=VIEWER)
    assert pinned.headers["cache-control"] == "private, max-age=31536000, immutable"
    exported = client.get(f"/journeys/{JID}/export?format=mermaid", headers=VIEWER)
    assert exported.headers["cache-control"] == "private, no-cache"


def test_cors_is_off_unless_configured(client: TestClient, stored: dict[str, Any]) -> None:
    preflight = client.options(
        f"/journeys/{JID}", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"}
    )
    assert preflight.status_code == 405
    assert (
        "access-control-allow-origin"
        not in client.get(f"/journeys/{JID}", headers={**VIEWER, "Origin": ORIGIN}).headers
    )


def test_configured_origins_get_preflights_and_headers(make_client: MakeClient, tmp_path: Path) -> None:
    client = make_client(keyed_settings(tmp_path, cors_origins=(ORIGIN,)))
    preflight = client.options(
        f"/journeys/{JID}",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "authorization, content-type, if-match",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert "PUT" in preflight.headers["access-control-allow-methods"]
    assert "if-match" in preflight.headers["access-control-allow-headers"].lower()
    missing = client.get(f"/journeys/{JID}", headers={**VIEWER, "Origin": ORIGIN})
    assert missing.status_code == 404 and missing.headers["access-control-allow-origin"] == ORIGIN
    assert "etag" in missing.headers["access-control-expose-headers"].lower()
    other = client.options(
        f"/journeys/{JID}", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "PUT"}
    )
    assert other.status_code == 400 and "access-control-allow-origin" not in other.headers


def test_origins_come_from_the_environment_and_are_checked() -> None:
    env = {"JOURNEYMAP_CORS_ORIGINS": f"{ORIGIN}, http://localhost:5173/"}
    assert Settings.from_env(env).cors_origins == (ORIGIN, "http://localhost:5173")
    assert Settings.from_env({}).cors_origins == ()
    with pytest.raises(InvalidInput, match=r"JOURNEYMAP_CORS_ORIGINS: 'tool\.example\.com'"):
        Settings.from_env({"JOURNEYMAP_CORS_ORIGINS": "tool.example.com"})


@pytest.mark.parametrize("name", ["api.settings", "api.revalidate", "api.runtime"])
def test_docstring_examples(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
