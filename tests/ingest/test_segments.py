"""Segments and filters: one pass over the log equals separate ingests of files split by pandas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from journeymap.errors import InvalidInput, InvalidJourney
from journeymap.files import load_journey
from journeymap.ingest import ingest_events, parse_mapping
from journeymap.ingest.pipeline import ingest_segments
from journeymap.model import journey_document
from tests.test_cli_journeys import run

TOUCH = {"view": "page", "cart": "cart", "help": "support", "pay": "payment"}
OUT = {"buy": ("purchase", "success"), "cancel": ("cancelled", "failure")}
MAPPING: dict[str, Any] = {
    "columns": {"customer": "cust", "touchpoint": "event", "time": "ts", "score": "rating"},
    "time_format": "epoch_s",
    "stages": [
        {"id": "shop", "name": "Shop", "phase": "sale"},
        {"id": "care", "name": "Care", "phase": "sale"},
    ],
    "touchpoints": {
        raw: {"id": tid, "stage": "care" if tid == "support" else "shop", "expectation": 6}
        for raw, tid in TOUCH.items()
    },
    "outcomes": {raw: {"id": oid, "kind": kind} for raw, (oid, kind) in OUT.items()},
    "default_outcome": {"id": "lost", "kind": "failure"},
    "measures": {
        "wait": {"target": "20s"},
        "rework": {"target": 0.2},
        "repeat_contact": {"target": 0.2, "window": "30s"},
        "back_step": {"target": 0.2},
        "drop_off": {"target": 0.3},
    },
}
SEGMENTED = MAPPING | {
    "columns": MAPPING["columns"] | {"segment": "channel"},
    "segments": {"min_customers": 1},
}
CHANNELS = ["web", "mobile", "Mobile", "app store"]  # 'Mobile' and 'mobile' read the same as ids


def generated_log(seed: int = 7, customers: int = 400) -> pd.DataFrame:
    """Random walks with loops, ties, scores, a channel (changing for some customers, blank for a few)
    and a country; rows shuffled."""
    rng = np.random.default_rng(seed)
    names = [*TOUCH, *OUT, "newsletter"]
    rows = []
    for i in range(customers):
        channel = CHANNELS[int(rng.integers(len(CHANNELS)))]
        start = int(rng.integers(0, 10_000))
        for step in range(int(rng.integers(1, 8))):
            event = names[int(rng.choice(len(names), p=[0.3, 0.2, 0.15, 0.15, 0.08, 0.05, 0.07]))]
            if rng.random() < 0.08:  # some customers switch channel on the way
                channel = CHANNELS[int(rng.integers(len(CHANNELS)))]
            rows.append(
                {
                    "cust": f"c{i}",
                    "event": event,
                    "ts": start + 10 * step + int(rng.integers(0, 2)) * 10,  # equal times happen
                    "channel": "" if i % 37 == 0 else channel,
                    "country": ["DE", "FR", "US"][i % 3],
                    "rating": float(rng.integers(1, 11)),
                }
            )
    frame = pd.DataFrame(rows)
    return frame.sample(frac=1, random_state=seed).reset_index(drop=True)


def first_channel(df: pd.DataFrame) -> dict[str, str | None]:
    """Oracle: each customer's channel on their first mapped event (equal times: touchpoints first)."""
    mapped = df[df["event"].isin([*TOUCH, *OUT])].assign(
        row=lambda d: d.index, late=lambda d: d["event"].isin(list(OUT))
    )
    first = mapped.sort_values(["cust", "ts", "late", "row"], kind="stable").groupby("cust").head(1)
    return {c: (ch or None) for c, ch in zip(first["cust"], first["channel"], strict=True)}


def write(df: pd.DataFrame, path: Path) -> Path:
    df.to_csv(path, index=False)
    return path


def split_files(df: pd.DataFrame, folder: Path) -> dict[str | None, Path]:
    """Oracle: one file per segment value with all rows of its customers, in file order."""
    channel = first_channel(df)
    files = {}
    for value in set(channel.values()):
        customers = {c for c, ch in channel.items() if ch == value}
        files[value] = write(df[df["cust"].isin(customers)], folder / f"part-{len(files)}.csv")
    return files


def same_journey(a: Any, b: Any) -> None:
    left, right = journey_document(a), journey_document(b)
    for doc in (left, right):
        doc.pop("name")
    assert left == right


@pytest.mark.parametrize("order", [1, 2, "auto"])
def test_segments_equal_separate_ingests_of_split_files(tmp_path: Path, order: int | str) -> None:
    df = generated_log()
    log = write(df, tmp_path / "log.csv")
    result = ingest_segments(log, parse_mapping(SEGMENTED | {"order": order}), journey_id="shop")
    built = {r.summary["segment"]: r for r in result.results}
    files = split_files(df, tmp_path)
    assert set(built) == set(files) and None in built  # blank channels: the "(missing)" segment
    assert {v: r.journey.id for v, r in built.items()} == {
        "web": "shop--web",
        "mobile": "shop--mobile",
        "Mobile": "shop--mobile-2",
        "app store": "shop--app_store",
        None: "shop--missing",
    }
    for value, path in files.items():
        alone = ingest_events(
            path, parse_mapping(MAPPING | {"order": order}), journey_id=built[value].journey.id
        )
        same_journey(built[value].journey, alone.journey)  # counts, times, measures, scores, variants
        part = {key: alone.summary[key] for key in built[value].summary if key != "segment"}
        assert built[value].summary == {"segment": value} | part
        assert {"model_check", "variants", "order", "outcomes"} <= set(part)
    assert sum(r.summary["customers"] for r in result.results) == len(first_channel(df))
    assert result.summary["events"] == len(df) and result.summary["segment_column"] == "channel"


