"""Compiled loops of the in-memory event-log reader (numba).

Two ways in, one way through. A plain CSV (ASCII, no quoting, integer times)
is parsed straight from its bytes (``parse_plain``); for any other file
pyarrow parses, its text columns go through ``code_strings`` and
``hash_strings``. Either way each row ends up with its customer's hash and
key (the customer's bytes when up to 7, else where they are), its event's code
and its time. ``histogram`` and ``scatter`` then split the rows by hash into
buckets small enough for the cache, file order kept, and ``follow_buckets``
tells the customers of each bucket apart and follows each customer's events
in (time, file row) order, counting transitions. No sort of the whole file
and no table of all customers: both cost a cache miss on every row.

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
SPAN_BITS = 24  # a span is (start << SPAN_BITS) | length
MAX_DIGITS = 18  # longer integer times are left to pyarrow
# The plain parser's byte classes. Refused: control characters (\r only as the
# first half of a \r\n line end), anything not ASCII (pyarrow checks UTF-8),
# quote and escape marks, and the other delimiters DuckDB's sniffer tries.
TEXT, FIELD_END, LINE_END, REFUSED, RETURN = 0, 1, 2, 3, 4
CLASSES = np.full(256, TEXT, np.uint8)
CLASSES[:32] = CLASSES[127:] = REFUSED
CLASSES[list(b"\"'\\;|")] = REFUSED
CLASSES[ord(",")], CLASSES[ord("\n")], CLASSES[ord("\r")] = FIELD_END, LINE_END, RETURN
OK, BAD_BYTE, BAD_FIELDS, BAD_TIME, LONG_TEXT = 0, 1, 2, 3, 4  # parse_plain's answers

BYTES = nt.Array(nt.uint8, 1, "C", readonly=True)
OFFSETS = nt.Array(nt.int32, 1, "C", readonly=True)
HASHES = nt.Array(nt.uint64, 1, "C")
INTS = nt.Array(nt.int64, 1, "C")
CODES = nt.Array(nt.int32, 1, "C")
STRINGS = nt.Tuple((INTS, nt.Array(nt.uint8, 1, "C")))  # type: ignore[no-untyped-call]
PARSED = nt.Tuple((nt.int64, INTS, nt.Array(nt.uint8, 1, "C")))  # type: ignore[no-untyped-call]
FOLLOWED = nt.Tuple((nt.Array(nt.int64, 2, "C"), nt.int64, nt.int64, nt.boolean))  # type: ignore[no-untyped-call]
Table = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@nb.njit(cache=True, nogil=True, inline="always")
def _hash(data: np.ndarray, a: int, b: int) -> np.uint64:  # pragma: no cover
    h = FNV_OFFSET
    for j in range(a, b):
        h = (h ^ np.uint64(data[j])) * FNV_PRIME
    return h


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
def _key(data: np.ndarray, a: int, b: int) -> int:  # pragma: no cover
    """A customer's key: its short key (>= 0) or, when longer, -1 - its span (where its bytes are)."""
    short = _short(data, a, b)
    return short if short != LONG else -1 - int((np.int64(a) << SPAN_BITS) | (b - a))


@nb.njit(cache=True, nogil=True, inline="always")
def _equal(data: np.ndarray, a: int, b: int, other: np.ndarray, c: int) -> bool:  # pragma: no cover
    """Whether ``data[a:b]`` equals the bytes of ``other`` from ``c``."""
    for k in range(b - a):  # noqa: SIM110 (a loop numba compiles)
        if data[a + k] != other[c + k]:
            return False
    return True


@nb.njit(cache=True, nogil=True)
def _new_table() -> Table:  # pragma: no cover
    """An empty string table: slots, then by code: hash, short key, start of its bytes; the bytes."""
    return (
        np.full(2 * 64, -1, np.int64),
        np.empty(32, np.uint64),
        np.empty(32, np.int64),
        np.zeros(33, np.int64),
        np.empty(256, np.uint8),
    )


