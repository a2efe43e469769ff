"""The in-memory reader: the same aggregate as the DuckDB reader, or it steps aside.

Every file the in-memory reader takes must give exactly what DuckDB gives
(checked on generated logs with every time encoding, names needing CSV
quoting, non-ASCII names, scores, ties, unmapped events); every file it must
not read alone (anything DuckDB would count as a bad row, or read otherwise)
goes to DuckDB. The compiled loops are checked against plain Python.
"""

from __future__ import annotations

import csv
import gzip
import random
from collections import Counter, defaultdict
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.errors import InvalidInput
from journeymap.ingest import in_memory, ingest_events, kernels, parse_mapping
from journeymap.ingest.events import EventAggregate, aggregate_events
from journeymap.ingest.in_memory import aggregate_in_memory, memory_bytes
from journeymap.ingest.mapping import Mapping
from journeymap.ingest.source import connection

in_memory.prepare()  # every file below may be read in memory, however small

RAW = ["view", "cart", "help", "chat", "buy", "cancel", "电话预约", "promo, banner", "newsletter"]
BASE = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
TIME_TEXT = {
    "epoch_s": lambda t: str(int(t.timestamp())),
    "epoch_ms": lambda t: str(int(t.timestamp() * 1000)),
    "epoch_mixed": lambda t: str(int(t.timestamp() * (1000 if t.second % 2 else 1))),  # auto tells them apart
    "iso_z": lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ"),
    "iso_offset": lambda t: t.astimezone(UTC).replace(tzinfo=None).isoformat() + "+00:00",
    "iso_naive": lambda t: t.strftime("%Y-%m-%d %H:%M:%S"),
    "iso_fraction": lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.%f"),
    "date": lambda t: t.strftime("%Y-%m-%d"),
}


def spec(unmapped: str = "drop", time_format: str = "auto", score: bool = False, **extra: Any) -> Mapping:
    return parse_mapping(
        {
            "columns": {"customer": "cust", "touchpoint": "event", "time": "ts"}
            | ({"score": "rating"} if score else {}),
            "time_format": time_format,
            "stages": [{"id": "shop", "name": "Shop", "phase": "pre_sale"}],
            "touchpoints": {
                "view": {"id": "product_page", "stage": "shop"},
                "cart": {"id": "cart", "stage": "shop"},
                "help": {"id": "support", "stage": "shop"},
                "chat": {"id": "support", "stage": "shop"},
                "电话预约": {"id": "phone_booking", "stage": "shop"},
            },
            "outcomes": {
                "buy": {"id": "purchase", "kind": "success"},
                "cancel": {"id": "lost", "kind": "failure"},
            },
            "default_outcome": {"id": "no_purchase", "kind": "failure"},
            "unmapped": unmapped,
        }
        | extra
    )


def write_log(path: Path, rows: list[list[str]], score: bool = False) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["cust", "event", "ts", *(["rating"] if score else [])])
        out.writerows(rows)
    return path


def both(path: Path, mapping: Mapping) -> tuple[EventAggregate, EventAggregate]:
    fast = aggregate_in_memory(path, mapping)
    assert fast is not None, "the in-memory reader stepped aside for a clean file"
    with connection() as con:
        slow = aggregate_events(con, path, mapping)
    return fast, slow


def assert_same(fast: EventAggregate, slow: EventAggregate) -> None:
    got, want = asdict(fast), asdict(slow)
    assert (got.pop("reader"), want.pop("reader")) == ("in-memory", "duckdb")
    got_scores, want_scores = got.pop("scores"), want.pop("scores")
    assert got == want
    assert got_scores.keys() == want_scores.keys()
    for node, stats in want_scores.items():
        assert got_scores[node]["n"] == stats["n"]
        assert got_scores[node]["mean"] == pytest.approx(stats["mean"], rel=1e-12)
        assert (got_scores[node]["sd"] is None) == (stats["sd"] is None)
        if stats["sd"] is not None:
            assert got_scores[node]["sd"] == pytest.approx(stats["sd"], rel=1e-9, abs=1e-12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 2**32 - 1),
    events=st.integers(1, 150),
    encoding=st.sampled_from(sorted(TIME_TEXT)),
    unmapped=st.sampled_from(["drop", "keep"]),
    score=st.booleans(),
)
def test_the_same_aggregate_as_duckdb(
    tmp_path: Path, seed: int, events: int, encoding: str, unmapped: str, score: bool
) -> None:
    rng = random.Random(seed)
    customers = [f"客户{i}" if i % 3 == 0 else f"c{i}" for i in range(rng.randint(1, 12))]
    step = (
        timedelta(days=1) if encoding == "date" else timedelta(seconds=rng.choice([1, 37]), microseconds=250)
    )
    rows = []
    for _ in range(events):
        when = BASE + step * rng.randint(0, 6)  # few distinct times: many ties, kept in file order
        row = [rng.choice(customers), rng.choice(RAW), TIME_TEXT[encoding](when)]
        rows.append(row + ([rng.choice(["", "0", "3", "7.5", "10"])] if score else []))
    path = write_log(tmp_path / f"log{seed}.csv", rows, score)
    mapping = spec(unmapped, score=score)
    if not any(r[1] in mapping.touchpoints or r[1] in mapping.outcomes for r in rows) and unmapped == "drop":
        return
    assert_same(*both(path, mapping))


