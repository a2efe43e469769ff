"""The CLI as a user runs it: a real subprocess, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.cli import run_cli

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
MEI_SU = FIXTURES / "mei-su-electronics.yaml"


def run(*args: str, store: Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, store_url=f"sqlite:///{store}", cwd=cwd)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


def test_validate_accepts_all_fixtures(db: Path) -> None:
    result = run("validate", *map(str, sorted(FIXTURES.glob("*.yaml"))), store=db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("✓") == len(list(FIXTURES.glob("*.yaml")))


def test_validate_rejects_invalid_files_with_exit_2(db: Path) -> None:
    bad = sorted((FIXTURES / "invalid").glob("*.yaml"))
    result = run("validate", str(MEI_SU), *map(str, bad), store=db)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "transitions[3].to: unknown id 'pikcup' [unknown-node]" in result.stderr
    assert result.stderr.count("✗") == len(bad)


def test_import_list_show_delete(db: Path, tmp_path: Path) -> None:
    imported = run("import", str(MEI_SU), str(FIXTURES / "zylom-dinner.yaml"), store=db)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.split() == ["mei-su-electronics@1", "zylom-dinner@1"]
    same = run("import", str(MEI_SU), store=db)
    assert same.returncode == 0 and same.stdout.strip() == "mei-su-electronics@1 unchanged (no new version)"
    changed = tmp_path / "mei-su.yaml"
    changed.write_text(MEI_SU.read_text("utf-8").replace("name: ", "name: New ", 1), "utf-8")
    again = run("import", str(changed), "--expect-version", "1", store=db)
    assert again.stdout.strip() == "mei-su-electronics@2"

    listed = json.loads(run("list", "--json", store=db).stdout)
    assert [(r["id"], r["version"]) for r in listed] == [("mei-su-electronics", 2), ("zylom-dinner", 1)]

    shown = run("show", "zylom-dinner", "--format", "json", store=db)
    assert json.loads(shown.stdout) == yaml.safe_load((FIXTURES / "zylom-dinner.yaml").read_text("utf-8"))
    old = run("show", "mei-su-electronics", "--version", "1", store=db)
    assert yaml.safe_load(old.stdout)["id"] == "mei-su-electronics"

    stale = run("import", str(MEI_SU), "--expect-version", "1", store=db)
    assert stale.returncode == 5
    assert "is at version 2" in stale.stderr and "Traceback" not in stale.stderr

    assert run("delete", "zylom-dinner", store=db).returncode == 0
    missing = run("show", "zylom-dinner", store=db)
    assert missing.returncode == 4
    assert "no journey 'zylom-dinner'" in missing.stderr


def test_import_is_all_or_nothing(db: Path) -> None:
    bad = FIXTURES / "invalid" / "unknown-node.yaml"
    result = run("import", str(MEI_SU), str(bad), store=db)
    assert result.returncode == 2
    assert json.loads(run("list", "--json", store=db).stdout) == []


def test_bad_arguments_are_clear(db: Path, tmp_path: Path) -> None:
    assert run("show", "x", "--format", "xml", store=db).returncode == 2
    no_file = run("validate", str(tmp_path / "nope.yaml"), store=db)
    assert no_file.returncode == 2 and "no such file" in no_file.stderr
    weird = run("show", "Not An Id!", store=db)
    assert weird.returncode in (2, 4) and "Traceback" not in weird.stderr
    bad_store = run_cli("list", store_url="mongodb://x")
    assert bad_store.returncode == 2 and "unknown store" in bad_store.stderr


def test_demo_loads_every_fixture_prints_analysis_and_writes_maps(db: Path, tmp_path: Path) -> None:
    maps = tmp_path / "maps"
    result = run("demo", "--maps", str(maps), store=db)
    assert result.returncode == 0, result.stderr
    fixtures = sorted(FIXTURES.glob("*.yaml"))
    listed = json.loads(run("list", "--json", store=db).stdout)
    assert len(listed) == len(fixtures)
    for path in fixtures:
        journey = yaml.safe_load(path.read_text("utf-8"))
        assert f"{journey['id']}: success probability" in result.stdout
        page = (maps / f"{journey['id']}.html").read_text("utf-8")
        assert page.count("data-touchpoint=") >= len(journey["touchpoints"])
