"""A real API process for tests that need one on a port (uvicorn on loopback, its own SQLite store)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for(url: str, process: subprocess.Popen[str]) -> None:
    """Wait until ``url`` answers (any status); fail if the process dies or 30 s pass."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")


@contextmanager
def api_server(store: Path, **env: str) -> Iterator[str]:
    """``uvicorn api:app_from_env`` on a free loopback port over ``store``; yields its base URL."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("JOURNEYMAP_")}
    environment.update({"JOURNEYMAP_STORE": f"sqlite:///{store}", **env})
    command = [sys.executable, "-m", "uvicorn", "api:app_from_env", "--factory", "--host", "127.0.0.1"]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--no-access-log"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/health", process)
        yield base
    finally:
        process.terminate()
        process.communicate(timeout=30)
