"""The embedded store: stdlib sqlite3 in WAL mode, zero set-up, durable.

Each journey version is one row holding the journey document as JSON; a small
head table keeps the current version and the version counter. Every write is a
single ``BEGIN IMMEDIATE`` transaction, so concurrent writers (threads or
processes) are serialised and a stale ``expected_version`` is refused before
anything changes. Each thread keeps one connection open (opening one and
reading the schema costs about a millisecond, a query tens of microseconds);
``close`` closes them all.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from journeymap.errors import NotFound, StoreUnavailable, VersionConflict
from journeymap.model import Journey, journey_document
from journeymap.store.base import JourneySummary, StoredJourney, VersionInfo

SCHEMA = """
CREATE TABLE IF NOT EXISTS journeys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,      -- last version ever given (the counter)
    live INTEGER NOT NULL,         -- 0 once deleted
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS journey_versions (
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    document TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (id, version)
);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class SqliteStore:
    """A ``JourneyStore`` in one SQLite file."""

    embedded = True

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise StoreUnavailable(f"sqlite store at {self.path}: {exc}") from None

    @classmethod
    def from_url(cls, url: str) -> SqliteStore:
        """``sqlite:///relative.db`` or ``sqlite:////absolute/path.db``."""
        path = url.removeprefix("sqlite://").removeprefix("/") or "journeymap.db"
        if url.startswith("sqlite:////"):
            path = "/" + path.lstrip("/")
        return cls(path)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection (opened on first use, kept until ``close``)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        try:
            if db is None:
                db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
                try:
                    db.execute("PRAGMA busy_timeout=30000")
                except sqlite3.Error:
                    db.close()
                    raise
                with self._lock:
                    self._opened.append(db)
                self._local.db = db
            yield db
        except sqlite3.Error as exc:  # a corrupt or unreadable file: no raw driver error escapes
            raise StoreUnavailable(f"sqlite store at {self.path}: {exc}") from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as db:
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreUnavailable(f"sqlite store at {self.path}: {exc}") from None
            try:
                yield db
                db.execute("COMMIT")
            except sqlite3.Error as exc:
                db.execute("ROLLBACK")
                raise StoreUnavailable(f"sqlite store at {self.path}: write failed: {exc}") from None
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _head(self, db: sqlite3.Connection, journey_id: str) -> tuple[int, bool] | None:
        row = db.execute("SELECT version, live FROM journeys WHERE id = ?", (journey_id,)).fetchone()
        return None if row is None else (int(row[0]), bool(row[1]))

    def put(self, journey: Journey, expected_version: int | None = None) -> int:
        document = json.dumps(journey_document(journey), ensure_ascii=False)
        with self._write() as db:
            head = self._head(db, journey.id)
            current = head[0] if head and head[1] else None
            if expected_version is not None and (current or 0) != expected_version:
                raise VersionConflict(journey.id, expected_version, current)
            version = (head[0] if head else 0) + 1
            now = _now()
            db.execute(
                "INSERT INTO journey_versions (id, version, document, created_at) VALUES (?,?,?,?)",
                (journey.id, version, document, now),
            )
            db.execute(
                "INSERT INTO journeys (id, name, version, live, updated_at) VALUES (?,?,?,1,?) "
                "ON CONFLICT(id) DO UPDATE SET name=excluded.name, version=excluded.version, "
                "live=1, updated_at=excluded.updated_at",
                (journey.id, journey.name, version, now),
            )
            return version

    def get(self, journey_id: str, version: int | None = None) -> StoredJourney:
        with self._connect() as db:
            head = self._head(db, journey_id)
            if head is None or not head[1]:
                raise NotFound(f"no journey '{journey_id}'")
            wanted = head[0] if version is None else version
            row = db.execute(
                "SELECT document, created_at FROM journey_versions WHERE id = ? AND version = ?",
                (journey_id, wanted),
            ).fetchone()
        if row is None:
            raise NotFound(f"journey '{journey_id}' has no version {wanted}")
        journey = Journey.model_validate(json.loads(row[0]))
        return StoredJourney(journey=journey, version=wanted, updated_at=row[1])

    def versions(self, journey_id: str) -> list[VersionInfo]:
        with self._connect() as db:
            head = self._head(db, journey_id)
            if head is None or not head[1]:
                raise NotFound(f"no journey '{journey_id}'")
            rows = db.execute(
                "SELECT version, created_at FROM journey_versions WHERE id = ? ORDER BY version",
                (journey_id,),
            ).fetchall()
        return [VersionInfo(version=int(v), created_at=c) for v, c in rows]

    def list(self) -> list[JourneySummary]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, name, version, updated_at FROM journeys WHERE live = 1 ORDER BY id"
            ).fetchall()
        return [JourneySummary(id=i, name=n, version=int(v), updated_at=u) for i, n, v, u in rows]

    def delete(self, journey_id: str, expected_version: int | None = None) -> None:
        with self._write() as db:
            head = self._head(db, journey_id)
            if head is None or not head[1]:
                raise NotFound(f"no journey '{journey_id}'")
            if expected_version is not None and head[0] != expected_version:
                raise VersionConflict(journey_id, expected_version, head[0])
            db.execute("DELETE FROM journey_versions WHERE id = ?", (journey_id,))
            db.execute("UPDATE journeys SET live = 0, updated_at = ? WHERE id = ?", (_now(), journey_id))

    def describe(self) -> str:
        return f"sqlite {sqlite3.sqlite_version} at {self.path.resolve()}"

    def close(self) -> None:
        """Close every thread's connection; the store reopens them if used again."""
        with self._lock:
            opened, self._opened = self._opened, []
            self._local = threading.local()
        for db in opened:
            db.close()
