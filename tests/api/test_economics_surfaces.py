"""The economics on every surface: the fixes command and route, impact, paths, what-if, exports, the map."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

from journeymap.engine import analyze, impact, top_paths
from journeymap.engine.fixes import fixes
from journeymap.export import export_journey, map_html
from journeymap.files import load_journey
from journeymap.model import parse_journey
from tests.api.conftest import EDITOR, VIEWER
from tests.api.test_journeys import assert_problem
from tests.test_cli_journeys import FIXTURES, MEI_SU, run

AUTO = FIXTURES / "auto-repair.yaml"


def test_fixes_json_is_the_engine_document(tmp_path: Path) -> None:
    result = run("fixes", str(AUTO), "--json", store=tmp_path / "j.db")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc == json.loads(json.dumps(fixes(load_journey(AUTO))))
    ratios = [f["value_per_effort"] for f in doc["fixes"]]
    assert ratios == sorted(ratios, reverse=True)


def test_fixes_table_shows_the_rank_and_the_reasoning(tmp_path: Path) -> None:
    result = run("fixes", str(AUTO), store=tmp_path / "j.db")
    assert result.returncode == 0, result.stderr
    first = result.stdout.index("itemised_quote")
    assert first < result.stdout.index("reception_manner") < result.stdout.index("fix_first_time")
    assert "recovers diagnosis_quote" in result.stdout and "per unit" in result.stdout


def test_fixes_without_opportunities_and_with_odd_efforts() -> None:
    document = yaml.safe_load(MEI_SU.read_text("utf-8"))
    assert fixes(parse_journey({**document, "opportunities": []}))["fixes"] == []
    document["opportunities"] = [
        {"id": "costly", "title": "Costly", "touchpoints": ["convenience"], "effort": 5},
        {"id": "unknown", "title": "No effort given", "touchpoints": ["convenience"]},
        {"id": "free", "title": "Free", "touchpoints": ["branch_stock"], "effort": 0},
        {"id": "fine", "title": "Already fine", "touchpoints": ["price_tag"], "effort": 1},
    ]
    rows = fixes(parse_journey(document))["fixes"]
    assert [r["opportunity"] for r in rows] == ["free", "costly", "fine", "unknown"]
    assert rows[0]["value_per_effort"] is None and "no effort" in rows[0]["reason"]
    assert rows[2]["value_recovered"] == 0 and "nothing to recover" in rows[2]["reason"]
    assert rows[3]["value_per_effort"] is None and "no effort given" in rows[3]["reason"]


def test_impact_and_paths_carry_the_value_at_stake(tmp_path: Path) -> None:
    result = run("impact", str(MEI_SU), store=tmp_path / "j.db")
    assert result.returncode == 0, result.stderr
    assert "value at stake" in result.stdout and "at stake" in result.stdout
    doc = impact(load_journey(MEI_SU))
    assert all("value_at_stake" in row for row in doc["touchpoints"])
    paths = run("paths", str(MEI_SU), "--k", "2", store=tmp_path / "j.db")
    assert "value at stake" in paths.stdout


def test_whatif_table_reports_the_change_in_value(tmp_path: Path) -> None:
    patch = tmp_path / "fix.yaml"
    patch.write_text(
        "touchpoints: {convenience: {experience: 7}, product_range: {experience: 7},"
        " branch_stock: {experience: 6.5}}\n"
    )
    result = run("whatif", str(MEI_SU), str(patch), store=tmp_path / "j.db")
    assert result.returncode == 0, result.stderr
    line = next(row for row in result.stdout.splitlines() if row.strip().startswith("value at stake"))
    assert "-13,000" in line  # every outcome turns neutral: no word of mouth lost


def _put(client: TestClient, name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((FIXTURES / f"{name}.yaml").read_text("utf-8"))
    assert client.put(f"/journeys/{document['id']}", json=document, headers=EDITOR).status_code == 201
    return document


def test_fixes_route_is_the_engine_document(client: TestClient) -> None:
    document = _put(client, "auto-repair")
    response = client.get("/journeys/auto-repair/fixes", headers=VIEWER)
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(fixes(parse_journey(document))))
    assert (
        client.get("/journeys/auto-repair/impact", headers=VIEWER).json()["economics"]["value_at_stake"] > 0
    )
    analysis = client.get("/journeys/auto-repair/analysis", headers=VIEWER).json()
    assert analysis["economics"] == json.loads(json.dumps(analyze(parse_journey(document))["economics"]))
    assert "/journeys/{journey_id}/fixes" in client.get("/openapi.json").json()["paths"]
    assert_problem(client.get("/journeys/nobody/fixes", headers=VIEWER), 404)
    assert_problem(client.get("/journeys/auto-repair/fixes?alpha=2", headers=VIEWER), 422)


def test_bad_economics_are_422_naming_the_field_and_nothing_is_stored(client: TestClient) -> None:
    document = yaml.safe_load(MEI_SU.read_text("utf-8"))
    document["economics"] = {"complaint_ratio": 0, "horizon": "soon"}
    body = assert_problem(client.put(f"/journeys/{document['id']}", json=document, headers=EDITOR), 422)
    assert {p["loc"] for p in body["problems"]} == {"economics.complaint_ratio", "economics.horizon"}
    assert client.get("/journeys", headers=VIEWER).json()["total"] == 0


def test_exports_with_analysis_and_the_map_carry_the_figures() -> None:
    journey = load_journey(AUTO)
    econ = analyze(journey)["economics"]
    rows = json.loads(export_journey(journey, "cytoscape", with_analysis=True).content)
    text = json.dumps(rows)
    assert "value_at_stake" in text and "word_of_mouth_lost" in text and '"verdict"' in text
    plain = export_journey(journey, "cytoscape").content.decode()
    assert "value_at_stake" not in plain
    page = map_html(journey)
    assert "Value at stake (1y)" in page and f"{econ['value_at_stake']:,.0f}" in page
    assert top_paths(journey, k=1)["paths"][0]["economics"]["verdict"] == "dissatisfied"
