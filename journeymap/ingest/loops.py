"""The two per-event loops of the ordered pass (``journeymap.ingest.sequences``).

Plain Python over numpy arrays; ``compiled()`` gives numba's compiled copies
(cached on disk beside this file), which ``sequences`` uses for big logs — as
``journeymap.engine.jit`` does for the path search, a small log never imports
numba. Everything else in the pass is whole-array numpy.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

NO_TIME = np.iinfo(np.int64).min  # "no such event" in the time arrays
LOW_BITS = (1 << 32) - 1
_LOCK = threading.Lock()
_COMPILED: dict[str, Any] = {}


def visit_marks(
    first: np.ndarray,
    ids: np.ndarray,
    dropped: np.ndarray,
    starts: np.ndarray,
    leaves: np.ndarray,
    t: np.ndarray,
    states: int,
    window: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per event, running over its customer's events at the same node (and ``dropped`` flag):
    the visit number, whether it begins a repeat contact, when its visit began.

    ``timing.follow_sql``'s windows ``PARTITION BY c, node, dropped``: ``visit_no``
    counts the visits begun so far (this one included); ``repeat`` is true for an
    event that begins a visit within ``window[i]`` (microseconds, negative: no
    window) after the last earlier event that left the node; ``arrived`` is when the
    current visit began (``NO_TIME``: none yet). Events are sorted by customer, then time.

    Parameters
    ----------
    first : numpy.ndarray
        True at each customer's first event.
    ids : numpy.ndarray
        Each event's node number (0 .. ``states`` - 1).
    dropped : numpy.ndarray
        True for events after the customer's first outcome.
    starts : numpy.ndarray
        True where an event begins a visit.
    leaves : numpy.ndarray
        True where the next event is at another node (or there is none).
    t : numpy.ndarray
        Times in microseconds.
    states : int
        How many node numbers there are.
    window : numpy.ndarray
        Each event's repeat-contact window in microseconds (negative: none).

    Returns
    -------
    tuple of numpy.ndarray
        ``visit_no`` (int32), ``repeat`` (bool), ``arrived`` (int64).

    Examples
    --------
    >>> first = np.array([True, False, False, False]); ids = np.array([0, 0, 1, 0])
    >>> flags = np.zeros(4, bool); t = np.array([1, 2, 5, 9]); window = np.full(4, 10)
    >>> starts = np.array([True, False, True, True]); leaves = np.array([False, True, True, True])
    >>> visit_no, repeat, arrived = visit_marks(first, ids, flags, starts, leaves, t, 2, window)
    >>> visit_no.tolist(), repeat.tolist(), arrived.tolist()
    ([1, 1, 1, 2], [False, False, False, True], [1, 1, 5, 9])
    """
    n = len(ids)
    visit_no = np.zeros(n, np.int32)
    repeat = np.zeros(n, np.bool_)
    arrived = np.full(n, NO_TIME, np.int64)
    count = np.zeros(2 * states, np.int32)
    left = np.full(2 * states, NO_TIME, np.int64)
    began = np.full(2 * states, NO_TIME, np.int64)
    touched = np.zeros(n, np.int64)
    m = 0
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
        if starts[i]:
            count[k] += 1
            began[k] = t[i]
            repeat[i] = left[k] != NO_TIME and window[i] >= 0 and t[i] - left[k] <= window[i]
        visit_no[i] = count[k]
        arrived[i] = began[k]
        if leaves[i]:
            left[k] = t[i]
    return visit_no, repeat, arrived


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


def grouped(group: np.ndarray, values: np.ndarray, groups: int) -> tuple[np.ndarray, np.ndarray]:
    """``values`` ordered by group (a counting sort, stable), and where each group begins.

    Parameters
    ----------
    group : numpy.ndarray
        Each value's group (0 .. ``groups`` - 1).
    values : numpy.ndarray
        Integers.
    groups : int
        How many groups there are.

    Returns
    -------
    tuple of numpy.ndarray
        The values by group (int64), and ``groups + 1`` offsets.

    Examples
    --------
    >>> ordered, begin = grouped(np.array([1, 0, 1, 0]), np.array([5, 6, 7, 8]), 3)
    >>> ordered.tolist(), begin.tolist()
    ([6, 8, 5, 7], [0, 2, 4, 4])
    """
    begin = np.zeros(groups + 1, np.int64)
    for g in group:
        begin[g + 1] += 1
    for g in range(groups):
        begin[g + 1] += begin[g]
    ordered = np.empty(len(values), np.int64)
    at = begin[:groups].copy()
    for i in range(len(values)):
        ordered[at[group[i]]] = values[i]
        at[group[i]] += 1
    return ordered, begin


def group_stats(
    group: np.ndarray, values: np.ndarray, groups: int, loop: Any = grouped
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
    ordered, begin = loop(group, values, groups)
    counts = np.diff(begin)
    quantiles = np.full((groups, 2), np.nan)
    high = np.zeros(groups, np.int64)
    low = np.zeros(groups, np.int64)
    for g in np.flatnonzero(counts).tolist():
        part = ordered[begin[g] : begin[g + 1]]
        high[g], low[g] = (part >> 32).sum(), (part & LOW_BITS).sum()
        ranks = [q * (len(part) - 1) for q in (0.5, 0.9)]
        around = sorted({min(int(r) + step, len(part) - 1) for r in ranks for step in (0, 1)})
        part.partition(around)  # in place: ``ordered`` is this function's own buffer
        for j, rank in enumerate(ranks):
            below = int(rank)
            lo = float(part[below])
            hi = float(part[min(below + 1, len(part) - 1)])
            quantiles[g, j] = lo + (hi - lo) * (rank - below)
    return counts, quantiles, high, low


def compiled() -> dict[str, Any]:
    """The loops compiled by numba (loaded from the on-disk cache after the first time).

    Returns
    -------
    dict
        Function name -> compiled function (each loop of this module).

    Examples
    --------
    >>> sorted(compiled())
    ['grouped', 'state_keys', 'visit_marks', 'walk_arrays']
    """
    with _LOCK:  # one set of compiled copies, whichever thread asks first
        if not _COMPILED:
            from numba import njit

            _COMPILED.update(
                {f.__name__: njit(cache=True)(f) for f in (visit_marks, grouped, state_keys, walk_arrays)}
            )
        return _COMPILED