@pytest.mark.parametrize("time_format", ["epoch_s", "epoch_ms", "iso"])
def test_the_same_aggregate_with_a_named_time_format(tmp_path: Path, time_format: str) -> None:
    text = {"epoch_s": TIME_TEXT["epoch_s"], "epoch_ms": TIME_TEXT["epoch_ms"], "iso": TIME_TEXT["iso_z"]}
    rng = random.Random(5)
    rows = [
        [
            f"c{rng.randint(0, 20)}",
            rng.choice(RAW),
            text[time_format](BASE + timedelta(seconds=rng.randint(0, 50))),
        ]
        for _ in range(400)
    ]
    path = write_log(tmp_path / "log.csv", rows)
    assert_same(*both(path, spec(time_format=time_format)))


@pytest.mark.parametrize("threads", [1, 3, 4])
def test_the_same_aggregate_on_any_number_of_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threads: int
) -> None:
    """Threads share the customers by hash; each follows its own."""
    monkeypatch.setattr(in_memory, "PARTS", threads)
    rng = random.Random(threads)
    rows = [[f"c{rng.randint(0, 30)}", rng.choice(RAW), str(rng.randint(0, 40))] for _ in range(700)]
    path = write_log(tmp_path / "log.csv", rows)
    assert_same(*both(path, spec("keep")))


def test_scores_on_their_own_scale(tmp_path: Path) -> None:
    rows = [[f"c{i % 7}", ["view", "cart"][i % 2], str(i), str(1 + i % 5)] for i in range(60)]
    path = write_log(tmp_path / "log.csv", rows, score=True)
    assert_same(*both(path, spec(score=True, score_scale={"min": 1, "max": 5})))


def test_long_journeys_are_sorted_by_time_then_file_order(tmp_path: Path) -> None:
    """One customer with 500 events (past the insertion-sort size), times out of order and tied."""
    rng = random.Random(1)
    rows = [["a", rng.choice(["view", "cart", "help"]), str(rng.randint(0, 40))] for _ in range(500)]
    rows += [["b", "view", "3"], ["a", "buy", "41"], ["a", "cart", "42"]]
    path = write_log(tmp_path / "long.csv", rows)
    fast, slow = both(path, spec())
    assert_same(fast, slow)
    assert fast.after_outcome == 1


CLEAN = [["a", "view", "1"], ["a", "cart", "2"], ["b", "view", "1"]]


@pytest.mark.parametrize(
    ("case", "text"),
    [
        ("byte_order_mark", "\ufeffcust,event,ts\na,view,1\na,cart,2\nb,view,1\n"),
        ("quoted_header_and_values", '"cust","event","ts"\n"a","view","1"\n"a","cart",2\nb,"help",1\n'),
        ("other_columns", "note,cust,event,ts,note2\nx,a,view,1,\n,a,cart,2,y\nz,b,view,1,z\n"),
        ("no_final_newline", "cust,event,ts\na,view,1\na,buy,2"),
        ("negative_epoch", "cust,event,ts\na,view,-20\na,cart,-30\nb,view,0\n"),
    ],
)
def test_plain_files_of_other_shapes_read_alike(tmp_path: Path, case: str, text: str) -> None:
    path = tmp_path / f"{case}.csv"
    path.write_text(text, encoding="utf-8")
    assert_same(*both(path, spec()))


