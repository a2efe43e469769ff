"""CLI conventions: --version, completion, --json everywhere, unwrapped pipes, choices, names beside ids."""

from __future__ import annotations

import json
import subprocess
from importlib.metadata import version
from pathlib import Path

import pytest

from journeymap.engine import impact, top_paths
from journeymap.export.tabular import FILES
from journeymap.files import load_journey
from tests.cli import JOURNEYMAP, ROOT, cli_env, run_cli

FIXTURES = ROOT / "fixtures"
MEI_SU = FIXTURES / "mei-su-electronics.yaml"


def run(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, store_url=f"sqlite:///{db}")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


def test_version_and_completion(db: Path) -> None:
    shown = run("--version", db=db)
    assert shown.returncode == 0 and shown.stdout.strip() == f"journeymap {version('journeymap')}"
    helped = run("--help", db=db)
    assert "--install-completion" in helped.stdout and "--show-completion" in helped.stdout
    env = {
        **cli_env(f"sqlite:///{db}"),
        "_JOURNEYMAP_COMPLETE": "complete_bash",
        "COMP_WORDS": "journeymap ex",
        "COMP_CWORD": "1",
    }
    completed = subprocess.run(
        [str(Path(JOURNEYMAP[0]).parent / "journeymap")], env=env, capture_output=True, text=True, check=False
    )
    assert "export" in completed.stdout.split()


def test_choices_are_listed_in_help(db: Path) -> None:
    assert "<pain|probability>" in run("paths", "--help", db=db).stdout
    assert "<success|failure>" in run("paths", "--help", db=db).stdout
    assert (
        "graphml|gexf|cytoscape|d3|dot|mermaid|mermaid-journey|csv|cypher"
        in run("export", "--help", db=db).stdout
    )
    assert "<yaml|json>" in run("show", "--help", db=db).stdout


def test_every_command_speaks_json(db: Path, tmp_path: Path) -> None:
    valid = run("validate", str(MEI_SU), str(FIXTURES / "invalid" / "unknown-node.yaml"), "--json", db=db)
    assert valid.returncode == 2
    checked = json.loads(valid.stdout)
    assert checked[0] == {
        "file": str(MEI_SU),
        "valid": True,
        "journey": "mei-su-electronics",
        "touchpoints": len(load_journey(MEI_SU).touchpoints),
    }
    assert checked[1]["valid"] is False and "pikcup" in checked[1]["error"]

    first = json.loads(run("import", str(MEI_SU), "--json", db=db).stdout)
    again = json.loads(run("import", str(MEI_SU), "--json", db=db).stdout)
    assert first == [{"id": "mei-su-electronics", "version": 1, "stored": True}]
    assert again == [{"id": "mei-su-electronics", "version": 1, "stored": False}]

    out = tmp_path / "j.zip"
    written = json.loads(
        run("export", "mei-su-electronics", "-f", "csv", "-o", str(out), "--json", db=db).stdout
    )
    assert written["bytes"] == out.stat().st_size and written["format"] == "csv"
    assert written["media_type"] == "application/zip"
    assert run("export", str(MEI_SU), "-f", "dot", "--json", db=db).returncode == 2  # no file to describe

    page = tmp_path / "map.html"
    mapped = json.loads(run("map", str(MEI_SU), "-o", str(page), "--json", db=db).stdout)
    assert mapped == {
        "journey": "mei-su-electronics",
        "output": str(page),
        "media_type": "text/html",
        "bytes": page.stat().st_size,
    }

    demo = json.loads(run("demo", "--maps", str(tmp_path / "maps"), "--json", db=db).stdout)
    by_id = {j["id"]: j for j in demo["journeys"]}
    assert by_id["mei-su-electronics"]["stored"] is False  # unchanged since the import above
    expected = impact(load_journey(MEI_SU))
    assert by_id["mei-su-electronics"]["top_touchpoints"] == expected["touchpoints"][:3]
    assert by_id["mei-su-electronics"]["top_pain_paths"] == top_paths(load_journey(MEI_SU), k=3)["paths"][:3]
    assert all(Path(j["map"]).exists() for j in demo["journeys"])

    deleted = run("delete", "mei-su-electronics", "--json", db=db)
    assert json.loads(deleted.stdout) == {"deleted": "mei-su-electronics"}
    assert len(FILES) == 7


def test_piped_output_is_not_wrapped(db: Path) -> None:
    env = {**cli_env(f"sqlite:///{db}"), "COLUMNS": "40"}
    result = subprocess.run(
        [*JOURNEYMAP, "paths", str(MEI_SU), "--k", "2"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    journey = load_journey(MEI_SU)
    names = {t.id: t.name for t in journey.touchpoints}
    doc = top_paths(journey, k=2)
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + 2 * len(doc["paths"])  # a title, then two lines a path: nothing split
    for path, (numbers, steps) in zip(doc["paths"], zip(lines[1::2], lines[2::2], strict=True), strict=True):
        assert numbers.strip().startswith(f"{path['rank']}. Buys (purchase, success)")
        assert steps.strip() == " → ".join(f"{names[n]} ({n})" for n in path["nodes"][1:-1])


def test_tables_show_names_beside_ids(db: Path) -> None:
    journey = load_journey(MEI_SU)
    table = run("impact", str(MEI_SU), db=db).stdout
    for tp in journey.touchpoints:
        line = next(line for line in table.splitlines() if line.split()[:1] == [tp.id])
        assert tp.name in line
    analysed = run("analyze", str(MEI_SU), db=db).stdout
    for stage in journey.stages:
        assert f"Stage {stage.name} ({stage.id})" in analysed
