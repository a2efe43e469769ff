"""`journeymap store check|init` and `journeymap cypher NAME` as a user runs them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from journeymap.cli.store_cmds import analytics_parameters
from journeymap.errors import InvalidInput
from tests.bolt_servers import BoltServer, free_port
from tests.cli import run_cli

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"


def run(*args: str, store: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, store_url=store)


def test_store_check_and_init_report_the_server_and_schema(falkordb: BoltServer) -> None:
    checked = run("store", "check", "--json", store=falkordb.url)
    assert checked.returncode == 0, checked.stderr
    doc = json.loads(checked.stdout)
    assert doc["server"] == "falkordb" and doc["schema_ready"] is True and doc["missing"] == []
    assert doc["store"].startswith(f"bolt store at {falkordb.url}")
    init = run("store", "init", store=falkordb.url)
    assert init.returncode == 0, init.stderr
    assert "schema:  in place" in init.stdout
    listed = run("cypher", store=falkordb.url)
    for name in ("worst_touchpoints", "shared_touchpoints", "failure_paths", "stage_handoffs"):
        assert name in listed.stdout


def test_analyst_queries_run_from_the_command_line(falkordb: BoltServer) -> None:
    falkordb.wipe()
    files = sorted(map(str, FIXTURES.glob("*.yaml")))
    assert run("import", *files, store=falkordb.url).returncode == 0
    worst = run("cypher", "worst_touchpoints", "--param", "limit=3", "--json", store=falkordb.url)
    assert worst.returncode == 0, worst.stderr
    assert json.loads(worst.stdout) == falkordb.store().read("analytics/worst_touchpoints", limit=3)
    paths = run("cypher", "failure_paths", "-p", "journey=auto-repair", "-p", "k=2", store=falkordb.url)
    assert paths.returncode == 0, paths.stderr
    assert "failure_paths" in paths.stdout and "entry" in paths.stdout


def test_bad_queries_and_parameters_exit_2_with_a_clear_message(falkordb: BoltServer) -> None:
    unknown = run("cypher", "nope", store=falkordb.url)
    assert unknown.returncode == 2 and "no analyst query 'nope'" in unknown.stderr
    missing = run("cypher", "failure_paths", store=falkordb.url)
    assert missing.returncode == 2 and "missing journey" in missing.stderr
    assert "Traceback" not in unknown.stderr + missing.stderr


def test_parameters_are_defaults_overlaid_with_json_or_text_values() -> None:
    assert analytics_parameters("failure_paths", ["journey=auto-repair", "k=2"]) == {
        "journey": "auto-repair",
        "k": 2,
        "max_steps": 12,
    }
    assert analytics_parameters("stage_handoffs", []) == {"journey": None}
    with pytest.raises(InvalidInput, match="unknown limit"):
        analytics_parameters("stage_handoffs", ["limit=3"])
    with pytest.raises(InvalidInput, match="NAME=VALUE"):
        analytics_parameters("stage_handoffs", ["journey"])


def test_cypher_needs_a_graph_store(tmp_path: Path) -> None:
    result = run("cypher", "worst_touchpoints", store=f"sqlite:///{tmp_path / 'j.db'}")
    assert result.returncode == 2 and "needs a graph store" in result.stderr


def test_an_unreachable_server_exits_6() -> None:
    result = run("store", "check", store=f"bolt://127.0.0.1:{free_port()}")
    assert result.returncode == 6
    assert "cannot reach the server" in result.stderr and "Traceback" not in result.stderr
