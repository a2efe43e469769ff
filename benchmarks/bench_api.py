"""HTTP API benchmark: ``GET /journeys/{id}/paths`` on a 200-touchpoint journey, cached and uncached.

Starts ``journeymap serve`` on loopback (uvicorn with httptools/uvloop, 1 and 2 worker
processes by default, API keys on, access log off) over a fresh SQLite store, loads the seeded
200-touchpoint journey of ``bench_engine.generate`` with ``PUT``, then drives
``GET /journeys/bench-200/paths`` (top 5 by pain mass, exact) with Debian's load
generators:

* throughput at 50 connections: ``wrk -t2 -c50 --latency`` and ``hey -c 50``;
* latency at a fixed offered load: ``hey -c 25 -q 20`` (25 workers, each at most 20
  requests/s = 500 requests/s). Debian has no wrk2; hey's ``-q`` paces each worker, so
  a slow answer delays that worker's next request (closed loop: it can under-report
  tail latency when the server stalls); many slow-paced workers keep that small, and the
  achieved rate is printed so a shortfall shows;
* uncached: a second server with ``JOURNEYMAP_CACHE_ENTRIES=0``, so every request
  reads the journey from the store and runs the path search.

The load generators run on the same machine as the server and compete for its cores.

Run: ``.venv/bin/python benchmarks/bench_api.py`` (``--help`` for options). Installs
``wrk`` and ``hey`` with apt-get when missing and running as root.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench_engine import generate

from journeymap.model import journey_document

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-editor-key-0123456789"
AUTH = f"Authorization: Bearer {KEY}"


def ensure_tools() -> None:
    """wrk and hey on PATH, installed from Debian when missing (as root)."""
    missing = [tool for tool in ("wrk", "hey") if shutil.which(tool) is None]
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit(f"missing {' '.join(missing)}: install with 'apt-get install -y {' '.join(missing)}'")
    policy = subprocess.run(["apt-cache", "policy", *missing], capture_output=True, text=True).stdout
    if "Candidate: (none)" in policy or "Candidate:" not in policy:
        subprocess.run(["apt-get", "update", "-q"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-q", *missing],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def request(method: str, url: str, body: bytes | None = None) -> tuple[int, bytes]:
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@contextmanager
def server(workers: int, cache_entries: int, db: Path) -> Iterator[str]:
    """A running ``journeymap serve`` on loopback; yields its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "JOURNEYMAP_STORE": f"sqlite:///{db}",
        "JOURNEYMAP_API_KEYS": f"editor:{KEY}",
        "JOURNEYMAP_CACHE_ENTRIES": str(cache_entries),
    }
    command = [sys.executable, "-c", "from journeymap.cli import main; main()", "serve"]
    command += ["--port", str(port), "--workers", str(workers), "--no-access-log"]
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if request("GET", f"{base}/health")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"server did not start: {process.stderr.read().decode() if process.stderr else ''}"
                )
            time.sleep(0.2)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def run_wrk(url: str, connections: int, duration: int) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-H", AUTH, url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])}  # type: ignore[index]
    for pct in ("50", "99"):
        value, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()  # type: ignore[union-attr]
        result[f"p{pct}_ms"] = float(value) * UNITS[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["errors"] = float(errors[1]) if errors else 0.0
    return result


def run_hey(url: str, connections: int, duration: int, per_worker_rate: int = 0) -> dict[str, float]:
    command = ["hey", "-z", f"{duration}s", "-c", str(connections), "-H", AUTH]
    if per_worker_rate:
        command += ["-q", str(per_worker_rate)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])}  # type: ignore[index]
    for pct in ("50", "99"):
        result[f"p{pct}_ms"] = float(re.search(rf"{pct}% in ([\d.]+) secs", out)[1]) * 1e3  # type: ignore[index]
    codes = {int(c): int(n) for c, n in re.findall(r"\[(\d{3})\]\s+(\d+) responses", out)}
    result["errors"] = float(sum(n for c, n in codes.items() if c != 200))
    return result


def scenario(
    base: str, args: argparse.Namespace, cached: bool, workers: int
) -> list[tuple[str, str, dict[str, float]]]:
    url = f"{base}/journeys/bench-200/paths"
    status, body = request("GET", url)
    assert status == 200 and json.loads(body)["paths"], body[:200]
    label = f"{'cached' if cached else 'uncached'} | {workers}"
    rate = args.rate if cached else args.uncached_rate
    per_worker = max(1, rate // args.rate_workers)
    conns, seconds, paced = args.connections, args.duration, args.rate_workers
    offered = paced * per_worker
    return [
        (label, f"wrk -t2 -c{conns} -d{seconds}s --latency", run_wrk(url, conns, seconds)),
        (label, f"hey -c {conns} -z {seconds}s", run_hey(url, conns, seconds)),
        (
            label,
            f"hey -c {paced} -q {per_worker} -z {seconds}s (offered {offered}/s)",
            run_hey(url, paced, seconds, per_worker),
        ),
    ]


def medians(rows: list[tuple[str, str, dict[str, float]]]) -> list[tuple[str, str, dict[str, float]]]:
    """One row per (cache, tool): the median of each figure over the repeats."""
    grouped: dict[tuple[str, str], list[dict[str, float]]] = {}
    for label, tool, figures in rows:
        grouped.setdefault((label, tool), []).append(figures)
    return [
        (label, tool, {k: statistics.median(f[k] for f in runs) for k in runs[0]})
        for (label, tool), runs in grouped.items()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2], help="uvicorn worker processes (each count is run)"
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rate", type=int, default=500, help="fixed offered load, cached (requests/s)")
    parser.add_argument("--uncached-rate", type=int, default=100, help="fixed offered load, uncached")
    parser.add_argument("--rate-workers", type=int, default=25, help="hey workers sharing the fixed rate")
    parser.add_argument("--touchpoints", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1, help="runs of everything; medians are reported")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    ensure_tools()
    journey = generate(args.touchpoints, 3 * args.touchpoints)
    document = json.dumps({**journey_document(journey), "id": "bench-200"}).encode()
    rows: list[tuple[str, str, dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        for _ in range(args.repeat):
            for workers, cached in [(w, c) for w in args.workers for c in (True, False)]:
                with server(workers, 1024 if cached else 0, db) as base:
                    status, _ = request("PUT", f"{base}/journeys/bench-200", document)
                    assert status in (201, 428), status  # 428: loaded by an earlier run
                    rows += scenario(base, args, cached, workers)
    size = f"{args.touchpoints} touchpoints, {len(journey.transitions)} transitions"
    print(f"\nGET /journeys/bench-200/paths ({size}); {os.cpu_count()} cores;")
    print(f"median of {args.repeat} run(s); load average at the end {os.getloadavg()[0]:.1f}\n")
    print("| cache | workers | load generator | req/s | p50 ms | p99 ms | non-200 |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for label, tool, r in medians(rows):
        figures = f"{r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']:.0f}"
        print(f"| {label} | `{tool}` | {figures} |")
    if args.json:
        records = [{"cache_workers": c, "tool": t, **r} for c, t, r in medians(rows)]
        args.json.write_text(json.dumps(records, indent=2))


if __name__ == "__main__":
    main()
