"""The in-memory reader: a clean CSV event log that fits in memory, read without DuckDB.

Two ways in: a plain file (ASCII, no quoting, integer times, no scores) is
parsed straight from its mapped bytes by compiled loops on all threads; any
other is parsed by pyarrow. Then the compiled loops (``kernels.py``) split
the rows into buckets by customer hash and follow each customer's events in
(time, file row) order, a run of buckets per thread. It is used once
``prepare()`` has loaded those loops, and takes only files it reads exactly as
the DuckDB reader (``events.py``) would: a ``.csv`` file (not compressed) with
a ``,`` delimiter, small enough for memory, every customer, event and time
present, untrimmed and free of quote or escape marks, times that are integers
(epoch) or ISO-8601 timestamps/dates as ``time_format`` asks, scores numeric
and on their scale, and no ``--strict`` refusal to make. For anything else
``aggregate_in_memory`` returns None and the DuckDB reader takes the file, so
every problem is counted and reported the one way, and files larger than
memory stream.
"""

from __future__ import annotations

import csv
import importlib
import itertools
import math
import mmap
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from types import ModuleType
from typing import TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from journeymap.ingest.events import EventAggregate, record_unmapped
from journeymap.ingest.mapping import Mapping
from journeymap.ingest.progress import Progress
from journeymap.ingest.scores import ScoreStats
from journeymap.ingest.source import MEMORY_LIMIT

READER = os.environ.get("JOURNEYMAP_INGEST_READER", "auto")  # "duckdb": never read in memory
PARTS = min(os.cpu_count() or 1, 4)  # threads sharing the compiled work
BYTES_PER_ROW = 170  # peak memory per row read through pyarrow (158-159 measured)
PLAIN_BYTES_PER_ROW = 90  # per row parsed from the mapped bytes (78 measured, the file's pages included)
SAMPLE = 1 << 16  # bytes read to estimate the number of rows
MARGIN = 1.5  # on the estimated rows, for the memory check
KERNELS = "journeymap.ingest.kernels"
BUCKET_ROWS = 4096  # rows per bucket of customers (by hash) followed at once, in cache
EXACT = 2**53  # integers up to this are exact in floating point
AUTO_MS = 100_000_000_000  # time_format auto: epoch numbers of this magnitude are milliseconds
T = TypeVar("T")
Strings = tuple[np.ndarray, np.ndarray]  # a text column in Arrow's layout: offsets, bytes
UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
UNITS |= {"kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def aggregate_in_memory(
    path: Path, mapping: Mapping, strict: bool = False, progress: Progress | None = None
) -> EventAggregate | None:
    """The aggregate of a clean CSV event log, or None when the DuckDB reader must take it.

    Only once the compiled loops are loaded (``prepare``): a one-shot process
    would spend more loading them than they save (see ``prepare``).
    """
    if KERNELS not in sys.modules:
        return None
    estimate, limit = estimated_rows(path), memory_bytes(MEMORY_LIMIT) or 0
    if estimate is None or estimate * MARGIN * PLAIN_BYTES_PER_ROW > limit:
        return None
    kernels = sys.modules[KERNELS]
    if progress is not None:
        progress.step("reading events")
    rows = _read_plain(kernels, path, mapping)
    if rows is None and estimate * MARGIN * BYTES_PER_ROW <= limit:
        rows = _read_arrow(kernels, path, mapping)
    if rows is None:
        return None
    agg = EventAggregate(events=len(rows.hashes), reader="in-memory")
    totals: Counter[str] = Counter()
    for _, _, names, counts in rows.ranges:
        totals.update(dict(zip(names, counts, strict=True)))
    record_unmapped(agg, [(name, n) for name, n in totals.items() if not mapping.node_id(name)], mapping)
    if strict and agg.unmapped_events and mapping.unmapped == "drop":
        return None  # the DuckDB reader names the first rows at fault
    node_id = {name: mapping.node_id(name) or agg.kept_names.get(name) for name in totals}
    nodes = sorted({n for n in node_id.values() if n is not None})
    index = {node: i for i, node in enumerate(nodes)}
    node_of = [
        np.array([index.get(node_id[n] or "", -1) for n in names], np.int32) for _, _, names, _ in rows.ranges
    ]
    if rows.table is not None and mapping.columns.score:
        scores = _scores(rows.table, mapping, node_of[0][rows.events], nodes)
        if scores is None:
            return None
        agg.scores = scores
    if progress is not None:
        progress.update(100.0)
        progress.step("following customers")
    outcome_ids = set(mapping.outcome_specs())
    followed = _follow(kernels, rows, node_of, np.array([n in outcome_ids for n in nodes], np.bool_))
    if followed is None:
        return None
    matrix, agg.repeats_collapsed, agg.after_outcome = followed
    labels = [*nodes, "entry"]
    targets = [*nodes, mapping.default_outcome.id]
    for source, target in zip(*np.nonzero(matrix), strict=True):
        agg.transitions[(labels[source], targets[target])] += int(matrix[source, target])
    if progress is not None:
        progress.update(100.0)
    return agg