def test_filter_equals_ingesting_the_rows_pandas_keeps(tmp_path: Path) -> None:
    df = generated_log(seed=3)
    log = write(df, tmp_path / "log.csv")
    picked = ingest_events(
        log, parse_mapping(MAPPING | {"filter": {"country": ["DE", "US"], "event": ["view", "pay", "buy"]}})
    )
    kept = df[df["country"].isin(["DE", "US"]) & df["event"].isin(["view", "pay", "buy"])]
    alone = ingest_events(write(kept, tmp_path / "kept.csv"), parse_mapping(MAPPING), journey_id="log")
    same_journey(picked.journey, alone.journey)
    assert picked.summary["filtered_out"] == len(df) - len(kept) > 0
    assert picked.summary["events"] == len(kept)


def test_small_segments_are_reported_not_dropped_silently(tmp_path: Path) -> None:
    df = generated_log(seed=5)
    counts = pd.Series(first_channel(df)).value_counts(dropna=False)
    cut = int(counts.iloc[1]) + 1  # only the largest segment has as many customers
    mapping = parse_mapping(SEGMENTED | {"segments": {"min_customers": cut}})
    result = ingest_segments(write(df, tmp_path / "log.csv"), mapping)
    assert [r.summary["customers"] for r in result.results] == [int(counts.iloc[0])]
    small = {s["segment"]: s["customers"] for s in result.summary["small_segments"]}
    expected = {(None if pd.isna(v) else v): int(n) for v, n in counts.items()}
    assert small == {v: n for v, n in expected.items() if n < cut}
    with pytest.raises(InvalidInput, match=r"segments.min_customers: no segment of 'channel' has 100000"):
        ingest_segments(
            tmp_path / "log.csv", parse_mapping(SEGMENTED | {"segments": {"min_customers": 100_000}})
        )


def test_more_segments_than_the_limit_is_refused(tmp_path: Path) -> None:
    log = write(generated_log(), tmp_path / "log.csv")
    with pytest.raises(
        InvalidInput, match=r"columns.segment: column 'channel' has 5 values, more than segments.limit \(4\)"
    ):
        ingest_segments(log, parse_mapping(SEGMENTED | {"segments": {"limit": 4}}))


def test_ingest_events_refuses_a_segmented_mapping(tmp_path: Path) -> None:
    log = write(generated_log(customers=20), tmp_path / "log.csv")
    with pytest.raises(InvalidInput, match=r"columns\.segment"):
        ingest_events(log, parse_mapping(SEGMENTED))


def test_bad_filters_name_the_field() -> None:
    with pytest.raises(InvalidJourney) as caught:
        parse_mapping(MAPPING | {"filter": {"country": []}})
    assert "filter.country" in str(caught.value)
    with pytest.raises(InvalidJourney) as caught:
        parse_mapping(SEGMENTED | {"segments": {"limit": 0}})
    assert "segments.limit" in str(caught.value)


def test_cli_writes_one_file_per_segment_with_its_check(tmp_path: Path) -> None:
    df = generated_log()
    log = write(df, tmp_path / "log.csv")
    (tmp_path / "m.json").write_text(json.dumps(SEGMENTED))
    out = tmp_path / "journeys"
    result = run(
        "ingest",
        str(log),
        "-m",
        str(tmp_path / "m.json"),
        "--id",
        "shop",
        "-o",
        str(out),
        store=tmp_path / "db",
    )
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted(f"shop--{s}.yaml" for s in ("web", "mobile", "mobile-2", "app_store", "missing"))
    channel = first_channel(df)
    web = load_journey(out / "shop--web.yaml")
    entrants = sum(t.weight for t in web.transitions if t.source == "entry")
    assert entrants == sum(ch == "web" for ch in channel.values())
    for jid in ("shop--web", "shop--mobile-2", "shop--missing"):
        assert f"{jid} (" in result.stdout and "model check (order 1)" in result.stdout
    assert result.stdout.count("model check (order 1)") == 5
    as_json = run(
        "ingest", str(log), "-m", str(tmp_path / "m.json"), "--store", "--json", store=tmp_path / "db"
    )
    doc = json.loads(as_json.stdout)
    assert [s["written"] for s in doc["segments"]] == [f"{s['journey']}@1" for s in doc["segments"]]
    listed = run("list", "--json", store=tmp_path / "db")
    assert {j["id"] for j in json.loads(listed.stdout)} >= {s["journey"] for s in doc["segments"]}


def test_cli_bad_segment_input_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    log = write(generated_log(customers=60), tmp_path / "log.csv")
    out = tmp_path / "journeys"
    cases = {
        "missing column": (
            SEGMENTED | {"columns": SEGMENTED["columns"] | {"segment": "chanel"}},
            "segment -> 'chanel'",
        ),
        "too many": (SEGMENTED | {"segments": {"limit": 2}}, "more than segments.limit (2)"),
        "filter column": (SEGMENTED | {"filter": {"land": ["DE"]}}, "filter.land -> 'land'"),
    }
    for case, (mapping, message) in cases.items():
        (tmp_path / "m.json").write_text(json.dumps(mapping))
        result = run(
            "ingest", str(log), "-m", str(tmp_path / "m.json"), "-o", str(out), store=tmp_path / "db"
        )
        assert result.returncode == 2, case
        assert message in result.stderr, (case, result.stderr)
        assert not out.exists(), case
    (tmp_path / "m.json").write_text(json.dumps(SEGMENTED))
    nowhere = run("ingest", str(log), "-m", str(tmp_path / "m.json"), store=tmp_path / "db")
    assert nowhere.returncode == 2 and "--output FOLDER or --store" in nowhere.stderr
