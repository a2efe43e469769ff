"""The one exception tree of journeymap.

::

    JourneymapError                 anything journeymap refuses or cannot do
    ├── InvalidJourney              a journey file or patch breaks the rules (carries every Problem)
    ├── InvalidInput                a bad argument or request outside a journey document
    ├── NotFound                    no journey (or version) with that id
    ├── VersionConflict             a write named a stale version (no lost updates)
    ├── PreconditionRequired        a replace without a version where one is required
    ├── LimitExceeded               a body or graph over the configured limits
    ├── AnalysisError               the engine cannot compute (e.g. a loop customers never leave)
    ├── StoreUnavailable            the store cannot be reached or answered with a failure
    └── MissingExtra                an optional dependency is not installed (names the extra)

Each adapter maps this tree in exactly one place: the CLI to exit codes
(``journeymap.cli``), the HTTP API to problem+json statuses (``api.problems``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One broken rule at one place, e.g. ``transitions[3].to: unknown id 'pikcup'``."""

    loc: str
    rule: str
    message: str

    def __str__(self) -> str:
        where = f"{self.loc}: " if self.loc else ""
        return f"{where}{self.message} [{self.rule}]"

    def as_dict(self) -> dict[str, str]:
        return {"loc": self.loc, "rule": self.rule, "message": self.message}


class JourneymapError(Exception):
    """Base of every error journeymap raises on purpose."""

    title = "journeymap error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidJourney(JourneymapError):
    """A journey document breaks one or more rules; ``problems`` lists all of them."""

    title = "invalid journey"

    def __init__(self, problems: Iterable[Problem], source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        head = f"{source}: " if source else ""
        count = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{head}{count} problem{'s' if count != 1 else ''}\n{lines}")


class InvalidInput(JourneymapError):
    """A bad argument or request that is not a journey document."""

    title = "invalid input"


class NotFound(JourneymapError):
    """No journey, version or node with that id."""

    title = "not found"


class VersionConflict(JourneymapError):
    """A write named a version that is no longer current; nothing was changed."""

    title = "version conflict"

    def __init__(self, journey_id: str, expected: int | None, current: int | None) -> None:
        self.journey_id = journey_id
        self.expected = expected
        self.current = current
        now = "does not exist" if current is None else f"is at version {current}"
        super().__init__(
            f"journey '{journey_id}' {now}, but the write expected version {expected}; nothing was changed"
        )


class PreconditionRequired(JourneymapError):
    """A replace of an existing journey must name the version it replaces."""

    title = "precondition required"


class LimitExceeded(JourneymapError):
    """A body or graph is over a configured limit."""

    title = "limit exceeded"


class AnalysisError(JourneymapError):
    """The engine cannot compute the requested numbers for this graph."""

    title = "analysis error"


class StoreUnavailable(JourneymapError):
    """The store cannot be reached, or failed while answering."""

    title = "store unavailable"


class MissingExtra(JourneymapError):
    """A command needs an optional dependency that is not installed.

    >>> print(MissingExtra("api", ["fastapi", "uvicorn"]).detail)
    this needs fastapi, uvicorn: install journeymap[api] (pip install 'journeymap[api]')
    """

    title = "missing optional dependency"

    def __init__(self, extra: str, missing: Iterable[str]) -> None:
        self.extra = extra
        self.missing = list(missing)
        beside = f" and {RUNTIMES[extra]}" if extra in RUNTIMES else ""
        super().__init__(
            f"this needs {', '.join(self.missing)}: install journeymap[{extra}]{beside} "
            f"(pip install 'journeymap[{extra}]')"
        )


RUNTIMES = {"spark": "a Java 17+ runtime"}
"""What an extra needs beside its Python packages (``MissingExtra`` names it too)."""
