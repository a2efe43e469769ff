"""Reachability over a graph held as CSR arrays, for the flow rules (``flow.py``).

A journey is wide and shallow (stages of many touchpoints: the 100,000-touchpoint benchmark
journey is ~100 levels of ~1,000 nodes), so the walk goes breadth-first one level at a time,
each level a few array passes. A long chain of single touchpoints would cost one array pass
per node, more than Python's loop: after ``_NARROW_LEVELS`` narrow levels the walk hands the
rest over to a node-by-node walk. Either way each node and edge is visited once. (scipy's
csgraph does this in C, but loading scipy costs more than the walk: ~0.2 s.)"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Csr = tuple[NDArray[np.int64], NDArray[np.int64]]

_NARROW = 64  # a level of fewer nodes is narrow: its array passes cost more than its nodes
_NARROW_LEVELS = 256  # narrow levels walked with array passes before the node-by-node walk


def csr(a: NDArray[np.int64], b: NDArray[np.int64], size: int) -> Csr:
    """Edges ``a[i] -> b[i]`` as CSR arrays: ``targets[offsets[u]:offsets[u+1]]`` leave u.

    >>> offsets, targets = csr(np.array([2, 0, 0]), np.array([1, 2, 1]), 3)
    >>> offsets.tolist(), targets.tolist()
    ([0, 2, 2, 3], [2, 1, 1])
    """
    offsets = np.zeros(size + 1, np.int64)
    np.cumsum(np.bincount(a, minlength=size), out=offsets[1:])
    return offsets, b[np.argsort(a, kind="stable")]


def reachable(starts: NDArray[np.int64], graph: Csr) -> NDArray[np.bool_]:
    """Per node: whether a path along ``graph`` leads to it from one of ``starts``.

    >>> graph = csr(np.array([0, 1, 3]), np.array([1, 2, 0]), 4)
    >>> reachable(np.array([0]), graph).tolist(), reachable(np.array([3]), graph).tolist()
    ([True, True, True, False], [True, True, True, True])
    """
    offsets, targets = graph
    seen = np.zeros(len(offsets) - 1, bool)
    frontier = _distinct(starts)
    seen[frontier] = True
    narrow = 0
    while len(frontier):
        narrow += len(frontier) < _NARROW
        if narrow > _NARROW_LEVELS:  # every seen node not in the frontier has been expanded
            return np.array(_walk(frontier.tolist(), offsets.tolist(), targets.tolist(), seen.tolist()))
        first = offsets[frontier]
        counts = offsets[frontier + 1] - first
        # the positions of every edge leaving the level: first[u] + 0..counts[u]-1 for each u
        starts_at = np.repeat(first - np.cumsum(counts) + counts, counts)
        following = targets[starts_at + np.arange(len(starts_at))]
        frontier = _distinct(following[~seen[following]])
        seen[frontier] = True
    return seen


def _distinct(values: NDArray[np.int64]) -> NDArray[np.int64]:
    """The distinct values, sorted: ``np.unique`` without its check for masked arrays, which
    imports ``numpy.ma`` (~15 ms of a command that reads one small journey).

    >>> _distinct(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    ordered = np.sort(values)
    keep = np.ones(len(ordered), bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def _walk(stack: list[int], offsets: list[int], targets: list[int], seen: list[bool]) -> list[bool]:
    """Depth-first from the nodes on ``stack`` (already ``seen``), marking what they reach."""
    while stack:
        u = stack.pop()
        for nxt in targets[offsets[u] : offsets[u + 1]]:
            if not seen[nxt]:
                seen[nxt] = True
                stack.append(nxt)
    return seen