@dataclass
class Rows:
    """Each row's customer (hash; key: its bytes, or where they are in ``text``), event code and time.

    Rows are in file order.

    ``ranges`` are runs of rows (``lo``, ``hi``) whose event codes index their
    own list of event names (with the rows of each); ``table`` is what pyarrow
    read, if it read the file (for the scores).
    """

    hashes: np.ndarray
    keys: np.ndarray
    events: np.ndarray
    times: np.ndarray
    text: np.ndarray
    ranges: list[tuple[int, int, list[str], list[int]]]
    table: pa.Table | None = None


def _read_plain(kernels: ModuleType, path: Path, mapping: Mapping) -> Rows | None:
    """The rows of a plain file (ASCII, no quoting, integer times, no scores), parsed on all threads.

    None for any other file: pyarrow reads it then (``_read_arrow``).
    """
    cols = mapping.columns
    if cols.score or mapping.time_format == "iso":
        return None
    data = _mapped(path)
    if data is None:
        return None
    header = _header(data)
    if header is None:
        return None
    names, begin = header
    wanted = [cols.customer, cols.touchpoint, cols.time]
    if not _names_each_once(names, wanted) or begin == len(data):
        return None
    cuts = [
        begin,
        *(kernels.line_start(data, begin + (len(data) - begin) * k // PARTS) for k in range(1, PARTS)),
    ]
    cuts.append(len(data))
    counts = _in_parallel([partial(kernels.lines, data, lo, hi) for lo, hi in itertools.pairwise(cuts)])
    first = [0, *itertools.accumulate(counts)]
    n = first[-1]
    hashes, keys = np.empty(n, np.uint64), np.empty(n, np.int64)
    events, times = np.empty(n, np.int32), np.empty(n, np.int64)
    columns = np.array([names.index(c) for c in wanted], np.int64)
    parse = [
        partial(kernels.parse_plain, data, lo, hi, row, len(names), columns, hashes, keys, events, times)
        for (lo, hi), row in zip(itertools.pairwise(cuts), first, strict=False)
    ]
    parsed = _in_parallel(parse)
    if any(answer != kernels.OK or not kernels.plain(starts, names) for answer, starts, names in parsed):
        return None
    epoch = _integer_times(times, mapping.time_format)
    if epoch is None:
        return None
    ranges = [
        _range(lo, hi, starts, names, events)
        for lo, hi, (_, starts, names) in zip(first, first[1:], parsed, strict=False)
    ]
    return Rows(hashes, keys, events, epoch, data, ranges)


def _read_arrow(kernels: ModuleType, path: Path, mapping: Mapping) -> Rows | None:
    """The rows of a file pyarrow parses (on all cores), or None when it cannot be trusted alone."""
    table = _read(path, mapping)
    if table is None:
        return None
    cols = mapping.columns
    customer = _strings(table.column(cols.customer))
    event = _strings(table.column(cols.touchpoint))
    times = _times(table.column(cols.time), mapping.time_format)
    if customer is None or event is None or times is None:
        return None
    n = table.num_rows
    hashes, keys, events = np.empty(n, np.uint64), np.empty(n, np.int64), np.empty(n, np.int32)
    coding = partial(kernels.code_strings, *event, events)
    hashing = partial(kernels.hash_strings, *customer, 0, n, hashes, keys)
    (starts, names), hashed = _in_parallel([coding, hashing])
    if not hashed or not kernels.plain(starts, names):
        return None
    return Rows(hashes, keys, events, times, customer[1], [_range(0, n, starts, names, events)], table)


def _follow(
    kernels: ModuleType, rows: Rows, node_of: list[np.ndarray], is_outcome: np.ndarray
) -> tuple[np.ndarray, int, int] | None:
    """Transition counts, repeats and events after an outcome; None if a customer is not plain text.

    Rows go to buckets by the top bits of their customer's hash (about
    ``BUCKET_ROWS`` each, file order kept); threads take runs of buckets.
    """
    n = len(rows.hashes)
    bits = min(max(math.ceil(math.log2(max(n / BUCKET_ROWS, 1))), 1), 20)
    shift = 64 - bits
    tallies = np.zeros((len(rows.ranges), 1 << bits), np.int64)
    _in_parallel(
        [
            partial(kernels.histogram, rows.hashes, lo, hi, shift, tally)
            for (lo, hi, _, _), tally in zip(rows.ranges, tallies, strict=True)
        ]
    )
    bounds = np.zeros((1 << bits) + 1, np.int64)
    np.cumsum(tallies.sum(axis=0), out=bounds[1:])
    fills = bounds[:-1] + np.cumsum(tallies, axis=0) - tallies  # where each range's rows of a bucket go
    moved = (np.empty(n, np.uint64), np.empty(n, np.int64), np.empty(n, np.int32), np.empty(n, np.int64))
    row_of = (rows.hashes, rows.keys, rows.events, rows.times)
    _in_parallel(
        [
            partial(kernels.scatter, *row_of, lo, hi, shift, of, fill, *moved)
            for (lo, hi, _, _), of, fill in zip(rows.ranges, node_of, fills, strict=True)
        ]
    )
    cuts = np.searchsorted(bounds, [n * k // PARTS for k in range(PARTS + 1)])
    cuts[0], cuts[-1] = 0, 1 << bits
    followed = _in_parallel(
        [
            partial(kernels.follow_buckets, *moved, bounds, first, last, rows.text, is_outcome)
            for first, last in itertools.pairwise(cuts.tolist())
        ]
    )
    if not all(plain for *_, plain in followed):
        return None
    matrix: np.ndarray = np.sum([counts for counts, *_ in followed], axis=0)
    return matrix, sum(f[1] for f in followed), sum(f[2] for f in followed)


def _range(
    lo: int, hi: int, starts: np.ndarray, names: np.ndarray, events: np.ndarray
) -> tuple[int, int, list[str], list[int]]:
    """Rows ``lo:hi``, the event names their codes stand for and the rows of each."""
    texts = [bytes(names[starts[i] : starts[i + 1]]).decode() for i in range(len(starts) - 1)]
    return lo, hi, texts, np.bincount(events[lo:hi], minlength=len(texts)).tolist()


def _in_parallel(calls: Sequence[Callable[[], T]]) -> list[T]:
    """Run compiled calls (which release the GIL) on threads at once; their results in order."""
    if len(calls) == 1:
        return [calls[0]()]
    return list(_threads(len(calls)).map(lambda call: call(), calls))


@cache
def _threads(count: int) -> ThreadPoolExecutor:
    """Worker threads kept for the process: starting them took ~1 ms each, four per ingest."""
    return ThreadPoolExecutor(count, thread_name_prefix="journeymap-ingest")


def prepare() -> None:
    """Load the in-memory reader's compiled loops (numba's cached machine code, ~0.7 s once per process).

    Until then every file goes to DuckDB. A process that ingests more than
    once (a service, a notebook, a batch script) calls this at start; a
    one-shot run does not: on the benchmark machine loading costs about as
    much as the reader saves (whole command, 1 M events: 1.0-1.3 s with
    DuckDB, 1.6-2.1 s prepared; 3 M: 1.8-2.2 s either way; 5 M: 2.15-2.4 s
    against 1.8-2.1 s).
    """
    importlib.import_module(KERNELS)


def estimated_rows(path: Path) -> float | None:
    """The rows of a ``.csv`` file this reader may take, from the lines of its first 64 KiB.

    None for any other file (compressed, Parquet, NDJSON) or when the reader is
    switched off. Memory is checked with a margin (``MARGIN``) for lines that
    get shorter further on.
    """
    if READER == "duckdb" or path.suffix.lower() != ".csv":
        return None
    try:
        with path.open("rb") as fh:
            sample = fh.read(SAMPLE)
        size = path.stat().st_size
    except OSError:
        return None
    lines = sample.count(b"\n") + 1
    return lines if len(sample) == size else size * lines / len(sample)


def memory_bytes(limit: str) -> int | None:
    """A memory limit such as ``1GB`` or ``512MiB`` in bytes (None when not of that form)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?\s*", limit, re.IGNORECASE)
    if match is None:
        return None
    return int(float(match[1]) * UNITS[(match[2] or "b").lower()])


def _read(path: Path, mapping: Mapping) -> pa.Table | None:
    """The mapped columns of ``path`` (identifiers as text), or None when pyarrow alone cannot be trusted."""
    wanted = [c for c in mapping.columns.model_dump().values() if c]
    if not _header_names_each_once(path, wanted):
        return None
    text = {c: pa.string() for c in (mapping.columns.customer, mapping.columns.touchpoint)}
    try:
        table = pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=text, include_columns=wanted, null_values=[""], strings_can_be_null=False
            ),
        )
    except (pa.ArrowException, OSError):
        return None
    return table


def _header_names_each_once(path: Path, wanted: list[str]) -> bool:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    return _names_each_once(header, wanted)


def _names_each_once(header: list[str], wanted: list[str]) -> bool:
    names = [h.strip() for h in header]
    return all(header.count(c) == 1 and names.count(c) == 1 for c in wanted)


def _mapped(path: Path) -> np.ndarray | None:
    """A file's bytes, mapped read-only (no copy: the pages the system holds for the file)."""
    try:
        with path.open("rb") as fh:
            return np.frombuffer(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ), np.uint8)
    except (OSError, ValueError):  # ValueError: an empty file
        return None


def _header(data: np.ndarray) -> tuple[list[str], int] | None:
    """The names on the first line of a file's bytes (CSV, UTF-8) and where the next line starts."""
    begin = sys.modules[KERNELS].line_start(data, 1)
    end = begin - 1 if begin and data[begin - 1] == ord("\n") else begin
    if end > 0 and data[end - 1] == ord("\r"):
        end -= 1
    try:
        line = bytes(data[:end]).decode("utf-8-sig")
        return next(csv.reader([line], strict=True), []), begin
    except (UnicodeDecodeError, csv.Error):
        return None


def _strings(column: pa.ChunkedArray) -> Strings | None:
    """Arrow's offsets and bytes of a text column without nulls (None otherwise)."""
    array = column.combine_chunks()
    if array.null_count or not pa.types.is_string(array.type):
        return None
    _, offsets, data = array.buffers()
    return (
        np.frombuffer(offsets, np.int32, len(array) + 1, array.offset * 4),
        np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8),
    )


def _times(column: pa.ChunkedArray, time_format: str) -> np.ndarray | None:
    """Numbers that order the rows as DuckDB's epoch microseconds do; None if a time would not parse.

    Only the order of a customer's events matters, so a column of one unit is
    used as it is. Integers are epoch seconds or milliseconds (``auto``:
    milliseconds from a magnitude of 1e11); DuckDB computes
    ``round(CAST(x AS DOUBLE) * 1e6)``, exact (so equal to the integer
    product, and ordered alike) while the product stays below 2**53.
    Timestamps and dates were ISO-8601 text; nanoseconds are refused unless
    whole microseconds (DuckDB keeps microseconds).
    """
    kind = column.type
    values = _numbers(column)
    if values is None or column.null_count or not len(values):
        return None
    if pa.types.is_integer(kind) and time_format != "iso":
        return _integer_times(values, time_format)
    if time_format not in ("iso", "auto"):
        return None
    if pa.types.is_date32(kind):
        return values.astype(np.int64)
    if pa.types.is_timestamp(kind) and (kind.unit != "ns" or (values % 1000 == 0).all()):
        return values
    return None


def _integer_times(values: np.ndarray, time_format: str) -> np.ndarray | None:
    """Integer epoch times as numbers that order like DuckDB's microseconds (see ``_times``)."""
    if not len(values) or time_format == "iso":
        return None
    low, high = int(values.min()), int(values.max())
    top = max(high, -low)
    if time_format == "epoch_s" or (time_format == "auto" and top < AUTO_MS):
        return values if top <= EXACT // 1_000_000 else None  # else DuckDB rounds: leave it to DuckDB
    if time_format == "epoch_ms" or low >= AUTO_MS or high <= -AUTO_MS:
        return values if top <= EXACT // 1_000 else None
    seconds = np.abs(values) < AUTO_MS  # auto, both units in one file
    if np.abs(values[seconds]).max() > EXACT // 1_000_000 or top > EXACT // 1_000:
        return None
    return np.where(seconds, values * 1_000_000, values * 1_000)


def _numbers(column: pa.ChunkedArray) -> np.ndarray | None:
    """A numeric or temporal column as numpy, nulls as nan (read from Arrow's buffers, no pandas)."""
    array = column.combine_chunks()
    kind = array.type
    if pa.types.is_null(kind):
        return np.full(len(array), np.nan)
    if pa.types.is_floating(kind):
        code = "f"
    elif pa.types.is_integer(kind) or pa.types.is_temporal(kind):
        code = "u" if pa.types.is_unsigned_integer(kind) else "i"
    else:
        return None
    dtype = np.dtype(f"{code}{kind.bit_width // 8}")
    values = np.frombuffer(array.buffers()[1], dtype, len(array), array.offset * dtype.itemsize)
    if not array.null_count:
        return values
    bits = np.unpackbits(np.frombuffer(array.buffers()[0], np.uint8), bitorder="little")
    values = values.astype(np.float64)
    values[bits[array.offset : array.offset + len(array)] == 0] = np.nan
    return values


def _scores(
    table: pa.Table, mapping: Mapping, step: np.ndarray, nodes: list[str]
) -> dict[str, ScoreStats] | None:
    """Score count, mean and standard deviation per node; None if a score given is off its scale."""
    assert mapping.columns.score is not None
    column = table.column(mapping.columns.score)
    kind = column.type
    given = _numbers(column)  # empty cells are null: no score
    if given is None or pa.types.is_temporal(kind):
        return None
    given = given.astype(np.float64)
    source, target = mapping.event_scale(), mapping.scale
    scored = ~np.isnan(given)
    if len(given) - scored.sum() != column.null_count:  # a "nan" written in the file: a bad score
        return None
    if not ((given[scored] >= source.min) & (given[scored] <= source.max)).all():
        return None
    factor = (target.max - target.min) / (source.max - source.min)
    value = target.min + (given - source.min) * factor
    keep = scored & (step >= 0)
    node, value = step[keep], value[keep]
    n = np.bincount(node, minlength=len(nodes))
    mean = np.bincount(node, value, minlength=len(nodes)) / np.maximum(n, 1)
    squares = np.bincount(node, (value - mean[node]) ** 2, minlength=len(nodes))
    sd = np.sqrt(squares / np.maximum(n - 1, 1))
    return {
        nodes[i]: ScoreStats.of(int(n[i]), float(mean[i]), float(sd[i]) if n[i] > 1 else None)
        for i in np.nonzero(n)[0]
    }
