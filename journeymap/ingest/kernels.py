"""Compiled loops of the in-memory event-log reader (numba): string codes and following customers.

The signatures are given, so importing this module loads the machine code
(compiled once per machine and cached beside the module) instead of compiling
on the first call.
"""

from __future__ import annotations

import numba as nb
import numpy as np
from numba import types as nt

FNV_OFFSET = np.uint64(14695981039346656037)
FNV_PRIME = np.uint64(1099511628211)
LONG = -2  # the short key of a string longer than 7 bytes (a short key is >= 0)
SORT_IN_PLACE = 32  # a customer's events are insertion-sorted up to this many, merge-sorted beyond

OFFSETS = nt.Array(nt.int32, 1, "C", readonly=True)
BYTES = nt.Array(nt.uint8, 1, "C", readonly=True)
CODES = nt.Array(nt.int32, 1, "C")
ROWS = nt.Array(nt.int64, 1, "C")
TIMES = nt.Array(nt.int64, 1, "C", readonly=True)
ENCODE = nt.Tuple((CODES, ROWS, nt.Array(nt.uint8, 1, "C"), ROWS))  # type: ignore[no-untyped-call]
FOLLOW = nt.Tuple((nt.Array(nt.int64, 2, "C"), nt.int64, nt.int64))  # type: ignore[no-untyped-call]


@nb.njit(cache=True, nogil=True, inline="always")
def _same(
    starts: np.ndarray, keys: np.ndarray, code: int, data: np.ndarray, a: int, b: int
) -> bool:  # pragma: no cover
    """Whether key ``code`` has the bytes ``data[a:b]``."""
    start = starts[code]
    if starts[code + 1] - start != b - a:
        return False
    for k in range(b - a):  # noqa: SIM110 (a loop numba compiles)
        if keys[start + k] != data[a + k]:
            return False
    return True


@nb.njit(cache=True, nogil=True, inline="always")
def _short(data: np.ndarray, a: int, b: int) -> int:  # pragma: no cover
    """A string of up to 7 bytes as one number (its bytes and length); LONG for longer ones."""
    if b - a > 7:
        return LONG
    packed = int(b - a) << 56
    for k in range(a, b):
        packed |= int(data[k]) << (8 * (k - a))
    return packed


@nb.njit(cache=True, nogil=True, inline="always")
def _code_point(data: np.ndarray, a: int, b: int) -> int:  # pragma: no cover
    lead = int(data[a])
    if lead < 0x80:
        return lead
    extra = 1 if lead < 0xE0 else (2 if lead < 0xF0 else 3)
    point = lead & (0x3F >> extra)
    for k in range(a + 1, min(a + 1 + extra, b)):
        point = (point << 6) | (int(data[k]) & 0x3F)
    return point


@nb.njit(cache=True, nogil=True, inline="always")
def _space(point: int) -> bool:  # pragma: no cover
    return (
        point <= 0x20
        or 0x7F <= point <= 0xA0
        or point in (0x1680, 0x180E, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF)
        or 0x2000 <= point <= 0x200B
    )


@nb.njit(cache=True, nogil=True)
def _sort_stable(times: np.ndarray, steps: np.ndarray, a: int, b: int) -> None:  # pragma: no cover
    """Sort ``times[a:b]`` (and ``steps`` alongside) keeping the order of equal times."""
    if b - a > SORT_IN_PLACE:
        order = np.argsort(times[a:b], kind="mergesort")
        times[a:b] = times[a:b][order]
        steps[a:b] = steps[a:b][order]
        return
    for j in range(a + 1, b):
        t, s = times[j], steps[j]
        k = j - 1
        while k >= a and times[k] > t:
            times[k + 1], steps[k + 1] = times[k], steps[k]
            k -= 1
        times[k + 1], steps[k + 1] = t, s


