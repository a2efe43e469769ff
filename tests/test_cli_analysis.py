"""The analysis commands as a user runs them: tables, --json documents, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journeymap.engine import analyze, impact, top_paths, whatif
from journeymap.files import load_journey
from tests.test_cli_journeys import FIXTURES, MEI_SU, run

ANALYZE_FIELDS = {
    "journey",
    "entrants",
    "success_probability",
    "outcomes",
    "expected_pain",
    "touchpoints",
    "stages",
}
TOUCHPOINT_FIELDS = {
    "stage",
    "reach",
    "satisfaction",
    "weighted_satisfaction",
    "gap",
    "pain",
    "carried",
    "priority",
    "removal_effect",
}
PATH_FIELDS = {
    "rank",
    "nodes",
    "outcome",
    "probability",
    "customers",
    "pain",
    "pain_mass",
    "peak_end",
    "contributions",
}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


def test_analyze_json_is_the_design_document(db: Path) -> None:
    result = run("analyze", str(MEI_SU), "--json", "--alpha", "0.3", store=db)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert set(doc) >= ANALYZE_FIELDS
    assert all(set(row) >= TOUCHPOINT_FIELDS for row in doc["touchpoints"])
    assert set(doc["stages"]["arrive"]) >= {"reach", "pain", "satisfaction"}
    assert doc == analyze(load_journey(MEI_SU), alpha=0.3)


def test_analyze_tables_show_every_touchpoint_and_stage(db: Path) -> None:
    result = run("analyze", str(MEI_SU), store=db)
    assert result.returncode == 0, result.stderr
    assert "success 49.5%" in result.stdout
    journey = load_journey(MEI_SU)
    for name in [tp.id for tp in journey.touchpoints] + [s.id for s in journey.stages]:
        assert name in result.stdout


def test_paths_json_and_filters(db: Path) -> None:
    result = run(
        "paths", str(MEI_SU), "--k", "3", "--rank", "probability", "--kind", "failure", "--json", store=db
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert {"journey", "k", "rank", "paths"} <= set(doc)
    assert doc["k"] == 3 and doc["rank"] == "probability"
    assert all(set(p) >= PATH_FIELDS for p in doc["paths"])
    assert {p["outcome"] for p in doc["paths"]} == {"walks_away"}
    assert doc == top_paths(load_journey(MEI_SU), k=3, rank="probability", kind="failure")
    table = run("paths", str(MEI_SU), "--to", "purchase", store=db)
    assert table.returncode == 0, table.stderr
    assert "(convenience) → 產品種類 Product range (product_range)" in table.stdout
    both = run("paths", str(MEI_SU), "--to", "purchase", "--kind", "success", "--json", store=db)
    assert both.returncode == 0, both.stderr  # consistent, as the HTTP API accepts it
    assert json.loads(both.stdout)["paths"] == top_paths(load_journey(MEI_SU), to="purchase")["paths"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "purchase", "--kind", "failure"], "outcome 'purchase' is a success outcome, not failure"),
        (["--to", "pikcup"], "to: 'pikcup' is not an outcome"),
        (["--rank", "loud"], "'loud' is not one of 'pain', 'probability'"),
        (["--kind", "bad"], "'bad' is not one of 'success', 'failure'"),
        (["--k", "-2"], "k:"),
    ],
)
def test_paths_bad_parameters_exit_2(db: Path, args: list[str], message: str) -> None:
    result = run("paths", str(MEI_SU), *args, store=db)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_impact_orders_by_priority(db: Path) -> None:
    result = run("impact", str(MEI_SU), "--json", store=db)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc == impact(load_journey(MEI_SU))
    assert doc["touchpoints"][0]["touchpoint"] == "convenience"
    text = run("impact", str(MEI_SU), store=db).stdout
    assert text.index("convenience") < text.index("product_range") < text.index("branch_stock")


def test_whatif_with_a_patch_file(db: Path, tmp_path: Path) -> None:
    patch = tmp_path / "fix.yaml"
    patch.write_text(
        "touchpoints: {convenience: {experience: 7}}\nremove: [branch_stock]\n", encoding="utf-8"
    )
    result = run("whatif", str(MEI_SU), str(patch), "--json", store=db)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert set(doc) == {"journey", "before", "after", "diff"}
    assert doc == whatif(
        load_journey(MEI_SU), {"touchpoints": {"convenience": {"experience": 7}}, "remove": ["branch_stock"]}
    )
    text = run("whatif", str(MEI_SU), str(patch), store=db)
    assert "expected pain" in text.stdout and "branch_stock" in text.stdout


def test_whatif_bad_patch_lists_problems(db: Path, tmp_path: Path) -> None:
    patch = tmp_path / "bad.yaml"
    patch.write_text("touchpoints: {nope: {experience: 7}}\nremove: [walks_away]\n", encoding="utf-8")
    result = run("whatif", str(MEI_SU), str(patch), store=db)
    assert result.returncode == 2
    assert "touchpoints.nope" in result.stderr and "remove[0]" in result.stderr
    missing = run("whatif", str(MEI_SU), str(tmp_path / "absent.yaml"), store=db)
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_analysis_of_a_stored_journey_by_id(db: Path) -> None:
    assert run("import", str(MEI_SU), store=db).returncode == 0
    result = run("analyze", "mei-su-electronics", "--json", store=db)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["journey"] == "mei-su-electronics"
    assert run("impact", "no-such-journey", store=db).returncode == 4


def test_demo_prints_the_analysis_of_every_fixture(db: Path, tmp_path: Path) -> None:
    result = run("demo", store=db, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    fixtures = sorted(FIXTURES.glob("*.yaml"))
    assert result.stdout.count("Top 3 pain paths") == len(fixtures)
    assert result.stdout.count("Top 3 touchpoints by priority") == len(fixtures)
    for path in fixtures:
        journey = load_journey(path)
        success = analyze(journey)["success_probability"]
        assert f"{journey.id}: success probability {100 * success:.1f}%" in result.stdout
