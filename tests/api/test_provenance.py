"""Where scores came from, through analyze, paths, impact, the CLI and the API; the no-pain note."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

from journeymap import engine
from journeymap.engine.json_values import NO_PAIN
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
    rows = engine.by_touchpoint(engine.analyze(planted))
    review = rows["credit_review"]
    assert review["source"] == "behaviour"
    assert {m["measure"] for m in review["measures"]} == {"wait", "back_step", "drop_off"}
    assert review["time"]["n"] > 0
    contributions = engine.top_paths(planted, k=1)["paths"][0]["contributions"]
    assert {c["source"] for c in contributions} == {"behaviour"}
    assert {r["source"] for r in engine.impact(planted)["touchpoints"]} == {"behaviour"}
    designed = engine.by_touchpoint(engine.analyze(load_journey(FIXTURES / "auto-repair.yaml")))
    assert {row["source"] for row in designed.values()} <= {"designer", "survey"}
    assert {row["source"] for row in engine.analyze(UNMEASURED)["touchpoints"]} == {"none"}


def _raw(name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))
    return document


def _measures(tp: dict[str, Any]) -> list[dict[str, float]]:
    return [
        {k: float(v) for k, v in m.items() if k != "measure"} | {"measure": m["measure"]}
        for m in tp["measures"]
    ]


def test_the_api_documents_carry_the_evidence_behind_each_score(client: TestClient) -> None:
    """Oracle: the fixture read with plain PyYAML; expected waits converted by hand (1h, 2h, 1d, 2d)."""
    raw = _raw("planted-friction.yaml")
    by_id = {tp["id"]: tp for tp in raw["touchpoints"]}
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    assert client.put(f"/journeys/{raw['id']}", json=raw, headers=EDITOR).status_code == 201
    analysis = engine.by_touchpoint(client.get(f"/journeys/{raw['id']}/analysis", headers=VIEWER).json())
    for tid, row in analysis.items():
        tp = by_id[tid]
        assert row["source"] == tp["source"] and row["measures"] == _measures(tp)
        assert row["time"] == {k: float(v) if k != "n" else v for k, v in tp["time"].items()}
        wait = tp.get("expected_wait")
        assert row.get("expected_wait_s") == (float(wait[:-1]) * units[wait[-1]] if wait else None)
    paths = client.get(f"/journeys/{raw['id']}/paths?k=5", headers=VIEWER).json()["paths"]
    contributions = [c for p in paths for c in p["contributions"]]
    assert len(contributions) >= 5
    for c in contributions:
        assert c["source"] == by_id[c["touchpoint"]]["source"]
        assert c["measures"] == _measures(by_id[c["touchpoint"]])
    impact = client.get(f"/journeys/{raw['id']}/impact", headers=VIEWER).json()["touchpoints"]
    assert {r["touchpoint"]: r["measures"] for r in impact} == {
        tid: _measures(tp) for tid, tp in by_id.items()
    }
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for name in ("Contribution", "TouchpointRow"):
        assert "measures" in schemas[name]["properties"], name
    assert "expected_wait_s" in schemas["TouchpointRow"]["properties"]


def test_designed_scores_carry_no_invented_evidence() -> None:
    designed = load_journey(FIXTURES / "auto-repair.yaml")
    for path in engine.top_paths(designed, k=3)["paths"]:
        assert all("measures" not in c for c in path["contributions"])
    assert all(
        "measures" not in r and "expected_wait_s" not in r for r in engine.analyze(designed)["touchpoints"]
    )


def test_the_cli_names_the_source_of_each_step_and_the_measures_past_target(tmp_path: Path) -> None:
    raw = _raw("planted-friction.yaml")
    fixture = str(FIXTURES / "planted-friction.yaml")
    shown = " ".join(run("paths", fixture, "--k", "2", store=tmp_path / "db").stdout.split())
    for tp in raw["touchpoints"]:
        assert f"{tp['name']} ({tp['id']}, {tp['source']})" in shown
    table = run("impact", fixture, store=tmp_path / "db").stdout
    over = {tp["id"]: [m for m in tp["measures"] if m["value"] > m["target"]] for tp in raw["touchpoints"]}
    for tid, measures in over.items():
        line = next(line for line in table.splitlines() if line.strip().startswith(tid + " "))
        if measures:
            assert "behaviour: " + measures[0]["measure"] in line
        else:
            assert line.split()[-5] == "behaviour"
    designed = " ".join(
        run("paths", str(FIXTURES / "auto-repair.yaml"), "--k", "1", store=tmp_path / "db").stdout.split()
    )
    assert ", designer)" not in designed and ", survey)" not in designed
