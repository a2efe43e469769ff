"""Event-log ingest: transition counts equal an independent pandas computation."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.errors import InvalidInput
from journeymap.ingest import ingest_events, parse_mapping
from journeymap.ingest.mapping import Mapping
from journeymap.model import parse_journey

TOUCHPOINTS = {"view": "product_page", "cart": "cart", "help": "support", "chat": "support"}
OUTCOMES = {"buy": ("purchase", "success"), "cancel": ("cancelled", "failure")}
UNMAPPED = ["Promo Banner!", "promo_banner", "newsletter"]
DEFAULT = "no_purchase"


def mapping(unmapped: str = "drop", time_format: str = "auto", score: bool = False) -> Mapping:
    return parse_mapping(
        {
            "columns": {
                "customer": "cust",
                "touchpoint": "event",
                "time": "ts",
                **({"score": "rating"} if score else {}),
            },
            "time_format": time_format,
            "stages": [{"id": "shop", "name": "Shop", "phase": "pre_sale"}],
            "touchpoints": {raw: {"id": tid, "stage": "shop"} for raw, tid in TOUCHPOINTS.items()},
            "outcomes": {raw: {"id": oid, "kind": kind} for raw, (oid, kind) in OUTCOMES.items()},
            "default_outcome": {"id": DEFAULT, "kind": "failure"},
            "unmapped": unmapped,
        }
    )


def oracle(df: pd.DataFrame, keep: dict[str, str] | None = None) -> Counter[tuple[str, str]]:
    """Transition counts by pandas: stable sort (equal times: outcomes last), groupby/shift, cut."""
    node_of = dict(TOUCHPOINTS) | {raw: oid for raw, (oid, _) in OUTCOMES.items()} | (keep or {})
    outcomes = {oid for oid, _ in OUTCOMES.values()}
    d = df.assign(row=np.arange(len(df)), node=df["event"].map(node_of))
    d = d.dropna(subset=["node"]).assign(late=lambda x: x["node"].isin(outcomes))
    d = d.sort_values(["cust", "ts", "late", "row"], kind="stable")
    is_outcome = d["node"].isin(outcomes)
    d = d[d.assign(o=is_outcome).groupby("cust")["o"].cumsum() - is_outcome == 0]
    nxt = d.groupby("cust")["node"].shift(-1)
    first = d.groupby("cust").cumcount() == 0
    counts: Counter[tuple[str, str]] = Counter()
    for node in d.loc[first, "node"]:
        counts[("entry", node)] += 1
    for node, following in zip(d["node"], nxt, strict=True):
        if node in outcomes:
            continue
        target = DEFAULT if pd.isna(following) else following
        if target != node:
            counts[(node, target)] += 1
    return counts


def generated_log(seed: int, customers: int, events: int, unmapped: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    names = list(TOUCHPOINTS) + list(OUTCOMES) + (UNMAPPED if unmapped else [])
    weights = np.array([5, 3, 2, 1, 1, 1] + ([1, 1, 1] if unmapped else []), dtype=float)
    return pd.DataFrame(
        {
            "cust": [f"c{i}" for i in rng.integers(0, customers, events)],
            "event": rng.choice(names, events, p=weights / weights.sum()),
            "ts": 1_700_000_000 + rng.integers(0, 5, events),  # few distinct times: many ties
        }
    )


def counts_of(path: Path, spec: Mapping) -> Counter[tuple[str, str]]:
    """Transition counts of the ingested journey."""
    result = ingest_events(path, spec)
    return Counter({(t.source, t.target): int(t.weight) for t in result.journey.transitions})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), customers=st.integers(1, 30), events=st.integers(1, 200))
def test_counts_match_pandas(tmp_path: Path, seed: int, customers: int, events: int) -> None:
    df = generated_log(seed, customers, events)
    path = tmp_path / f"log{seed}.csv"
    df.to_csv(path, index=False)
    if not df["event"].isin(list(TOUCHPOINTS) + list(OUTCOMES)).any():
        with pytest.raises(InvalidInput, match="no usable events"):
            ingest_events(path, mapping())
        return
    assert counts_of(path, mapping()) == oracle(df)


def test_ties_keep_file_order(tmp_path: Path) -> None:
    path = tmp_path / "ties.csv"
    path.write_text("cust,event,ts\na,cart,5\na,view,5\nb,view,5\nb,cart,5\na,buy,5\n")
    assert counts_of(path, mapping()) == Counter(
        {
            ("entry", "cart"): 1,
            ("cart", "product_page"): 1,
            ("product_page", "purchase"): 1,
            ("entry", "product_page"): 1,
            ("product_page", "cart"): 1,
            ("cart", DEFAULT): 1,
        }
    )


def test_equal_times_put_touchpoints_before_the_outcome(tmp_path: Path) -> None:
    path = tmp_path / "ties.csv"
    path.write_text("cust,event,ts\na,view,1\na,buy,5\na,cart,5\nb,view,1\nb,cancel,5\nb,buy,5\nb,cart,5\n")
    assert counts_of(path, mapping()) == Counter(
        {
            ("entry", "product_page"): 2,
            ("product_page", "cart"): 2,
            ("cart", "purchase"): 1,  # a: cart comes before buy although the file puts it after
            ("cart", "cancelled"): 1,  # b: between two outcomes of one time, file order decides
        }
    )


def test_an_order_by_column_decides_equal_times(tmp_path: Path) -> None:
    path = tmp_path / "ties.csv"
    path.write_text("cust,event,ts,seq\na,buy,5,2\na,cart,5,x\na,view,5,10\nb,view,1,\nb,cart,1,1\n")
    spec = mapping().model_copy(update={"columns": mapping().columns.model_copy(update={"order_by": "seq"})})
    assert counts_of(path, spec) == Counter(
        {
            ("entry", "purchase"): 1,  # seq 2 < 10 (numbers, not text); 'x' is no number: last
            ("entry", "cart"): 1,  # b: seq 1 before the empty one
            ("cart", "product_page"): 1,
            ("product_page", DEFAULT): 1,
        }
    )


def test_single_event_customers_and_unsorted_input(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("cust,event,ts\nz,cart,30\ny,view,1\nz,view,10\nx,buy,3\n")
    assert counts_of(path, mapping()) == Counter(
        {
            ("entry", "product_page"): 2,
            ("product_page", DEFAULT): 1,
            ("product_page", "cart"): 1,
            ("cart", DEFAULT): 1,
            ("entry", "purchase"): 1,
        }
    )


def test_events_after_outcome_and_repeats(tmp_path: Path) -> None:
    path = tmp_path / "after.csv"
    path.write_text("cust,event,ts\na,view,1\na,view,2\na,help,3\na,chat,4\na,buy,5\na,cart,6\na,cancel,7\n")
    result = ingest_events(path, mapping())
    assert result.summary["reader"] == "duckdb"
    counts = Counter({(t.source, t.target): t.weight for t in result.journey.transitions})
    assert counts == Counter(
        {("entry", "product_page"): 1, ("product_page", "support"): 1, ("support", "purchase"): 1}
    )
    assert result.summary["repeats_collapsed"] == 2  # view->view, help->chat (both support)
    assert result.summary["events_after_outcome"] == 2


@pytest.mark.parametrize("fmt", ["csv.gz", "parquet", "parquet_datetime", "ndjson", "epoch_ms", "iso"])
def test_formats_and_time_encodings(tmp_path: Path, fmt: str) -> None:
    df = generated_log(7, 40, 400)
    path = tmp_path / f"log.{fmt}"
    written = df.copy()
    if fmt == "csv.gz":
        with gzip.open(path, "wt") as fh:
            df.to_csv(fh, index=False)
    elif fmt == "parquet":
        df.to_parquet(path)
    elif fmt == "parquet_datetime":
        path = tmp_path / "log_dt.parquet"
        written["ts"] = pd.to_datetime(df["ts"], unit="s")
        written.to_parquet(path)
    elif fmt == "ndjson":
        path = tmp_path / "log.ndjson"
        path.write_text("".join(json.dumps(r) + "\n" for r in df.to_dict("records")))
    elif fmt == "epoch_ms":
        path = tmp_path / "log_ms.csv"
        written["ts"] = df["ts"] * 1000 + np.arange(len(df)) % 3  # sub-second order matters
        written.to_csv(path, index=False)
    else:
        path = tmp_path / "log_iso.csv"
        written["ts"] = pd.to_datetime(df["ts"], unit="s").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        written.to_csv(path, index=False)
    assert counts_of(path, mapping()) == oracle(written if fmt == "epoch_ms" else df)


def test_unmapped_reported_and_kept(tmp_path: Path) -> None:
    df = generated_log(3, 20, 300)
    path = tmp_path / "log.csv"
    df.to_csv(path, index=False)
    dropped = ingest_events(path, mapping())
    assert dropped.summary["reader"] == "duckdb"
    names = df.loc[df["event"].isin(UNMAPPED), "event"].value_counts()
    assert dropped.summary["unmapped_events"] == int(names.sum())
    assert dropped.summary["unmapped_top"] == {k: int(v) for k, v in names.items()}
    kept = ingest_events(path, mapping("keep"))
    assert kept.summary["reader"] == "duckdb"
    ids = {"Promo Banner!": "promo_banner-2", "promo_banner": "promo_banner", "newsletter": "newsletter"}
    journey = kept.journey
    assert {tp.id: tp.name for tp in journey.touchpoints if tp.stage == "unmapped"} == {
        v: k for k, v in ids.items()
    }
    assert Counter({(t.source, t.target): int(t.weight) for t in journey.transitions}) == oracle(df, ids)


def test_scores_mean_interval_and_default(tmp_path: Path) -> None:
    path = tmp_path / "scored.csv"
    path.write_text("cust,event,ts,rating\na,view,1,6\nb,view,1,8\nc,view,1,\nc,cart,2,oops\nd,view,1,4\n")
    result = ingest_events(path, mapping(score=True))
    page = result.journey.touchpoint("product_page")
    assert (page.experience, page.responses) == (6.0, 3)
    from scipy import stats

    half = stats.t.ppf(0.975, 2) * 2.0 / 3**0.5
    assert page.interval is not None
    assert page.interval.low == pytest.approx(6 - half, abs=1e-3)
    assert page.interval.high == pytest.approx(min(10, 6 + half), abs=1e-3)
    cart = result.journey.touchpoint("cart")
    assert (cart.experience, cart.expected, cart.responses) == (5.0, 5.0, 0)
    assert result.summary["bad_scores"] == 1
    assert {"row": 4, "problem": "bad_score"} in result.summary["examples"]


def test_clean_scores(tmp_path: Path) -> None:
    path = tmp_path / "scored.csv"
    path.write_text("cust,event,ts,rating\na,view,1,6\nb,view,1,8.5\nc,view,1,\nc,cart,2,3\nd,view,1,4\n")
    result = ingest_events(path, mapping(score=True))
    assert result.summary["reader"] == "duckdb"
    page, cart = result.journey.touchpoint("product_page"), result.journey.touchpoint("cart")
    assert (page.experience, page.responses, cart.experience, cart.responses) == (6.1667, 3, 3.0, 1)
    # mean 37/6, sd 2.2546, t(0.975, 2) = 4.3027: 6.1667 -/+ 5.6008, rounded outwards, clipped to 0..10
    assert page.interval is not None
    assert (page.interval.low, page.interval.high) == (0.565, 10.0)


def test_event_scores_on_their_own_scale_are_converted_to_the_journey_scale(tmp_path: Path) -> None:
    path = tmp_path / "scored.csv"
    path.write_text("cust,event,ts,rating\na,view,1,80\nb,view,1,90\nc,view,1,120\n")
    spec = parse_mapping(mapping(score=True).model_dump() | {"score_scale": {"min": 0, "max": 100}})
    result = ingest_events(path, spec)
    page = result.journey.touchpoint("product_page")
    assert (page.experience, page.responses) == (pytest.approx(8.5), 2)
    assert page.interval is not None and page.interval.high <= 10
    assert result.summary["bad_scores"] == 1  # 120 is off the 0-100 score scale


def test_bad_rows_counted_with_examples(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("cust,event,ts\na,view,1\n,view,2\nb,view,yesterday\nc,,3\nb,cart,4\nd,zzz,5\n")
    result = ingest_events(path, mapping())
    s: dict[str, Any] = result.summary
    assert s["bad_rows"] == 3
    assert s["problems"] == {"missing_customer": 1, "missing_touchpoint": 1, "bad_time": 1}
    assert [e["row"] for e in s["examples"]] == [2, 3, 4]
    assert s["examples"][1] == {
        "row": 3,
        "problem": "bad_time",
        "customer": "b",
        "touchpoint": "view",
        "time": "yesterday",
    }
    assert s["unmapped_events"] == 1
    assert s["customers"] == 2
    with pytest.raises(InvalidInput, match=r"row 2 missing customer.*row 3 bad time.*row 4"):
        ingest_events(path, mapping(), strict=True)


def test_strict_refuses_unknown_touchpoint(tmp_path: Path) -> None:
    path = tmp_path / "unknown.csv"
    path.write_text("cust,event,ts\na,view,1\na,teleport,2\n")
    with pytest.raises(InvalidInput, match=r"1 unknown touchpoint.*row 2 unknown touchpoint"):
        ingest_events(path, mapping(), strict=True)
    assert (
        ingest_events(path, mapping("keep"), strict=True).journey.touchpoint("teleport").stage == "unmapped"
    )


def test_output_is_a_valid_journey_document(tmp_path: Path) -> None:
    df = generated_log(11, 50, 500)
    path = tmp_path / "log.csv"
    df.to_csv(path, index=False)
    journey = ingest_events(path, mapping("keep"), journey_id="shop-log", name="Shop log").journey
    from journeymap.model import journey_document

    assert parse_journey(journey_document(journey)) == journey
    assert (journey.id, journey.name) == ("shop-log", "Shop log")


def test_missing_column_and_file(tmp_path: Path) -> None:
    path = tmp_path / "cols.csv"
    path.write_text("customer,event,ts\na,view,1\n")
    with pytest.raises(InvalidInput, match=r"missing column\(s\) customer -> 'cust'"):
        ingest_events(path, mapping())
    with pytest.raises(InvalidInput, match="no such file"):
        ingest_events(tmp_path / "nope.csv", mapping())


def test_a_line_over_the_size_limit_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("cust,event,ts\na,view,1\na,view," + "9" * 2_100_000 + "\na,buy,3\n")
    with pytest.raises(InvalidInput, match="Maximum line size of 2000000 bytes exceeded") as caught:
        ingest_events(path, mapping())
    assert "Original Line" not in str(caught.value)


def test_malformed_lines_are_reported_by_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text("cust,event,ts\na,view,1\nb,view,2,extra,cols\nc,cart,3\n")
    summary = ingest_events(path, mapping()).summary
    assert summary["problems"] == {"malformed_line": 1}
    assert summary["examples"] == [{"line": 3, "problem": "too many columns", "text": "b,view,2,extra,cols"}]
    assert summary["customers"] == 2
    with pytest.raises(InvalidInput, match="line 3 too many columns"):
        ingest_events(path, mapping(), strict=True)


def test_iso_offsets_are_compared_in_utc(tmp_path: Path) -> None:
    path = tmp_path / "tz.csv"
    # 10:00+08:00 is 02:00Z, so the cart event (03:00Z) comes after the view event.
    path.write_text("cust,event,ts\na,cart,2024-01-01T03:00:00Z\na,view,2024-01-01T10:00:00+08:00\n")
    assert counts_of(path, mapping("drop", "iso"))[("product_page", "cart")] == 1
    with pytest.raises(InvalidInput, match=r"no usable events \(2 rows, 2 bad\)"):
        ingest_events(path, mapping("drop", "epoch_s"))


class Recorder:
    def __init__(self) -> None:
        self.steps: list[str] = []
        self.last = 0.0

    def step(self, label: str) -> None:
        self.steps.append(label)

    def update(self, percent: float) -> None:
        self.last = percent


def test_progress_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    generated_log(5, 10, 100).to_csv(path, index=False)
    recorder = Recorder()
    ingest_events(path, mapping(), progress=recorder)
    assert recorder.steps[:2] == ["reading events", "following customers"]
    assert recorder.last == 100.0


def test_ndjson_with_types_changing_after_the_sample(tmp_path: Path) -> None:
    rows = [
        {"cust": f"c{i % 50}", "event": "view", "ts": f"2024-01-01T10:00:{i % 60:02d}Z"}
        for i in range(25_000)
    ]
    rows += [
        {"cust": "z", "event": "cart", "ts": "not a time"},
        {"cust": 7, "event": "cart", "ts": 1_700_000_000},
    ]
    path = tmp_path / "late.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    summary = ingest_events(path, mapping()).summary
    assert summary["problems"] == {"bad_time": 1}
    assert summary["examples"][0]["row"] == 25_001
    assert summary["customers"] == 51


@pytest.mark.parametrize("time_format", ["auto", "epoch_s", "epoch_ms"])
def test_numbers_out_of_time_range_are_bad_rows_not_a_failure(tmp_path: Path, time_format: str) -> None:
    """A time that parses as a number but fits no timestamp (1e30, inf, nan) is one bad row."""
    path = tmp_path / "huge.csv"
    path.write_text(
        "cust,event,ts\na,view,1000\na,cart,1e30\nb,view,inf\nc,view,-inf\nd,view,nan\nb,cart,2000\n"
    )
    summary = ingest_events(path, mapping(time_format=time_format)).summary
    assert summary["problems"] == {"bad_time": 4}
    assert [e["row"] for e in summary["examples"]] == [2, 3, 4, 5]
    assert summary["examples"][0]["time"] == "1e30"
    assert summary["customers"] == 2


def test_a_header_naming_a_mapped_column_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("cust,event,ts,ts\na,view,1,5\na,cart,2,6\n")
    with pytest.raises(
        InvalidInput, match=r"columns.time: 'ts' names 2 columns of the header \(columns 3, 4\)"
    ):
        ingest_events(path, mapping())


def test_a_real_column_named_like_a_renamed_duplicate_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "ts1.csv"
    path.write_text("cust,event,ts,ts_1\na,view,1,x\na,cart,2,y\n")
    assert ingest_events(path, mapping()).summary["customers"] == 1


def test_the_interval_always_contains_the_rounded_experience() -> None:
    """Scores all alike (sd 0) with a mean of 20/3: the interval, rounded outwards to 3
    places, still contains the experience rounded to 4 (rounding both to nearest did not)."""
    from journeymap.ingest.scores import ScoreStats
    from journeymap.model import Scale

    for n, mean, sd in [(3, 20 / 3, 0.0), (5, 6.66666, 1e-7), (4, 6.0, 2.0), (2, 9.99996, 0.0)]:
        low, high = ScoreStats(n, mean, sd).interval(Scale(min=0, max=10)) or (0.0, 0.0)
        assert low <= round(mean, 4) <= high, (n, mean, sd, low, high)
        assert low >= 0 and high <= 10
