"""Queries on a compiled journey (a ``Chain``), with their parameters checked.

``compile_journey`` does the work every query shares (indexing, normalising,
checking that customers can leave); a caller asking several questions of one
journey compiles it once. The public functions in ``journeymap.engine`` compile
and query in one call.
"""

from __future__ import annotations

import math
from typing import Any

from journeymap.engine.chain import Chain, build_chain
from journeymap.engine.paths import search
from journeymap.engine.report import analysis_document, paths_document
from journeymap.errors import InvalidInput
from journeymap.model import Journey

RANKS = ("pain", "probability")
KINDS = ("success", "failure")
MAX_K = 10_000


class _Held:
    """The chain a journey keeps; never a reason for two journeys to differ (``==`` ignores it)."""

    __slots__ = ("chain",)

    def __init__(self, chain: Chain) -> None:
        self.chain = chain

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Held)

    __hash__ = None  # type: ignore[assignment]


HELD = "_compiled_chain"  # key in the journey's __dict__, beside its fields (as functools.cached_property)


def compile_journey(journey: Journey) -> Chain:
    """The journey's chain, compiled once per journey.

    A ``Journey`` is frozen, so the chain (with the arrays and bounds it caches) is kept on
    the journey: asking one journey many questions compiles it once. A copy
    (``model_copy``) gets its own chain, never its original's.

    Parameters
    ----------
    journey : Journey
        A validated journey.

    Returns
    -------
    Chain
        The indexed chain with its solver (reach, outcomes, visit probabilities).

    Raises
    ------
    InvalidInput
        When ``journey`` is not a ``Journey``.
    AnalysisError
        When customers could never leave some touchpoints.

    Examples
    --------
    >>> from journeymap.model import parse_journey
    >>> journey = parse_journey({"id": "j", "name": "J",
    ...     "stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...     "touchpoints": [{"id": "a", "name": "A", "stage": "s", "experience": 5}],
    ...     "outcomes": [{"id": "ok", "name": "OK", "kind": "success"}],
    ...     "transitions": [{"from": "entry", "to": "a", "share": 1},
    ...                     {"from": "a", "to": "ok", "share": 1}]})
    >>> compile_journey(journey) is compile_journey(journey)
    True
    """
    if not isinstance(journey, Journey):
        raise InvalidInput(f"journey: expected a Journey, got {type(journey).__name__}")
    held = journey.__dict__.get(HELD)
    if isinstance(held, _Held) and held.chain.journey is journey:
        return held.chain
    chain = build_chain(journey)
    journey.__dict__[HELD] = _Held(chain)
    return chain


def analyze_chain(chain: Chain, alpha: float = 0.5) -> dict[str, Any]:
    """The ``analyze`` document of a compiled journey (without economics).

    Parameters
    ----------
    chain : Chain
        The compiled journey.
    alpha : float, default 0.5
        The memory of carried experience, in (0, 1].

    Returns
    -------
    dict
        See ``journeymap.engine.report.analysis_document``.

    Raises
    ------
    InvalidInput
        For an ``alpha`` outside (0, 1].

    Examples
    --------
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.model import parse_journey
    >>> chain = compile_journey(parse_journey(_TINY))
    >>> analyze_chain(chain)["expected_pain"]
    4.0
    """
    return analysis_document(chain, check_alpha(alpha))


def paths_of(
    chain: Chain, k: int = 5, rank: str = "pain", to: str | None = None, kind: str | None = None
) -> dict[str, Any]:
    """The ``paths`` document of a compiled journey.

    Parameters
    ----------
    chain : Chain
        The compiled journey.
    k : int, default 5
        How many paths, 0 to ``MAX_K``.
    rank : {"pain", "probability"}, default "pain"
        The order.
    to : str, optional
        Keep paths ending at this outcome.
    kind : {"success", "failure"}, optional
        Keep paths ending at outcomes of this kind.

    Returns
    -------
    dict
        See ``journeymap.engine.report.paths_document``.

    Raises
    ------
    InvalidInput
        For a bad ``k``, ``rank``, ``kind`` or ``to`` (each named), or a ``to`` of another kind.

    Examples
    --------
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.model import parse_journey
    >>> chain = compile_journey(parse_journey(_TINY))
    >>> [p["nodes"] for p in paths_of(chain, 1, "probability")["paths"]]
    [['entry', 'a', 'ok']]
    >>> paths_of(chain, 1, to="nowhere")
    Traceback (most recent call last):
    journeymap.errors.InvalidInput: to: 'nowhere' is not an outcome of journey 'tiny' (outcomes: lost, ok)
    """
    if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= MAX_K:
        raise InvalidInput(f"k: must be a whole number from 0 to {MAX_K}, got {k!r}")
    if rank not in RANKS:
        raise InvalidInput(f"rank: must be one of {', '.join(RANKS)}, got {rank!r}")
    if kind is not None and kind not in KINDS:
        raise InvalidInput(f"kind: must be one of {', '.join(KINDS)}, got {kind!r}")
    kinds = chain.journey.outcome_kinds()
    if to is not None and to not in kinds:
        known = ", ".join(sorted(kinds))
        raise InvalidInput(
            f"to: '{to}' is not an outcome of journey '{chain.journey.id}' (outcomes: {known})"
        )
    if to is not None and kind is not None and kinds[to] != kind:
        raise InvalidInput(f"to: outcome '{to}' is a {kinds[to]} outcome, not {kind}")
    found = search(chain, k, rank, chain.outcome_mask(to, kind))
    return paths_document(chain, found, k, rank, to, kind)


def check_alpha(alpha: float) -> float:
    """``alpha`` as a float in (0, 1].

    Parameters
    ----------
    alpha : float
        The memory of carried experience.

    Returns
    -------
    float
        ``alpha`` as a float.

    Raises
    ------
    InvalidInput
        Naming ``alpha`` when it is not a number in (0, 1].

    Examples
    --------
    >>> check_alpha(1)
    1.0
    >>> check_alpha(0)
    Traceback (most recent call last):
    journeymap.errors.InvalidInput: alpha: must be in (0, 1], got 0
    """
    if isinstance(alpha, bool) or not isinstance(alpha, int | float):
        raise InvalidInput(f"alpha: must be a number in (0, 1], got {alpha!r}")
    value = float(alpha)
    if not (math.isfinite(value) and 0.0 < value <= 1.0):
        raise InvalidInput(f"alpha: must be in (0, 1], got {alpha!r}")
    return value
