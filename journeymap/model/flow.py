"""Graph rules over the transitions: endpoints, weights, and ways in and out (DESIGN.md §2).

Each rule runs in one pass (linear in touchpoints + transitions)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from journeymap.errors import Problem
from journeymap.model.base import ENTRY, SHARE_TOLERANCE
from journeymap.model.journey import Journey


def transition_problems(journey: Journey) -> list[Problem]:
    """Endpoints, self-loops, duplicates and weights of every transition, in one pass."""
    problems: list[Problem] = []
    touchpoints = {tp.id for tp in journey.touchpoints}
    outcomes = {o.id for o in journey.outcomes}
    known = touchpoints | outcomes | {ENTRY}
    sources, targets = touchpoints | {ENTRY}, touchpoints | outcomes
    seen_pairs: dict[tuple[str, str], int] = {}
    modes: dict[str, int] = {}  # bit 1: 'customers' used, bit 2: 'share' used
    shares: dict[str, float] = defaultdict(float)
    for i, t in enumerate(journey.transitions):
        source, target = t.source, t.target
        if source not in sources or target not in targets or source == target:
            problems += _endpoint_problems(f"transitions[{i}]", source, target, known, outcomes)
        first = seen_pairs.setdefault((source, target), i)
        if first != i:
            message = f"'{source}' -> '{target}' is already given at transitions[{first}]"
            problems.append(Problem(f"transitions[{i}]", "duplicate-transition", message))
        if t.share is None:
            modes[source] = modes.get(source, 0) | 1
        else:
            modes[source] = modes.get(source, 0) | 2
            shares[source] += t.share
    for source, used in modes.items():
        where = f"transitions(from={source})"
        if used == 3:
            message = f"transitions leaving '{source}' mix 'customers' and 'share'"
            problems.append(Problem(where, "mixed-weights", message))
        elif used == 2 and abs(shares[source] - 1.0) > SHARE_TOLERANCE:
            message = f"shares leaving '{source}' sum to {shares[source]:.6g}, not 1"
            problems.append(Problem(where, "share-sum", message))
    return problems


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
    transitions' ends; ``forward``/``backward`` hold only transitions with a positive weight.
    Built in one pass over the transitions; ids must all be known."""

    def __init__(self, journey: Journey) -> None:
        self.touchpoints = len(journey.touchpoints)
        self.ids = [ENTRY, *(tp.id for tp in journey.touchpoints), *(o.id for o in journey.outcomes)]
        index = {node: i for i, node in enumerate(self.ids)}
        size = len(self.ids)
        self.exits = [0] * size
        self.weighted = [False] * size
        self.forward: list[list[int]] = [[] for _ in range(size)]
        self.backward: list[list[int]] = [[] for _ in range(size)]
        for t in journey.transitions:
            source, target = index[t.source], index[t.target]
            self.exits[source] += 1
            weight = t.customers if t.customers is not None else t.share
            if weight != 0:
                self.weighted[source] = True
            if weight is not None and weight > 0:
                self.forward[source].append(target)
                self.backward[target].append(source)

    def reached(self) -> list[bool]:
        """Nodes customers can reach from entry."""
        return _reachable([0], self.forward, len(self.ids))

    def trapped(self, reached: list[bool]) -> list[str]:
        """Touchpoints in ``reached`` from which no outcome can be reached."""
        first_outcome = self.touchpoints + 1
        finishing = _reachable(range(first_outcome, len(self.ids)), self.backward, len(self.ids))
        return [self.ids[i] for i in range(1, first_outcome) if reached[i] and not finishing[i]]


def flow_problems(journey: Journey) -> list[Problem]:
    """Ways in and out: reachability from entry, exits, and a road to some outcome."""
    graph = _Graph(journey)
    problems = []
    if not graph.exits[0]:
        problems.append(Problem("transitions", "no-entry", "no transition leaves 'entry'"))
    for i in range(graph.touchpoints + 1):
        where, node = (f"touchpoints[{i - 1}]", graph.ids[i]) if i else ("entry", ENTRY)
        if i and not graph.exits[i]:
            problems.append(Problem(where, "no-way-out", f"touchpoint '{node}' has no way out"))
        elif graph.exits[i] and not graph.weighted[i]:
            problems.append(
                Problem(where, "zero-exits", f"every transition leaving '{node}' has zero weight")
            )
    reached = graph.reached()
    for i in range(1, graph.touchpoints + 1):
        if not reached[i]:
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


def _reachable(starts: Iterable[int], adjacency: list[list[int]], size: int) -> list[bool]:
    seen = [False] * size
    stack = []
    for start in starts:
        seen[start] = True
        stack.append(start)
    while stack:
        for nxt in adjacency[stack.pop()]:
            if not seen[nxt]:
                seen[nxt] = True
                stack.append(nxt)
    return seen


def trapped_nodes(journey: Journey) -> list[str]:
    """Touchpoints reachable from entry from which no outcome can be reached (ids must be known)."""
    graph = _Graph(journey)
    return graph.trapped(graph.reached())
