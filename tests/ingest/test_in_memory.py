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


@pytest.fixture(params=["plain", "arrow"])
def front(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each way in: the plain parser first, as users get it, or pyarrow alone."""
    if request.param == "arrow":
        monkeypatch.setattr(in_memory, "_read_plain", lambda *_: None)
    return str(request.param)


def parsed_plain(path: Path, mapping: Mapping) -> bool:
    """Whether the plain parser takes the file (else pyarrow reads it)."""
    return in_memory._read_plain(kernels, path, mapping) is not None


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
    ascii_only=st.booleans(),
)
def test_the_same_aggregate_as_duckdb(
    tmp_path: Path,
    front: str,
    seed: int,
    events: int,
    encoding: str,
    unmapped: str,
    score: bool,
    ascii_only: bool,
) -> None:
    rng = random.Random(seed)
    name = ["customer-{}", "c{}"] if ascii_only else ["客户{}", "c{}", "c{}"]  # long (> 7 bytes) and short
    customers = [name[i % len(name)].format(i) for i in range(rng.randint(1, 12))]
    raw = [r for r in RAW if r.isascii() and "," not in r] if ascii_only else RAW
    step = (
        timedelta(days=1) if encoding == "date" else timedelta(seconds=rng.choice([1, 37]), microseconds=250)
    )
    rows = []
    for _ in range(events):
        when = BASE + step * rng.randint(0, 6)  # few distinct times: many ties, kept in file order
        row = [rng.choice(customers), rng.choice(raw), TIME_TEXT[encoding](when)]
        rows.append(row + ([rng.choice(["", "0", "3", "7.5", "10"])] if score else []))
    path = write_log(tmp_path / f"log{seed}.csv", rows, score)
    mapping = spec(unmapped, score=score)
    if not any(r[1] in mapping.touchpoints or r[1] in mapping.outcomes for r in rows) and unmapped == "drop":
        return
    assert_same(*both(path, mapping))
    text = path.read_bytes()
    plain = text.isascii() and b'"' not in text and encoding.startswith("epoch") and not score
    if front == "plain":  # ascii_only: mostly plain files, else mostly not
        assert parsed_plain(path, mapping) is plain


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
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, front: str, threads: int
) -> None:
    """Threads parse their share of the lines, then follow their share of the buckets."""
    monkeypatch.setattr(in_memory, "PARTS", threads)
    rng = random.Random(threads)
    rows = [[f"c{rng.randint(0, 30)}", rng.choice(RAW[:6]), str(rng.randint(0, 40))] for _ in range(700)]
    path = write_log(tmp_path / "log.csv", rows)
    monkeypatch.setattr(in_memory, "BUCKET_ROWS", 64)  # a dozen buckets
    assert_same(*both(path, spec("keep")))
    assert parsed_plain(path, spec("keep")) is (front == "plain")


def test_scores_on_their_own_scale(tmp_path: Path) -> None:
    rows = [[f"c{i % 7}", ["view", "cart"][i % 2], str(i), str(1 + i % 5)] for i in range(60)]
    path = write_log(tmp_path / "log.csv", rows, score=True)
    assert_same(*both(path, spec(score=True, score_scale={"min": 1, "max": 5})))


def test_long_journeys_are_sorted_by_time_then_file_order(tmp_path: Path, front: str) -> None:
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
def test_plain_files_of_other_shapes_read_alike(tmp_path: Path, front: str, case: str, text: str) -> None:
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
    tmp_path: Path, front: str, case: str, rows: list[list[str]], why: str
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
def test_odd_csv_files_go_to_duckdb(tmp_path: Path, front: str, case: str, text: str) -> None:
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
    scored = write_log(tmp_path / "scored.csv", [[*row, "5"] for row in CLEAN], score=True)  # not plain
    for per_row, path, mapping in [
        (in_memory.PLAIN_BYTES_PER_ROW, plain, spec()),  # parsed from its bytes: less memory a row
        (in_memory.BYTES_PER_ROW, scored, spec(score=True)),  # through pyarrow
    ]:
        need = lines * in_memory.MARGIN * per_row
        monkeypatch.setattr(in_memory, "MEMORY_LIMIT", f"{int(need)}B")
        assert aggregate_in_memory(path, mapping) is not None
        monkeypatch.setattr(in_memory, "MEMORY_LIMIT", f"{int(need) - 1}B")
        assert aggregate_in_memory(path, mapping) is None
    quoted = tmp_path / "quoted.csv"  # looks plain to the mapping, is not: pyarrow's limit then
    quoted.write_text(plain.read_text().replace("view", '"view"'))
    need = lines * in_memory.MARGIN * in_memory.BYTES_PER_ROW
    monkeypatch.setattr(in_memory, "MEMORY_LIMIT", f"{int(need) - 1}B")
    assert aggregate_in_memory(plain, spec()) is not None
    assert aggregate_in_memory(quoted, spec()) is None
    monkeypatch.setattr(in_memory, "MEMORY_LIMIT", f"{int(need)}B")
    assert aggregate_in_memory(quoted, spec()) is not None
    big = write_log(tmp_path / "big.csv", [[f"c{i}", "view", str(i)] for i in range(20_000)])
    rows = 20_001  # estimated from the first 64 KiB (shorter lines: ~1.13 x) and 1.5 x for safety
    monkeypatch.setattr(in_memory, "MEMORY_LIMIT", f"{int(1.5 * rows * in_memory.PLAIN_BYTES_PER_ROW)}B")
    assert aggregate_in_memory(big, spec()) is None
    monkeypatch.setattr(in_memory, "MEMORY_LIMIT", f"{int(2.0 * rows * in_memory.PLAIN_BYTES_PER_ROW)}B")
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


def distinct_texts(starts: np.ndarray, names: np.ndarray) -> list[str]:
    return [bytes(names[starts[i] : starts[i + 1]]).decode() for i in range(len(starts) - 1)]


def key_of(raw: bytes, at: int) -> int:
    """A customer's key as the kernels make it: its bytes (up to 7) and length, else -1 - its span."""
    if len(raw) <= 7:
        return int.from_bytes(raw, "little") | (len(raw) << 56)
    return -1 - ((at << kernels.SPAN_BITS) | len(raw))


def fnv(raw: bytes) -> int:
    h = 14695981039346656037
    for byte in raw:
        h = ((h ^ byte) * 1099511628211) % 2**64
    return h


def test_code_strings_numbers_distinct_strings_by_first_appearance() -> None:
    rng = random.Random(3)
    pool = ["", "a", "ab", "ba", "电话", "x" * 40] + [f"c{rng.randint(0, 5000)}" for _ in range(3000)]
    strings = [rng.choice(pool) for _ in range(20_000)]  # thousands of distinct ones: the table grows
    codes = np.empty(len(strings), np.int32)
    starts, names = kernels.code_strings(*arrow_layout(strings), codes)
    distinct = distinct_texts(starts, names)
    assert distinct == list(dict.fromkeys(strings))
    assert [distinct[c] for c in codes] == strings


def test_hash_strings_gives_hashes_and_keys() -> None:
    strings = ["", "a", "c1234", "1234567", "12345678", "客户", "客户 007", "x" * 100]
    offsets, data = arrow_layout(strings)
    hashes, keys = np.empty(len(strings), np.uint64), np.empty(len(strings), np.int64)
    assert kernels.hash_strings(offsets, data, 0, len(strings), hashes, keys)
    encoded = [s.encode() for s in strings]
    assert hashes.tolist() == [fnv(raw) for raw in encoded]
    assert keys.tolist() == [key_of(raw, int(at)) for raw, at in zip(encoded, offsets, strict=False)]


PLAIN_BYTES = "ab,-0123456789xyz ,\n"
REFUSED = ['"', "'", "\\", ";", "|", "\t", "\r", "é", "\x7f", "\x00"]


def expected_parse(body: bytes, fields: int) -> tuple[int, list[tuple[int, int, str, int]]]:
    """What parse_plain must answer, worked out line by line in Python (columns 0, 1, 2)."""
    rows = []
    at = 0
    lines = body.split(b"\n")
    ended = [True] * (len(lines) - 1) + [False]  # whether a \n ends the line
    if lines and lines[-1] == b"":
        lines.pop()
    for whole, newline in zip(lines, ended, strict=False):
        line = whole.removesuffix(b"\r") if newline else whole  # a \r\n line end
        if any(kernels.CLASSES[b] in (kernels.REFUSED, kernels.RETURN) for b in line):
            return kernels.BAD_BYTE, []
        cells = line.split(b",")
        if len(cells) != fields:
            return kernels.BAD_FIELDS, []
        time = cells[2].decode()
        digits = time.removeprefix("-")
        if not digits or len(digits) > kernels.MAX_DIGITS or not digits.isdigit():
            return kernels.BAD_TIME, []
        rows.append((fnv(cells[0]), key_of(cells[0], at), cells[1].decode(), int(time)))
        at += len(whole) + 1
    return kernels.OK, rows


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(
        st.text(st.sampled_from(PLAIN_BYTES), max_size=30).map(lambda s: s.replace("\n", ""))
        | st.builds(
            lambda a, b, c: f"{a},{b},{c}",
            st.text("abcxyz 12", max_size=12),
            st.sampled_from(["v", "buy", "a long event"]),
            st.integers(-(10**19), 10**19).map(str),
        ),
        max_size=15,
    ),
    odd=st.sampled_from(["", *REFUSED]),
    final_newline=st.booleans(),
)
def test_parse_plain_reads_lines_as_python_splits_them(
    lines: list[str], odd: str, final_newline: bool
) -> None:
    if odd and lines:
        lines[-1] += odd
    body = ("\n".join(lines) + ("\n" if final_newline and lines else "")).encode()
    data = np.frombuffer(body or b"\0", np.uint8)[: len(body)]
    n = kernels.lines(data, 0, len(body))
    hashes, keys = np.empty(n, np.uint64), np.empty(n, np.int64)
    events, times = np.empty(n, np.int32), np.empty(n, np.int64)
    answer, starts, names = kernels.parse_plain(
        data, 0, len(body), 0, 3, np.array([0, 1, 2], np.int64), hashes, keys, events, times
    )
    want_answer, want = expected_parse(body, 3)
    assert answer == want_answer
    if answer == kernels.OK:
        assert n == len(want)
        got_names = distinct_texts(starts, names)
        assert got_names == list(dict.fromkeys(e for _, _, e, _ in want))
        got = list(
            zip(hashes.tolist(), keys.tolist(), [got_names[e] for e in events], times.tolist(), strict=True)
        )
        assert got == want


