"""The array passes over the events sorted once (``sequences``) against the shared SQL on DuckDB.

The SQL (``walks.build_variants``, ``timing.follow_sql``, ``order.state_node_sql``)
is what the Spark engine runs; on DuckDB the ingest uses the array passes.
Both must give the same aggregate, field for field, on logs with ties,
unsorted rows, repeats, loops, events after an outcome, segments, held-out
customers and every order; and numba's compiled loops must give what the
plain ones give.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.ingest import parse_mapping
from journeymap.ingest.events import aggregate_loaded, load_events
from journeymap.ingest.loops import compiled, group_stats, needs_compiling, plain
from journeymap.ingest.mapping import Mapping
from journeymap.ingest.source import DuckDatabase, connection, open_scan

EVENTS = ["view", "cart", "help", "buy", "cancel", "junk"]


def mapping(order: int | str, segmented: bool, order_by: bool) -> Mapping:
    stages = ["browse", "basket"]
    doc: dict[str, Any] = {
        "columns": {"customer": "cust", "touchpoint": "event", "time": "ts"},
        "time_format": "epoch_s",
        "stages": [{"id": s, "name": s, "phase": "sale"} for s in stages],
        "touchpoints": {
            "view": {"id": "view", "stage": "browse"},
            "help": {"id": "help", "stage": "browse"},
            "cart": {"id": "cart", "stage": "basket"},
        },
        "outcomes": {"buy": {"id": "buy", "kind": "success"}, "cancel": {"id": "cancel", "kind": "failure"}},
        "default_outcome": {"id": "gone", "kind": "failure"},
        "measures": {
            "wait": {"target": "2s"},
            "rework": {"target": 0.25},
            "repeat_contact": {"target": 0.25, "window": "3s"},
        },
        "order": order,
        "variants": 4,
    }
    if segmented:
        doc["columns"]["segment"] = "device"
        doc["segments"] = {"min_customers": 1}
    if order_by:
        doc["columns"]["order_by"] = "seq"
    return parse_mapping(doc)


def generated(seed: int, customers: int, events: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    weights = np.array([6, 4, 2, 1, 1, 1], dtype=float)
    return pd.DataFrame(
        {
            "cust": [f"c{i}" for i in rng.integers(0, customers, events)],
            "event": rng.choice(EVENTS, events, p=weights / weights.sum()),
            "ts": rng.integers(0, 10, events),  # few distinct times: ties, loops, repeats
            "device": rng.choice(["web", "app", ""], events),
            "seq": rng.choice(["1", "2", "x"], events),
        }
    )


def aggregates(path: Path, m: Mapping, arrays: bool) -> dict[str | None, dict[str, Any]]:
    with connection() as con:
        db = DuckDatabase(con, arrays=arrays)
        scan, types = open_scan(con, path, m.read_columns())
        load_events(db, scan, types, m)
        found = aggregate_loaded(db, m)
    result = {}
    for value, agg in found.items():
        fields = asdict(agg)
        fields["transitions"] = dict(agg.transitions)
        result[value] = fields
    return result


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 2**32 - 1),
    customers=st.integers(1, 15),
    events=st.integers(1, 150),
    order=st.sampled_from([1, 2, 3, "auto"]),
    segmented=st.booleans(),
    order_by=st.booleans(),
)
def test_the_array_passes_give_what_the_sql_gives(
    tmp_path: Path, seed: int, customers: int, events: int, order: Any, segmented: bool, order_by: bool
) -> None:
    df = generated(seed, customers, events)
    path = tmp_path / f"log{seed}.csv"
    df.to_csv(path, index=False)
    m = mapping(order, segmented, order_by)
    assert aggregates(path, m, arrays=True) == aggregates(path, m, arrays=False)


@pytest.mark.parametrize(
    ("order", "segmented", "order_by"), [(1, False, False), (2, True, False), ("auto", True, True)]
)
def test_the_compiled_passes_give_what_the_sql_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, order: Any, segmented: bool, order_by: bool
) -> None:
    """The same comparison with numba's loops, which a log takes from ``COMPILE_FROM`` events on."""
    monkeypatch.setattr("journeymap.ingest.sequences.COMPILE_FROM", 0)
    path = tmp_path / "log.csv"
    generated(11, 40, 2_000).to_csv(path, index=False)
    m = mapping(order, segmented, order_by)
    assert aggregates(path, m, arrays=True) == aggregates(path, m, arrays=False)


def test_a_hand_worked_log_on_both(tmp_path: Path) -> None:
    """x: view, view (repeat), cart, view (back: rework), buy, then cart after the outcome (dropped);
    y: help, cancel at the same second as a cart (the touchpoint goes first); z: one view."""
    rows = [
        ("x", "view", 0), ("x", "view", 2), ("x", "cart", 5), ("x", "view", 6), ("x", "buy", 9),
        ("x", "cart", 12), ("y", "cancel", 4), ("y", "help", 1), ("y", "cart", 4), ("z", "view", 3),
    ]  # fmt: skip
    path = tmp_path / "log.csv"
    pd.DataFrame(rows, columns=["cust", "event", "ts"]).to_csv(path, index=False)
    m = mapping(1, False, False)
    arrays = aggregates(path, m, arrays=True)
    assert arrays == aggregates(path, m, arrays=False)
    agg = arrays[None]
    assert agg["transitions"] == {
        ("entry", "view"): 2, ("entry", "help"): 1, ("view", "cart"): 1, ("cart", "view"): 1,
        ("view", "buy"): 1, ("view", "gone"): 1, ("help", "cart"): 1, ("cart", "cancel"): 1,
    }  # fmt: skip
    assert (agg["after_outcome"], agg["repeats_collapsed"]) == (1, 1)
    view = agg["behaviour"]["nodes"]["view"]
    assert (view["visits"], view["visitors"], view["returners"]) == (3, 2, 1)
    assert agg["behaviour"]["edge_times"][("view", "cart")]["median_s"] == 3.0  # from the last view (2 s)


