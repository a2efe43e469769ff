"""Observed variants follow a journey through edits: a stored score change keeps them."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from journeymap.files import dump_journey
from journeymap.ingest import ingest_events, parse_mapping
from tests.api.conftest import EDITOR, VIEWER, client, make_client  # noqa: F401 (fixtures)
from tests.ingest.test_history import MAPPING, write_log


def test_patching_a_touchpoint_keeps_the_observed_variants(tmp_path: Path, client: TestClient) -> None:  # noqa: F811
    write_log(tmp_path / "log.csv", scale=1)
    journey = ingest_events(tmp_path / "log.csv", parse_mapping(MAPPING), journey_id="hist").journey
    document = json.loads(dump_journey(journey, "json"))
    assert client.put("/journeys/hist", json=document, headers=EDITOR).status_code == 201
    patched = client.patch(
        "/journeys/hist/touchpoints/mid", json={"experience": 2}, headers={**EDITOR, "If-Match": '"1"'}
    )
    assert patched.status_code == 200, patched.text
    stored = client.get("/journeys/hist", headers=VIEWER).json()
    assert stored["variants"] == document["variants"] and stored["variants"]["top"]
    assert next(tp for tp in stored["touchpoints"] if tp["id"] == "mid")["experience"] == 2
    listed = client.get("/journeys/hist/variants", headers=VIEWER).json()["variants"]
    assert [v["customers"] for v in listed] == [v["customers"] for v in document["variants"]["top"]]
    whatif = client.post("/journeys/hist/whatif", json={"remove": ["fix"]}, headers=VIEWER)
    assert whatif.status_code == 200, whatif.text
    assert client.get("/journeys/hist", headers=VIEWER).json()["variants"] == document["variants"]
