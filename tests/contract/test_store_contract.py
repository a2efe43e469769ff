"""The store contract: every JourneyStore must pass these (DESIGN.md §5)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from journeymap.errors import NotFound, VersionConflict
from journeymap.files import load_journey
from journeymap.model import Journey, parse_journey
from journeymap.store.base import JourneyStore
from tests.annotated import annotated_document

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def fixture_journeys() -> list[Journey]:
    return [load_journey(p) for p in sorted(FIXTURES.glob("*.yaml"))]


def renamed(journey: Journey, name: str) -> Journey:
    return journey.model_copy(update={"name": name})


@pytest.fixture
def journey() -> Journey:
    return load_journey(FIXTURES / "mei-su-electronics.yaml")


def test_put_get_round_trip_every_fixture(store: JourneyStore) -> None:
    for j in fixture_journeys():
        assert store.put(j) == 1
        got = store.get(j.id)
        assert got.version == 1
        assert got.journey == j


def test_personas_lanes_notes_evidence_and_opportunities_round_trip(store: JourneyStore) -> None:
    journey = parse_journey(annotated_document())
    store.put(journey)
    assert store.get(journey.id).journey == journey
    store.put(journey.model_copy(update={"opportunities": None, "personas": None}), expected_version=1)
    assert store.get(journey.id).journey.opportunities is None
    assert store.get(journey.id, version=1).journey == journey


def test_each_write_bumps_the_version_and_old_versions_stay_readable(
    store: JourneyStore, journey: Journey
) -> None:
    assert store.put(journey) == 1
    assert store.put(renamed(journey, "second"), expected_version=1) == 2
    assert store.put(renamed(journey, "third")) == 3
    assert store.get(journey.id).journey.name == "third"
    assert store.get(journey.id, version=1).journey == journey
    assert store.get(journey.id, version=2).journey.name == "second"
    assert [v.version for v in store.versions(journey.id)] == [1, 2, 3]
    assert [(s.id, s.version, s.name) for s in store.list()] == [(journey.id, 3, "third")]


def test_stale_version_is_refused_and_changes_nothing(store: JourneyStore, journey: Journey) -> None:
    store.put(journey)
    store.put(renamed(journey, "v2"), expected_version=1)
    with pytest.raises(VersionConflict) as info:
        store.put(renamed(journey, "lost update"), expected_version=1)
    assert info.value.current == 2
    assert store.get(journey.id).journey.name == "v2"
    assert [v.version for v in store.versions(journey.id)] == [1, 2]


def test_create_only_with_expected_version_zero(store: JourneyStore, journey: Journey) -> None:
    assert store.put(journey, expected_version=0) == 1
    with pytest.raises(VersionConflict):
        store.put(journey, expected_version=0)
    with pytest.raises(VersionConflict):
        store.put(journey.model_copy(update={"id": "other"}), expected_version=3)
    assert [s.id for s in store.list()] == [journey.id]


def test_missing_journeys_and_versions_are_not_found(store: JourneyStore, journey: Journey) -> None:
    with pytest.raises(NotFound):
        store.get("nope")
    with pytest.raises(NotFound):
        store.versions("nope")
    with pytest.raises(NotFound):
        store.delete("nope")
    store.put(journey)
    with pytest.raises(NotFound):
        store.get(journey.id, version=7)


def test_delete_removes_every_version_and_never_reuses_numbers(store: JourneyStore, journey: Journey) -> None:
    store.put(journey)
    store.put(journey)
    with pytest.raises(VersionConflict):
        store.delete(journey.id, expected_version=1)
    assert store.get(journey.id).version == 2
    store.delete(journey.id, expected_version=2)
    with pytest.raises(NotFound):
        store.get(journey.id)
    with pytest.raises(NotFound):
        store.get(journey.id, version=1)
    assert store.list() == []
    assert store.put(journey, expected_version=0) == 3


def test_list_is_ordered_by_id(store: JourneyStore) -> None:
    journeys = fixture_journeys()
    for j in reversed(journeys):
        store.put(j)
    assert [s.id for s in store.list()] == sorted(j.id for j in journeys)


def test_handles_share_one_store(store_factory: Callable[[], JourneyStore], journey: Journey) -> None:
    a, b = store_factory(), store_factory()
    a.put(journey)
    assert b.get(journey.id).journey == journey


def test_racing_writers_cannot_overwrite_each_other(
    store_factory: Callable[[], JourneyStore], journey: Journey
) -> None:
    """Writers that read the same version race; exactly one wins each round."""
    first = store_factory()
    first.put(journey)
    writers = 4
    handles = [store_factory() for _ in range(writers)]
    for round_ in range(3):
        base = first.get(journey.id).version
        barrier = threading.Barrier(writers)
        results: list[str] = [""] * writers

        def write(
            i: int,
            base: int = base,
            round_: int = round_,
            barrier: threading.Barrier = barrier,
            results: list[str] = results,
        ) -> None:
            barrier.wait()
            try:
                handles[i].put(renamed(journey, f"r{round_}w{i}"), expected_version=base)
                results[i] = "won"
            except VersionConflict:
                results[i] = "conflict"

        threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results) == ["conflict"] * (writers - 1) + ["won"]
        winner = results.index("won")
        current = first.get(journey.id)
        assert current.version == base + 1
        assert current.journey.name == f"r{round_}w{winner}"