@pytest.mark.parametrize("seed", range(3))
def test_the_compiled_loops_give_what_the_plain_ones_give(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, states = 5_000, 7
    first = rng.random(n) < 0.2
    first[0] = True
    ids = rng.integers(0, states, n)
    node = rng.integers(1, 6, n)
    t = np.cumsum(rng.integers(0, 5, n)).astype(np.int64)
    customers = int(first.sum())
    fast, slow = compiled(), plain()
    calls: dict[str, tuple[Any, ...]] = {"customers_and_drops": (first, node, 3)}
    dropped = slow["customers_and_drops"](first, node, 3)[1]
    groups = rng.integers(0, 9, n)
    window = rng.integers(-1, 8, 6)
    calls["visit_pass"] = (first, ids, dropped, node, t, states, window, groups, 9, 3)
    calls["state_keys"] = (first, node, 3, 6, 3)
    calls["walk_arrays"] = (first, node, dropped, 3, 6, customers)
    group, values = rng.integers(0, 11, n), rng.integers(0, 2**40, n)
    assert sorted(calls) == sorted(set(fast) - {"grouped"}) == sorted(set(slow) - {"grouped"})
    for name, args in calls.items():
        mine, theirs = fast[name](*args), slow[name](*args)
        for a, b in zip(
            mine if isinstance(mine, tuple) else (mine,),
            theirs if isinstance(theirs, tuple) else (theirs,),
            strict=True,
        ):
            assert a.dtype == b.dtype and np.array_equal(a, b), name
    into = [np.full(n, -1, np.int64), np.full(n, -2, np.int64)]
    begins = [loops["grouped"](group, values, 12, out) for loops, out in zip((fast, slow), into, strict=True)]
    assert np.array_equal(*begins) and np.array_equal(*into)
    assert np.array_equal(into[0], values[np.argsort(group, kind="stable")])


def test_group_stats_are_numpy_quantiles_and_exact_sums() -> None:
    rng = np.random.default_rng(7)
    group = rng.integers(0, 5, 2_000)
    values = rng.integers(0, 2**62, 2_000)  # sums far past int64
    counts, quantiles, high, low = group_stats(group, values, 6)
    for g in range(5):
        mine = values[group == g]
        assert counts[g] == len(mine)
        assert quantiles[g].tolist() == pytest.approx(np.percentile(mine, [50, 90]).tolist(), rel=1e-12)
        assert (int(high[g]) << 32) + int(low[g]) == sum(int(v) for v in mine)
    assert counts[5] == 0 and np.isnan(quantiles[5]).all()


@pytest.mark.parametrize("order", [1, 2])
def test_a_log_without_usable_events_on_both(tmp_path: Path, order: int) -> None:
    """Only unmapped events: no customer, no segment; both give the one empty aggregate."""
    path = tmp_path / "log.csv"
    pd.DataFrame({"cust": ["a", "b"], "event": ["junk", "junk"], "ts": [1, 2], "device": ["web", "app"],
                  "seq": ["1", "2"]}).to_csv(path, index=False)  # fmt: skip
    m = mapping(order, True, False)
    arrays = aggregates(path, m, arrays=True)
    assert arrays == aggregates(path, m, arrays=False)
    assert [(value, agg["customers"], agg["transitions"]) for value, agg in arrays.items()] == [(None, 0, {})]


def test_a_machine_without_the_loops_machine_code_is_told_the_first_ingest_compiles(tmp_path: Path) -> None:
    """With numba's cache somewhere empty, ``needs_compiling`` says so; once loaded, it does not."""
    probe = "from journeymap.ingest.loops import needs_compiling; print(needs_compiling())"
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "empty")}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True"]
    loops = compiled()
    for name, args in _tiny_calls().items():
        loops[name](*args)
    assert needs_compiling() is False


def test_the_progress_says_when_the_loops_compile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("journeymap.ingest.sequences.COMPILE_FROM", 0)
    monkeypatch.setattr("journeymap.ingest.sequences.needs_compiling", lambda: True)
    path = tmp_path / "log.csv"
    generated(3, 10, 200).to_csv(path, index=False)
    m = mapping(1, False, False)
    said: list[object] = []

    class Told:
        def step(self, label: str) -> None:
            said.append(label)

        def update(self, percent: float) -> None:
            pass

    with connection() as con:
        db = DuckDatabase(con)
        scan, types = open_scan(con, path, m.read_columns())
        load_events(db, scan, types, m)
        aggregate_loaded(db, m, progress=Told())
    assert "following customers: compiling the loops first (once per machine)" in said


def _tiny_calls() -> dict[str, tuple[Any, ...]]:
    """One call of each loop with the argument types the ingest passes (so their machine code loads)."""
    first, node = np.array([True]), np.array([1], np.int32)
    t, zero = np.array([5], np.int64), np.zeros(1, np.int64)
    return {
        "customers_and_drops": (first, node, 1),
        "visit_pass": (first, node, np.array([False]), node, t, 2, zero, np.zeros(1, np.int32), 1, 1),
        "grouped": (np.zeros(1, np.int32), zero, 1, np.zeros(1, np.int64)),
        "state_keys": (first, node, 1, 3, 2),
        "walk_arrays": (first, node, np.array([False]), 1, 2, 1),
    }
