"""The graph store: journeys as nodes and relationships in Neo4j (or FalkorDB) over Bolt.

Layout (see README "Journeys in Neo4j"): every version of a journey is its own
subgraph of ``:Snapshot`` nodes tagged ``journey`` + ``version``; the nodes of
the *current* version also carry their domain label (``:Journey``, ``:Entry``,
``:Stage``, ``:Touchpoint``, ``:Outcome``), so analysts query the current maps
with plain labels. ``(:JourneyHead {journey, current, last})`` keeps the version
counter (``current`` = 0 once deleted; numbers are never reused).

A write stages the new version's nodes and relationships under ``:Staged``
(tagged with the write's token, invisible to every read), in batches small
enough for FalkorDB's Bolt endpoint, then publishes them with ONE conditional
statement (``cypher/store/publish_version.cypher``) that checks the expected
version, relabels the old current nodes and the staged ones, and moves the
head. FalkorDB ignores rollback, so atomicity rests on that single statement:
a failure or crash before it leaves only unpublished ``:Staged`` nodes (swept
later), never a mix. On Neo4j the statement first write-locks the journey's
head, so racing writers are serialised, and a refused publish is rolled back.

Connections use a short connect timeout and a bounded retry with back-off:
FalkorDB stalls the first handshake after a client disconnects, and a flaky
network to Neo4j needs the same. Writes are retried only when nothing was sent.
"""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import neo4j
from neo4j import exceptions as neo4j_errors

from journeymap.errors import InvalidInput, JourneymapError, NotFound, StoreUnavailable, VersionConflict
from journeymap.model import Journey
from journeymap.queries import bind, statement
from journeymap.store.base import JourneySummary, StoredJourney, VersionInfo
from journeymap.store.bolt_records import FiguresOf, cut_walks, graph_records, journey_from_records
from journeymap.store.bolt_schema import server_info
from journeymap.store.bolt_wire import CONNECT_TIMEOUT, falkordb_escaped, has_text, make_driver, split_url

T = TypeVar("T")
BACKOFF = (0.05, 0.2, 0.5, 1.0)
FALKORDB_MESSAGE_BUDGET = 3500  # bytes per Bolt request; FalkorDB 4.16 crashes above ~4 KB
STAGED_TTL = timedelta(hours=1)  # staged nodes older than this belong to a dead writer
_RETRYABLE = (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, neo4j_errors.TransientError)


class _Refused(Exception):
    """The conditional write matched nothing; roll back (a no-op where rollback is)."""


