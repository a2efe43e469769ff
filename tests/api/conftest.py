"""HTTP tests: a real app over a real SQLite store in tmp_path, driven through TestClient."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from api import Settings, create_app
from api.settings import parse_api_keys

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "fixtures").glob("*.yaml"))
EDITOR_KEY = "editor-key-0123456789"
VIEWER_KEY = "viewer-key-9876543210"
EDITOR = {"Authorization": f"Bearer {EDITOR_KEY}"}
VIEWER = {"Authorization": f"Bearer {VIEWER_KEY}"}
LOOPBACK = ("127.0.0.1", 40000)

MakeClient = Callable[..., TestClient]


def fixture_document(name: str = "mei-su-electronics") -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "fixtures" / f"{name}.yaml").read_text("utf-8"))
    return document


def keyed_settings(tmp_path: Path, **overrides: Any) -> Settings:
    keys = parse_api_keys(f"editor:{EDITOR_KEY},viewer:{VIEWER_KEY}", "test")
    values: dict[str, Any] = {"store_url": f"sqlite:///{tmp_path / 'api.db'}", "api_keys": keys}
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[MakeClient]:
    """Build a client for an app with the given settings (keys on, store in tmp_path by default)."""
    clients: list[TestClient] = []

    def make(settings: Settings | None = None, client: tuple[str, int] = LOOPBACK, **kw: Any) -> TestClient:
        app = create_app(settings or keyed_settings(tmp_path))
        test_client = TestClient(app, client=client, **kw)
        clients.append(test_client)
        return test_client

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    return make_client()


@pytest.fixture
def stored(client: TestClient) -> dict[str, Any]:
    """The Mei Su journey stored at version 1; returns its document."""
    document = fixture_document()
    response = client.put(f"/journeys/{document['id']}", json=document, headers=EDITOR)
    assert response.status_code == 201, response.text
    return document
