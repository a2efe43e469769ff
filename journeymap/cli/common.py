"""Helpers shared by the CLI command modules."""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from journeymap.errors import InvalidInput, NotFound
from journeymap.files import load_journey
from journeymap.model import ID_PATTERN, Journey
from journeymap.store import JourneyStore, open_store

if TYPE_CHECKING:
    from rich.console import Console

UNWRAPPED_WIDTH = 10_000


def _console(stderr: bool = False) -> Console:
    """A console; writing to a file or a pipe it never wraps lines (a record stays on its line)."""
    from rich.console import Console

    out = Console(stderr=stderr, highlight=False)
    if not out.is_terminal:
        out.soft_wrap = True
        out.width = UNWRAPPED_WIDTH
    return out


class _OnFirstUse:
    """A console made when first used: a command that only prints JSON never imports rich (~30 ms)."""

    def __init__(self, stderr: bool) -> None:
        self._stderr = stderr
        self._made: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._made is None:
            self._made = _console(self._stderr)
        return getattr(self._made, name)


console = cast("Console", _OnFirstUse(stderr=False))
err_console = cast("Console", _OnFirstUse(stderr=True))


def store() -> JourneyStore:
    """The store ``JOURNEYMAP_STORE`` names (embedded SQLite by default)."""
    return open_store(figures=_graph_figures)


def _graph_figures(journey: Journey) -> Any:
    from journeymap.engine import graph_figures  # the engine (scipy) loads when a graph store writes

    return graph_figures(journey)


def resolve_journey(file_or_id: str, version: int | None = None) -> Journey:
    """A journey from a file path, or else from the store by id.

    A command reads its journey once and the process ends when the command is done, so the
    journey read from a file is frozen out of the garbage collector (``gc.freeze``): no later
    collection walks its objects again, in particular not the interpreter's last one at exit,
    which otherwise spends ~0.4 s walking the million objects of a 500,000-transition journey
    (the journey and its compiled chain refer to each other, so only a collection frees them)
    just before the process hands all its memory back anyway.
    """
    path = Path(file_or_id)
    if path.exists() or path.suffix.lower() in {".yaml", ".yml", ".json"}:
        journey = load_journey(path)
        gc.freeze()
        return journey
    import re

    if not re.match(ID_PATTERN, file_or_id):
        raise InvalidInput(f"'{file_or_id}' is neither a journey file nor a journey id")
    st = store()
    try:
        return st.get(file_or_id, version).journey
    finally:
        st.close()


def put_unless_unchanged(
    st: JourneyStore, journey: Journey, expected_version: int | None = None
) -> tuple[int, bool]:
    """Store ``journey`` unless its current version is the same journey: ``(version, stored)``.

    An unchanged journey makes no new version (``stored`` is False); an
    ``expected_version`` that does not match is still refused by the store.
    """
    try:
        current = st.get(journey.id)
    except NotFound:
        current = None
    if current is not None and current.journey == journey and expected_version in (None, current.version):
        return current.version, False
    return st.put(journey, expected_version=expected_version), True


def print_json(document: Any) -> None:
    """Write a JSON document to stdout (UTF-8, no colour)."""
    print(json.dumps(document, ensure_ascii=False, indent=2))
