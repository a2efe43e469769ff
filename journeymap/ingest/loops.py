"""The per-event loops of the ordered pass (``journeymap.ingest.sequences``).

Plain Python over numpy arrays; ``compiled()`` gives numba's compiled copies
(cached on disk beside this file), which ``sequences`` uses for big logs — as
``journeymap.engine.jit`` does for the path search, a small log never imports
numba. Each loop does in one pass what would otherwise take several whole-array
numpy passes and their temporaries (at 10 M events each such pass costs tens
of milliseconds and 10–80 MB); the rest of the pass is whole-array numpy.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

NO_TIME = np.iinfo(np.int64).min  # "no such event" in the time arrays
LOW_BITS = (1 << 32) - 1
_LOCK = threading.Lock()
_COMPILED: dict[str, Any] = {}


def customers_and_drops(
    first: np.ndarray, node: np.ndarray, touchpoints: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each event's customer number and whether it comes after its customer's first outcome.

    Parameters
    ----------
    first : numpy.ndarray
        True at each customer's first event (events sorted by customer).
    node : numpy.ndarray
        Node codes (outcomes above ``touchpoints``).
    touchpoints : int
        The last touchpoint code.

    Returns
    -------
    tuple of numpy.ndarray
        ``customer`` (int32, 0 ..) and ``dropped`` (bool).

    Examples
    --------
    >>> first = np.array([True, False, False, True, False]); node = np.array([1, 3, 2, 3, 1])
    >>> [a.tolist() for a in customers_and_drops(first, node, 2)]
    [[0, 0, 0, 1, 1], [False, False, True, False, True]]
    """
    n = len(node)
    customer = np.empty(n, np.int32)
    dropped = np.zeros(n, np.bool_)
    c, ended = -1, False
    for i in range(n):
        if first[i]:
            c += 1
            ended = False
        customer[i] = c
        dropped[i] = ended
        if node[i] > touchpoints:
            ended = True
    return customer, dropped


