"""The chain's arrays: built from validation's numbering of the transitions' ends, checked
against plain Python over the transitions and against scipy's own transpose; a copy of a
journey numbers its own ends, and a journey that skipped the graph rules is still checked."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings

from journeymap.engine.compiled import compile_journey
from journeymap.errors import AnalysisError
from journeymap.model import Journey, parse_journey, transition_ends
from tests.strategies import journey_documents, journeys


def _probabilities(journey: Journey) -> dict[tuple[str, str], float]:
    """P(u→v) of every transition with a positive weight, by plain Python."""
    totals: dict[str, float] = {}
    for t in journey.transitions:
        totals[t.source] = totals.get(t.source, 0.0) + t.weight
    return {(t.source, t.target): t.weight / totals[t.source] for t in journey.transitions if t.weight > 0}


@settings(max_examples=150, deadline=None)
@given(journeys())
def test_the_chain_arrays_are_the_transition_probabilities(journey: Journey) -> None:
    chain = compile_journey(journey)
    indptr, indices, probabilities, log_p = chain.arrays
    found = {}
    for u in range(chain.n_nodes):
        targets = indices[indptr[u] : indptr[u + 1]].tolist()
        assert targets == sorted(targets)  # each row's targets ascending
        for j in range(indptr[u], indptr[u + 1]):
            found[(chain.ids[u], chain.ids[indices[j]])] = probabilities[j]
    expected = _probabilities(journey)
    assert found.keys() == expected.keys()
    assert all(found[key] == pytest.approx(value, rel=1e-12) for key, value in expected.items())
    reverse = sp.csr_matrix((-log_p, indices, indptr), shape=(chain.n_nodes,) * 2).T.tocsr()
    r_indptr, r_indices, r_costs = chain.reverse_arrays
    assert r_indptr.tolist() == reverse.indptr.tolist()
    assert r_indices.tolist() == reverse.indices.tolist()
    assert r_costs.tolist() == reverse.data.tolist()
    dense = np.zeros((chain.n_nodes, chain.n_nodes))
    for (u, v), p in expected.items():
        dense[chain.index[u], chain.index[v]] = p
    assert np.allclose(chain.P.toarray(), dense, rtol=1e-12, atol=0)


@settings(max_examples=50, deadline=None)
@given(journey_documents())
def test_a_copy_with_other_transitions_numbers_its_own(doc: dict[str, Any]) -> None:
    journey = parse_journey(doc)
    compile_journey(journey)
    changed = [t.model_copy(update={"customers": None, "share": None}) for t in journey.transitions]
    changed = [
        t.model_copy(update={"customers": float(i + 1)}) for i, t in enumerate(changed)
    ]  # every weight differs from the original's
    twin = journey.model_copy(update={"transitions": changed})
    assert transition_ends(twin) is not transition_ends(journey)
    assert transition_ends(twin).weight.tolist() == [float(i + 1) for i in range(len(changed))]
    chain = compile_journey(twin)
    indptr, indices, probabilities, _ = chain.arrays
    found = {
        (chain.ids[u], chain.ids[indices[j]]): probabilities[j]
        for u in range(chain.n_nodes)
        for j in range(indptr[u], indptr[u + 1])
    }
    expected = _probabilities(twin)
    assert all(found[key] == pytest.approx(value, rel=1e-12) for key, value in expected.items())


def test_a_journey_that_skipped_the_graph_rules_is_still_refused_a_closed_loop() -> None:
    doc = {
        "id": "loop",
        "name": "Loop",
        "stages": [{"id": "s", "name": "S", "phase": "sale"}],
        "touchpoints": [
            {"id": "a", "name": "A", "stage": "s", "experience": 5},
            {"id": "b", "name": "B", "stage": "s", "experience": 5},
        ],
        "outcomes": [{"id": "ok", "name": "OK", "kind": "success"}],
        "transitions": [
            {"from": "entry", "to": "a", "customers": 2},
            {"from": "entry", "to": "ok", "customers": 1},
            {"from": "a", "to": "b", "customers": 1},
            {"from": "b", "to": "a", "customers": 1},
        ],
    }
    unchecked = Journey.model_validate(copy.deepcopy(doc))  # the shape only
    with pytest.raises(AnalysisError, match="can never reach an outcome"):
        compile_journey(unchecked)
    assert not transition_ends(unchecked).can_finish


def test_validation_marks_the_numbering_of_a_valid_journey() -> None:
    journey = parse_journey(
        {
            "id": "j",
            "name": "J",
            "stages": [{"id": "s", "name": "S", "phase": "sale"}],
            "outcomes": [{"id": "ok", "name": "OK", "kind": "success"}],
            "transitions": [{"from": "entry", "to": "ok", "customers": 3}],
        }
    )
    ends = transition_ends(journey)
    assert ends.can_finish and ends.src.tolist() == [0] and ends.dst.tolist() == [1]
    assert np.array_equal(compile_journey(journey).indptr, [0, 1, 1])
