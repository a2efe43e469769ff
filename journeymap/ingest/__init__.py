"""Journeys from real data: event logs, survey responses and path tables.

>>> from journeymap.ingest import journey_from_path_table
>>> j = journey_from_path_table("path;total_conversions;total_null\\nA > B;1;1\\n", "demo")
>>> sorted((t.source, t.target, t.weight) for t in j.transitions)
[('a', 'b', 2.0), ('b', 'conversion', 1.0), ('b', 'null', 1.0), ('entry', 'a', 2.0)]
"""

import importlib
from typing import TYPE_CHECKING, Any

from journeymap.ingest.mapping import Mapping, load_mapping, parse_mapping
from journeymap.ingest.paths import journey_from_path_table

if TYPE_CHECKING:
    from journeymap.ingest.pipeline import IngestResult, SegmentedResult, ingest_events, ingest_segments


def __getattr__(name: str) -> Any:
    """The event-log pipeline, imported when first asked for (DuckDB)."""
    if name in ("IngestResult", "SegmentedResult", "ingest_events", "ingest_segments"):
        from journeymap.extras import require

        require("ingest")
        return getattr(importlib.import_module("journeymap.ingest.pipeline"), name)
    raise AttributeError(f"module 'journeymap.ingest' has no attribute {name!r}")


__all__ = [
    "IngestResult",
    "Mapping",
    "SegmentedResult",
    "ingest_events",
    "ingest_segments",
    "journey_from_path_table",
    "load_mapping",
    "parse_mapping",
]
