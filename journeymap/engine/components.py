"""Strongly connected components of a sparse directed graph, in topological order.

The chain's solves factorise in this order (block-triangular form), so the LU
fills in only inside loops.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import connected_components


@dataclass(frozen=True)
class Components:
    """Strongly connected components: ``labels[node]`` and the labels, sinks first."""

    count: int
    labels: NDArray[np.int32]
    sinks_first: NDArray[np.int64]

    def sources_first_nodes(self, n: int) -> NDArray[np.intp]:
        """The nodes ``0..n-1`` ordered so every edge between components points forward."""
        rank = np.empty(self.count, dtype=np.int64)
        rank[self.sinks_first] = np.arange(self.count)[::-1]
        return np.argsort(rank[self.labels[:n]], kind="stable")


def strong_components(matrix: sp.csr_matrix) -> Components:
    """Components of a directed graph with an order that puts each after its successors.

    scipy labels components as Pearce's algorithm completes them, which is already
    sinks first; that is checked on every edge and Kahn's algorithm is used if not.

    Parameters
    ----------
    matrix : scipy.sparse.csr_matrix
        The adjacency matrix (row u, column v: an edge u → v).

    Returns
    -------
    Components
        ``count``, each node's component ``labels`` and the components ``sinks_first``.

    Examples
    --------
    >>> loop = sp.csr_matrix(np.array([[0, 1, 0], [1, 0, 1], [0, 0, 0]], dtype=float))
    >>> found = strong_components(loop)  # 0 <-> 1 is one loop; 2 a sink
    >>> found.count, found.labels.tolist(), found.sinks_first.tolist()
    (2, [1, 1, 0], [0, 1])
    """
    count, labels = connected_components(matrix, directed=True, connection="strong")
    coo = matrix.tocoo()
    a, b = labels[coo.row], labels[coo.col]
    cross = a != b
    if bool((a[cross] > b[cross]).all()):
        return Components(int(count), labels, np.arange(int(count), dtype=np.int64))
    order = _kahn_sinks_first(a[cross], b[cross], int(count))
    return Components(int(count), labels, np.asarray(order, dtype=np.int64))


def _kahn_sinks_first(a: NDArray[np.int32], b: NDArray[np.int32], count: int) -> list[int]:
    ones = np.ones(len(a))
    forward = sp.csr_matrix((ones, (a, b)), shape=(count, count))
    backward = forward.T.tocsr()
    left = np.diff(forward.indptr).tolist()
    indptr, indices = backward.indptr.tolist(), backward.indices.tolist()
    ready = [c for c in range(count) if left[c] == 0]
    order: list[int] = []
    while ready:
        c = ready.pop()
        order.append(c)
        for j in range(indptr[c], indptr[c + 1]):
            left[indices[j]] -= 1
            if left[indices[j]] == 0:
                ready.append(indices[j])
    return order
