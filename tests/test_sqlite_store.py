"""Embedded-store specifics: atomic writes, URLs, and writers in separate processes."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from journeymap.errors import InvalidInput, StoreUnavailable, VersionConflict
from journeymap.files import load_journey
from journeymap.store import open_store
from journeymap.store.sqlite import SqliteStore

MEI_SU = Path(__file__).resolve().parents[1] / "fixtures" / "mei-su-electronics.yaml"


def test_failed_write_leaves_previous_version_whole(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "j.db")
    journey = load_journey(MEI_SU)
    store.put(journey)
    # Fail the write after its version row is in, when the head row is updated.
    with sqlite3.connect(store.path) as db:
        db.execute(
            "CREATE TRIGGER fail_head BEFORE UPDATE ON journeys "
            "BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END"
        )
    changed = journey.model_copy(update={"name": "half written"})
    with pytest.raises(StoreUnavailable, match="simulated disk failure"):
        store.put(changed)
    assert store.get(journey.id).journey == journey
    assert [v.version for v in store.versions(journey.id)] == [1]
    with sqlite3.connect(store.path) as db:
        db.execute("DROP TRIGGER fail_head")
    assert store.put(changed) == 2


def test_store_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    absolute = open_store(f"sqlite:///{tmp_path}/a.db")
    assert isinstance(absolute, SqliteStore)
    assert absolute.path == tmp_path / "a.db"
    monkeypatch.chdir(tmp_path)
    relative = open_store("sqlite:///rel.db")
    assert isinstance(relative, SqliteStore)
    assert relative.path == Path("rel.db")
    assert open_store(env={"JOURNEYMAP_STORE": "sqlite:///x.db"}).describe().endswith("x.db")
    with pytest.raises(InvalidInput, match="unknown store"):
        open_store("postgres://nowhere")


def test_unusable_path_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreUnavailable, match="sqlite store"):
        SqliteStore(blocker / "j.db")


def _race(db: str, base: int, name: str, queue: multiprocessing.Queue[str]) -> None:
    store = SqliteStore(db)
    journey = load_journey(MEI_SU).model_copy(update={"name": name})
    try:
        store.put(journey, expected_version=base)
        queue.put(f"won:{name}")
    except VersionConflict:
        queue.put("conflict")


def test_writers_in_separate_processes(tmp_path: Path) -> None:
    db = str(tmp_path / "j.db")
    SqliteStore(db).put(load_journey(MEI_SU))
    ctx = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[str] = ctx.Queue()
    procs = [ctx.Process(target=_race, args=(db, 1, f"p{i}", queue)) for i in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    results = sorted(queue.get(timeout=5) for _ in procs)
    assert results[:2] == ["conflict", "conflict"]
    assert results[2].startswith("won:")
    current = SqliteStore(db).get("mei-su-electronics")
    assert current.version == 2
    assert current.journey.name == results[2].removeprefix("won:")


def test_damaged_files_are_store_unavailable_not_driver_errors(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "j.db")
    store.put(load_journey(MEI_SU))
    with sqlite3.connect(store.path) as db:  # damaged by hand: a table is gone
        db.execute("DROP TABLE journey_versions")
    with pytest.raises(StoreUnavailable, match="no such table"):
        store.get("mei-su-electronics")
    with pytest.raises(StoreUnavailable, match="no such table"):
        store.versions("mei-su-electronics")
    store.close()
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreUnavailable, match="sqlite store"):
        SqliteStore(garbage)
