"""Higher-order chains: states that remember the last K touchpoints, and choosing K from the data.

At order K a state is a touchpoint together with the touchpoints before it
(up to K in all, fewer at the start of a walk); its id reads
``coupon--campaign_a`` (the touchpoint, then the ones before it, most recent
first; ``--`` because ids allow no ``@``) and its name
``Coupon (after Campaign A)``. It keeps its touchpoint's stage and scores, so
every analysis runs on it unchanged; outcomes stay single states. Customers
who went ``campaign_a > coupon`` and ``campaign_b > coupon`` then no longer
share one ``coupon`` state, and the chain keeps their different futures apart.

``--order auto`` picks K by held-out prediction of outcomes: one customer in
five (by a hash of the customer id, so the split is the same on every run) is
held out; for K = 1 .. 5 the chain is counted on the others, and each held-out
customer's outcome (success or not) is predicted at every step of their walk
by the chain's probability of success from that state (a state never seen in
training: the training customers' success share). The score is the mean
log-likelihood per held-out step; the chosen K is the smallest one whose
successor improves it by less than ``MIN_GAIN`` nats.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from journeymap.ingest.ids import MAX_ID
from journeymap.ingest.walks import Codes, State, key_digits, state_transitions
from journeymap.model import ENTRY

if TYPE_CHECKING:  # the engines are extras; build.py needs StateInfo without them
    from journeymap.ingest.dialect import Database, Dialect

MAX_ORDER = 5
MIN_GAIN = 1e-3
CLIP = 1e-6
Node = TypeVar("Node", bound=Hashable)


@dataclass(frozen=True)
class StateInfo:
    """A state of a higher-order chain: its touchpoint and the touchpoints before it (most recent first)."""

    touchpoint: str
    before: tuple[str, ...]


def state_id(state: State, codes: Codes) -> str:
    """The readable id of a state (``coupon--campaign_a``); long ones end in a short hash.

    Parameters
    ----------
    state : State
        The state's codes, oldest first (its touchpoint last).
    codes : Codes
        Node ids by code.

    Returns
    -------
    str
        The ids joined by ``--``, most recent first; at most ``MAX_ID`` characters.

    Examples
    --------
    >>> state_id((1, 2), Codes(["campaign_a", "coupon"], 2))
    'coupon--campaign_a'
    >>> long = state_id((1, 2, 1, 2), Codes(["a" * 30, "b" * 30], 2))  # 126 characters in full
    >>> long, len(long) == MAX_ID
    ('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb--aaaaaaaaaaaaaaaaaaaaaaa-8a3be750', True)
    """
    text = "--".join(codes.id(c) for c in reversed(state))
    if len(text) <= MAX_ID:
        return text
    digest = hashlib.sha1(text.encode()).hexdigest()[:8]
    return f"{text[: MAX_ID - 9]}-{digest}"


def state_walk(walk: tuple[int, ...], codes: Codes, order: int) -> list[str]:
    """A walk of node codes as the ids of the order-``order`` states it passes.

    Parameters
    ----------
    walk : tuple of int
        Node codes, in order (repeats collapsed).
    codes : Codes
        Node ids by code.
    order : int
        K, the touchpoints a state remembers.

    Returns
    -------
    list of str
        The state id of every step (``state_id``); outcomes keep their own id.

    Examples
    --------
    >>> state_walk((1, 2, 3), Codes(["a", "b", "ok"], 2), 2)
    ['a', 'b--a', 'ok']
    """
    return [
        state_id((c,) if codes.is_outcome(c) else walk[max(0, i - order + 1) : i + 1], codes)
        for i, c in enumerate(walk)
    ]


def state_node_sql(dialect: Dialect, node_sql: str, codes: Codes, order: int, keys: str) -> str:
    """``node_sql`` with each event's ``node`` replaced by the key of its order-``order`` state.

    A touchpoint event's state is its touchpoint and the touchpoints of the
    ``order - 1`` visits before it (a visit: consecutive events at one node),
    keyed as ``state_transitions`` keys them (codes as digits, current last);
    an outcome event keeps its code. ``tp`` is the event's node code (its
    touchpoint, for the repeat-contact window).

    Parameters
    ----------
    dialect : Dialect
        The engine's spelling of the SQL.
    node_sql : str
        The events as a FROM clause with ``c, t, s, tie, rn, sv, node``.
    codes : Codes
        Node ids by code.
    order : int
        K, the touchpoints a state remembers (2 or more).
    keys : str
        The columns ordering one customer's events.

    Returns
    -------
    str
        A FROM clause with the same columns and ``tp``.

    Examples
    --------
    >>> import duckdb
    >>> from journeymap.ingest.dialect import DUCKDB
    >>> con = duckdb.connect()
    >>> rows = "('x', 1, 1), ('x', 5, 2), ('x', 7, 1), ('x', 8, 3), ('y', 2, 2)"  # customer, time, node code
    >>> _ = con.execute(f"CREATE TABLE e AS SELECT c, t, NULL::DOUBLE AS s, 0.0 AS tie, t AS rn, "
    ...                 f"NULL::VARCHAR AS sv, node FROM (VALUES {rows}) v(c, t, node)")
    >>> codes = Codes(["a", "b", "ok"], 2)
    >>> sql = state_node_sql(DUCKDB, "e", codes, 2, "t, tie, rn")
    >>> name = state_name(codes, 2)
    >>> [(c, name(node)) for c, node in con.execute(f"SELECT c, node FROM {sql} ORDER BY c, t").fetchall()]
    [('x', 'a'), ('x', 'b--a'), ('x', 'a--b'), ('x', 'ok'), ('y', 'b')]
    """
    base = len(codes.ids) + 1
    kind = dialect.wide_int(base, order)
    history = "".join(
        f" + CAST(coalesce(lag(tp, {j}) OVER visits, 0) AS {kind}) * {base**j}" for j in range(1, order)
    )
    return f"""(
        SELECT c, t, s, tie, rn, sv, tp,
               CASE WHEN tp > {codes.touchpoints} THEN CAST(tp AS {kind})
                    ELSE {dialect.last_known("k")} OVER (PARTITION BY c ORDER BY {keys}
                                                          ROWS UNBOUNDED PRECEDING) END AS node
        FROM (
            SELECT *, CASE WHEN starts THEN CAST(tp AS {kind}){history} END AS k
            FROM (
                SELECT c, t, s, tie, rn, sv, node AS tp,
                       lag(node) OVER (PARTITION BY c ORDER BY {keys}) IS DISTINCT FROM node AS starts
                FROM {node_sql}
            ) AS marked
            WINDOW visits AS (PARTITION BY c, starts ORDER BY {keys})
        ) AS keyed) AS states"""


def state_name(codes: Codes, order: int) -> Callable[[int], str]:
    """The id of a state key (``state_node_sql``) at ``order``.

    Parameters
    ----------
    codes : Codes
        Node ids by code.
    order : int
        The chain's order.

    Returns
    -------
    callable
        State key -> state id (``state_id``).

    Examples
    --------
    >>> name = state_name(Codes(["a", "b", "ok"], 2), 2)
    >>> name(2 * 4 + 1), name(1), name(3)
    ('a--b', 'a', 'ok')
    """
    base = len(codes.ids) + 1
    return lambda key: state_id(key_digits(int(key), base), codes)


def named_transitions(
    counts: Counter[tuple[State, State]], codes: Codes
) -> tuple[Counter[tuple[str, str]], dict[str, StateInfo]]:
    """Transition counts by node id, and the states with history (ids that are not plain nodes).

    Parameters
    ----------
    counts : Counter
        (state, next state) -> customers, states as codes (``walks.state_transitions``).
    codes : Codes
        Node ids by code.

    Returns
    -------
    tuple of (Counter, dict)
        (id, next id) -> customers (``()`` becomes ``entry``), and state id -> ``StateInfo``.

    Examples
    --------
    >>> counts = Counter({((), (1,)): 2, ((1,), (1, 2)): 2, ((1, 2), (3,)): 2})
    >>> named, states = named_transitions(counts, Codes(["ad", "shop", "ok"], 2))
    >>> dict(named)
    {('entry', 'ad'): 2, ('ad', 'shop--ad'): 2, ('shop--ad', 'ok'): 2}
    >>> states
    {'shop--ad': StateInfo(touchpoint='shop', before=('ad',))}
    """
    ids: dict[State, str] = {(): ENTRY}
    states: dict[str, StateInfo] = {}
    for pair in counts:
        for state in pair:
            if state not in ids:
                ids[state] = state_id(state, codes)
                if len(state) > 1:
                    before = tuple(codes.id(c) for c in reversed(state[:-1]))
                    states[ids[state]] = StateInfo(codes.id(state[-1]), before)
    named: Counter[tuple[str, str]] = Counter()
    for (a, b), n in counts.items():
        named[(ids[a], ids[b])] += n
    return named, states


def success_from(transitions: Mapping[tuple[Node, Node], float], success: set[Node]) -> dict[Node, float]:
    """Probability of ending in a success outcome from every transient node (one sparse solve).

    Parameters
    ----------
    transitions : Mapping
        (node, next node) -> count; nodes with no way out are the absorbing outcomes.
    success : set
        The success outcomes.

    Returns
    -------
    dict
        Node with a way out -> probability of success, clipped to [0, 1].

    Examples
    --------
    >>> success_from({("entry", "a"): 4, ("a", "ok"): 3, ("a", "no"): 1}, {"ok"})
    {'entry': 0.75, 'a': 0.75}
    """
    sources = list(dict.fromkeys(a for a, _ in transitions))
    index = {node: i for i, node in enumerate(sources)}
    totals: dict[Node, float] = {}
    for (a, _), n in transitions.items():
        totals[a] = totals.get(a, 0.0) + n
    rows, cols, data = [], [], []
    rhs = np.zeros(len(sources))
    for (a, b), n in transitions.items():
        p = n / totals[a]
        if b in index:
            rows.append(index[a])
            cols.append(index[b])
            data.append(p)
        elif b in success:
            rhs[index[a]] += p
    q = sp.csr_matrix((data, (rows, cols)), shape=(len(sources), len(sources)))
    h = spla.spsolve((sp.identity(len(sources), format="csc") - q).tocsc(), rhs)
    h = np.atleast_1d(h)
    return {node: float(min(1.0, max(0.0, h[i]))) for node, i in index.items()}


def held_out_scores(
    db: Database,
    codes: Codes,
    success_codes: set[int],
    max_order: int = MAX_ORDER,
    where: str = "true",
) -> dict[int, float]:
    """Mean held-out log-likelihood of outcomes per step, for orders 1 .. ``max_order``.

    Parameters
    ----------
    db : Database
        The engine holding ``variants`` built with ``hold_out`` (``walks.build_variants``).
    codes : Codes
        Node ids by code.
    success_codes : set of int
        The codes of the success outcomes.
    max_order : int
        The highest order tried.
    where : str
        SQL selecting the variants of one segment.

    Returns
    -------
    dict
        Order -> mean log-likelihood per held-out step (higher is better).

    Examples
    --------
    >>> import duckdb
    >>> from journeymap.ingest.source import DuckDatabase
    >>> con = duckdb.connect()
    >>> walks = "(false, [1, 3, 4], 8), (false, [2, 3, 5], 8), (true, [1, 3, 4], 2), (true, [2, 3, 5], 2)"
    >>> _ = con.execute(f"CREATE TABLE variants AS SELECT * FROM (VALUES {walks}) v(held, w, n)")
    >>> scores = held_out_scores(DuckDatabase(con), Codes(["a", "b", "m", "ok", "no"], 3), {4}, max_order=2)
    >>> round(scores[1], 3), round(scores[2], 3)  # order 1 mixes a and b at m: 50 %; order 2 knows
    (-0.693, -0.0)
    """
    held = db.rows(f"SELECT w, sum(n) FROM variants WHERE ({where}) AND held GROUP BY w")
    walks = sorted((tuple(int(c) for c in w), int(n)) for w, n in held)  # one summing order, one result
    scores: dict[int, float] = {}
    for k in range(1, max_order + 1):
        counts = Counter(dict(sorted(state_transitions(db, codes, k, f"({where}) AND NOT held").items())))
        success: set[State] = {b for _, b in counts if len(b) == 1 and b[0] in success_codes}
        h: dict[State, float] = success_from(counts, success)
        base = h.get((), 0.5)
        total, steps = 0.0, 0
        for w, n in walks:
            won = w[-1] in success_codes
            for i in range(len(w) - 1):
                p = h.get(w[max(0, i - k + 1) : i + 1], base)
                p = min(1 - CLIP, max(CLIP, p))
                total += n * math.log(p if won else 1 - p)
                steps += n
        scores[k] = total / steps if steps else 0.0
    return scores


def chosen_order(scores: Mapping[int, float]) -> int:
    """The smallest order whose successor gains less than ``MIN_GAIN`` nats per held-out step.

    Parameters
    ----------
    scores : Mapping
        Order -> mean held-out log-likelihood per step (``held_out_scores``).

    Returns
    -------
    int
        The chosen order (the highest one when every step gains).

    Examples
    --------
    >>> chosen_order({1: -0.6, 2: -0.5, 3: -0.45})
    3
    >>> chosen_order({1: -0.6, 2: -0.4, 3: -0.3995, 4: -0.39})
    2
    """
    orders = sorted(scores)
    for k, nxt in itertools.pairwise(orders):
        if scores[nxt] - scores[k] < MIN_GAIN:
            return k
    return orders[-1]
