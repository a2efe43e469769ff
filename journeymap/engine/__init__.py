"""The propagation engine: pure functions from a ``Journey`` to plain JSON-ready documents.

>>> from journeymap.model import parse_journey
>>> journey = parse_journey({"id": "tiny", "name": "Tiny",
...     "stages": [{"id": "s", "name": "S", "phase": "sale"}],
...     "touchpoints": [{"id": "a", "name": "A", "stage": "s", "experience": 4,
...                      "expectation": 6, "importance": 2}],
...     "outcomes": [{"id": "ok", "name": "OK", "kind": "success"},
...                  {"id": "lost", "name": "Lost", "kind": "failure"}],
...     "transitions": [{"from": "entry", "to": "a", "customers": 10},
...                     {"from": "a", "to": "ok", "customers": 6},
...                     {"from": "a", "to": "lost", "customers": 4}]})
>>> doc = analyze(journey)
>>> doc["success_probability"], doc["expected_pain"], doc["touchpoints"]["a"]["carried"]
(0.6, 4.0, -1.0)
>>> [p["nodes"] for p in top_paths(journey, k=1)["paths"]]
[['entry', 'a', 'ok']]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from journeymap.engine.chain import Chain, build_chain
from journeymap.engine.paths import search
from journeymap.engine.report import analysis_document, impact_document, paths_document
from journeymap.engine.whatif import WhatIfPatch, apply_patch, differences, parse_patch
from journeymap.errors import InvalidInput
from journeymap.model import Journey

__all__ = ["WhatIfPatch", "analyze", "impact", "top_paths", "whatif"]

RANKS = ("pain", "probability")
KINDS = ("success", "failure")
MAX_K = 10_000


def analyze(journey: Journey, alpha: float = 0.5) -> dict[str, Any]:
    """The ``analyze`` document of DESIGN.md §4: flow, scores, carried experience, removal effects.

    Raises ``InvalidInput`` for an ``alpha`` outside (0, 1] and ``AnalysisError`` when
    customers could never leave some touchpoints (the error names them).
    """
    return analysis_document(_chain(journey), _alpha(alpha))


def top_paths(
    journey: Journey, k: int = 5, rank: str = "pain", to: str | None = None, kind: str | None = None
) -> dict[str, Any]:
    """The ``paths`` document: the exact top-k simple paths (see ``journeymap.engine.paths``).

    ``rank`` is ``"pain"`` (pain mass) or ``"probability"``; ``to`` keeps paths ending at
    one outcome, ``kind`` paths ending at outcomes of that kind.
    """
    if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= MAX_K:
        raise InvalidInput(f"k: must be a whole number from 0 to {MAX_K}, got {k!r}")
    if rank not in RANKS:
        raise InvalidInput(f"rank: must be one of {', '.join(RANKS)}, got {rank!r}")
    if kind is not None and kind not in KINDS:
        raise InvalidInput(f"kind: must be one of {', '.join(KINDS)}, got {kind!r}")
    chain = _chain(journey)
    kinds = journey.outcome_kinds()
    if to is not None and to not in kinds:
        known = ", ".join(sorted(kinds))
        raise InvalidInput(f"to: '{to}' is not an outcome of journey '{journey.id}' (outcomes: {known})")
    if to is not None and kind is not None and kinds[to] != kind:
        raise InvalidInput(f"to: outcome '{to}' is a {kinds[to]} outcome, not {kind}")
    targets = chain.outcome_mask(to, kind)
    found = search(chain, k, rank, targets, chain.node_pain)
    return paths_document(chain, found, k, rank, to, kind)


def impact(journey: Journey) -> dict[str, Any]:
    """Touchpoints ordered by priority (pain delivered per entrant), with removal effects."""
    return impact_document(analyze(journey))


def whatif(journey: Journey, patch: Mapping[str, Any] | WhatIfPatch, alpha: float = 0.5) -> dict[str, Any]:
    """Apply a patch (see ``journeymap.engine.whatif``) and compare the analyses before and after."""
    changed = apply_patch(journey, parse_patch(patch))
    before = analyze(journey, alpha)
    after = analyze(changed, alpha)
    return {"journey": journey.id, "before": before, "after": after, "diff": differences(before, after)}


def _chain(journey: Journey) -> Chain:
    if not isinstance(journey, Journey):
        raise InvalidInput(f"journey: expected a Journey, got {type(journey).__name__}")
    return build_chain(journey)


def _alpha(alpha: float) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, int | float):
        raise InvalidInput(f"alpha: must be a number in (0, 1], got {alpha!r}")
    value = float(alpha)
    if not (math.isfinite(value) and 0.0 < value <= 1.0):
        raise InvalidInput(f"alpha: must be in (0, 1], got {alpha!r}")
    return value
