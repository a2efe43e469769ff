"""The store protocol every journey store implements, and its record types.

Semantics shared by all stores (checked by ``tests/contract``):

* every write of a journey gives it a new ``version``, one above the last one ever
  given to that id (deleting does not reset the counter);
* ``put(j, expected_version=N)`` succeeds only if the journey is now at version N
  (``0`` = must not exist yet); otherwise ``VersionConflict`` and nothing changes;
  ``expected_version=None`` writes unconditionally;
* a write is atomic: a failure leaves the previous version whole;
* older versions stay readable with ``get(id, version=N)`` until the journey is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from journeymap.model import Journey


@dataclass(frozen=True)
class StoredJourney:
    journey: Journey
    version: int
    updated_at: str


@dataclass(frozen=True)
class JourneySummary:
    id: str
    name: str
    version: int
    updated_at: str


@dataclass(frozen=True)
class VersionInfo:
    version: int
    created_at: str


@runtime_checkable
class JourneyStore(Protocol):
    """Where journeys live. Implementations: ``SqliteStore``, ``BoltStore``.

    ``embedded`` is a capability flag: the store lives in this process (a file), so a
    small read answers in microseconds without network I/O or waiting on writers;
    ``False`` for a store on a server.
    """

    embedded: bool

    def put(self, journey: Journey, expected_version: int | None = None) -> int:
        """Store a new version of ``journey``; return its version number."""
        ...

    def get(self, journey_id: str, version: int | None = None) -> StoredJourney:
        """The current (or the given) version; ``NotFound`` if there is none."""
        ...

    def versions(self, journey_id: str) -> list[VersionInfo]:
        """Every readable version of a journey, oldest first; ``NotFound`` if none."""
        ...

    def list(self) -> list[JourneySummary]:
        """Current journeys, ordered by id."""
        ...

    def delete(self, journey_id: str, expected_version: int | None = None) -> None:
        """Remove a journey and its versions; ``NotFound`` / ``VersionConflict`` as for put."""
        ...

    def describe(self) -> str:
        """What this store is and where (no secrets)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