def test_parse_plain_takes_its_columns_anywhere_and_from_any_row() -> None:
    body = b"x,a,1,view\ny,bb,-2,cart\n"
    data = np.frombuffer(body, np.uint8)
    hashes, keys = np.zeros(5, np.uint64), np.zeros(5, np.int64)
    events, times = np.zeros(5, np.int32), np.zeros(5, np.int64)
    start = kernels.line_start(data, 3)
    answer, starts, names = kernels.parse_plain(
        data, start, len(body), 2, 4, np.array([1, 3, 2], np.int64), hashes, keys, events, times
    )
    assert (answer, distinct_texts(starts, names)) == (kernels.OK, ["cart"])
    assert (keys[2], times[2], events[2]) == (key_of(b"bb", 13), -2, 0)
    assert (start, kernels.line_start(data, 0), kernels.lines(data, 0, 11), kernels.lines(data, 11, 13)) == (
        11,
        0,
        1,
        1,
    )


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
    customer: list[str], node: list[int], time: list[int], is_outcome: list[bool]
) -> tuple[Counter[tuple[int, int]], int, int]:
    rows: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for i, (c, n, t) in enumerate(zip(customer, node, time, strict=True)):
        if n >= 0:
            rows[c].append((t, i, n))
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


CUSTOMERS = [
    "a",
    "b",
    "c1234",
    "1234567",
    "12345678",
    "客户",
    "客户 007",
    "customer-000001",
    "customer-000002",
]


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(st.tuples(st.sampled_from(CUSTOMERS), st.integers(-1, 4), st.integers(0, 5)), max_size=300),
    outcomes=st.lists(st.booleans(), min_size=5, max_size=5),
    buckets=st.sampled_from([1, 2, 8]),
    hashes=st.sampled_from(["fnv", "all the same", "two"]),
)
def test_follow_buckets_equals_sorting_each_customer_in_python(
    rows: list[tuple[str, int, int]], outcomes: list[bool], buckets: int, hashes: str
) -> None:
    """Rows in buckets by hash, customers told apart by their keys, even when their hashes collide."""
    customer, node, time = (list(column) for column in zip(*rows, strict=True)) if rows else ([], [], [])
    offsets, text = arrow_layout(customer)
    n = len(rows)
    hashed, keys = np.empty(n, np.uint64), np.empty(n, np.int64)
    kernels.hash_strings(offsets, text, 0, n, hashed, keys)
    if hashes != "fnv":  # collisions: different customers, one hash
        hashed[:] = [0 if hashes == "all the same" else CUSTOMERS.index(c) % 2 for c in customer]
    shift = 64 - buckets.bit_length() + 1 if buckets > 1 else 63
    bucket = (hashed >> np.uint64(shift)).astype(np.int64) if buckets > 1 else np.zeros(n, np.int64)
    order = np.argsort(bucket, kind="stable")  # what histogram and scatter make: by bucket, file order kept
    bounds = np.searchsorted(bucket[order], np.arange(buckets + 1))
    matrix, repeats, after, plain_text = kernels.follow_buckets(
        hashed[order].copy(),
        keys[order].copy(),
        np.array(node, np.int32)[order].copy(),
        np.array(time, np.int64)[order].copy(),
        bounds.astype(np.int64),
        0,
        buckets,
        text,
        np.array(outcomes, np.bool_),
    )
    counts, want_repeats, want_after = brute_follow(customer, node, time, outcomes)
    got = Counter({(int(a), int(b)): int(matrix[a, b]) for a, b in zip(*np.nonzero(matrix), strict=True)})
    assert (got, repeats, after, plain_text) == (counts, want_repeats, want_after, True)


