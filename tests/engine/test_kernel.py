"""The backward Dijkstra, run to the end, against scipy's on random graphs, compiled and
plain; the plain and compiled searches against each other and the exact brute force (the
search itself is checked against brute force and networkx in ``test_properties``, where
small journeys run the plain loop)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import dijkstra

from journeymap.engine import jit, kernel, paths, top_paths
from journeymap.engine.chain import Chain
from journeymap.engine.compiled import compile_journey
from journeymap.files import as_journey
from journeymap.model import Journey
from tests.engine import oracles
from tests.strategies import journeys

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def distances_to(
    indptr: np.ndarray, indices: np.ndarray, costs: np.ndarray, sources: np.ndarray, compiled: bool = True
) -> np.ndarray:
    """Every node's distance to the nearest source (the kernel's backward search, run to the end)."""
    loops = jit if compiled else kernel
    dist, settled, keys, values, size = loops.start_backward(len(indptr) - 1, len(indices), sources)
    loops.advance_backward(indptr, indices, costs, dist, settled, keys, values, size, -1)
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
@given(graphs(), st.booleans())
def test_distances_equal_scipy(case: tuple[sp.csr_matrix, np.ndarray], compiled: bool) -> None:
    graph, sources = case
    ours = distances_to(
        graph.indptr.astype(np.int64),
        graph.indices.astype(np.int64),
        graph.data.astype(np.float64),
        sources,
        compiled,
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


def _arguments(chain: Chain, k: int, rank: str) -> tuple[object, ...]:
    """The search's arguments before its limits (as ``paths._candidates`` passes them)."""
    components = chain.components
    return (
        chain.arrays,
        chain.node_pain,
        chain.outcome_mask(),
        chain.reverse_arrays,
        components.labels,
        components.sinks_first,
        k,
        rank == "pain",
        paths.SLACK,
    )


def _candidates(journey: Journey, k: int, rank: str, compiled: bool) -> list[list[float]]:
    chain = compile_journey(journey)
    limits = (paths.MAX_STEPS, paths.BACKWARD_PER_STEP, paths.MAX_TIED)
    found = paths.kernel_search(compiled)(*_arguments(chain, k, rank), *limits)
    return [a.tolist() for a in found[:-1]] + [[found[-1]]]


KERNELS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@KERNELS
@given(journeys(), st.integers(1, 12), st.sampled_from(["pain", "probability"]))
def test_plain_and_compiled_searches_give_the_same_candidates(journey: Journey, k: int, rank: str) -> None:
    assert _candidates(journey, k, rank, compiled=False) == _candidates(journey, k, rank, compiled=True)


@KERNELS
@given(journeys(), st.integers(0, 12), st.sampled_from(["pain", "probability"]))
def test_the_compiled_search_equals_brute_force(journey: Journey, k: int, rank: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(paths, "plain_first", lambda transitions, rank: False)  # the compiled loop only
        ours = top_paths(journey, k=k, rank=rank)["paths"]
    expected = oracles.brute_force_top(journey, k, rank)
    assert [p["nodes"] for p in ours] == [p["nodes"] for p in expected]
    assert [p["probability"] for p in ours] == [p["probability"] for p in expected]


def test_a_small_journey_past_the_plain_step_budget_is_finished_by_the_compiled_search() -> None:
    chain = compile_journey(as_journey(FIXTURES / "real-estate-launch.yaml"))
    plain = paths.kernel_search(False)(
        *_arguments(chain, 20, "pain"), 5, paths.BACKWARD_PER_STEP, paths.MAX_TIED
    )
    assert plain[-1] == kernel.STEPS  # 5 steps are not enough here
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(paths, "PLAIN_STEPS", 5)
        found = paths._candidates(chain, 20, "pain", chain.outcome_mask(), plain=True)
    assert found[-1] == 0
    assert [a.tolist() for a in found[:-1]] == _candidates(chain.journey, 20, "pain", compiled=False)[:-1]
