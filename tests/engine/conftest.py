from __future__ import annotations

from typing import Any

from journeymap.model import Journey, parse_journey


def make_journey(
    edges: list[tuple[str, str, float]],
    touchpoints: dict[str, dict[str, Any]],
    outcomes: dict[str, str],
    jid: str = "test",
    key: str = "customers",
) -> Journey:
    """A journey from an edge list, touchpoint scores and outcome kinds (one stage ``s``)."""
    return parse_journey(
        {
            "id": jid,
            "name": jid,
            "stages": [{"id": "s", "name": "S", "phase": "sale"}],
            "touchpoints": [
                {"id": tid, "name": tid, "stage": "s", **fields} for tid, fields in touchpoints.items()
            ],
            "outcomes": [{"id": o, "name": o, "kind": kind} for o, kind in outcomes.items()],
            "transitions": [{"from": u, "to": v, key: w} for u, v, w in edges],
        }
    )