@nb.njit(cache=True, nogil=True, inline="always")
def _find(
    table: Table, data: np.ndarray, a: int, b: int, h: np.uint64, short: int
) -> int:  # pragma: no cover
    """The code of ``data[a:b]`` in a string table, or ``-1 - slot`` for the free slot where it goes.

    A slot holds (hash bits << 32) | code, then the short key, so that finding
    a string of up to 7 bytes reads one cache line.
    """
    slots, starts, keys = table[0], table[3], table[4]
    mask = slots.shape[0] // 2 - 1
    tag = np.int64(h >> np.uint64(33))
    slot = np.int64(h & np.uint64(mask))
    while True:
        held = slots[2 * slot]
        if held < 0:
            return -1 - int(slot)
        if held >> 32 == tag:
            code = held & 0xFFFFFFFF
            if short != LONG:
                if short == slots[2 * slot + 1]:
                    return int(code)
            elif starts[code + 1] - starts[code] == b - a and _equal(data, a, b, keys, starts[code]):
                return int(code)
        slot = (slot + 1) & mask


@nb.njit(cache=True, nogil=True)
def _add(
    table: Table, count: int, slot: int, data: np.ndarray, a: int, b: int, h: np.uint64, short: int
) -> Table:  # pragma: no cover
    """The table with ``data[a:b]`` added as code ``count`` in its free ``slot`` (grown when needed)."""
    slots, hashes, shorts, starts, keys = table
    if count == hashes.shape[0]:
        hashes = np.concatenate((hashes, np.empty(count, np.uint64)))
        shorts = np.concatenate((shorts, np.empty(count, np.int64)))
        starts = np.concatenate((starts, np.empty(count, np.int64)))
    start = starts[count]
    while start + b - a > keys.shape[0]:
        keys = np.concatenate((keys, np.empty(keys.shape[0], np.uint8)))
    keys[start : start + b - a] = data[a:b]
    starts[count + 1], hashes[count], shorts[count] = start + b - a, h, short
    slots[2 * slot], slots[2 * slot + 1] = (np.int64(h >> np.uint64(33)) << 32) | count, short
    if 4 * (count + 1) > slots.shape[0]:  # over half the slots taken: twice as many
        size = slots.shape[0]
        mask = size - 1
        slots = np.full(2 * size, -1, np.int64)
        for code in range(count + 1):
            at = np.int64(hashes[code] & np.uint64(mask))
            while slots[2 * at] >= 0:
                at = (at + 1) & mask
            slots[2 * at] = (np.int64(hashes[code] >> np.uint64(33)) << 32) | code
            slots[2 * at + 1] = shorts[code]
    return slots, hashes, shorts, starts, keys


@nb.njit(cache=True, nogil=True, inline="always")
def _code(
    table: Table, count: int, data: np.ndarray, a: int, b: int
) -> tuple[int, Table]:  # pragma: no cover
    """The code of ``data[a:b]`` (``count`` if new, then added) and the table."""
    h, short = _hash(data, a, b), _short(data, a, b)
    code = _find(table, data, a, b, h, short)
    if code >= 0:
        return code, table
    return count, _add(table, count, -1 - code, data, a, b, h, short)


@nb.njit(cache=True, nogil=True)
def _distinct(table: Table, count: int) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
    starts = table[3]
    return starts[: count + 1].copy(), table[4][: starts[count]].copy()


