"""Graph rules over the transitions: endpoints, weights, and ways in and out (DESIGN.md §2).

Each rule is linear in touchpoints + transitions (duplicates: n log n): the transitions'
ends are numbered once and the rules run as numpy array passes over those numbers, so a
500,000-transition file is checked in a fraction of a second."""

from __future__ import annotations

from operator import attrgetter

import numpy as np
from numpy.typing import NDArray

from journeymap.errors import Problem
from journeymap.model.base import ENTRY, SHARE_TOLERANCE
from journeymap.model.journey import Journey
from journeymap.model.reach import csr, reachable


def transition_problems(journey: Journey, ends: TransitionEnds | None = None) -> list[Problem]:
    """Endpoints, self-loops, duplicates and weights of every transition.

    The transitions' ends are numbered once (``TransitionEnds``) and each rule is one array pass over
    them; problems come in transition order, then the weight rules by first source.
    """
    ends = ends or TransitionEnds(journey)
    src, dst = ends.src, ends.dst
    role = ends.roles()
    wrong = ((role[src] & (_TOUCHPOINT | _ENTRY)) == 0) | ((role[dst] & (_TOUCHPOINT | _OUTCOME)) == 0)
    faulty = set(np.flatnonzero(wrong | (src == dst)).tolist())
    pair = src * len(ends.codes) + dst
    _, first_of, which = np.unique(pair, return_index=True, return_inverse=True)
    first = first_of[which]
    repeated = set(np.flatnonzero(first != np.arange(len(pair))).tolist())
    problems: list[Problem] = []
    if faulty:
        known = {tp.id for tp in journey.touchpoints} | {o.id for o in journey.outcomes} | {ENTRY}
        outcomes = {o.id for o in journey.outcomes}
    for i in sorted(faulty | repeated):
        t = journey.transitions[i]
        if i in faulty:
            problems += _endpoint_problems(f"transitions[{i}]", t.source, t.target, known, outcomes)
        if i in repeated:
            message = f"'{t.source}' -> '{t.target}' is already given at transitions[{first[i]}]"
            problems.append(Problem(f"transitions[{i}]", "duplicate-transition", message))
    return problems + _weight_problems(ends)


def _weight_problems(ends: TransitionEnds) -> list[Problem]:
    """Sources mixing 'customers' and 'share', and shares not summing to 1, by first source.

    The shares of a source are summed in file order (``np.bincount`` adds in input order)."""
    size = len(ends.codes)
    shared = ends.shared
    share_count = np.bincount(ends.src, weights=shared, minlength=size)
    all_count = np.bincount(ends.src, minlength=size)
    sums = np.bincount(ends.src, weights=np.where(shared, ends.weight, 0.0), minlength=size)
    mixed = (share_count > 0) & (share_count < all_count)
    off = (share_count == all_count) & (all_count > 0) & (np.abs(sums - 1.0) > SHARE_TOLERANCE)
    flagged = np.flatnonzero(mixed | off)
    if not len(flagged):
        return []
    first_use = np.full(size, len(ends.src))
    np.minimum.at(first_use, ends.src, np.arange(len(ends.src)))  # where each source is first used
    names = ends.names()
    problems = []
    for code in sorted(flagged.tolist(), key=lambda c: first_use[c]):
        source, where = names[code], f"transitions(from={names[code]})"
        if mixed[code]:
            message = f"transitions leaving '{source}' mix 'customers' and 'share'"
            problems.append(Problem(where, "mixed-weights", message))
        else:
            message = f"shares leaving '{source}' sum to {sums[code]:.6g}, not 1"
            problems.append(Problem(where, "share-sum", message))
    return problems


_TOUCHPOINT, _OUTCOME, _ENTRY = 1, 2, 4


