"""Run the ``journeymap`` command as a user does: a real subprocess against a given store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, store_url: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``journeymap ARGS`` with ``JOURNEYMAP_STORE=store_url``; text output, no debug tracebacks."""
    env = {**os.environ, "JOURNEYMAP_STORE": store_url, "COLUMNS": "200"}
    env.pop("JOURNEYMAP_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-c", "from journeymap.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd or ROOT,
        timeout=120,
    )
