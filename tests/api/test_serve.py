"""``journeymap serve``: a real uvicorn process on loopback; no keys means loopback only."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx

from tests.api.conftest import EDITOR, EDITOR_KEY, ROOT, VIEWER_KEY, fixture_document
from tests.api.live import free_port, wait_for
from tests.cli import JOURNEYMAP

SERVE = [*JOURNEYMAP, "serve"]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOURNEYMAP_")}
    env.update({"JOURNEYMAP_STORE": f"sqlite:///{tmp_path / 'serve.db'}", "COLUMNS": "200", **extra})
    return env


def test_serve_refuses_a_public_address_without_keys(tmp_path: Path) -> None:
    result = subprocess.run(
        [*SERVE, "--host", "0.0.0.0"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert "refusing to listen on 0.0.0.0 without API keys" in result.stderr
    assert "JOURNEYMAP_API_KEYS" in result.stderr and "Traceback" not in result.stderr


def test_serve_refuses_bad_key_settings(tmp_path: Path) -> None:
    env = _env(tmp_path, JOURNEYMAP_API_KEYS="root:abc")
    result = subprocess.run([*SERVE], env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2 and "role 'root'" in result.stderr


def test_serve_refuses_a_store_it_cannot_open(tmp_path: Path) -> None:
    env = {**_env(tmp_path), "JOURNEYMAP_STORE": "mysql://nowhere/db"}
    result = subprocess.run([*SERVE], env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2 and "unknown store" in result.stderr and "Traceback" not in result.stderr


def test_serve_runs_the_api_with_keys(tmp_path: Path) -> None:
    port = free_port()
    env = _env(tmp_path, JOURNEYMAP_API_KEYS=f"editor:{EDITOR_KEY},viewer:{VIEWER_KEY}")
    process = subprocess.Popen(
        [*SERVE, "--port", str(port), "--no-access-log"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/health", process)
        document = fixture_document()
        put = httpx.put(f"{base}/journeys/{document['id']}", json=document, headers=EDITOR, timeout=10)
        assert put.status_code == 201 and put.headers["etag"] == '"1"'
        assert httpx.get(f"{base}/journeys/{document['id']}", timeout=10).status_code == 401
        paths = httpx.get(f"{base}/journeys/{document['id']}/paths?k=2", headers=EDITOR, timeout=10)
        assert paths.status_code == 200 and len(paths.json()["paths"]) == 2
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert "2 API key(s) configured" in stderr


def test_serve_without_keys_says_it_is_loopback_only(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [*SERVE, "--port", str(port)],
        env=_env(tmp_path),
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/health", process)
        assert httpx.get(f"http://127.0.0.1:{port}/journeys", timeout=10).status_code == 200
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert "no API keys configured: open access, listening on loopback only" in stderr