class TransitionEnds:
    """Every transition's ends as integer codes (``codes``: id -> code; the journey's nodes
    first, in file order, then any unknown id), with its weight and whether it is a share.

    On a journey whose ids are unique and known the codes are the chain's node numbers
    (entry 0, touchpoints, outcomes), so the engine reuses them (``transition_ends``).
    ``can_finish`` is set once the flow rules have held: every touchpoint is reached from
    entry and every customer can reach an outcome (``flow_problems`` found nothing)."""

    def __init__(self, journey: Journey) -> None:
        # the lists numbered (not the journey: no reference cycle, and a copy of a journey
        # that shares all three lists shares their numbering too)
        self.touchpoints, self.outcomes = journey.touchpoints, journey.outcomes
        self.transitions = transitions = journey.transitions
        self.can_finish = False
        sources = [t.source for t in transitions]
        targets = [t.target for t in transitions]
        nodes = [ENTRY, *(tp.id for tp in journey.touchpoints), *(o.id for o in journey.outcomes)]
        codes = {name: i for i, name in enumerate(dict.fromkeys(nodes))}
        # every node id once: the codes are the node numbers (entry 0, touchpoints, outcomes)
        self.unique_nodes = len(codes) == len(nodes)
        src = list(map(codes.get, sources))
        dst = list(map(codes.get, targets))
        if None in src or None in dst:  # unknown ids (each a problem): number them too
            for name in sources + targets:
                codes.setdefault(name, len(codes))
            src, dst = list(map(codes.get, sources)), list(map(codes.get, targets))
        self.codes = codes
        self.src = np.fromiter(src, np.int64, len(src))
        self.dst = np.fromiter(dst, np.int64, len(dst))
        # None becomes nan: a share where one is given, else the customers (nan if neither,
        # which only a journey built without validation can have); ``fromiter`` over the
        # attributes builds no list of 500,000 floats first
        count = len(transitions)
        shares = np.fromiter(map(attrgetter("share"), transitions), np.float64, count)
        customers = np.fromiter(map(attrgetter("customers"), transitions), np.float64, count)
        self.shared = ~np.isnan(shares)
        self.weight = np.where(np.isnan(customers), shares, customers)

    def names(self) -> list[str]:
        """The id of every code."""
        return list(self.codes)

    def node_numbers(self) -> bool:
        """Whether the codes are exactly the node numbers: every node id once, no unknown id."""
        return self.unique_nodes and len(self.codes) == 1 + len(self.touchpoints) + len(self.outcomes)

    def roles(self) -> NDArray[np.int64]:
        """Per code: ``_TOUCHPOINT | _OUTCOME | _ENTRY`` bits of what the id names (0: unknown)."""
        if self.unique_nodes:  # codes in node order: entry, the touchpoints, the outcomes, unknowns
            by_code = np.zeros(len(self.codes), np.int64)
            first_outcome = 1 + len(self.touchpoints)
            by_code[0] = _ENTRY
            by_code[1:first_outcome] = _TOUCHPOINT
            by_code[first_outcome : first_outcome + len(self.outcomes)] = _OUTCOME
            return by_code
        roles = dict.fromkeys([tp.id for tp in self.touchpoints], _TOUCHPOINT)
        for o in self.outcomes:
            roles[o.id] = roles.get(o.id, 0) | _OUTCOME
        roles[ENTRY] = roles.get(ENTRY, 0) | _ENTRY
        return np.fromiter((roles.get(name, 0) for name in self.codes), np.int64, len(self.codes))


ENDS = "_transition_ends"  # key in the journey's __dict__, beside its fields (as functools.cached_property)


def transition_ends(journey: Journey) -> TransitionEnds:
    """The journey's ``TransitionEnds``, numbered once per journey.

    A ``Journey`` is frozen, so validation's numbering is kept on it and the engine's chain
    takes its node numbers from there instead of numbering 500,000 transitions again. A copy
    (``model_copy``) with other touchpoints, outcomes or transitions numbers its own: the
    kept ends hold the lists they numbered. (The ends compare by identity, so two journeys'
    equality still depends on their fields only.)

    >>> from journeymap.model.document import parse_journey
    >>> journey = parse_journey({"id": "j", "name": "J",
    ...     "stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...     "touchpoints": [{"id": "a", "name": "A", "stage": "s", "experience": 5}],
    ...     "outcomes": [{"id": "ok", "name": "OK", "kind": "success"}],
    ...     "transitions": [{"from": "entry", "to": "a", "share": 1},
    ...                     {"from": "a", "to": "ok", "share": 1}]})
    >>> ends = transition_ends(journey)
    >>> ends is transition_ends(journey), ends.src.tolist(), ends.dst.tolist()
    (True, [0, 1], [1, 2])
    """
    kept = journey.__dict__.get(ENDS)
    if (
        isinstance(kept, TransitionEnds)
        and kept.transitions is journey.transitions
        and kept.touchpoints is journey.touchpoints
        and kept.outcomes is journey.outcomes
    ):
        return kept
    ends = TransitionEnds(journey)
    journey.__dict__[ENDS] = ends
    return ends


