"""The compiled backward Dijkstra, run to the end, against scipy's on random graphs (the
search itself is checked against brute force and networkx in ``test_properties``)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import dijkstra

from journeymap.engine.kernel import advance_backward, start_backward


def distances_to(
    indptr: np.ndarray, indices: np.ndarray, costs: np.ndarray, sources: np.ndarray
) -> np.ndarray:
    """Every node's distance to the nearest source (the kernel's backward search, run to the end)."""
    dist, settled, keys, values, size = start_backward(len(indptr) - 1, len(indices), sources)
    advance_backward(indptr, indices, costs, dist, settled, keys, values, size, -1)
    return dist


COSTS = st.one_of(st.just(0.0), st.just(np.inf), st.floats(0.0, 50.0), st.floats(1e-12, 1e-9))


@st.composite
def graphs(draw: st.DrawFn) -> tuple[sp.csr_matrix, np.ndarray]:
    n = draw(st.integers(1, 25))
    edges = draw(st.dictionaries(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), COSTS, max_size=80))
    rows = [u for u, _ in edges]
    cols = [v for _, v in edges]
    graph = sp.csr_matrix((list(edges.values()), (rows, cols)), shape=(n, n))
    sources = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4, unique=True))
    return graph, np.array(sources, dtype=np.int64)


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_distances_equal_scipy(case: tuple[sp.csr_matrix, np.ndarray]) -> None:
    graph, sources = case
    ours = distances_to(
        graph.indptr.astype(np.int64), graph.indices.astype(np.int64), graph.data.astype(np.float64), sources
    )
    # scipy keeps explicit zeros as edges in a csr graph, as the kernel does; sums along
    # equally short paths may differ in the last bit
    expected = dijkstra(graph, directed=True, indices=sources, min_only=True)
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=0)


def test_sources_are_at_distance_zero_and_unreachable_nodes_are_infinite() -> None:
    # 0 -> 1 (cost 2), 1 -> 2 (cost 3), node 3 isolated
    graph = sp.csr_matrix(([2.0, 3.0], ([0, 1], [1, 2])), shape=(4, 4))
    dist = distances_to(
        graph.indptr.astype(np.int64), graph.indices.astype(np.int64), graph.data, np.array([0])
    )
    assert dist.tolist() == [0.0, 2.0, 5.0, np.inf]
