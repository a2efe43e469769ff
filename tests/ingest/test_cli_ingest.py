"""`journeymap ingest` and `journeymap diff` as a user runs them, and the structural diff."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from journeymap.engine.metrics import transition_probabilities as shares
from journeymap.files import load_journey
from journeymap.ingest.diff import structural_diff
from journeymap.ingest.paths import journey_from_path_table
from tests.test_cli_journeys import run

MAPPING = {
    "columns": {"customer": "cust", "touchpoint": "event", "time": "ts", "score": "rating"},
    "stages": [{"id": "shop", "name": "Shop", "phase": "pre_sale"}],
    "touchpoints": {"view": {"id": "page", "stage": "shop"}, "cart": {"id": "cart", "stage": "shop"}},
    "outcomes": {"buy": {"id": "purchase", "kind": "success"}},
    "default_outcome": {"id": "no_purchase", "kind": "failure"},
}
LOG = "cust,event,ts,rating\na,view,1,7\na,cart,2,\na,buy,3,\nb,view,1,3\n,view,1,\nc,cart,2,9\nc,ad,1,\n"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    mapping, log = tmp_path / "map.yaml", tmp_path / "log.csv"
    mapping.write_text(yaml.safe_dump(MAPPING))
    log.write_text(LOG)
    return mapping, log


def test_ingest_writes_a_journey_and_prints_the_summary(tmp_path: Path, files: tuple[Path, Path]) -> None:
    mapping, log = files
    out = tmp_path / "journey.yaml"
    result = run(
        "ingest", str(log), "--mapping", str(mapping), "--id", "shop", "-o", str(out), store=tmp_path / "db"
    )
    assert result.returncode == 0, result.stderr
    journey = load_journey(out)
    assert journey.id == "shop"
    assert {(t.source, t.target): t.weight for t in journey.transitions} == {
        ("entry", "page"): 2,
        ("entry", "cart"): 1,
        ("page", "cart"): 1,
        ("page", "no_purchase"): 1,
        ("cart", "purchase"): 1,
        ("cart", "no_purchase"): 1,
    }
    assert "3 customers, 7 events" in result.stdout
    assert "ad (1)" in result.stdout and "bad rows: 1" in result.stdout
    assert "  row 5 missing customer (touchpoint='view')" in result.stdout
    assert "reader: duckdb" in result.stdout  # a row lacks its customer: only DuckDB reports bad rows


def test_ingest_json_summary_and_store(tmp_path: Path, files: tuple[Path, Path]) -> None:
    mapping, log = files
    db = tmp_path / "db"
    result = run("ingest", str(log), "-m", str(mapping), "--id", "shop", "--store", "--json", store=db)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["written"] == "shop@1"
    assert summary["outcomes"]["purchase"] == {
        "kind": "success",
        "customers": 1,
        "share": pytest.approx(1 / 3, abs=1e-6),
    }
    assert summary["examples"] == [{"row": 5, "problem": "missing_customer", "touchpoint": "view"}]
    shown = run("show", "shop", "--format", "json", store=db)
    scores = {tp["id"]: (tp["experience"], tp["responses"]) for tp in json.loads(shown.stdout)["touchpoints"]}
    assert scores == {"page": (5, 2), "cart": (9, 1)}  # page: mean of 7 and 3


def test_strict_and_bad_arguments_exit_2_without_traceback(tmp_path: Path, files: tuple[Path, Path]) -> None:
    mapping, log = files
    strict = run("ingest", str(log), "-m", str(mapping), "--strict", "--quiet", store=tmp_path / "db")
    assert strict.returncode == 2
    assert "row 5 missing customer" in strict.stderr and "Traceback" not in strict.stderr
    assert run("ingest", str(log), store=tmp_path / "db").returncode == 2
    bad_map = tmp_path / "bad.yaml"
    bad_map.write_text("stages: []\n")
    refused = run("ingest", str(log), "-m", str(bad_map), store=tmp_path / "db")
    assert refused.returncode == 2 and "stages" in refused.stderr


def test_path_table_command(tmp_path: Path) -> None:
    table = tmp_path / "paths.csv"
    table.write_text("path;total_conversions;total_null\nA > B;2;2\nA;1;3\n")
    result = run("ingest", str(table), "--path-table", "--id", "mta", "--quiet", store=tmp_path / "db")
    assert result.returncode == 0, result.stderr
    doc = yaml.safe_load(result.stdout)
    assert {(t["from"], t["to"]): t["customers"] for t in doc["transitions"]}[("entry", "a")] == 8


def test_path_table_with_counts_too_large_exits_2_not_70(tmp_path: Path) -> None:
    table = tmp_path / "paths.csv"
    table.write_text("path;total_conversions;total_null\nA;1e308;0\nB;1e308;0\n")
    result = run("ingest", str(table), "--path-table", "--id", "mta", "--json", store=tmp_path / "db")
    assert result.returncode == 2, result.stderr
    assert "line 3" in result.stderr and "internal error" not in result.stderr


def test_structural_diff() -> None:
    planned = journey_from_path_table("path;total_conversions;total_null\nA > B;3;1\nA;0;4\n", "plan")
    actual = journey_from_path_table(
        "path;total_conversions;total_null\nA > C;1;1\nA > B;1;1\nA;1;0\n", "real"
    )
    doc = structural_diff(planned, actual)
    assert (doc["a"], doc["b"]) == ("plan", "real")
    assert doc["touchpoints"] == {"only_a": [], "only_b": ["c"]}
    groups = [r["group"] for r in doc["transitions"]]
    assert groups == sorted(groups, key=["tested", "few", "one-sided"].index)  # one-sided rows come last
    one_sided = {(r["from"], r["to"]): r for r in doc["transitions"] if r["group"] == "one-sided"}
    assert one_sided.pop(("a", "null"))["b"] is None  # only planned: 4 leave straight after A
    assert {edge: (r["a"], r["b"]["share"], r["b"]["customers"]) for edge, r in one_sided.items()} == {
        ("a", "c"): (None, 0.4, 2.0),
        ("a", "conversion"): (None, 0.2, 1.0),  # planned: nobody converts straight after A
        ("c", "conversion"): (None, 0.5, 1.0),
        ("c", "null"): (None, 0.5, 1.0),
    }
    p, a = shares(planned), shares(actual)
    differing = [r for r in doc["transitions"] if r["group"] != "one-sided"]
    assert {(r["from"], r["to"]) for r in differing} == {e for e in set(p) & set(a) if a[e] != p[e]}
    for row in differing:
        edge = (row["from"], row["to"])
        assert (row["a"]["share"], row["b"]["share"]) == (pytest.approx(p[edge]), pytest.approx(a[edge]))
        assert row["delta"] == pytest.approx(a[edge] - p[edge])
        assert row["group"] == "few" and row["p_value"] is None  # 4 to 10 customers: too few to test
        for side, journey in (("a", planned), ("b", actual)):
            counts = {(t.source, t.target): t.weight for t in journey.transitions}
            assert row[side]["customers"] == counts[edge]
            assert row[side]["leaving"] == sum(n for (u, _), n in counts.items() if u == edge[0])
    assert doc["score_changes"] == []


def test_diff_compares_scores_on_the_planned_scale() -> None:
    planned = load_journey(Path("fixtures/mei-su-electronics.yaml"))
    assert planned.scale is not None and (planned.scale.min, planned.scale.max) == (0, 10)
    tenfold = {"experience", "expectation", "ideal"}
    actual = planned.model_copy(
        update={
            "scale": planned.scale.model_copy(update={"max": 100.0}),
            "touchpoints": [
                tp.model_copy(update={f: getattr(tp, f) * 10 for f in tenfold if getattr(tp, f) is not None})
                for tp in planned.touchpoints
            ],
        }
    )
    assert structural_diff(planned, actual)["score_changes"] == []
    lower = actual.model_copy(
        update={
            "touchpoints": [
                actual.touchpoints[0].model_copy(update={"experience": 20.0}),
                *actual.touchpoints[1:],
            ]
        }
    )
    [change, *_] = structural_diff(planned, lower)["score_changes"]
    assert (change["field"], change["b"]) == ("experience", 2.0)


def test_diff_command(tmp_path: Path) -> None:
    pytest.importorskip("journeymap.engine")
    fixture = next(iter(sorted(Path("fixtures").glob("*.yaml"))))
    planned = load_journey(fixture)
    changed = planned.model_copy(
        update={
            "touchpoints": [
                planned.touchpoints[0].model_copy(update={"experience": 0.0}),
                *planned.touchpoints[1:],
            ]
        }
    )
    actual = tmp_path / "actual.yaml"
    from journeymap.files import dump_journey

    actual.write_text(dump_journey(changed))
    result = run("diff", str(fixture), str(actual), "--json", store=tmp_path / "db")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    first = planned.touchpoints[0]
    assert {"touchpoint": first.id, "field": "experience"}.items() <= doc["score_changes"][0].items()
    assert (doc["a"], doc["b"]) == (planned.id, planned.id)
    assert doc["success_probability"]["a"] == doc["success_probability"]["b"]
    assert doc["expected_pain"]["b"] >= doc["expected_pain"]["a"]
    text = run("diff", str(fixture), str(actual), store=tmp_path / "db")
    assert text.returncode == 0 and "success probability" in text.stdout
    assert f"{planned.id} (B) compared with {planned.id} (A)" in text.stdout and "planned" not in text.stdout


@pytest.mark.parametrize("bad_id", ["", "Not An Id"])
def test_an_empty_or_malformed_id_is_refused(tmp_path: Path, bad_id: str) -> None:
    table = tmp_path / "paths.csv"
    table.write_text("path;total_conversions;total_null\nA;1;3\n")
    result = run("ingest", str(table), "--path-table", "--id", bad_id, store=tmp_path / "db")
    assert result.returncode == 2
    assert "--id" in result.stderr and "is not an id" in result.stderr