def visit_pass(
    first: np.ndarray,
    ids: np.ndarray,
    dropped: np.ndarray,
    node: np.ndarray,
    t: np.ndarray,
    states: int,
    window_of: np.ndarray,
    group: np.ndarray,
    groups: int,
    touchpoints: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Visit counts per group and the timed moves, in one pass over the sorted events.

    ``timing.follow_sql``'s windows ``PARTITION BY c, node, dropped``, run over each
    customer's events at the same node (``ids``) and ``dropped`` flag. A visit begins
    at a customer's first event or where the node changes; it is a repeat contact when
    it begins within ``window_of[node]`` (microseconds, negative: no window) after the
    last earlier event that left the node. A *timed move* is an event before the
    outcome (not ``dropped``) at a touchpoint whose customer's next event is at another
    node: its time to that event (``dt``) and its dwell (from when its visit began to
    that event) are what the timing measures.

    Parameters
    ----------
    first : numpy.ndarray
        True at each customer's first event.
    ids : numpy.ndarray
        Each event's node number (0 .. ``states`` - 1).
    dropped : numpy.ndarray
        True for events after the customer's first outcome.
    node : numpy.ndarray
        Each event's node code (outcomes above ``touchpoints``), which picks its window.
    t : numpy.ndarray
        Times in microseconds (sorted within each customer).
    states : int
        How many node numbers there are.
    window_of : numpy.ndarray
        The repeat-contact window of each node code (negative: none).
    group : numpy.ndarray
        The group each event not ``dropped`` counts in (0 .. ``groups`` - 1).
    groups : int
        How many groups there are.
    touchpoints : int
        The last touchpoint code.

    Returns
    -------
    tuple of numpy.ndarray
        ``counts`` (``groups`` x 4: visits begun, first visits, second visits, repeat
        contacts), ``timed`` (bool per event: a timed move), and per timed move in
        order: ``dt``, ``dwell`` (int64) and its group (int32).

    Examples
    --------
    >>> first = np.array([True, False, False, False]); ids = np.array([0, 0, 1, 0])
    >>> flags = np.zeros(4, bool); t = np.array([1, 2, 5, 9]); node = ids + 1
    >>> counts, timed, dt, dwell, where = visit_pass(
    ...     first, ids, flags, node, t, 2, np.array([-1, 10, 10]), ids, 2, 2)
    >>> counts.tolist(), timed.tolist(), dt.tolist(), dwell.tolist(), where.tolist()
    ([[2, 1, 1, 1], [1, 1, 0, 0]], [False, True, True, False], [3, 4], [4, 4], [0, 1])
    """
    n = len(ids)
    counts = np.zeros((groups, 4), np.int64)
    timed = np.zeros(n, np.bool_)
    dt = np.empty(n, np.int64)
    dwell = np.empty(n, np.int64)
    where = np.empty(n, np.int32)
    count = np.zeros(2 * states, np.int32)
    left = np.full(2 * states, NO_TIME, np.int64)
    began = np.full(2 * states, NO_TIME, np.int64)
    touched = np.zeros(n, np.int64)
    m, moves = 0, 0
    for i in range(n):
        if first[i]:
            for j in range(m):
                k = touched[j]
                count[k] = 0
                left[k] = NO_TIME
                began[k] = NO_TIME
            m = 0
        k = 2 * ids[i] + (1 if dropped[i] else 0)
        touched[m] = k
        m += 1
        last = i + 1 == n or first[i + 1]
        leaves = last or ids[i + 1] != ids[i]
        if first[i] or ids[i] != ids[i - 1]:
            count[k] += 1
            began[k] = t[i]
            if not dropped[i]:
                g = group[i]
                counts[g, 0] += 1
                if count[k] <= 2:
                    counts[g, count[k]] += 1
                window = window_of[node[i]]
                if left[k] != NO_TIME and window >= 0 and t[i] - left[k] <= window:
                    counts[g, 3] += 1
        if leaves:
            left[k] = t[i]
            if not last and not dropped[i] and node[i] <= touchpoints:
                timed[i] = True
                dt[moves] = t[i + 1] - t[i]
                dwell[moves] = t[i + 1] - began[k]
                where[moves] = group[i]
                moves += 1
    return counts, timed, dt[:moves], dwell[:moves], where[:moves]


def state_keys(first: np.ndarray, node: np.ndarray, touchpoints: int, base: int, order: int) -> np.ndarray:
    """Each event's order-``order`` state key, as ``order.state_node_sql`` keys it.

    A touchpoint event's key is its node code plus the codes of the ``order - 1``
    visits before it (any node, outcomes too) as digits in ``base``, the most
    recent lowest; an outcome event's key is its code.

    Parameters
    ----------
    first : numpy.ndarray
        True at each customer's first event.
    node : numpy.ndarray
        Node codes (outcomes above ``touchpoints``).
    touchpoints : int
        The last touchpoint code.
    base : int
        One more than the number of codes.
    order : int
        K, the touchpoints a state remembers.

    Returns
    -------
    numpy.ndarray
        The keys (int64).

    Examples
    --------
    >>> first = np.array([True, False, False, False, True]); node = np.array([1, 2, 2, 3, 2])
    >>> state_keys(first, node, 2, 4, 2).tolist()  # 2 after 1: 2 + 1 * 4
    [1, 6, 6, 3, 2]
    """
    keys = np.empty(len(node), np.int64)
    history = np.zeros(order, np.int64)
    weight = np.ones(order, np.int64)
    for j in range(1, order):
        weight[j] = weight[j - 1] * base
    key = 0
    for i in range(len(node)):
        if first[i]:
            history[:] = 0
        if first[i] or node[i] != node[i - 1]:
            for j in range(order - 1, 0, -1):
                history[j] = history[j - 1]
            history[0] = node[i]
            key = 0
            for j in range(order):
                key += history[j] * weight[j]
        keys[i] = node[i] if node[i] > touchpoints else key
    return keys


def walk_arrays(
    first: np.ndarray,
    node: np.ndarray,
    dropped: np.ndarray,
    touchpoints: int,
    default_code: int,
    customers: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each customer's walk as ``walks.build_variants`` defines it, in one pass over the sorted events.

    The walk keeps the events before the first outcome and that outcome, repeats
    of one node collapsed, and ends in ``default_code`` when no outcome came.

    Parameters
    ----------
    first : numpy.ndarray
        True at each customer's first event.
    node : numpy.ndarray
        Node codes (outcomes above ``touchpoints``).
    dropped : numpy.ndarray
        True for events after the customer's first outcome.
    touchpoints : int
        The last touchpoint code.
    default_code : int
        The code of the outcome a walk without one ends in.
    customers : int
        How many customers there are.

    Returns
    -------
    tuple of numpy.ndarray
        The walks' node codes one after another (int32), each customer's offset into
        them (``customers + 1``), the events after the outcome and the repeats collapsed.

    Examples
    --------
    >>> first = np.array([True, False, False, False, False, True])
    >>> node = np.array([1, 2, 2, 3, 1, 2]); dropped = np.array([False, False, False, False, True, False])
    >>> [a.tolist() for a in walk_arrays(first, node, dropped, 2, 4, 2)]
    [[1, 2, 3, 2, 4], [0, 3, 5], [1, 0], [1, 0]]
    """
    values = np.empty(len(node) + customers, np.int32)
    offsets = np.zeros(customers + 1, np.int64)
    after = np.zeros(customers, np.int64)
    repeats = np.zeros(customers, np.int64)
    c, at, ended = -1, 0, True
    for i in range(len(node)):
        if first[i]:
            if c >= 0 and not ended:
                values[at] = default_code
                at += 1
            c += 1
            offsets[c] = at
            ended = False
        if dropped[i]:
            after[c] += 1
        elif not first[i] and node[i] == node[i - 1]:
            repeats[c] += 1
        else:
            values[at] = node[i]
            at += 1
            ended = node[i] > touchpoints
    if c >= 0 and not ended:
        values[at] = default_code
        at += 1
    offsets[customers] = at
    return values[:at], offsets, after, repeats


def grouped(group: np.ndarray, values: np.ndarray, groups: int, ordered: np.ndarray) -> np.ndarray:
    """``values`` ordered by group into ``ordered`` (a counting sort, stable); returns where each
    group begins.

    Parameters
    ----------
    group : numpy.ndarray
        Each value's group (0 .. ``groups`` - 1).
    values : numpy.ndarray
        Integers.
    groups : int
        How many groups there are.
    ordered : numpy.ndarray
        Where the values go, by group (int64, at least as long as ``values``).

    Returns
    -------
    numpy.ndarray
        ``groups + 1`` offsets into ``ordered``.

    Examples
    --------
    >>> ordered = np.empty(4, np.int64)
    >>> grouped(np.array([1, 0, 1, 0]), np.array([5, 6, 7, 8]), 3, ordered).tolist(), ordered.tolist()
    ([0, 2, 4, 4], [6, 8, 5, 7])
    """
    begin = np.zeros(groups + 1, np.int64)
    for g in group:
        begin[g + 1] += 1
    for g in range(groups):
        begin[g + 1] += begin[g]
    at = begin[:groups].copy()
    for i in range(len(values)):
        ordered[at[group[i]]] = values[i]
        at[group[i]] += 1
    return begin


def group_stats(
    group: np.ndarray, values: np.ndarray, groups: int, loop: Any = grouped, buffer: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Count, median and 90th percentile (exact, as ``quantile_cont``) and exact sum of values by group.

    ``values`` are non-negative integers; the sum comes as two int64 halves (``high``
    counts units of 2**32) so no group overflows. ``loop`` is ``grouped`` or its
    compiled copy; the order statistics come from numpy's ``partition`` (linear time).

    Parameters
    ----------
    group : numpy.ndarray
        Each value's group (0 .. ``groups`` - 1).
    values : numpy.ndarray
        Non-negative integers.
    groups : int
        How many groups there are.
    loop : callable
        ``grouped`` or its compiled copy.
    buffer : numpy.ndarray, optional
        int64 scratch space at least as long as ``values`` (reused across calls: at 10 M
        events a fresh one costs more to map than to fill); its contents are overwritten.

    Returns
    -------
    tuple of numpy.ndarray
        Counts, ``(groups, 2)`` medians and 90th percentiles (NaN for an empty group),
        and the sums' high and low halves.

    Examples
    --------
    >>> counts, quantiles, high, low = group_stats(np.array([0, 1, 0, 0]), np.array([4, 7, 1, 10]), 2)
    >>> counts.tolist(), quantiles.tolist(), low.tolist()
    ([3, 1], [[4.0, 8.8], [7.0, 7.0]], [15, 7])
    """
    if buffer is None or len(buffer) < len(values):
        buffer = np.empty(len(values), np.int64)
    ordered = buffer[: len(values)]  # partitioned in place below
    begin = loop(group, values, groups, ordered)
    counts = np.diff(begin)
    quantiles = np.full((groups, 2), np.nan)
    high = np.zeros(groups, np.int64)
    low = np.zeros(groups, np.int64)
    for g in np.flatnonzero(counts).tolist():
        part = ordered[begin[g] : begin[g + 1]]
        high[g], low[g] = (part >> 32).sum(), (part & LOW_BITS).sum()
        ranks = [q * (len(part) - 1) for q in (0.5, 0.9)]
        around = sorted({min(int(r) + step, len(part) - 1) for r in ranks for step in (0, 1)})
        part.partition(around)  # in place: ``ordered`` is scratch space
        for j, rank in enumerate(ranks):
            below = int(rank)
            lo = float(part[below])
            hi = float(part[min(below + 1, len(part) - 1)])
            quantiles[g, j] = lo + (hi - lo) * (rank - below)
    return counts, quantiles, high, low


LOOPS = (customers_and_drops, visit_pass, grouped, state_keys, walk_arrays)


def plain() -> dict[str, Any]:
    """The loops as plain Python (for a small log, where loading numba costs more than it saves).

    Returns
    -------
    dict
        Function name -> function (each loop of this module).

    Examples
    --------
    >>> plain()["grouped"] is grouped
    True
    """
    return {f.__name__: f for f in LOOPS}


def compiled() -> dict[str, Any]:
    """The loops compiled by numba (loaded from the on-disk cache after the first time).

    Returns
    -------
    dict
        Function name -> compiled function (each loop of this module).

    Examples
    --------
    >>> sorted(compiled())
    ['customers_and_drops', 'grouped', 'state_keys', 'visit_pass', 'walk_arrays']
    """
    with _LOCK:  # one set of compiled copies, whichever thread asks first
        if not _COMPILED:
            from numba import njit

            _COMPILED.update({f.__name__: njit(cache=True)(f) for f in LOOPS})
        return _COMPILED


def needs_compiling() -> bool:
    """Whether using ``compiled()`` will compile machine code: some loop is neither loaded in
    this process nor cached on disk by numba (the first big ingest on a machine, or after an
    upgrade; a few seconds). Imports numba.

    Returns
    -------
    bool
        True when a loop has no machine code to load.

    Examples
    --------
    >>> loops = compiled()
    >>> _ = loops["grouped"](np.zeros(1, np.int64), np.zeros(1, np.int64), 1, np.zeros(1, np.int64))
    >>> isinstance(needs_compiling(), bool)
    True
    """
    from journeymap.engine.numba_cache import will_compile

    return any(will_compile(loop) for loop in compiled().values())
