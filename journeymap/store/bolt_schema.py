"""What Bolt server a store talks to, whether its schema is in place, and ``store init``.

Neo4j gets the uniqueness constraints and indexes of ``cypher/neo4j/``;
FalkorDB (which has no constraints) the indexes of ``cypher/falkordb/``.
FalkorDB's Bolt endpoint calls itself ``Neo4j/5.x`` in its handshake, so the
server is told apart by ``dbms.components()``, which only Neo4j has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

import neo4j

from journeymap.errors import StoreUnavailable
from journeymap.queries import names, statement

_NEO4J_NAME = re.compile(r"CREATE\s+(?:CONSTRAINT|INDEX)\s+(\w+)", re.I)
_FALKOR_INDEX = re.compile(r"FOR\s*\(\s*\w+\s*:\s*(\w+)\s*\)\s*ON\s*\(([^)]*)\)", re.I)


class BoltServer(Protocol):
    """What this module needs of a store (``store.bolt.BoltStore`` has it)."""

    @property
    def driver(self) -> neo4j.Driver: ...
    def read(self, name: str, **parameters: Any) -> list[dict[str, Any]]: ...
    def execute(self, name: str, **parameters: Any) -> None: ...


@dataclass(frozen=True)
class ServerInfo:
    kind: str  # "neo4j" | "falkordb"
    version: str
    edition: str


@dataclass(frozen=True)
class SchemaStatus:
    server: ServerInfo
    present: list[str]
    missing: list[str]

    @property
    def ready(self) -> bool:
        return not self.missing


def server_info(store: BoltServer) -> ServerInfo:
    """Neo4j's name/version/edition, or FalkorDB with the version its handshake reports."""
    try:
        (row,) = store.read("server/neo4j_components")
        return ServerInfo("neo4j", str(row["version"]), str(row["edition"]))
    except StoreUnavailable as neo4j_refused:
        try:
            store.read("server/falkordb_indexes")
        except StoreUnavailable:
            raise neo4j_refused from None
        agent = _agent(store)
        return ServerInfo("falkordb", agent, "bolt endpoint")


def _agent(store: BoltServer) -> str:
    info = store.driver.get_server_info()
    protocol = ".".join(map(str, info.protocol_version))
    return f"version not reported (its Bolt handshake claims {info.agent}, protocol {protocol})"


def _neo4j_wanted() -> dict[str, str]:
    wanted = {}
    for name in names("neo4j"):
        found = _NEO4J_NAME.search(statement(name).text)
        if found:
            wanted[found.group(1)] = name
    return wanted


def _falkordb_wanted() -> dict[str, str]:
    wanted = {}
    for name in names("falkordb"):
        found = _FALKOR_INDEX.search(statement(name).text)
        if found:
            props = ",".join(p.split(".")[-1].strip() for p in found.group(2).split(","))
            wanted[f"{found.group(1)}({props})"] = name
    return wanted


def _falkordb_present(store: BoltServer) -> set[str]:
    present = set()
    for row in store.read("server/falkordb_indexes"):
        for prop in row["properties"]:
            present.add(f"{row['label']}.{prop}")
    return present


def schema_status(store: BoltServer) -> SchemaStatus:
    """Which of the schema statements for this server are in place."""
    server = server_info(store)
    if server.kind == "neo4j":
        existing = {r["name"] for r in store.read("neo4j/show_schema")}
        wanted = _neo4j_wanted()
        present = sorted(n for n in wanted if n in existing)
        return SchemaStatus(server, present, sorted(set(wanted) - set(present)))
    fields = _falkordb_present(store)
    found: list[str] = []
    absent: list[str] = []
    for index in _falkordb_wanted():
        label, props = index.rstrip(")").split("(")
        complete = all(f"{label}.{p}" in fields for p in props.split(","))
        (found if complete else absent).append(index)
    return SchemaStatus(server, sorted(found), sorted(absent))


def init_schema(store: BoltServer) -> SchemaStatus:
    """Create what ``schema_status`` finds missing (idempotent); the status after."""
    status = schema_status(store)
    wanted = _neo4j_wanted() if status.server.kind == "neo4j" else _falkordb_wanted()
    for key in status.missing:
        store.execute(wanted[key])
    return schema_status(store)
