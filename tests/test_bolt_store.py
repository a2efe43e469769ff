"""Bolt-store specifics against a real FalkorDB: graph layout, escaping, errors, crash safety."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from journeymap.engine import graph_figures
from journeymap.errors import InvalidInput, NotFound, StoreUnavailable, VersionConflict
from journeymap.files import load_journey
from journeymap.model import Journey, journey_document, parse_journey
from journeymap.store import open_store
from journeymap.store.bolt import BoltStore, make_driver, split_url
from journeymap.store.bolt_records import graph_records
from journeymap.store.bolt_schema import init_schema, schema_status
from tests.annotated import annotated_document
from tests.bolt_servers import BoltServer, FalkorServer, free_port
from tests.strategies import journeys

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def fixtures() -> list[Journey]:
    return [load_journey(p) for p in sorted(FIXTURES.glob("*.yaml"))]


def chain_journey(journey_id: str, n: int, name: str = "Chain") -> Journey:
    """entry -> t0 -> ... -> t(n-1) -> ok, each touchpoint losing 10 % to 'lost'."""
    touchpoints = [
        {"id": f"t{i}", "name": f"Step {i} — it's \"quoted\" \\ 中文", "stage": f"s{i % 3}",
         "experience": i % 10, "expectation": 7, "importance": 1 + i % 4, "channel": "web"}
        for i in range(n)
    ]  # fmt: skip
    transitions = [{"from": "entry", "to": "t0", "customers": 1000}]
    for i in range(n):
        after = f"t{i + 1}" if i + 1 < n else "ok"
        transitions += [
            {"from": f"t{i}", "to": after, "share": 0.9},
            {"from": f"t{i}", "to": "lost", "share": 0.1},
        ]
    return parse_journey(
        {
            "id": journey_id,
            "name": name,
            "description": "a 'long' one\\n",
            "stages": [
                {"id": f"s{k}", "name": f"S{k}", "phase": p}
                for k, p in enumerate(["pre_sale", "sale", "after_sale"])
            ],
            "touchpoints": touchpoints,
            "outcomes": [
                {"id": "ok", "name": "OK", "kind": "success"},
                {"id": "lost", "name": "Lost", "kind": "failure"},
            ],
            "transitions": transitions,
        }
    )


def test_every_fixture_round_trips_and_touchpoints_are_counted(
    bolt_store: BoltStore, falkordb: BoltServer
) -> None:
    journeys = fixtures()
    for j in journeys:
        bolt_store.put(j)
        bolt_store.put(j.model_copy(update={"name": j.name + " (v2)"}))  # old versions must not count
    for j in journeys:
        got = bolt_store.get(j.id).journey
        assert journey_document(got) == journey_document(j.model_copy(update={"name": j.name + " (v2)"}))
        assert bolt_store.get(j.id, version=1).journey == j
    (row,) = falkordb.query("MATCH (t:Touchpoint) RETURN count(t) AS n")
    assert row["n"] == sum(len(j.touchpoints) for j in journeys)
    (row,) = falkordb.query("MATCH (t:Snapshot {type: 'touchpoint'}) RETURN count(t) AS n")
    assert row["n"] == 2 * sum(len(j.touchpoints) for j in journeys)
    (row,) = falkordb.query("MATCH (:Touchpoint)-[r:NEXT]->() RETURN count(r) AS n")
    from_entry = sum(1 for j in journeys for t in j.transitions if t.source == "entry")
    assert row["n"] == sum(len(j.transitions) for j in journeys) - from_entry


def test_graph_layout_is_what_analysts_query(bolt_store: BoltStore, falkordb: BoltServer) -> None:
    journey = load_journey(FIXTURES / "mei-su-electronics.yaml")
    bolt_store.put(journey)
    stages = falkordb.query(
        "MATCH (t:Touchpoint {journey: $j})-[:IN_STAGE]->(s:Stage) RETURN t.id AS t, s.id AS s", j=journey.id
    )
    assert {(r["t"], r["s"]) for r in stages} == {(tp.id, tp.stage) for tp in journey.touchpoints}
    (entry,) = falkordb.query("MATCH (e:Entry {journey: $j})-[r:NEXT]->() RETURN sum(r.p) AS p", j=journey.id)
    assert entry["p"] == pytest.approx(1.0)
    (head,) = falkordb.query("MATCH (j:Journey {id: $j}) RETURN j.version AS v, j.name AS name", j=journey.id)
    assert head == {"v": 1, "name": journey.name}


def test_personas_and_opportunities_are_nodes_linked_to_their_touchpoints(
    bolt_store: BoltStore, falkordb: BoltServer
) -> None:
    journey = parse_journey(annotated_document())
    bolt_store.put(journey)
    bolt_store.put(journey)  # the old version's nodes lose their labels
    links = falkordb.query(
        "MATCH (o:Opportunity {journey: $j})-[:ADDRESSES]->(t:Touchpoint) RETURN o.id AS o, t.id AS t",
        j=journey.id,
    )
    assert sorted((r["o"], r["t"]) for r in links) == [("faster", "pay"), ("faster", "shop")]
    (faster,) = falkordb.query(
        "MATCH (o:Opportunity {id: 'faster'}) RETURN o.customer_value AS cv, o.effort AS e, o.status AS s"
    )
    assert faster == {"cv": 72.5, "e": 2.5, "s": "in_progress"}
    regulars = falkordb.query(
        "MATCH (p:Persona {journey: $j, id: 'regular'}), (t:Touchpoint {journey: $j}) "
        "WHERE p.id IN t.personas RETURN t.id AS t, t.lane AS lane",
        j=journey.id,
    )
    assert regulars == [{"t": "shop", "lane": "front-stage"}]
    (count,) = falkordb.query("MATCH (p:Persona) RETURN count(p) AS n")
    assert count["n"] == 2


def test_quotes_backslashes_and_unicode_survive(bolt_store: BoltStore) -> None:
    journey = chain_journey("quotes", 5, name="it's a \"test\" \\b \\' 中文")
    bolt_store.put(journey)
    assert bolt_store.get("quotes").journey == journey


def test_a_touchpoint_may_share_the_journeys_id(bolt_store: BoltStore) -> None:
    journey = chain_journey("t1", 3)
    bolt_store.put(journey)
    bolt_store.put(journey)
    assert bolt_store.get("t1").journey == journey
    assert bolt_store.get("t1", version=1).journey == journey


def test_a_refused_write_leaves_nothing_behind(bolt_store: BoltStore, falkordb: BoltServer) -> None:
    journey = chain_journey("refused", 10)
    bolt_store.put(journey)
    before = falkordb.query("MATCH (n) RETURN count(n) AS n")
    with pytest.raises(VersionConflict):
        bolt_store.put(journey, expected_version=5)
    assert falkordb.query("MATCH (n) RETURN count(n) AS n") == before
    assert falkordb.query("MATCH (n:Staged) RETURN count(n) AS n") == [{"n": 0}]


def test_nodes_staged_by_a_writer_that_died_are_swept(bolt_store: BoltStore, falkordb: BoltServer) -> None:
    journey = chain_journey("dead", 3)
    nodes, _ = graph_records(journey)
    long_ago = "2000-01-01T00:00:00.000+00:00"
    bolt_store._write("store/stage_nodes", nodes=nodes, journey="dead", txn="dead-writer", now=long_ago)
    assert falkordb.query("MATCH (n:Staged) RETURN count(n) AS n") == [{"n": len(nodes)}]
    with pytest.raises(NotFound):
        bolt_store.get("dead")
    assert bolt_store.put(journey) == 1
    assert falkordb.query("MATCH (n:Staged) RETURN count(n) AS n") == [{"n": 0}]
    assert bolt_store.get("dead").journey == journey


def test_a_large_journey_is_written_in_batches(bolt_store: BoltStore) -> None:
    journey = chain_journey("large", 300)
    assert bolt_store.put(journey) == 1
    assert bolt_store.get("large").journey == journey


def test_an_oversized_text_is_refused_before_it_reaches_falkordb(bolt_store: BoltStore) -> None:
    journey = chain_journey("huge", 2).model_copy(update={"description": "x" * 5000})
    with pytest.raises(InvalidInput, match="too large for FalkorDB"):
        bolt_store.put(journey)
    assert bolt_store.list() == []


def test_an_integer_beyond_64_bits_is_invalid_input_and_stores_nothing(
    bolt_store: BoltStore, falkordb: BoltServer
) -> None:
    kept = chain_journey("kept", 2)
    bolt_store.put(kept)
    before = falkordb.query("MATCH (n) RETURN count(n) AS n")
    journey = chain_journey("big", 2)  # built past validation, which refuses responses > 2^63 - 1
    touchpoint = journey.touchpoints[0].model_copy(update={"responses": 10**20})
    journey = journey.model_copy(update={"touchpoints": [touchpoint, *journey.touchpoints[1:]]})
    with pytest.raises(InvalidInput, match=r"cannot be sent to the graph store.*2\^63"):
        bolt_store.put(journey)
    assert falkordb.query("MATCH (n) RETURN count(n) AS n") == before
    assert [s.id for s in bolt_store.list()] == ["kept"]
    with pytest.raises(InvalidInput, match="cannot be sent"):
        bolt_store.read("store/journey_head", journey=2**70)


def test_schema_check_and_init_are_idempotent(falkordb: BoltServer) -> None:
    store = falkordb.store()
    status = init_schema(store)
    assert status.server.kind == "falkordb" and status.ready and status.present
    assert schema_status(store).present == status.present


def test_an_unreachable_server_is_store_unavailable_quickly() -> None:
    store = BoltStore(make_driver(f"bolt://127.0.0.1:{free_port()}", None), backoff=(0.01, 0.01))
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match="cannot reach the server"):
        store.list()
    assert time.monotonic() - started < 10
    store.close()


def test_urls_credentials_and_database_come_from_url_or_env() -> None:
    env = {
        "JOURNEYMAP_NEO4J_USER": "envuser",
        "JOURNEYMAP_NEO4J_PASSWORD": "envpw",
        "JOURNEYMAP_NEO4J_DATABASE": "jm",
    }
    assert split_url("neo4j+s://u:p%40ss@db.example:7687", env) == (
        "neo4j+s://db.example:7687", ("u", "p@ss"), "jm")  # fmt: skip
    assert split_url("bolt://db:7687", env)[1] == ("envuser", "envpw")
    assert split_url("bolt://db:7687", {}) == ("bolt://db:7687", None, None)
    with pytest.raises(InvalidInput):
        split_url("bolt://", {})
    store = open_store("bolt://u:secret@127.0.0.1:1", env={})
    assert "secret" not in store.describe()
    store.close()


def _crash_store(server: FalkorServer) -> BoltStore:
    return BoltStore(server.driver(), where=server.url, backoff=(0.05, 0.2), figures=graph_figures)


@pytest.mark.parametrize("moment", ["staging", "publishing"])
def test_killing_the_server_mid_write_leaves_the_old_or_the_new_version(tmp_path: Path, moment: str) -> None:
    """kill -9 during a large write, with a snapshot taken while it is in flight; after the
    restart (which loads that snapshot) the journey is wholly the old or wholly the new one."""
    server = FalkorServer(tmp_path / "crash")
    server.start()
    try:
        store = _crash_store(server)
        init_schema(store)
        old = chain_journey("crash", 400, name="old")
        new = old.model_copy(update={"name": "new"})
        store.put(old)
        nodes = 2 + len(old.stages) + len(old.touchpoints) + len(old.outcomes)
        watcher = _crash_store(server)
        outcome: list[object] = []
        writer = threading.Thread(target=lambda: outcome.append(_attempt(store, new)))
        writer.start()
        if moment == "staging":
            _wait_for(watcher, "MATCH (n:Staged {journey: 'crash'}) RETURN count(n) AS n", nodes // 2)
        else:  # the last NEXT batches: publishing is next, running or just done
            staged_next = "MATCH (:Staged {journey: 'crash'})-[r:NEXT]->() RETURN count(r) AS n"
            _wait_for(watcher, staged_next, len(old.transitions) * 9 // 10)
        server.redis("BGSAVE")
        while not server.snapshot_done():
            time.sleep(0.01)
        server.kill()
        writer.join(30)
        assert not writer.is_alive()
        store.close()
        watcher.close()
        server.start()
        after = _crash_store(server)
        current = after.get("crash")
        assert current.journey in (old, new)
        assert (current.version, current.journey.name) in {(1, "old"), (2, "new")}
        assert [v.version for v in after.versions("crash")] == list(range(1, current.version + 1))
        counts = after.read("store/journey_head", journey="crash")
        assert counts == [{"current": current.version, "last": current.version}]
        (row,) = server_query(after, "MATCH (t:Touchpoint {journey: 'crash'}) RETURN count(t) AS n")
        assert row["n"] == len(old.touchpoints)
        for version in range(1, current.version + 1):
            (row,) = server_query(
                after, f"MATCH (n:Snapshot {{journey: 'crash', version: {version}}}) RETURN count(n) AS n"
            )
            assert row["n"] == nodes
        after.close()
    finally:
        server.stop()


def server_query(store: BoltStore, text: str) -> list[dict[str, object]]:
    with store.driver.session() as session:
        return [r.data() for r in session.run(text)]


def _attempt(store: BoltStore, journey: Journey) -> object:
    try:
        return store.put(journey, expected_version=1)
    except StoreUnavailable as error:
        return error


def _wait_for(store: BoltStore, query: str, threshold: int) -> None:
    deadline = time.monotonic() + 60
    published = "MATCH (j:Journey {id: 'crash'}) RETURN j.version AS n"
    while time.monotonic() < deadline:
        (row,) = server_query(store, query)
        if int(str(row["n"])) >= threshold or server_query(store, published) == [{"n": 2}]:
            return
        time.sleep(0.005)
    raise AssertionError("the write never staged its nodes")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(journey=journeys(max_touchpoints=6))
def test_random_journeys_round_trip_exactly(bolt_store: BoltStore, journey: Journey) -> None:
    """Shares such as 3/7 and scores with many decimals come back bit for bit."""
    journey = journey.model_copy(update={"entrants": 1000 / 3})
    version = bolt_store.put(journey)
    stored = bolt_store.get(journey.id)
    assert stored.version == version
    assert stored.journey == journey
    bolt_store.delete(journey.id)


def variant_journey(journey_id: str, walks: int, long_walks: int, length: int) -> Journey:
    """A chain journey with many observed variants, some walks far longer than one Bolt request."""
    base = journey_document(chain_journey(journey_id, 12))
    tps = [tp["id"] for tp in base["touchpoints"]]
    top = [
        {
            "nodes": [*(tps[(i + k) % len(tps)] for k in range(1 + i % 9)), "ok" if i % 2 else "lost"],
            "customers": 500 - i,
        }
        for i in range(walks)
    ]
    top += [
        {"nodes": [tps[(i * k) % len(tps)] for k in range(length)] + ["lost"], "customers": 10 + i / 4}
        for i in range(long_walks)
    ]
    variants = {"top": top, "other_customers": 123.5, "other_variants": 7}
    return parse_journey(base | {"variants": variants})


def test_many_long_variants_round_trip_as_variant_nodes(bolt_store: BoltStore, falkordb: BoltServer) -> None:
    journey = variant_journey("walked", walks=120, long_walks=12, length=1000)
    assert journey.variants is not None and len(str(journey_document(journey)["variants"])) > 50_000
    bolt_store.put(journey)
    bolt_store.put(journey)  # the old version's variants lose their label
    assert bolt_store.get("walked").journey == journey
    assert bolt_store.get("walked", version=1).journey == journey
    (linked,) = falkordb.query(
        "MATCH (j:Journey {id: $j})-[:HAS_VARIANT]->(v:Variant) "
        "RETURN count(v) AS n, max(size(v.nodes)) AS longest, sum(v.customers) AS customers",
        j="walked",
    )
    listed = journey.variants.top  # type: ignore[union-attr]
    assert linked == {"n": 132, "longest": 1001, "customers": pytest.approx(sum(v.customers for v in listed))}
    (head,) = falkordb.query("MATCH (j:Journey {id: 'walked'}) RETURN j.variants AS v")
    assert len(head["v"]) < 100  # the head keeps only the "other" row


def test_a_journey_without_variants_stays_without(bolt_store: BoltStore) -> None:
    journey = chain_journey("unwalked", 3)
    bolt_store.put(journey)
    assert bolt_store.get("unwalked").journey.variants is None
    empty = parse_journey(journey_document(journey) | {"variants": {"top": [], "other_customers": 4}})
    bolt_store.put(empty)
    assert bolt_store.get("unwalked").journey == empty
