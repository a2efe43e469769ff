"""The way into the engine: a command imports only what it needs, and the first path query on a
machine says that it compiles the search."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import typer

from benchmarks.bench_engine import generate_document
from journeymap.cli import COMMAND_MODULES, COMMANDS
from journeymap.engine.paths import COMPILED_FROM
from tests.cli import JOURNEYMAP, ROOT

FIXTURE = str(ROOT / "fixtures" / "auto-repair.yaml")


def test_the_command_table_names_every_command_of_every_module() -> None:
    for name in COMMAND_MODULES:
        app = typer.Typer()
        importlib.import_module(f"journeymap.cli.{name}").register(app)
        found = {c.name or c.callback.__name__ for c in app.registered_commands if c.callback}
        found |= {g.name for g in app.registered_groups if g.name}
        assert found == {command for command, module in COMMANDS.items() if module == name}, name


def test_paths_loads_neither_the_store_drivers_nor_the_ingest_nor_the_server() -> None:
    probe = (
        "import sys\n"
        "from journeymap.cli import _register\n"
        "_register(['paths', 'x'])\n"
        "print(sorted({m.split('.')[0] for m in sys.modules}))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    for heavy in ("duckdb", "fastapi", "neo4j", "uvicorn", "pyarrow", "networkx"):
        assert f"'{heavy}'" not in loaded, heavy


def test_the_first_path_query_on_a_machine_says_it_compiles(tmp_path: Path) -> None:
    large = tmp_path / "large.json"  # large enough for the compiled search
    large.write_text(json.dumps(generate_document(4_000, COMPILED_FROM + 1_000, "funnel")), encoding="utf-8")
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "200"}
    by_probability = [*JOURNEYMAP, "paths", str(large), "--k", "2", "--rank", "probability"]
    plain = subprocess.run(by_probability, capture_output=True, text=True, env=env, timeout=600)
    assert plain.returncode == 0 and plain.stderr == ""  # by probability the plain search answers
    args = [*JOURNEYMAP, "paths", str(large), "--k", "2"]
    first = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600)
    assert first.returncode == 0, first.stderr
    assert first.stderr == "compiling the path search (once per machine)…\n"
    again = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600)
    assert again.returncode == 0 and again.stderr == ""
    assert again.stdout == first.stdout


def test_a_small_journey_is_searched_without_numba(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from journeymap.engine import top_paths\n"
        f"doc = top_paths({FIXTURE!r}, k=3)\n"
        "print('numba' in sys.modules, len(doc['paths']))\n"
    )
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}  # an empty cache: nothing to compile either
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.split() == ["False", "3"]
    first = subprocess.run(
        [*JOURNEYMAP, "paths", FIXTURE, "--k", "2"], capture_output=True, text=True, env=env
    )
    assert first.returncode == 0 and first.stderr == ""


def test_paths_by_probability_runs_without_scipy(tmp_path: Path) -> None:
    """The search by probability needs no linear algebra: scipy loads only when a figure needs
    a solve (pain bounds' strong components, outcome values that differ, analyze)."""
    probe = (
        "import sys\n"
        "from journeymap.cli.analysis import paths\n"
        "paths({path!r}, k=3, rank={rank!r}, as_json=True)\n"
        "print('scipy' in sys.modules, file=sys.stderr)\n"
    )
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    for rank, loaded in (("probability", "False"), ("pain", "True")):
        done = subprocess.run(
            [sys.executable, "-c", probe.format(path=FIXTURE, rank=rank)],
            capture_output=True, text=True, env=env, check=True,
        )  # fmt: skip
        assert done.stderr.split() == [loaded], rank
        assert len(json.loads(done.stdout)["paths"]) == 3
