"""Run the ``journeymap`` command as a user does: a real subprocess against a given store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JOURNEYMAP = [sys.executable, "-c", "from journeymap.cli import main; main()"]


def cli_env(store_url: str) -> dict[str, str]:
    """The environment of a CLI run: the given store, wide output, no debug tracebacks."""
    env = {**os.environ, "JOURNEYMAP_STORE": store_url, "COLUMNS": "200"}
    env.pop("JOURNEYMAP_DEBUG", None)
    return env


def run_cli(*args: str, store_url: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``journeymap ARGS`` with ``JOURNEYMAP_STORE=store_url``; text output."""
    return subprocess.run(
        [*JOURNEYMAP, *args],
        capture_output=True,
        text=True,
        env=cli_env(store_url),
        cwd=cwd or ROOT,
        timeout=120,
    )


def run_cli_bytes(*args: str, store_url: str) -> subprocess.CompletedProcess[bytes]:
    """As ``run_cli``, with stdout and stderr kept as bytes (binary exports)."""
    return subprocess.run(
        [*JOURNEYMAP, *args], capture_output=True, env=cli_env(store_url), cwd=ROOT, timeout=120
    )