@pytest.mark.parametrize(
    ("case", "rows", "why"),
    [
        ("padded_customer", [[" a", "view", "1"]], "DuckDB trims it"),
        ("unicode_space", [["a\u3000", "view", "1"]], "DuckDB trims ideographic spaces too"),
        ("tabbed_event", [["a", "view\t", "1"]], "not trimmed by DuckDB: an unmapped name"),
        ("empty_customer", [["", "view", "1"]], "a bad row"),
        ("empty_event", [["a", "", "1"]], "a bad row"),
        ("empty_time", [["a", "view", ""]], "a bad row"),
        ("bad_time", [["a", "view", "yesterday"]], "a bad row"),
        ("fractional_epoch", [["a", "view", "1.5"]], "rounded by DuckDB"),
        ("far_epoch", [["a", "view", "99999999999999"]], "past exact floating point"),
        ("quote_inside", [['a"b', "view", "1"]], "quoting DuckDB may sniff otherwise"),
        ("backslash", [["a\\b", "view", "1"]], "escapes DuckDB may sniff otherwise"),
        ("single_quotes", [["'a'", "'view'", "1"]], "DuckDB may sniff ' as the quote and read view"),
    ],
)
def test_files_it_must_not_read_alone_go_to_duckdb(
    tmp_path: Path, case: str, rows: list[list[str]], why: str
) -> None:
    path = write_log(tmp_path / f"{case}.csv", CLEAN + rows)
    assert aggregate_in_memory(path, spec()) is None, why
    assert ingest_events(path, spec()).summary["reader"] == "duckdb"


@pytest.mark.parametrize(
    ("case", "text"),
    [
        ("blank_line", "cust,event,ts\na,view,1\n\na,cart,2\n"),
        ("extra_field", "cust,event,ts\na,view,1\na,cart,2,9\n"),
        ("semicolons", "cust;event;ts\na;view;1\na;cart;2\n"),
        ("repeated_header", "cust,event,ts,ts\na,view,1,1\n"),
        ("padded_header", "cust, event,ts\na,view,1\n"),
        ("header_only", "cust,event,ts\n"),
        ("not_utf8", "cust,event,ts\na,vi\xe9w,1\n"),
    ],
)
def test_odd_csv_files_go_to_duckdb(tmp_path: Path, case: str, text: str) -> None:
    path = tmp_path / f"{case}.csv"
    path.write_bytes(text.encode("latin-1"))
    assert aggregate_in_memory(path, spec()) is None


def test_bad_scores_go_to_duckdb(tmp_path: Path) -> None:
    for bad in ["oops", "nan", "11", "-1", "inf"]:
        path = write_log(tmp_path / "s.csv", [["a", "view", "1", "5"], ["b", "view", "1", bad]], score=True)
        assert aggregate_in_memory(path, spec(score=True)) is None, bad
        assert ingest_events(path, spec(score=True)).summary["bad_scores"] == 1


def test_time_formats_it_does_not_read_alone(tmp_path: Path) -> None:
    numbers = write_log(tmp_path / "n.csv", CLEAN)
    iso = write_log(tmp_path / "i.csv", [["a", "view", "2024-01-01T10:00:00Z"]])
    assert aggregate_in_memory(numbers, spec(time_format="iso")) is None  # all bad rows in DuckDB
    assert aggregate_in_memory(iso, spec(time_format="epoch_s")) is None
    with pytest.raises(InvalidInput, match="no usable events"):
        ingest_events(numbers, spec(time_format="iso"))


def test_strict_refusals_are_left_to_duckdb_which_names_the_rows(tmp_path: Path) -> None:
    path = write_log(tmp_path / "u.csv", [*CLEAN, ["a", "teleport", "3"]])
    assert aggregate_in_memory(path, spec(), strict=True) is None
    assert aggregate_in_memory(path, spec("keep"), strict=True) is not None
    with pytest.raises(InvalidInput, match="row 4 unknown touchpoint"):
        ingest_events(path, spec(), strict=True)