def _endpoint_problems(
    loc: str, source: str, target: str, known: set[str], outcomes: set[str]
) -> list[Problem]:
    problems = []
    if source not in known:
        problems.append(Problem(f"{loc}.from", "unknown-node", f"unknown id '{source}'"))
    elif source in outcomes:
        problems.append(Problem(f"{loc}.from", "outcome-source", f"outcome '{source}' cannot lead on"))
    if target == ENTRY:
        problems.append(Problem(f"{loc}.to", "entry-target", "'entry' can only be a source"))
    elif target not in known:
        problems.append(Problem(f"{loc}.to", "unknown-node", f"unknown id '{target}'"))
    if source == target and source != ENTRY:
        problems.append(Problem(loc, "self-loop", f"'{source}' leads to itself"))
    return problems


class _Graph:
    """The journey's nodes as integers (entry 0, touchpoints 1..n, then outcomes) with the
    transitions' ends; ``forward``/``backward`` (CSR arrays) hold only transitions with a
    positive weight. Built with array passes over the transitions; ids must all be known."""

    def __init__(self, journey: Journey, ends: TransitionEnds | None = None) -> None:
        self.touchpoints = len(journey.touchpoints)
        self.ids = [ENTRY, *(tp.id for tp in journey.touchpoints), *(o.id for o in journey.outcomes)]
        size = len(self.ids)
        ends = ends or TransitionEnds(journey)
        if ends.node_numbers():
            source, target = ends.src, ends.dst
        else:  # a node id given twice: its uses go to its last node, as a dict keeps the last
            index = {node: i for i, node in enumerate(self.ids)}
            node_of = np.fromiter((index[name] for name in ends.codes), np.int64, len(ends.codes))
            source, target = node_of[ends.src], node_of[ends.dst]
        self.exits = np.bincount(source, minlength=size)
        self.weighted = np.bincount(source, weights=ends.weight != 0, minlength=size) > 0
        positive = ends.weight > 0
        self.forward = csr(source[positive], target[positive], size)
        self.backward = csr(target[positive], source[positive], size)

    def reached(self) -> NDArray[np.bool_]:
        """Nodes customers can reach from entry."""
        return reachable(np.zeros(1, np.int64), self.forward)

    def trapped(self, reached: NDArray[np.bool_]) -> list[str]:
        """Touchpoints in ``reached`` from which no outcome can be reached, in file order."""
        first_outcome = self.touchpoints + 1
        finishing = reachable(np.arange(first_outcome, len(self.ids)), self.backward)
        stuck = reached[:first_outcome] & ~finishing[:first_outcome]
        return [self.ids[i] for i in (np.flatnonzero(stuck[1:]) + 1).tolist()]


def flow_problems(journey: Journey, ends: TransitionEnds | None = None) -> list[Problem]:
    """Ways in and out: reachability from entry, exits, and a road to some outcome."""
    graph = _Graph(journey, ends)
    problems = []
    if not graph.exits[0]:
        problems.append(Problem("transitions", "no-entry", "no transition leaves 'entry'"))
    transient = slice(0, graph.touchpoints + 1)  # entry and the touchpoints
    exits, weighted = graph.exits[transient], graph.weighted[transient]
    no_way_out = exits == 0
    no_way_out[0] = False  # entry without exits is "no-entry" above
    for i in np.flatnonzero(no_way_out | ((exits > 0) & ~weighted)).tolist():
        where, node = (f"touchpoints[{i - 1}]", graph.ids[i]) if i else ("entry", ENTRY)
        if no_way_out[i]:
            problems.append(Problem(where, "no-way-out", f"touchpoint '{node}' has no way out"))
        else:
            problems.append(
                Problem(where, "zero-exits", f"every transition leaving '{node}' has zero weight")
            )
    reached = graph.reached()
    for i in (np.flatnonzero(~reached[1 : graph.touchpoints + 1]) + 1).tolist():
        message = f"'{graph.ids[i]}' cannot be reached from entry"
        problems.append(Problem(f"touchpoints[{i - 1}]", "unreachable", message))
    if not problems:
        stuck = graph.trapped(reached)
        if stuck:
            problems.append(
                Problem(
                    "transitions",
                    "closed-loop",
                    "customers entering "
                    + ", ".join(f"'{n}'" for n in stuck)
                    + " can never reach an outcome",
                )
            )
    return problems


def trapped_nodes(journey: Journey) -> list[str]:
    """Touchpoints reachable from entry from which no outcome can be reached (ids must be known)."""
    graph = _Graph(journey)
    return graph.trapped(graph.reached())
