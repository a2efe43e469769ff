"""One store contract suite, run against every store.

``store_factory`` yields a zero-argument callable that opens another handle on
one store of the kind named by the parameter, empty at the start of each test
(several handles = several clients of the same store); more stores join by adding a name to
``STORE_KINDS`` and a branch to ``_open``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from journeymap.store.base import JourneyStore
from journeymap.store.sqlite import SqliteStore

STORE_KINDS = ["sqlite"]


@pytest.fixture(params=STORE_KINDS)
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], JourneyStore]]:
    opened: list[JourneyStore] = []
    db = tmp_path / "journeys.db"

    def _open() -> JourneyStore:
        if request.param == "sqlite":
            store: JourneyStore = SqliteStore(db)
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