def test_compressed_large_or_switched_off_files_go_to_duckdb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = write_log(tmp_path / "log.csv", CLEAN)
    packed = tmp_path / "log.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert aggregate_in_memory(plain, spec()) is not None
    assert aggregate_in_memory(packed, spec()) is None
    other = tmp_path / "log.txt"
    other.write_bytes(plain.read_bytes())
    assert aggregate_in_memory(other, spec()) is None  # only .csv files: DuckDB reads the rest
    lines = plain.read_bytes().count(b"\n") + 1  # a small file is read whole: its lines counted
    need = lines * in_memory.MARGIN * in_memory.BYTES_PER_ROW
    monkeypatch.setattr(in_memory, "MEMORY_LIMIT", f"{int(need)}B")
    assert aggregate_in_memory(plain, spec()) is not None
    monkeypatch.setattr(in_memory, "MEMORY_LIMIT", f"{int(need) - 1}B")
    assert aggregate_in_memory(plain, spec()) is None
    big = write_log(tmp_path / "big.csv", [[f"c{i}", "view", str(i)] for i in range(20_000)])
    rows = 20_001  # estimated from the first 64 KiB (shorter lines: ~1.13 x) and 1.5 x for safety
    monkeypatch.setattr(in_memory, "MEMORY_LIMIT", f"{int(1.5 * rows * in_memory.BYTES_PER_ROW)}B")
    assert aggregate_in_memory(big, spec()) is None
    monkeypatch.setattr(in_memory, "MEMORY_LIMIT", f"{int(2.0 * rows * in_memory.BYTES_PER_ROW)}B")
    assert aggregate_in_memory(big, spec()) is not None
    monkeypatch.setattr(in_memory, "MEMORY_LIMIT", "1GB")
    monkeypatch.setattr(in_memory, "READER", "duckdb")
    assert aggregate_in_memory(plain, spec()) is None


def test_until_prepared_every_file_goes_to_duckdb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_log(tmp_path / "log.csv", CLEAN)
    monkeypatch.setattr(in_memory, "KERNELS", "journeymap.ingest.not_loaded_yet")
    assert aggregate_in_memory(path, spec()) is None
    assert ingest_events(path, spec()).summary["reader"] == "duckdb"
    monkeypatch.setattr(in_memory, "KERNELS", "journeymap.ingest.kernels")
    assert aggregate_in_memory(path, spec()) is not None


def test_memory_limits_are_read_like_duckdb_reads_them() -> None:
    assert memory_bytes("1GB") == 10**9
    assert memory_bytes("512 MiB") == 512 * 2**20
    assert memory_bytes("1.5gb") == 1_500_000_000
    assert memory_bytes("80%") is None


def arrow_layout(strings: list[str]) -> tuple[np.ndarray, np.ndarray]:
    encoded = [s.encode() for s in strings]
    offsets = np.zeros(len(encoded) + 1, np.int32)
    offsets[1:] = np.cumsum([len(b) for b in encoded])
    offsets.flags.writeable = False
    data = np.frombuffer(b"".join(encoded) or b"\0", np.uint8)
    return offsets, data


@pytest.mark.parametrize("parts", [1, 2, 3])
def test_encode_gives_one_code_per_distinct_string(parts: int) -> None:
    rng = random.Random(parts)
    pool = ["", "a", "ab", "ba", "电话", "x" * 40] + [f"c{rng.randint(0, 5000)}" for _ in range(3000)]
    strings = [rng.choice(pool) for _ in range(20_000)]
    offsets, data = arrow_layout(strings)
    seen: dict[str, tuple[int, int]] = {}
    total = 0
    for part in range(parts):
        codes, starts, keys, counts = kernels.encode(offsets, data, part, parts, np.empty(0, np.int32))
        distinct = [bytes(keys[starts[i] : starts[i + 1]]).decode() for i in range(len(starts) - 1)]
        total += len(distinct)
        mine = [s for s, c in zip(strings, codes, strict=True) if c >= 0]
        assert distinct == list(dict.fromkeys(mine))  # numbered by first appearance
        assert counts.size == 0  # rows are counted only for an "among" call (event names)
        for s, code in zip(strings, codes, strict=True):
            if code >= 0:
                assert seen.setdefault(s, (part, int(code))) == (part, int(code))
                assert distinct[code] == s
    assert total == len(set(strings)) == len(seen)


def test_encode_among_the_rows_another_column_coded() -> None:
    long = "a name longer than seven bytes"
    strings = ["x", "y", "x", long, "y", "x", long]
    among = np.array([0, -1, 3, 1, -1, 0, 2], np.int32)
    codes, starts, keys, counts = kernels.encode(*arrow_layout(strings), 0, 2, among)
    assert codes.tolist() == [0, -1, 0, 1, -1, 0, 1]
    assert (bytes(keys).decode(), starts.tolist(), counts.tolist()) == ("x" + long, [0, 1, 31], [3, 2])


