"""Journey storage: one protocol, an embedded SQLite store and a Bolt (Neo4j) store.

``open_store(url)`` picks the store from a URL (``JOURNEYMAP_STORE``):
``sqlite:///path/to.db`` (the default, ``./journeymap.db``) or ``bolt://``,
``neo4j://``, ``neo4j+s://`` for a graph server.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from journeymap.errors import InvalidInput
from journeymap.model import Journey
from journeymap.store.base import JourneyStore, JourneySummary, StoredJourney, VersionInfo

DEFAULT_URL = "sqlite:///journeymap.db"
BOLT_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")

__all__ = [
    "DEFAULT_URL",
    "JourneyStore",
    "JourneySummary",
    "StoredJourney",
    "VersionInfo",
    "open_store",
    "store_url",
]


def store_url(env: Mapping[str, str] | None = None) -> str:
    """The configured store URL (``JOURNEYMAP_STORE``, else the embedded default)."""
    env = os.environ if env is None else env
    return env.get("JOURNEYMAP_STORE") or DEFAULT_URL


def open_store(
    url: str | None = None,
    env: Mapping[str, str] | None = None,
    figures: Callable[[Journey], Any] | None = None,
) -> JourneyStore:
    """Open the store a URL names.

    ``figures`` (``journeymap.engine.graph_figures``) computes the values a graph store
    writes beside each journey for in-database analysis (reach, pain, ``p``, flow); the
    embedded store needs none.
    """
    url = url or store_url(env)
    if url.startswith("sqlite://"):
        from journeymap.store.sqlite import SqliteStore

        return SqliteStore.from_url(url)
    if url.startswith(BOLT_SCHEMES):
        import importlib

        from journeymap.extras import require

        require("neo4j")

        bolt = importlib.import_module("journeymap.store.bolt")
        store: JourneyStore = bolt.BoltStore.from_url(
            url, env=os.environ if env is None else env, figures=figures
        )
        return store
    raise InvalidInput(
        f"JOURNEYMAP_STORE={url!r}: unknown store; use sqlite:///path or bolt://, neo4j://, neo4j+s://"
    )
