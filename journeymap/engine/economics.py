"""What a pain costs: customers lost, word of mouth and value at stake (the one home of these numbers).

Why one module of ~340 lines: a sixth of it is this docstring, the definitions of
every figure below, and the code computes exactly those definitions; the journey
totals and their per-touchpoint shares share every intermediate (the carried
system, the verdicts, V̄), so a split would part the definitions from their code.

The journey's ``economics`` (``model.Economics``; every field optional, the source
documents' figures as defaults) gives: ``value`` V_o of a customer reaching success
outcome o (``outcome_values``, else ``value``, default 1 so that values count
customers), the reach R of a dissatisfied customer (13), the complaint ratio c (1 in 4),
referrals (8) of whom B buy (4), and the horizon factor k = horizon / period (the
journey's counts cover ``period``; figures are over ``horizon``; both default ``1y``).

With E entrants, P(o) the probability of ending at outcome o, P_s the success
probability, f_v the probability of ever visiting v, h_v the success probability
from v, and carried_o the carried experience into outcome o (DESIGN.md §3)::

    customers_o       = k·E·P(o)                 customers ending at o over the horizon
    value per customer V̄ = Σ_{o success} P(o)·V_o / P_s   (``value`` when P_s = 0)
    customers_lost    = Σ_{o failure} customers_o
    dissatisfied      = Σ customers_o over outcomes with carried_o < 0
    satisfied         = Σ customers_o over *success* outcomes with carried_o > 0
    complaints        = c · dissatisfied;     customers_per_complaint = R / c   (52)
    word_of_mouth_lost = R · dissatisfied;     word_of_mouth_won = B · satisfied
    value_at_stake    = V̄ · (customers_lost + word_of_mouth_lost)
    value_won         = V̄ · word_of_mouth_won;  net_value = value_won − value_at_stake

A verdict is taken on the outcome's carried experience (the flow-weighted mean of its
customers'), and |carried_o| ≤ 1e-9 counts as neither (rounding). Per touchpoint v:

* ``customers_lost_v`` spreads the lost customers who met at least one touchpoint over
  the touchpoints by their removal effect on failure: φ_v = f_v·(1 − h_v) is the
  probability of visiting v and then failing (the failure flow that removing v would
  take away), and ``customers_lost_v = L′·φ_v / Σ_u φ_u`` with L′ = customers_lost minus
  the customers sent from entry straight to a failure outcome.
* carried_o = α·Σ_v G[o, v]·s_v is linear in the satisfactions s_v with G ≥ 0
  (G = W_out·(I − (1−α)W)⁻¹, the carried-experience system); the word of mouth of a
  dissatisfied outcome is spread over the touchpoints by their negative contributions,
  ``word_of_mouth_lost_v = R · Σ_{o dissatisfied} customers_o · G[o,v]·max(0, −s_v) /
  Σ_u G[o,u]·max(0, −s_u)``, and that of a satisfied success outcome by the positive
  ones (``word_of_mouth_won_v``, with B and max(0, s_v)).
* ``value_at_stake_v = V̄ · (customers_lost_v + word_of_mouth_lost_v)``.

A path's customers k·E·probability all carry the same experience, the path's own
``carried`` (c = α·s_v + (1 − α)·c along its touchpoints from 0), which judges them;
its ``customers_lost`` are its customers if it ends at a failure outcome.

Worked example (``tiny`` below): 10 entrants reach ``a`` (s = 4 − 6 = −2), 6 buy, 4
leave. With α = 0.5, carried_a = −1 = carried at both outcomes, so all 10 are
dissatisfied: word of mouth lost 13·10 = 130, complaints 2.5, customers lost 4, V̄ = 1,
value at stake 4 + 130 = 134, all of it at ``a``.

>>> from journeymap.engine.compiled import compile_journey
>>> from journeymap.model import parse_journey
>>> tiny = parse_journey({"id": "tiny", "name": "Tiny",
...     "stages": [{"id": "s", "name": "S", "phase": "sale"}],
...     "touchpoints": [{"id": "a", "name": "A", "stage": "s", "experience": 4, "expectation": 6}],
...     "outcomes": [{"id": "ok", "name": "OK", "kind": "success"},
...                  {"id": "lost", "name": "Lost", "kind": "failure"}],
...     "transitions": [{"from": "entry", "to": "a", "customers": 10},
...                     {"from": "a", "to": "ok", "customers": 6},
...                     {"from": "a", "to": "lost", "customers": 4}]})
>>> doc = economics_document(compile_journey(tiny), 0.5)
>>> doc["word_of_mouth_lost"], doc["complaints"], doc["customers_lost"], doc["value_at_stake"]
(130.0, 2.5, 4.0, 134.0)
>>> doc["touchpoints"]["a"]["value_at_stake"]
134.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from journeymap.engine.carried import carried_system, inflow_means
from journeymap.engine.chain import Chain
from journeymap.engine.json_values import number, numbers
from journeymap.model import Economics, Journey

if TYPE_CHECKING:
    import scipy.sparse as sp

Vector = NDArray[np.float64]
NEUTRAL = 1e-9  # |carried| at or below this is neither satisfied nor dissatisfied (rounding)
TOTALS = (
    "customers", "customers_lost", "dissatisfied", "satisfied", "complaints", "word_of_mouth_lost",
    "word_of_mouth_won", "value_at_stake", "value_won", "net_value",
)  # fmt: skip


def terms(journey: Journey) -> Economics:
    """The journey's economics, or the source documents' defaults when it gives none.

    Parameters
    ----------
    journey : Journey
        The journey.

    Returns
    -------
    Economics
        Its ``economics`` block, or ``Economics()`` (values of 1, 13 told per dissatisfied customer, ...).

    Examples
    --------
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.model import parse_journey
    >>> econ = terms(parse_journey(_TINY))
    >>> econ.value, econ.dissatisfied_reach, econ.complaint_ratio
    (1.0, 13.0, 0.25)
    """
    return journey.economics or Economics()


def verdict(carried: float | None) -> str:
    """``dissatisfied`` below zero, ``satisfied`` above, else ``neutral`` (also for no customers).

    Parameters
    ----------
    carried : float or None
        The experience customers carry (None: no customers arrive).

    Returns
    -------
    str
        ``"dissatisfied"``, ``"neutral"`` or ``"satisfied"`` (|carried| <= 1e-9 is neutral).

    Examples
    --------
    >>> verdict(-0.5), verdict(0.0), verdict(2.0), verdict(None)
    ('dissatisfied', 'neutral', 'satisfied', 'neutral')
    """
    if carried is None or abs(carried) <= NEUTRAL:
        return "neutral"
    return "dissatisfied" if carried < 0 else "satisfied"


def value_per_customer(journey: Journey, outcomes: Vector) -> float:
    """V̄: the success outcomes' values weighted by their probabilities.

    Parameters
    ----------
    journey : Journey
        The journey (its ``economics`` give ``value`` and ``outcome_values``).
    outcomes : numpy.ndarray
        The probability of ending at each outcome, in file order.

    Returns
    -------
    float
        The weighted value; ``value`` when no customer succeeds.

    Examples
    --------
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.model import parse_journey
    >>> tiny = parse_journey({**_TINY, "economics": {"value": 50, "outcome_values": {"ok": 100}}})
    >>> float(value_per_customer(tiny, np.array([0.6, 0.4]))), value_per_customer(tiny, np.array([0.0, 1.0]))
    (100.0, 50.0)
    """
    econ = terms(journey)
    values = econ.outcome_values or {}
    success = [(p, values.get(o.id, econ.value)) for o, p in zip(journey.outcomes, outcomes, strict=True)
               if o.kind == "success"]  # fmt: skip
    total = sum(p for p, _ in success)
    return sum(p * v for p, v in success) / total if total > 0 else econ.value


def chain_value_per_customer(chain: Chain) -> float:
    """V̄ of a compiled journey, solving for the outcome probabilities only when it needs them.

    When every success outcome is worth the journey's ``value`` (no ``outcome_values``, or
    none that differs), V̄ is that value whatever the probabilities (and ``value`` is also
    what ``value_per_customer`` gives when no customer succeeds), so the paths command does
    not factorise the chain (a sparse LU: a tenth of its time on 500,000 transitions).

    Parameters
    ----------
    chain : Chain
        The compiled journey.

    Returns
    -------
    float
        ``value_per_customer(journey, outcome probabilities)``.

    Examples
    --------
    >>> from journeymap.engine.compiled import compile_journey
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.model import parse_journey
    >>> plain = compile_journey(parse_journey({**_TINY, "economics": {"value": 50}}))
    >>> chain_value_per_customer(plain), "solver" in plain.__dict__
    (50.0, False)
    >>> valued = compile_journey(parse_journey({**_TINY, "economics": {"outcome_values": {"ok": 100}}}))
    >>> float(chain_value_per_customer(valued))
    100.0
    """
    econ = terms(chain.journey)
    values = econ.outcome_values or {}
    successes = [o.id for o in chain.journey.outcomes if o.kind == "success"]
    if all(values.get(oid, econ.value) == econ.value for oid in successes):
        return econ.value
    return float(value_per_customer(chain.journey, chain.solver.outcomes))


def economics_document(chain: Chain, alpha: float) -> dict[str, Any]:
    """The ``economics`` block of the analysis: journey totals, outcomes' verdicts, touchpoints.

    Parameters
    ----------
    chain : Chain
        The compiled journey.
    alpha : float
        The memory of carried experience, in (0, 1].

    Returns
    -------
    dict
        The totals of ``TOTALS`` with ``currency``, ``horizon``, ``period``,
        ``horizon_factor``, ``value_per_customer`` and ``customers_per_complaint``;
        ``outcomes`` (kind, customers, verdict of each) and ``touchpoints`` (each
        touchpoint's customers lost, word of mouth lost and won and value at stake,
        by id; ``journeymap.engine.analyze`` moves them into its rows).

    Raises
    ------
    AnalysisError
        When a number overflows.

    Examples
    --------
    >>> from journeymap.engine.compiled import compile_journey
    >>> from journeymap.engine.metrics import _TINY
    >>> from journeymap.model import parse_journey
    >>> doc = economics_document(compile_journey(parse_journey(_TINY)), 0.5)
    >>> doc["customers_lost"], doc["outcomes"]["ok"]["verdict"], doc["touchpoints"]["a"]["customers_lost"]
    (4.0, 'dissatisfied', 4.0)
    """
    journey = chain.journey
    econ = terms(journey)
    solver = chain.solver
    t = chain.n_transient
    scale = econ.horizon_factor * chain.entrants
    mean_in, inflow = inflow_means(chain)
    satisfaction = chain.scores.satisfaction
    carried = alpha * carried_system(chain, mean_in, alpha).solve(np.concatenate(([0.0], satisfaction)))
    at_outcomes = mean_in[t:, :t] @ carried
    customers = scale * solver.outcomes
    verdicts = [verdict(float(c)) if inflow[t + i] > 0 else "neutral" for i, c in enumerate(at_outcomes)]
    kinds = [o.kind for o in journey.outcomes]
    dissatisfied = np.array([v == "dissatisfied" for v in verdicts])
    satisfied = np.array([v == "satisfied" and k == "success" for v, k in zip(verdicts, kinds, strict=True)])
    failure = ~chain.outcome_success
    v_bar = value_per_customer(journey, solver.outcomes)
    lost = float(customers[failure].sum())
    unhappy, happy = float(customers[dissatisfied].sum()), float(customers[satisfied].sum())
    wom_lost, wom_won = econ.dissatisfied_reach * unhappy, econ.referral_buyers * happy
    at_stake, won = v_bar * (lost + wom_lost), v_bar * wom_won
    lost_v, unhappy_v, happy_v = _touchpoint_shares(chain, mean_in, alpha, customers, dissatisfied, satisfied)
    wom_lost_v, wom_won_v = econ.dissatisfied_reach * unhappy_v, econ.referral_buyers * happy_v
    columns = zip(
        journey.touchpoints,
        numbers(lost_v),
        numbers(wom_lost_v),
        numbers(wom_won_v),
        numbers(v_bar * (lost_v + wom_lost_v)),
        strict=True,
    )
    return {
        "currency": econ.currency,
        "horizon": econ.horizon,
        "period": econ.period,
        "horizon_factor": number(econ.horizon_factor),
        "value_per_customer": number(v_bar),
        "customers_per_complaint": number(econ.dissatisfied_reach / econ.complaint_ratio),
        "customers": number(scale),
        "customers_lost": number(lost),
        "dissatisfied": number(unhappy),
        "satisfied": number(happy),
        "complaints": number(econ.complaint_ratio * unhappy),
        "word_of_mouth_lost": number(wom_lost),
        "word_of_mouth_won": number(wom_won),
        "value_at_stake": number(at_stake),
        "value_won": number(won),
        "net_value": number(won - at_stake),
        "outcomes": {
            o.id: {"kind": o.kind, "customers": c, "verdict": v}
            for o, c, v in zip(journey.outcomes, numbers(customers), verdicts, strict=True)
        },
        "touchpoints": {
            tp.id: {"customers_lost": a, "word_of_mouth_lost": b, "word_of_mouth_won": c, "value_at_stake": d}
            for tp, a, b, c, d in columns
        },
    }


def _touchpoint_shares(
    chain: Chain,
    mean_in: sp.csr_matrix,
    alpha: float,
    customers: Vector,
    dissatisfied: NDArray[np.bool_],
    satisfied: NDArray[np.bool_],
) -> tuple[Vector, Vector, Vector]:
    """Per touchpoint: customers lost, dissatisfied and satisfied customers attributed to it."""
    solver = chain.solver
    t = chain.n_transient
    fail_after = solver.visit_probability[1:] * (1.0 - solver.success_from[1:])
    failure = ~chain.outcome_success
    direct = float(chain.P[0, t:].toarray().ravel()[failure].sum())
    lost_total = float(customers[failure].sum())
    attributable = max(0.0, lost_total - customers.sum() * direct)
    total = fail_after.sum()
    lost = attributable * fail_after / total if total > 0 else np.zeros_like(fail_after)
    w_out = mean_in[t:, :t].toarray()  # G = W_out (I − (1−α) W)⁻¹: one transposed solve per outcome
    g = carried_system(chain, mean_in, alpha).solve(w_out.T.copy(), transposed=True).T[:, 1:]
    sat = chain.scores.satisfaction
    unhappy = _spread(g, np.maximum(0.0, -sat), customers * dissatisfied)
    happy = _spread(g, np.maximum(0.0, sat), customers * satisfied)
    return lost, unhappy, happy


def _spread(g: Vector, weights: Vector, customers: Vector) -> Vector:
    """Σ_o customers_o · G[o,v]·weights_v / Σ_u G[o,u]·weights_u (outcomes with no weight skipped)."""
    share = g * weights
    sums = share.sum(axis=1)
    keep = (sums > 0) & (customers > 0)
    if not keep.any():
        return np.zeros(g.shape[1])
    return np.asarray((customers[keep] / sums[keep]) @ share[keep], dtype=np.float64)


def path_figures(econ: Economics, path: dict[str, Any], alpha: float, v_bar: float) -> dict[str, Any]:
    """A path's economics from its ``paths`` row: its carried experience, verdict and value at stake.

    Parameters
    ----------
    econ : Economics
        The journey's economic terms (``terms``).
    path : dict
        A row of the ``paths`` document (``customers``, ``kind``, ``contributions``).
    alpha : float
        The memory of carried experience along the path.
    v_bar : float
        The journey's value per customer (``value_per_customer``).

    Returns
    -------
    dict
        ``carried``, ``verdict``, ``customers_lost``, ``word_of_mouth_lost``,
        ``word_of_mouth_won`` and ``value_at_stake``.

    Raises
    ------
    AnalysisError
        When a number overflows.

    Examples
    --------
    >>> row = {"customers": 40.0, "kind": "failure",
    ...        "contributions": [{"satisfaction": -2.0}, {"satisfaction": -1.0}]}
    >>> path_figures(Economics(), row, 0.5, 1.0)["value_at_stake"]  # carried -1 -> 0: 40 + 13·40
    560.0
    """
    carried = 0.0
    for step in path["contributions"]:
        carried = alpha * step["satisfaction"] + (1.0 - alpha) * carried
    said = verdict(carried)
    customers = econ.horizon_factor * path["customers"]
    lost = customers if path["kind"] == "failure" else 0.0
    wom_lost = econ.dissatisfied_reach * customers if said == "dissatisfied" else 0.0
    happy = said == "satisfied" and path["kind"] == "success"
    wom_won = econ.referral_buyers * customers if happy else 0.0
    return {
        "carried": number(carried),
        "verdict": said,
        "customers_lost": number(lost),
        "word_of_mouth_lost": number(wom_lost),
        "word_of_mouth_won": number(wom_won),
        "value_at_stake": number(v_bar * (lost + wom_lost)),
    }
