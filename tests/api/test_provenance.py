"""Where scores came from, through analyze, paths, impact, the CLI and the API; the no-pain note."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from journeymap import engine
from journeymap.engine.report import NO_PAIN
from journeymap.files import load_journey
from journeymap.ingest.paths import journey_from_path_table
from journeymap.model import journey_document
from tests.api.conftest import EDITOR, VIEWER
from tests.test_cli_journeys import run

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
UNMEASURED = journey_from_path_table("path;total_conversions;total_null\nA > B;3;1\nA;0;2\n", "unmeasured")


def test_ranking_by_pain_without_any_pain_says_so() -> None:
    assert engine.top_paths(UNMEASURED, k=3, rank="pain")["note"] == NO_PAIN
    assert "note" not in engine.top_paths(UNMEASURED, k=3, rank="probability")
    assert engine.impact(UNMEASURED)["note"] == NO_PAIN
    planted = load_journey(FIXTURES / "planted-friction.yaml")
    assert "note" not in engine.top_paths(planted, k=3, rank="pain")
    assert "note" not in engine.impact(planted)


def test_the_cli_and_the_api_say_it_too(tmp_path: Path, client: TestClient) -> None:
    path = tmp_path / "unmeasured.yaml"
    path.write_text(__import__("yaml").safe_dump(journey_document(UNMEASURED)))
    for command in ("paths", "impact"):
        result = run(command, str(path), store=tmp_path / "db")
        assert result.returncode == 0, result.stderr
        assert NO_PAIN in " ".join(result.stdout.split()), result.stdout
    put = client.put("/journeys/unmeasured", json=journey_document(UNMEASURED), headers=EDITOR)
    assert put.status_code == 201, put.text
    assert client.get("/journeys/unmeasured/paths?rank=pain", headers=VIEWER).json()["note"] == NO_PAIN
    assert "note" not in client.get("/journeys/unmeasured/paths?rank=probability", headers=VIEWER).json()


def test_provenance_in_analyze_paths_and_impact() -> None:
    planted = load_journey(FIXTURES / "planted-friction.yaml")
    rows = engine.analyze(planted)["touchpoints"]
    review = rows["credit_review"]
    assert review["source"] == "behaviour"
    assert {m["measure"] for m in review["measures"]} == {"wait", "back_step", "drop_off"}
    assert review["time"]["n"] > 0
    contributions = engine.top_paths(planted, k=1)["paths"][0]["contributions"]
    assert {c["source"] for c in contributions} == {"behaviour"}
    assert {r["source"] for r in engine.impact(planted)["touchpoints"]} == {"behaviour"}
    designed = engine.analyze(load_journey(FIXTURES / "auto-repair.yaml"))["touchpoints"]
    assert {row["source"] for row in designed.values()} <= {"designer", "survey"}
    assert {row["source"] for row in engine.analyze(UNMEASURED)["touchpoints"].values()} == {"none"}