def test_histogram_and_scatter_keep_file_order_within_buckets() -> None:
    rng = np.random.default_rng(4)
    n, shift = 1000, 61  # 8 buckets
    hashes = rng.integers(0, 2**63, n, dtype=np.int64).astype(np.uint64) * np.uint64(2)
    keys, events, times = (
        np.arange(n, dtype=np.int64),
        rng.integers(0, 3, n).astype(np.int32),
        rng.integers(0, 9, n),
    )
    node_of = np.array([2, -1, 0], np.int32)
    tallies = np.zeros((2, 8), np.int64)
    kernels.histogram(hashes, 0, 600, shift, tallies[0])
    kernels.histogram(hashes, 600, n, shift, tallies[1])
    bounds = np.concatenate(([0], np.cumsum(tallies.sum(axis=0))))
    fills = bounds[:-1] + np.cumsum(tallies, axis=0) - tallies
    moved = (np.empty(n, np.uint64), np.empty(n, np.int64), np.empty(n, np.int32), np.empty(n, np.int64))
    kernels.scatter(hashes, keys, events, times, 600, n, shift, node_of, fills[1], *moved)
    kernels.scatter(hashes, keys, events, times, 0, 600, shift, node_of, fills[0], *moved)
    order = np.argsort(hashes >> np.uint64(shift), kind="stable")
    assert moved[1].tolist() == order.tolist()  # keys were row numbers
    assert moved[0].tolist() == hashes[order].tolist()
    assert moved[2].tolist() == node_of[events[order]].tolist()
    assert moved[3].tolist() == times[order].tolist()


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
