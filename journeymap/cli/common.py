"""Helpers shared by the CLI command modules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console

from journeymap.errors import InvalidInput
from journeymap.files import load_journey
from journeymap.model import ID_PATTERN, Journey
from journeymap.store import JourneyStore, open_store

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def store() -> JourneyStore:
    """The store ``JOURNEYMAP_STORE`` names (embedded SQLite by default)."""
    return open_store()


def resolve_journey(file_or_id: str, version: int | None = None) -> Journey:
    """A journey from a file path, or else from the store by id."""
    path = Path(file_or_id)
    if path.exists() or path.suffix.lower() in {".yaml", ".yml", ".json"}:
        return load_journey(path)
    import re

    if not re.match(ID_PATTERN, file_or_id):
        raise InvalidInput(f"'{file_or_id}' is neither a journey file nor a journey id")
    st = store()
    try:
        return st.get(file_or_id, version).journey
    finally:
        st.close()


def print_json(document: Any) -> None:
    """Write a JSON document to stdout (UTF-8, no colour)."""
    print(json.dumps(document, ensure_ascii=False, indent=2))
