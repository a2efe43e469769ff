"""Reachability for the flow rules: the level-by-level array walk and its hand-over to the
node-by-node walk agree with networkx on wide, narrow and mixed graphs."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from journeymap.model.reach import _NARROW, _NARROW_LEVELS, csr, reachable


def _oracle(edges: list[tuple[int, int]], size: int, starts: list[int]) -> list[bool]:
    g = nx.DiGraph()
    g.add_nodes_from(range(size))
    g.add_edges_from(edges)
    found = set(starts).union(*(nx.descendants(g, s) for s in starts))
    return [node in found for node in range(size)]


def _check(edges: list[tuple[int, int]], size: int, starts: list[int]) -> None:
    a = np.array([u for u, _ in edges], np.int64)
    b = np.array([v for _, v in edges], np.int64)
    got = reachable(np.array(starts, np.int64), csr(a, b, size))
    assert got.dtype == bool
    assert got.tolist() == _oracle(edges, size, starts)


@pytest.mark.parametrize("seed", range(6))
def test_random_wide_graphs_match_networkx(seed: int) -> None:
    """Levels of hundreds of nodes (array passes) with loops, repeats and unreachable parts."""
    rng = np.random.default_rng(seed)
    size = 3000
    a = rng.integers(0, size // 2, 6000)  # the upper half is reached only through edges into it
    b = rng.integers(0, size, 6000)
    edges = list(zip(a.tolist(), b.tolist(), strict=True))
    _check(edges, size, [0])
    _check(edges, size, rng.integers(0, size, 200).tolist())


def test_a_long_chain_hands_over_to_the_node_walk() -> None:
    """A wide fan-out that narrows into a chain of 5,000 nodes, then fans out again."""
    assert _NARROW_LEVELS < 5000
    fan = [(0, i) for i in range(1, 200)] + [(i, 200) for i in range(1, 200)]
    chain = [(i, i + 1) for i in range(200, 5200)]
    tail = [(5200, i) for i in range(5201, 5400)] + [(5300, 0), (5401, 5402)]
    _check(fan + chain + tail, 5403, [0])


def test_a_narrow_start_widens_into_array_passes() -> None:
    """One start, a short chain, then levels of hundreds of nodes with edges back."""
    chain = [(i, i + 1) for i in range(10)]
    wide = [(10, i) for i in range(11, 400)] + [(i, 400 + i % 300) for i in range(11, 400)]
    back = [(i, 5) for i in range(400, 700, 7)] + [(650, 800)]
    _check(chain + wide + back, 900, [0])


def test_narrow_starts_and_no_edges() -> None:
    assert _NARROW > 1
    _check([(0, 1), (1, 2), (2, 0)], 4, [3])
    _check([], 3, [1])
    _check([(0, 1)], 2, [])
