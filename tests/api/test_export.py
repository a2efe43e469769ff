"""Export and map routes: the bytes equal the export library's, with documented media types."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.routes.export import EXPORT_MEDIA_TYPES
from journeymap.export import FORMATS, export_journey, map_html
from journeymap.model import parse_journey
from tests.api.conftest import EDITOR, VIEWER
from tests.api.test_journeys import assert_problem

JID = "mei-su-electronics"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("with_analysis", [False, True])
def test_export_equals_the_library(
    client: TestClient, stored: dict[str, Any], fmt: str, with_analysis: bool
) -> None:
    flag = str(with_analysis).lower()
    response = client.get(f"/journeys/{JID}/export?format={fmt}&with_analysis={flag}", headers=VIEWER)
    if fmt == "mermaid-journey" and with_analysis:  # refused: the diagram has no place for figures
        assert "without the analysis" in assert_problem(response, 422)["detail"]
        return
    assert response.status_code == 200, response.text
    expected = export_journey(parse_journey(stored), fmt, with_analysis)
    assert response.content == expected.content
    assert response.headers["content-type"] == expected.media_type
    assert response.headers["content-disposition"] == f'attachment; filename="{expected.filename}"'
    assert response.headers["etag"] == '"1"'
    assert expected.media_type.split(";")[0] in EXPORT_MEDIA_TYPES


def test_export_of_an_older_version_and_caching(client: TestClient, stored: dict[str, Any]) -> None:
    url = f"/journeys/{JID}/export?format=mermaid"
    first = client.get(url, headers=VIEWER).content
    renamed = {**stored, "name": "Renamed journey"}
    assert (
        client.put(f"/journeys/{JID}", json=renamed, headers={**EDITOR, "If-Match": '"1"'}).status_code == 200
    )
    now = client.get(url, headers=VIEWER)
    assert (
        now.headers["etag"] == '"2"'
        and now.content == export_journey(parse_journey(renamed), "mermaid").content
    )
    assert client.get(url + "&version=1", headers=VIEWER).content == first


def test_unknown_format_is_422_listing_the_formats(client: TestClient, stored: dict[str, Any]) -> None:
    body = assert_problem(client.get(f"/journeys/{JID}/export?format=pdf", headers=VIEWER), 422)
    assert "pdf" in body["detail"] and "graphml" in body["detail"]
    body = assert_problem(client.get(f"/journeys/{JID}/export", headers=VIEWER), 422)
    assert body["problems"][0]["loc"] == "query.format"


def test_map_is_the_self_contained_page(client: TestClient, stored: dict[str, Any]) -> None:
    response = client.get(f"/journeys/{JID}/map?alpha=0.8", headers=VIEWER)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text == map_html(parse_journey(stored), alpha=0.8)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", response.text)  # no external assets
    assert_problem(client.get("/journeys/nope/map", headers=VIEWER), 404)
    assert_problem(client.get(f"/journeys/{JID}/map?alpha=0", headers=VIEWER), 422)