@nb.njit(ENCODE(OFFSETS, BYTES, nt.int64, nt.int64, CODES), cache=True, nogil=True)
def encode(
    offsets: np.ndarray, data: np.ndarray, part: int, parts: int, among: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover
    """Integer codes of the strings in Arrow's layout (offsets, bytes); the distinct strings; their counts.

    Threads share the work in ``parts``: a string is in part ``part`` if its
    hash says so or, when ``among`` is not empty, if ``among`` codes its row
    (>= 0: the rows of one part of another column). This call codes the rows of
    its part (-1 for the others), numbering its distinct strings 0, 1, ... by
    first appearance; counts are kept for ``among`` calls only. The distinct
    strings come back in Arrow's layout, copied into one compact block; a
    string of up to 7 bytes is also held in its hash slot, so that finding it
    reads one cache line.
    """
    n = offsets.shape[0] - 1
    size = 1024
    table = np.full(2 * size, -1, np.int64)  # per slot: (hash bits << 32) | code, then the short key
    hashes = np.empty(1024, np.uint64)  # code -> hash
    shorts = np.empty(1024, np.int64)  # code -> its short key
    starts = np.zeros(1025, np.int64)  # code -> offset of its bytes in keys
    keys = np.empty(1024 + data.shape[0] // 8, np.uint8)
    by_hash = among.shape[0] == 0
    counts = np.zeros(1 if by_hash else 1024, np.int64)  # code -> rows
    codes = np.empty(n, np.int32)
    count = 0
    for i in range(n):
        if not by_hash and among[i] < 0:
            codes[i] = -1
            continue
        a, b = offsets[i], offsets[i + 1]
        h = FNV_OFFSET
        for j in range(a, b):
            h = (h ^ np.uint64(data[j])) * FNV_PRIME
        if by_hash and (h >> np.uint64(32)) % np.uint64(parts) != part:
            codes[i] = -1
            continue
        short = _short(data, a, b)
        tag = np.int64(h >> np.uint64(33))
        mask = size - 1
        slot = np.int64(h & np.uint64(mask))
        while True:
            held = table[2 * slot]
            if held < 0:
                if count == hashes.shape[0]:
                    hashes = np.concatenate((hashes, np.empty(count, np.uint64)))
                    shorts = np.concatenate((shorts, np.empty(count, np.int64)))
                    starts = np.concatenate((starts, np.empty(count, np.int64)))
                    if not by_hash:
                        counts = np.concatenate((counts, np.zeros(count, np.int64)))
                start = starts[count]
                while start + b - a > keys.shape[0]:
                    keys = np.concatenate((keys, np.empty(keys.shape[0], np.uint8)))
                keys[start : start + b - a] = data[a:b]
                starts[count + 1], hashes[count], shorts[count] = start + b - a, h, short
                table[2 * slot], table[2 * slot + 1] = (tag << 32) | count, short
                codes[i] = count
                count += 1
                break
            if held >> 32 == tag:
                code = held & 0xFFFFFFFF
                if short != LONG and short == table[2 * slot + 1]:
                    codes[i] = code
                    break
                if short == LONG and _same(starts, keys, code, data, a, b):
                    codes[i] = code
                    break
            slot = (slot + 1) & mask
        if not by_hash:
            counts[codes[i]] += 1
        if 2 * count > size:
            size *= 2
            mask = size - 1
            table = np.full(2 * size, -1, np.int64)
            for code in range(count):
                slot = np.int64(hashes[code] & np.uint64(mask))
                while table[2 * slot] >= 0:
                    slot = (slot + 1) & mask
                table[2 * slot] = (np.int64(hashes[code] >> np.uint64(33)) << 32) | code
                table[2 * slot + 1] = shorts[code]
    tally = counts[:count].copy() if not by_hash else np.zeros(0, np.int64)
    return codes, starts[: count + 1].copy(), keys[: starts[count]].copy(), tally


@nb.njit(nt.boolean(ROWS, nt.Array(nt.uint8, 1, "C")), cache=True, nogil=True)
def plain(offsets: np.ndarray, data: np.ndarray) -> bool:  # pragma: no cover
    """Whether all strings (Arrow's layout) are non-empty, free of quote and escape marks, and untrimmed.

    "Untrimmed": no white space at either end, ASCII or Unicode (any first or
    last character that some trim function could remove).
    """
    for r in range(offsets.shape[0] - 1):
        a, b = offsets[r], offsets[r + 1]
        if a == b:
            return False
        for k in range(a, b):
            if data[k] == 34 or data[k] == 39 or data[k] == 92:  # " ' \ : quotes or escapes DuckDB may sniff
                return False
        if _space(_code_point(data, a, b)):
            return False
        last = b - 1
        while last > a and data[last] & 0xC0 == 0x80:
            last -= 1
        if _space(_code_point(data, last, b)):
            return False
    return True


@nb.njit(FOLLOW(CODES, CODES, CODES, TIMES, nt.int64, nt.Array(nt.boolean, 1, "C")), cache=True, nogil=True)
def follow(
    customer: np.ndarray,
    event: np.ndarray,
    node_of: np.ndarray,
    time: np.ndarray,
    customers: int,
    is_outcome: np.ndarray,
) -> tuple[np.ndarray, int, int]:  # pragma: no cover
    """Transition counts of customers' events taken in (time, file row) order.

    ``customer[i]`` and ``event[i]`` are row i's codes (-1: not a row of this
    part, skipped); ``node_of`` maps event codes to node codes (-1: not a
    node, skipped); ``time`` holds any numbers that order the rows as their
    times do. Returns the counts as a matrix whose last row is entry and
    last column the default outcome, the repeats collapsed (a node followed by
    itself) and the events after a customer's first outcome (ignored).
    """
    nodes = is_outcome.shape[0]
    start = np.zeros(customers + 1, np.int64)
    for i in range(customer.shape[0]):
        if customer[i] >= 0 and event[i] >= 0 and node_of[event[i]] >= 0:
            start[customer[i] + 1] += 1
    for c in range(customers):
        start[c + 1] += start[c]
    fill = start[:-1].copy()
    times = np.empty(start[customers], np.int64)
    steps = np.empty(start[customers], np.int32)
    for i in range(customer.shape[0]):  # grouped by customer, file order kept within
        if customer[i] >= 0 and event[i] >= 0 and node_of[event[i]] >= 0:
            c = customer[i]
            times[fill[c]], steps[fill[c]] = time[i], node_of[event[i]]
            fill[c] += 1
    counts = np.zeros((nodes + 1, nodes + 1), np.int64)
    repeats = after = 0
    for c in range(customers):
        a, b = start[c], start[c + 1]
        _sort_stable(times, steps, a, b)
        previous, ended = nodes, False
        for j in range(a, b):
            if ended:
                after += 1
                continue
            step = steps[j]
            if step == previous:
                repeats += 1
            else:
                counts[previous, step] += 1
            ended, previous = is_outcome[step], step
        if b > a and not ended:
            counts[previous, nodes] += 1
    return counts, repeats, after
