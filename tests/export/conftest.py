from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from journeymap.files import load_journey
from journeymap.model import Journey
from tests.export.journeys import FIXTURES, big_journey, odd_journey

JS = Path(__file__).resolve().parents[1] / "js"


@pytest.fixture(params=[*FIXTURES, "odd"], ids=lambda p: p if isinstance(p, str) else p.stem)
def journey(request: pytest.FixtureRequest) -> Journey:
    """Every fixture, plus the journey with hostile names."""
    return odd_journey() if request.param == "odd" else load_journey(request.param)


@pytest.fixture(scope="session")
def big() -> Journey:
    return big_journey()


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """``tests/js/node_modules`` installed from the lock file (``npm ci``) when missing."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("node and npm are needed (make system-deps installs them)")
    if not (JS / "node_modules" / "cytoscape").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=JS, check=True, capture_output=True)
    return JS / "node_modules"