def unstorable(name: str, exc: Exception) -> InvalidInput:
    """A value the Bolt driver cannot send (e.g. an integer beyond 64 bits) as invalid input."""
    return InvalidInput(
        f"{name}: a value cannot be sent to the graph store ({exc}); integers must lie within ±2^63"
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class BoltStore:
    """A ``JourneyStore`` on a Bolt server (Neo4j 5, or FalkorDB's Bolt endpoint)."""

    embedded = False

    def __init__(
        self,
        driver: neo4j.Driver,
        database: str | None = None,
        where: str = "bolt server",
        owns_driver: bool = True,
        backoff: tuple[float, ...] = BACKOFF,
        figures: FiguresOf | None = None,
    ) -> None:
        self.driver = driver
        self._figures = figures
        self.database = database
        self.where = where
        self._owns_driver = owns_driver
        self._backoff = backoff
        self._kind: str | None = None

    @classmethod
    def from_url(cls, url: str, env: Mapping[str, str], figures: FiguresOf | None = None) -> BoltStore:
        """``bolt://[user:password@]host:port`` (or ``neo4j://``, ``neo4j+s://``).

        ``figures`` computes the derived values written beside each journey
        (``journeymap.engine.graph_figures``); without it journeys are written alone.
        """
        clean, auth, database = split_url(url, env)
        where = clean + (f" database {database}" if database else "")
        raw = env.get("JOURNEYMAP_NEO4J_CONNECT_TIMEOUT") or str(CONNECT_TIMEOUT)
        try:
            timeout = float(raw)
        except ValueError:
            raise InvalidInput(f"JOURNEYMAP_NEO4J_CONNECT_TIMEOUT={raw!r}: give seconds, e.g. 2.5") from None
        return cls(make_driver(clean, auth, timeout), database, where=where, figures=figures)

    # ------------------------------------------------------------------ plumbing

    def _retrying(self, action: Callable[[], T], what: str) -> T:
        for pause in (*self._backoff, None):
            try:
                return action()
            except _RETRYABLE as exc:
                if pause is None:
                    raise self._unavailable(exc, what) from None
                time.sleep(pause)
            except neo4j_errors.Neo4jError as exc:
                raise self._unavailable(exc, what) from None
            except neo4j_errors.DriverError as exc:
                raise self._unavailable(exc, what) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _unavailable(self, exc: Exception, what: str) -> StoreUnavailable:
        if isinstance(exc, neo4j_errors.AuthError):
            reason = "authentication failed (check JOURNEYMAP_NEO4J_USER / JOURNEYMAP_NEO4J_PASSWORD)"
        elif isinstance(exc, neo4j_errors.ServiceUnavailable | neo4j_errors.SessionExpired):
            reason = f"cannot reach the server ({exc})"
        else:
            reason = str(getattr(exc, "message", None) or exc)
        return StoreUnavailable(f"{self.where}: {what}: {reason}")

    def _bind(self, name: str, parameters: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        text, params = bind(name, parameters)
        if has_text(params) and self._server_kind() == "falkordb":
            params = falkordb_escaped(params)
        return text, params

    def read(self, name: str, **parameters: Any) -> list[dict[str, Any]]:
        """Run the read statement ``cypher/NAME.cypher``; rows as dicts."""
        text, params = self._bind(name, parameters)

        def run() -> list[dict[str, Any]]:
            with self.driver.session(database=self.database) as session:
                try:
                    return [record.data() for record in session.run(text, params)]
                except (OverflowError, ValueError) as exc:
                    raise unstorable(name, exc) from None

        return self._retrying(run, name)

    def execute(self, name: str, **parameters: Any) -> None:
        """Run a schema statement ``cypher/NAME.cypher`` (index or constraint)."""
        self.read(name, **parameters)

    def _write(
        self, name: str, refused: Callable[[dict[str, Any]], bool] | None = None, **parameters: Any
    ) -> dict[str, Any] | None:
        """Run one write statement in a transaction: its row, or None (rolled back) when refused.

        Only getting a connection is retried: once the statement is sent, a lost
        connection leaves its outcome unknown, so it is reported, not repeated.
        """
        text, params = self._bind(name, parameters)
        session = self.driver.session(database=self.database)
        try:
            tx = self._retrying(session.begin_transaction, f"{name}: connect")
            try:
                row = tx.run(text, params).single(strict=True).data()
                if refused is not None and refused(row):
                    raise _Refused
                tx.commit()
                return row
            except _Refused:
                tx.rollback()
                return None
            except (OverflowError, ValueError) as exc:
                raise unstorable(name, exc) from None
            except neo4j_errors.Neo4jError as exc:
                raise self._unavailable(exc, f"{name} failed") from None
            except (neo4j_errors.DriverError, OSError) as exc:
                lost = f"{name}: connection lost while writing (the journey is whole or absent; read it)"
                raise self._unavailable(exc, lost) from None
            finally:
                tx.close()
        finally:
            session.close()

    def _server_kind(self) -> str:
        if self._kind is None:
            self._kind = server_info(self).kind
        return self._kind

    def _batches(self, name: str, key: str, items: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        """``items`` cut so each message stays under FalkorDB's Bolt request limit."""
        if self._server_kind() != "falkordb":
            yield items
            return
        room = FALKORDB_MESSAGE_BUDGET - len(statement(name).text.encode()) - 200
        batch: list[dict[str, Any]] = []
        used = 0
        for item in items:
            size = len(json.dumps(item, ensure_ascii=False).encode())
            if size > room:
                raise InvalidInput(
                    f"{key} '{item.get('props', {}).get('id', item.get('from'))}' is {size} bytes: too large "
                    "for "
                    f"FalkorDB's Bolt endpoint (requests over ~4 KB crash it); shorten its texts"
                )
            if batch and used + size > room:
                yield batch
                batch, used = [], 0
            batch.append(item)
            used += size
        if batch:
            yield batch

    def _stage(self, journey: Journey, txn: str, now: str) -> None:
        nodes, steps = graph_records(journey, self._figures(journey) if self._figures else None)
        nodes, parts = cut_walks(nodes)
        for batch in self._batches("store/stage_nodes", "node", nodes):
            self._write("store/stage_nodes", nodes=batch, journey=journey.id, txn=txn, now=now)
        for batch in self._batches("store/extend_variants", "part", parts):
            self._write("store/extend_variants", parts=batch, txn=txn)
        if journey.variants is not None and journey.variants.top:
            self._write("store/stage_variants", txn=txn)
        self._write("store/stage_in_stage", txn=txn)
        if any(o.touchpoints for o in journey.opportunities or []):
            self._write("store/stage_addresses", txn=txn)
        for batch in self._batches("store/stage_transitions", "transition", steps):
            self._write("store/stage_transitions", transitions=batch, txn=txn)

    def _head(self, journey_id: str) -> int | None:
        rows = self.read("store/journey_head", journey=journey_id)
        current = int(rows[0]["current"]) if rows else 0
        return current or None

    # ------------------------------------------------------------------ protocol

    def put(self, journey: Journey, expected_version: int | None = None) -> int:
        """Stage the new version's nodes (several small writes), then publish them in one."""
        now, txn = _now(), uuid.uuid4().hex
        before = (datetime.now(UTC) - STAGED_TTL).isoformat(timespec="milliseconds")
        self._write("store/sweep_staged", before=before)
        try:
            self._stage(journey, txn, now)
            row = self._write(
                "store/publish_version",
                lambda row: row["version"] is None,
                journey=journey.id,
                txn=txn,
                expected=expected_version,
                now=now,
            )
        except BaseException:
            with contextlib.suppress(JourneymapError):
                self._write("store/discard_staged", txn=txn)
            raise
        if row is None:
            self._write("store/discard_staged", txn=txn)
            raise VersionConflict(journey.id, expected_version, self._head(journey.id))
        return int(row["version"])

    def get(self, journey_id: str, version: int | None = None) -> StoredJourney:
        rows = self.read("store/get_journey", journey=journey_id, version=version)
        if not rows:
            if version is not None and self._head(journey_id) is not None:
                raise NotFound(f"journey '{journey_id}' has no version {version}")
            raise NotFound(f"no journey '{journey_id}'")
        head = next(r["node"] for r in rows if r["type"] == "journey")
        return StoredJourney(
            journey=journey_from_records(rows), version=int(head["version"]), updated_at=head["created_at"]
        )

    def versions(self, journey_id: str) -> list[VersionInfo]:
        rows = self.read("store/journey_versions", journey=journey_id)
        if not rows:
            raise NotFound(f"no journey '{journey_id}'")
        return [VersionInfo(version=int(r["version"]), created_at=r["created_at"]) for r in rows]

    def list(self) -> list[JourneySummary]:
        rows = self.read("store/list_journeys")
        return [
            JourneySummary(id=r["id"], name=r["name"], version=int(r["version"]), updated_at=r["updated_at"])
            for r in rows
        ]

    def delete(self, journey_id: str, expected_version: int | None = None) -> None:
        deleted = self._write(
            "store/delete_journey",
            lambda row: row["deleted"] == 0,
            journey=journey_id,
            expected=expected_version,
            now=_now(),
        )
        if deleted is None:
            current = self._head(journey_id)
            if current is None:
                raise NotFound(f"no journey '{journey_id}'")
            raise VersionConflict(journey_id, expected_version, current)

    def describe(self) -> str:
        return f"bolt store at {self.where}"

    def close(self) -> None:
        if self._owns_driver:
            self.driver.close()
