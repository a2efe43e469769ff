"""Observed variants with pain along the walk, and model paths with the customers who really took them."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from journeymap.engine import top_paths
from journeymap.engine.observed import with_observed
from journeymap.files import dump_journey
from journeymap.ingest import ingest_events, parse_mapping
from tests.api.conftest import EDITOR, VIEWER, client, make_client  # noqa: F401 (fixtures)
from tests.ingest.test_history import MAPPING, SUCCESS, WALKS, write_log
from tests.test_cli_journeys import run

RATING = {"fix": 2.0, "check": 5.0}  # everything else 6, the expectation of every touchpoint


def scored_log(path: Path) -> list[list[str]]:
    walks = write_log(path, scale=1)
    lines = path.read_text().splitlines()
    rows = [f"{line},{RATING.get(line.split(',')[1], 6.0)}" for line in lines[1:]]
    path.write_text("\n".join([lines[0] + ",rating", *rows]) + "\n")
    return walks


def scored_mapping() -> dict[str, object]:
    touchpoints = {raw: spec | {"expectation": 6} for raw, spec in MAPPING["touchpoints"].items()}
    return MAPPING | {"columns": MAPPING["columns"] | {"score": "rating"}, "touchpoints": touchpoints}


def oracle_pain(walk: list[str]) -> tuple[float, float]:
    """Pain (each visit counts) and peak-end of a raw walk, by hand from the ratings."""
    sats = [RATING.get(n, 6.0) - 6.0 for n in walk if n != SUCCESS]
    peak = max(sats, key=lambda s: (abs(s), -s))
    return sum(-s for s in sats if s < 0), (peak + sats[-1]) / 2


def test_variants_command_counts_pain_on_every_visit(tmp_path: Path) -> None:
    walks = scored_log(tmp_path / "log.csv")
    journey = ingest_events(tmp_path / "log.csv", parse_mapping(scored_mapping())).journey
    (tmp_path / "j.yaml").write_text(dump_journey(journey, "yaml"))
    result = run("variants", str(tmp_path / "j.yaml"), "--json", store=tmp_path / "db")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["customers"] == len(walks) and doc["other"] == {"customers": 0, "variants": 0}
    by_walk = {tuple(r["nodes"]): r for r in doc["variants"]}
    loop = by_walk[("ad_c", "form", "check", "fix", "check", "purchase")]
    assert (loop["pain"], loop["peak_end"]) == oracle_pain(WALKS[4][0]) == (6.0, -2.5)  # check hurts twice
    assert loop["customers"] == 20 and loop["share"] == 20 / len(walks) and loop["kind"] == "success"
    assert loop["names"] == ["ad_c", "form", "check", "fix", "check", "purchase"]
    table = run("variants", str(tmp_path / "j.yaml"), store=tmp_path / "db")
    assert table.returncode == 0 and "ad_c → form → check → fix → check" in table.stdout


def test_paths_report_the_customers_on_exactly_that_route(tmp_path: Path) -> None:
    walks = write_log(tmp_path / "log.csv", scale=1)
    journey = ingest_events(tmp_path / "log.csv", parse_mapping(MAPPING | {"variants": 2})).journey
    doc = with_observed(top_paths(journey, k=20, rank="probability"), journey)
    listed = {tuple(v.nodes): v.customers for v in journey.variants.top}  # type: ignore[union-attr]
    for path in doc["paths"]:
        route = tuple(path["nodes"][1:])
        raw = [n for n in route if n not in ("purchase", "lost")]
        won = route[-1] == "purchase"
        truth = sum(1 for w in walks if [n for n in w if n != SUCCESS] == raw and (SUCCESS in w) == won)
        if route in listed:
            assert path["observed_customers"] == truth == listed[route]
        else:  # not among the 2 kept: honest about "other"
            assert path["observed_customers"] is None and path["observed_at_most"] >= truth
    assert any(p["observed_customers"] is None for p in doc["paths"])


def test_variants_over_http_and_paths_show_zero_as_zero(tmp_path: Path, client: TestClient) -> None:  # noqa: F811
    write_log(tmp_path / "log.csv", scale=1)
    journey = ingest_events(tmp_path / "log.csv", parse_mapping(MAPPING), journey_id="hist").journey
    document = json.loads(dump_journey(journey, "json"))
    assert client.put("/journeys/hist", json=document, headers=EDITOR).status_code in (200, 201)
    answer = client.get("/journeys/hist/variants", headers=VIEWER)
    assert answer.status_code == 200
    assert [v["customers"] for v in answer.json()["variants"]] == [40, 40, 20, 20, 10, 10]
    paths = client.get("/journeys/hist/paths?k=50&rank=probability", headers=VIEWER).json()["paths"]
    never = [p for p in paths if p["nodes"] == ["entry", "ad_c", "form", "check", "purchase"]]
    assert never and never[0]["observed_customers"] == 0  # the chain's shortcut nobody took
