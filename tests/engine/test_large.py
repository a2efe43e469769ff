"""Larger random journeys against dense linear algebra, and the component order the solvers rely on."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from journeymap.engine import analyze, by_touchpoint
from journeymap.engine.chain import build_chain
from journeymap.engine.components import _kahn_sinks_first, strong_components
from journeymap.model import parse_journey


def _random_journey(n: int, seed: int):
    rng = np.random.default_rng(seed)
    edges: dict[tuple[str, str], int] = {("entry", "t0"): 5}
    for i in range(1, n):
        edges[(f"t{int(rng.integers(0, i))}", f"t{i}")] = int(rng.integers(1, 50))
    for i in range(n):
        for j in rng.choice(n, size=3):
            if j != i:
                edges[(f"t{i}", f"t{j}")] = int(rng.integers(1, 50))  # forward and back: many loops
        edges[(f"t{i}", "ok" if rng.random() < 0.5 else "lost")] = int(rng.integers(1, 50))
    return parse_journey(
        {
            "id": "random",
            "name": "Random",
            "stages": [{"id": "s", "name": "S", "phase": "sale"}],
            "touchpoints": [
                {
                    "id": f"t{i}",
                    "name": f"T{i}",
                    "stage": "s",
                    "experience": int(rng.integers(0, 11)),
                    "expectation": int(rng.integers(0, 11)),
                }
                for i in range(n)
            ],
            "outcomes": [
                {"id": "ok", "name": "OK", "kind": "success"},
                {"id": "lost", "name": "L", "kind": "failure"},
            ],
            "transitions": [{"from": u, "to": v, "customers": w} for (u, v), w in edges.items()],
        }
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_flow_and_removal_match_dense_solves(seed):
    journey = _random_journey(150, seed)
    chain = build_chain(journey)
    t = chain.n_transient
    dense = np.eye(t) - chain.Q.toarray()
    reach = np.linalg.solve(dense.T, np.eye(t)[0])
    success = chain.R.toarray() @ chain.outcome_success.astype(float)
    h = np.linalg.solve(dense, success)
    doc = analyze(journey)
    got = np.array([row["reach"] for row in doc["touchpoints"]])
    np.testing.assert_allclose(got, reach[1:], rtol=1e-9, atol=1e-12)
    assert doc["success_probability"] == pytest.approx(h[0], rel=1e-12)
    for v in (1, 40, 99, 150):  # removal: customers reaching v fail
        cut = dense.copy()
        cut[v, :] = 0.0
        cut[v, v] = 1.0
        rhs = success.copy()
        rhs[v] = 0.0
        expected = 1 - np.linalg.solve(cut, rhs)[0] / h[0]
        assert by_touchpoint(doc)[f"t{v - 1}"]["removal_effect"] == pytest.approx(
            expected, rel=1e-9, abs=1e-12
        )


def _check_sinks_first(matrix: sp.csr_matrix, labels: np.ndarray, order: list[int]) -> None:
    where = {c: i for i, c in enumerate(order)}
    coo = matrix.tocoo()
    for u, v in zip(coo.row, coo.col, strict=True):
        if labels[u] != labels[v]:
            assert where[labels[v]] < where[labels[u]]  # a successor comes first


@pytest.mark.parametrize("seed", range(5))
def test_components_come_sinks_first(seed):
    g = nx.gnp_random_graph(60, 0.05, directed=True, seed=seed)
    matrix = sp.csr_matrix(nx.to_scipy_sparse_array(g, nodelist=range(60)))
    found = strong_components(matrix)
    assert found.count == nx.number_strongly_connected_components(g)
    _check_sinks_first(matrix, found.labels, found.sinks_first)
    # the fallback order (Kahn) on the same components, labels shuffled
    shuffle = np.random.default_rng(seed).permutation(found.count)
    labels = shuffle[found.labels]
    coo = matrix.tocoo()
    a, b = labels[coo.row], labels[coo.col]
    cross = a != b
    _check_sinks_first(matrix, labels, _kahn_sinks_first(a[cross], b[cross], found.count))
