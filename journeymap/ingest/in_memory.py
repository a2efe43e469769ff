"""The in-memory reader: a clean CSV event log that fits in memory, read without DuckDB.

pyarrow parses the file on all cores; compiled loops (``kernels.py``) give
customers and event names integer codes and follow each customer's events in
(time, file row) order, on two threads. It is used once ``prepare()`` has
loaded those loops, and takes only files it reads exactly as the DuckDB reader
(``events.py``) would: a ``.csv`` file (not compressed) with a ``,``
delimiter, small enough for memory, every customer, event and time present,
untrimmed and free of quote or escape marks, times that are integers (epoch)
or ISO-8601 timestamps/dates as ``time_format`` asks, scores numeric and on
their scale, and no ``--strict`` refusal to make. For anything else
``aggregate_in_memory`` returns None and the DuckDB reader takes the file, so
every problem is counted and reported the one way, and files larger than
memory stream.
"""

from __future__ import annotations

import csv
import importlib
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
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
BYTES_PER_ROW = 150 + 8 * PARTS  # this reader's peak memory per row: 138-143 measured with 2 threads
SAMPLE = 1 << 16  # bytes read to estimate the number of rows
MARGIN = 1.5  # on the estimated rows, for the memory check
KERNELS = "journeymap.ingest.kernels"
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
    rows = estimated_rows(path)
    if rows is None or rows * MARGIN * BYTES_PER_ROW > (memory_bytes(MEMORY_LIMIT) or 0):
        return None
    kernels = sys.modules[KERNELS]
    if progress is not None:
        progress.step("reading events")
    table = _read(path, mapping)
    if table is None:
        return None
    cols = mapping.columns
    customer = _strings(table.column(cols.customer))
    event = _strings(table.column(cols.touchpoint))
    time = _times(table.column(cols.time), mapping.time_format)
    if customer is None or event is None or time is None:
        return None
    coded = _in_parallel([partial(_code_part, kernels, customer, event, part) for part in range(PARTS)])
    if not all(kernels.plain(starts, keys) for part in coded for _, starts, keys, _ in part):
        return None
    agg = EventAggregate(events=table.num_rows, reader="in-memory")
    names = [_texts(starts, keys) for _, (_, starts, keys, _) in coded]
    totals: Counter[str] = Counter()
    for part_names, (_, (_, _, _, counts)) in zip(names, coded, strict=True):
        totals.update(dict(zip(part_names, counts.tolist(), strict=True)))
    record_unmapped(agg, [(name, n) for name, n in totals.items() if not mapping.node_id(name)], mapping)
    if strict and agg.unmapped_events and mapping.unmapped == "drop":
        return None  # the DuckDB reader names the first rows at fault
    node_id = {name: mapping.node_id(name) or agg.kept_names.get(name) for name in totals}
    nodes = sorted({n for n in node_id.values() if n is not None})
    index = {node: i for i, node in enumerate(nodes)}
    node_of = [np.array([index.get(node_id[n] or "", -1) for n in part], np.int32) for part in names]
    scores = _scores(table, mapping, _row_nodes(coded, node_of), nodes) if cols.score else {}
    if scores is None:
        return None
    if progress is not None:
        progress.update(100.0)
        progress.step("following customers")
    outcome_ids = set(mapping.outcome_specs())
    is_outcome = np.array([n in outcome_ids for n in nodes], np.bool_)
    follows = [
        partial(kernels.follow, customers, events, part_nodes, time, len(starts) - 1, is_outcome)
        for ((customers, starts, _, _), (events, *_)), part_nodes in zip(coded, node_of, strict=True)
    ]
    followed = _in_parallel(follows)
    matrix: np.ndarray = np.sum([counts for counts, _, _ in followed], axis=0)
    agg.repeats_collapsed = sum(repeats for _, repeats, _ in followed)
    agg.after_outcome = sum(after for _, _, after in followed)
    labels = [*nodes, "entry"]
    targets = [*nodes, mapping.default_outcome.id]
    for source, target in zip(*np.nonzero(matrix), strict=True):
        agg.transitions[(labels[source], targets[target])] += int(matrix[source, target])
    agg.scores = scores
    if progress is not None:
        progress.update(100.0)
    return agg


Coded = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # codes, distinct (starts, bytes), counts
NOTHING = np.empty(0, np.int32)


def _code_part(kernels: ModuleType, customer: Strings, event: Strings, part: int) -> tuple[Coded, Coded]:
    """Customer and event codes of the rows of one part (the customers whose hash falls in it)."""
    customers = kernels.encode(*customer, part, PARTS, NOTHING)
    return customers, kernels.encode(*event, part, PARTS, customers[0])


def _texts(starts: np.ndarray, keys: np.ndarray) -> list[str]:
    return [bytes(keys[starts[i] : starts[i + 1]]).decode() for i in range(len(starts) - 1)]


def _row_nodes(coded: list[tuple[Coded, Coded]], node_of: list[np.ndarray]) -> np.ndarray:
    """Each row's node code (-1: none)."""
    rows = np.full(len(coded[0][0][0]), -1, np.int32)
    for (_, (events, *_)), part_nodes in zip(coded, node_of, strict=True):
        mine = events >= 0
        rows[mine] = part_nodes[events[mine]]
    return rows


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
    """Load the in-memory reader's compiled loops (numba's cached machine code, ~0.5 s once per process).

    Until then every file goes to DuckDB. A process that ingests more than
    once (a service, a notebook, a batch script) calls this at start; a
    one-shot run does not: on the benchmark machine loading costs more than
    the reader saves up to the files it may hold in memory with the default
    limit (3 M events from the command line: 1.6-1.8 s in memory, 1.4-1.5 s with
    DuckDB; the reader itself 0.6-1.2 s against 1.0-1.2 s).
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
    names = [h.strip() for h in header]
    return all(header.count(c) == 1 and names.count(c) == 1 for c in wanted)


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
    if time_format not in ("iso", "auto"):
        return None
    if pa.types.is_date32(kind):
        return values.astype(np.int64)
    if pa.types.is_timestamp(kind) and (kind.unit != "ns" or (values % 1000 == 0).all()):
        return values
    return None


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