@nb.njit(STRINGS(OFFSETS, BYTES, CODES), cache=True, nogil=True)
def code_strings(
    offsets: np.ndarray, data: np.ndarray, codes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
    """Codes of the strings in Arrow's layout (offsets, bytes) into ``codes``, by first appearance.

    Returns the distinct strings in Arrow's layout (starts, bytes).
    """
    table = _new_table()
    count = 0
    for i in range(offsets.shape[0] - 1):
        code, table = _code(table, count, data, offsets[i], offsets[i + 1])
        count += code == count
        codes[i] = code
    return _distinct(table, count)


@nb.njit(nt.boolean(OFFSETS, BYTES, nt.int64, nt.int64, HASHES, INTS), cache=True, nogil=True)
def hash_strings(
    offsets: np.ndarray, data: np.ndarray, lo: int, hi: int, hashes: np.ndarray, keys: np.ndarray
) -> bool:  # pragma: no cover
    """Hashes and keys (``_key``) of strings ``lo:hi`` in Arrow's layout; False if one is too long."""
    for i in range(lo, hi):
        a, b = offsets[i], offsets[i + 1]
        if b - a >= 1 << SPAN_BITS:
            return False
        hashes[i], keys[i] = _hash(data, a, b), _key(data, a, b)
    return True


@nb.njit(nt.int64(BYTES, nt.int64), cache=True, nogil=True)
def line_start(data: np.ndarray, at: int) -> int:  # pragma: no cover
    """The start of the first line at or after byte ``at`` (the end of the data if none)."""
    if at == 0:
        return 0
    for i in range(at - 1, data.shape[0]):
        if data[i] == 10:
            return i + 1
    return int(data.shape[0])


@nb.njit(nt.int64(BYTES, nt.int64, nt.int64), cache=True, nogil=True)
def lines(data: np.ndarray, lo: int, hi: int) -> int:  # pragma: no cover
    """The lines in ``data[lo:hi]``, the last one counted whether or not a newline ends it."""
    n = 0
    for i in range(lo, hi):
        n += data[i] == 10
    return n + (hi > lo and data[hi - 1] != 10)


@nb.njit(
    PARSED(BYTES, nt.int64, nt.int64, nt.int64, nt.int64, INTS, HASHES, INTS, CODES, INTS),
    cache=True,
    nogil=True,
)
def parse_plain(
    data: np.ndarray,
    lo: int,
    hi: int,
    row: int,
    fields: int,
    columns: np.ndarray,
    hashes: np.ndarray,
    keys: np.ndarray,
    events: np.ndarray,
    times: np.ndarray,
) -> tuple[int, np.ndarray, np.ndarray]:  # pragma: no cover
    """Parse the lines of ``data[lo:hi]`` as rows ``row``, ``row + 1`` ...: an answer and the event names.

    Each line must have ``fields`` fields; ``columns`` gives the customer's,
    the event's and the time's. The customer gets its hash and key, the event
    a code (by first appearance here; the distinct names come back in Arrow's
    layout), the time its integer: ``-`` and up to 18 digits. Any byte outside
    the plain classes (``CLASSES``), another number of fields or another time
    stops the parse; the answer (``OK`` ...) says why.
    """
    customer, event, time = columns[0], columns[1], columns[2]
    table = _new_table()
    count = 0
    i = lo
    while i < hi:
        field, start = 0, i
        ca = cb = ea = eb = ta = tb = i
        while True:
            kind = CLASSES[data[i]] if i < hi else LINE_END
            if kind == TEXT:
                i += 1
                continue
            if kind == RETURN:
                if i + 1 == hi or data[i + 1] != 10:  # a \r not ending a line
                    return BAD_BYTE, np.zeros(1, np.int64), np.empty(0, np.uint8)
                kind = LINE_END
            elif kind == REFUSED:
                return BAD_BYTE, np.zeros(1, np.int64), np.empty(0, np.uint8)
            if field == customer:
                ca, cb = start, i
            elif field == event:
                ea, eb = start, i
            elif field == time:
                ta, tb = start, i
            field += 1
            if i < hi and data[i] == 13:  # a \r\n line end: two bytes
                i += 1
            i += 1
            start = i
            if kind == LINE_END:
                break
        if field != fields:
            return BAD_FIELDS, np.zeros(1, np.int64), np.empty(0, np.uint8)
        if cb - ca >= 1 << SPAN_BITS:
            return LONG_TEXT, np.zeros(1, np.int64), np.empty(0, np.uint8)
        negative = ta < tb and data[ta] == 45  # "-"
        if negative:
            ta += 1
        if ta == tb or tb - ta > MAX_DIGITS:
            return BAD_TIME, np.zeros(1, np.int64), np.empty(0, np.uint8)
        value = 0
        for j in range(ta, tb):
            digit = int(data[j]) - 48
            if digit < 0 or digit > 9:
                return BAD_TIME, np.zeros(1, np.int64), np.empty(0, np.uint8)
            value = 10 * value + digit
        code, table = _code(table, count, data, ea, eb)
        count += code == count
        hashes[row], keys[row], events[row] = _hash(data, ca, cb), _key(data, ca, cb), code
        times[row] = -value if negative else value
        row += 1
    starts, names = _distinct(table, count)
    return OK, starts, names


@nb.njit(nt.void(HASHES, nt.int64, nt.int64, nt.int64, INTS), cache=True, nogil=True)
def histogram(
    hashes: np.ndarray, lo: int, hi: int, shift: int, counts: np.ndarray
) -> None:  # pragma: no cover
    """Add the rows ``lo:hi`` of each bucket (a hash's top bits: ``hash >> shift``) to ``counts``."""
    for i in range(lo, hi):
        counts[hashes[i] >> np.uint64(shift)] += 1


@nb.njit(
    nt.void(HASHES, INTS, CODES, INTS, nt.int64, nt.int64, nt.int64, CODES, INTS, HASHES, INTS, CODES, INTS),
    cache=True,
    nogil=True,
)
def scatter(
    hashes: np.ndarray,
    keys: np.ndarray,
    events: np.ndarray,
    times: np.ndarray,
    lo: int,
    hi: int,
    shift: int,
    node_of: np.ndarray,
    fill: np.ndarray,
    to_hashes: np.ndarray,
    to_keys: np.ndarray,
    to_nodes: np.ndarray,
    to_times: np.ndarray,
) -> None:  # pragma: no cover
    """Copy rows ``lo:hi`` to their buckets (each from its ``fill`` position on), events as node codes."""
    for i in range(lo, hi):
        bucket = hashes[i] >> np.uint64(shift)
        at = fill[bucket]
        fill[bucket] = at + 1
        to_hashes[at], to_keys[at], to_nodes[at], to_times[at] = (
            hashes[i],
            keys[i],
            node_of[events[i]],
            times[i],
        )


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


@nb.njit(cache=True, nogil=True, inline="always")
def _plain_text(data: np.ndarray, a: int, b: int) -> bool:  # pragma: no cover
    """Whether ``data[a:b]`` is non-empty, free of quote and escape marks, and untrimmed.

    "Untrimmed": no white space at either end, ASCII or Unicode (any first or
    last character that some trim function could remove).
    """
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
    return not _space(_code_point(data, last, b))


@nb.njit(nt.boolean(INTS, nt.Array(nt.uint8, 1, "C")), cache=True, nogil=True)
def plain(starts: np.ndarray, data: np.ndarray) -> bool:  # pragma: no cover
    """Whether all strings (Arrow's layout) are plain text (``_plain_text``)."""
    for r in range(starts.shape[0] - 1):  # noqa: SIM110 (a loop numba compiles)
        if not _plain_text(data, starts[r], starts[r + 1]):
            return False
    return True


@nb.njit(cache=True, nogil=True, inline="always")
def _plain_key(key: int, text: np.ndarray, scratch: np.ndarray) -> bool:  # pragma: no cover
    """Whether a customer's key (``_key``) stands for plain text (``_plain_text``)."""
    if key < 0:
        span = -1 - key
        a = span >> SPAN_BITS
        return _plain_text(text, a, a + (span & ((1 << SPAN_BITS) - 1)))
    length = key >> 56
    for k in range(length):
        scratch[k] = (key >> (8 * k)) & 0xFF
    return _plain_text(scratch, 0, length)


@nb.njit(cache=True, nogil=True, inline="always")
def _same_customer(key: int, other: int, text: np.ndarray) -> bool:  # pragma: no cover
    """Whether two keys (``_key``) stand for the same customer."""
    if key >= 0 or other >= 0:
        return key == other
    one, two = -1 - key, -1 - other
    length = one & ((1 << SPAN_BITS) - 1)
    if length != two & ((1 << SPAN_BITS) - 1):
        return False
    return _equal(text, one >> SPAN_BITS, (one >> SPAN_BITS) + length, text, two >> SPAN_BITS)


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


@nb.njit(
    FOLLOWED(HASHES, INTS, CODES, INTS, INTS, nt.int64, nt.int64, BYTES, nt.Array(nt.boolean, 1, "C")),
    cache=True,
    nogil=True,
)
def follow_buckets(
    hashes: np.ndarray,
    keys: np.ndarray,
    nodes: np.ndarray,
    times: np.ndarray,
    bounds: np.ndarray,
    first: int,
    last: int,
    text: np.ndarray,
    is_outcome: np.ndarray,
) -> tuple[np.ndarray, int, int, bool]:  # pragma: no cover
    """Transition counts of the customers of buckets ``first:last`` (rows ``bounds[b]:bounds[b + 1]``).

    Rows are in file order within a bucket. A customer is its hash and key
    (``_key``: the bytes of a longer one are in ``text``); ``nodes`` holds node
    codes (-1: not a node, skipped), ``times`` any numbers that order the rows
    as their times do. Returns the counts as a matrix whose last row is entry
    and last column the default outcome, the repeats collapsed (a node
    followed by itself), the events after a customer's first outcome
    (ignored), and whether every customer is plain text (``_plain_text``; if
    not, the counts are not complete).
    """
    count_nodes = is_outcome.shape[0]
    counts = np.zeros((count_nodes + 1, count_nodes + 1), np.int64)
    repeats = after = 0
    widest = 1
    for bucket in range(first, last):
        widest = max(widest, bounds[bucket + 1] - bounds[bucket])
    size = 2
    while size < 2 * widest:
        size *= 2
    slots = np.empty(size, np.int32)  # code + 1 of the customer in each slot, 0 when free
    first_row = np.empty(widest, np.int64)  # code -> the row that named it
    customer = np.empty(widest, np.int32)  # row in the bucket -> code
    start = np.empty(widest + 1, np.int64)
    order = np.empty(widest, np.int64)
    sorted_times = np.empty(widest, np.int64)
    steps = np.empty(widest, np.int32)
    scratch = np.empty(8, np.uint8)
    for bucket in range(first, last):
        lo, hi = bounds[bucket], bounds[bucket + 1]
        mask = 1
        while mask < 2 * (hi - lo):
            mask *= 2
        slots[:mask] = 0
        mask -= 1
        known = 0
        for i in range(lo, hi):
            h = hashes[i]
            slot = np.int64(h & np.uint64(mask))
            while True:
                held = slots[slot]
                if held == 0:
                    if not _plain_key(keys[i], text, scratch):
                        return counts, repeats, after, False
                    slots[slot] = known + 1
                    first_row[known] = i
                    customer[i - lo] = known
                    known += 1
                    break
                other = first_row[held - 1]
                if hashes[other] == h and _same_customer(keys[i], keys[other], text):
                    customer[i - lo] = held - 1
                    break
                slot = (slot + 1) & mask
        start[: known + 1] = 0
        for i in range(lo, hi):  # grouped by customer, file order kept within
            if nodes[i] >= 0:
                start[customer[i - lo] + 1] += 1
        for c in range(known):
            start[c + 1] += start[c]
        for i in range(lo, hi):
            if nodes[i] >= 0:
                c = customer[i - lo]
                order[start[c]] = i
                start[c] += 1
        for k in range(start[known - 1] if known else 0):
            sorted_times[k], steps[k] = times[order[k]], nodes[order[k]]
        a = 0
        for c in range(known):  # start[c] is now the end of customer c's rows
            b = start[c]
            _sort_stable(sorted_times, steps, a, b)
            previous, ended = count_nodes, False
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
                counts[previous, count_nodes] += 1
            a = b
    return counts, repeats, after, True