def test_plain_refuses_what_duckdb_would_trim_or_sniff() -> None:
    good = ["a", "客户 7", "promo, banner", "x y"]
    for strings, expected in [
        (good, True),
        (["a", ""], False),
        ([" a"], False),
        (["a "], False),
        (["a\t"], False),
        (["\u00a0a"], False),
        (["a\u3000"], False),
        (["a\u2003"], False),
        (['a"b'], False),
        (["o'brien"], False),
        (["a\\b"], False),
        (["é"], True),
        (["客"], True),
    ]:
        offsets, data = arrow_layout(strings)
        assert kernels.plain(offsets.astype(np.int64), data.copy()) is expected, strings


def brute_follow(
    customer: list[int], event: list[int], node_of: list[int], time: list[int], is_outcome: list[bool]
) -> tuple[Counter[tuple[int, int]], int, int]:
    rows: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for i, (c, e, t) in enumerate(zip(customer, event, time, strict=True)):
        if c >= 0 and e >= 0 and node_of[e] >= 0:
            rows[c].append((t, i, node_of[e]))
    counts: Counter[tuple[int, int]] = Counter()
    repeats = after = 0
    entry = default = len(is_outcome)
    for events in rows.values():
        steps = [n for _, _, n in sorted(events)]
        previous = entry
        for k, step in enumerate(steps):
            if step == previous:
                repeats += 1
            else:
                counts[(previous, step)] += 1
            if is_outcome[step]:
                after += len(steps) - k - 1
                break
            previous = step
        else:
            counts[(previous, default)] += 1
    return counts, repeats, after


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(-1, 6), st.integers(-1, 5), st.integers(0, 5)), max_size=300),
    node_of=st.lists(st.integers(-1, 4), min_size=6, max_size=6),
    outcomes=st.lists(st.booleans(), min_size=5, max_size=5),
)
def test_follow_equals_sorting_each_customer_in_python(
    rows: list[tuple[int, int, int]], node_of: list[int], outcomes: list[bool]
) -> None:
    customer, event, time = (list(column) for column in zip(*rows, strict=True)) if rows else ([], [], [])
    matrix, repeats, after = kernels.follow(
        np.array(customer, np.int32),
        np.array(event, np.int32),
        np.array(node_of, np.int32),
        np.array(time, np.int64),
        7,
        np.array(outcomes, np.bool_),
    )
    counts, want_repeats, want_after = brute_follow(customer, event, node_of, time, outcomes)
    got = Counter({(int(a), int(b)): int(matrix[a, b]) for a, b in zip(*np.nonzero(matrix), strict=True)})
    assert (got, repeats, after) == (counts, want_repeats, want_after)


ODD_CELLS = ["c ", " d", "", "'x'", '"q"', "a\\b", "x\ty"]
ODD_TIMES = ["1.5", "", "x", "1e3", "99999999999999"]


@st.composite
def odd_logs(draw: st.DrawFn) -> str:
    """A mostly clean log, now and then a cell, separator or line end that DuckDB reads its own way."""
    odd = draw(st.sampled_from([0.0, 0.0, 0.03, 0.1, 0.3]))  # chance of each odd piece; clean files too
    times = draw(
        st.sampled_from(
            [
                ["1", "2", "-3", "40"],
                ["1700000000000", "1700000000500"],
                ["2024-01-01T00:00:00Z", "2024-01-01T00:00:01+01:00"],
                ["2024-01-01", "2024-02-01"],
            ]
        )
    )

    def pick(clean: list[str], strange: list[str]) -> str:
        return draw(st.sampled_from(strange)) if draw(st.floats(0, 1)) < odd else draw(st.sampled_from(clean))

    lines = []
    for _ in range(draw(st.integers(1, 25))):
        cells = [
            pick(["a", "b", "客户"], ODD_CELLS),
            pick(["view", "cart", "buy", "help", "promo"], ODD_CELLS),
            pick(times, ODD_TIMES),
        ]
        sep = pick([","], [";", ",,"])
        lines.append(sep.join(cells) + pick(["\n"], ["\r\n", "\n\n"]))
    return "cust,event,ts\n" + "".join(lines)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=odd_logs())
def test_any_file_gets_the_same_journey_or_the_same_refusal_from_either_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    """Odd files, read once as the user gets them and once by DuckDB alone: never a crash, same answer."""
    path = tmp_path / "odd.csv"
    path.write_text(text, encoding="utf-8")

    def outcome() -> Any:
        try:
            result = ingest_events(path, spec("keep"))
        except InvalidInput as error:
            return str(error)
        summary = dict(result.summary)
        summary.pop("reader")
        return result.journey, summary

    either = outcome()
    monkeypatch.setattr(in_memory, "READER", "duckdb")
    assert outcome() == either
