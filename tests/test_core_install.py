"""The bare core installs without FastAPI, uvicorn, neo4j or DuckDB and still analyses journeys;
commands that need an extra say which one to install instead of showing a traceback.

One fresh venv, ``pip install`` of the source tree without extras (packages from the
configured index and pip's cache).
"""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from journeymap.engine import analyze, top_paths
from journeymap.files import load_journey

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "auto-repair.yaml"
pytestmark = pytest.mark.slow
EXTRA_PACKAGES = ("fastapi", "uvicorn", "neo4j", "duckdb", "starlette", "selenium", "pyspark", "pandas")


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a venv holding journeymap without extras."""
    home = tmp_path_factory.mktemp("core-venv")
    venv.create(home, with_pip=True)
    bin_dir = home / ("Scripts" if sys.platform == "win32" else "bin")
    install = [bin_dir / "python", "-m", "pip", "install", "-q", "--no-compile", str(ROOT)]
    done = subprocess.run(install, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return bin_dir


def _run(core: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {"PATH": str(core), "COLUMNS": "200", "HOME": str(core.parent)}
    return subprocess.run(
        [str(core / "journeymap"), *args], capture_output=True, text=True, cwd=core.parent,
        env={**base, **(env or {})}, timeout=300,
    )  # fmt: skip


def test_the_core_has_no_extra_packages(core: Path) -> None:
    probe = "import importlib.util as u, json; print(json.dumps({n: bool(u.find_spec(n)) for n in %r}))"
    done = subprocess.run(
        [core / "python", "-c", probe % (EXTRA_PACKAGES,)], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == dict.fromkeys(EXTRA_PACKAGES, False)


def test_the_core_analyses_and_ranks_paths(core: Path) -> None:
    journey = load_journey(FIXTURE)
    analysis = _run(core, "analyze", str(FIXTURE), "--json")
    assert analysis.returncode == 0, analysis.stderr
    assert json.loads(analysis.stdout) == json.loads(json.dumps(analyze(journey)))
    paths = _run(core, "paths", str(FIXTURE), "--k", "3", "--json")
    assert paths.returncode == 0, paths.stderr
    assert json.loads(paths.stdout) == json.loads(json.dumps(top_paths(journey, k=3)))


@pytest.mark.parametrize(
    ("args", "env", "extra"),
    [
        (["serve"], {}, "api"),
        (["list"], {"JOURNEYMAP_STORE": "bolt://127.0.0.1:1"}, "neo4j"),
        (["ingest", "events.csv", "--mapping", "mapping.yaml"], {}, "ingest"),
        (["map", str(FIXTURE), "--format", "pdf", "-o", "map.pdf"], {}, "render"),
        (["ingest", "events.csv", "--mapping", "mapping.yaml", "--engine", "spark"], {}, "spark"),
    ],
)
def test_a_missing_extra_is_named(core: Path, args: list[str], env: dict[str, str], extra: str) -> None:
    done = _run(core, *args, env=env)
    assert done.returncode == 7, done.stderr
    assert f"install journeymap[{extra}]" in done.stderr and "Traceback" not in done.stderr


def test_a_frame_without_pandas_names_the_extra(core: Path) -> None:
    code = (
        "from journeymap.engine import analyze\n"
        "from journeymap.errors import MissingExtra\n"
        "from journeymap.frames import to_frame\n"
        f"doc = analyze({str(FIXTURE)!r})\n"
        "try:\n    to_frame(doc)\nexcept MissingExtra as exc:\n    print(exc)\n"
    )
    done = subprocess.run([core / "python", "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "this needs pandas: install journeymap[pandas]" in done.stdout
