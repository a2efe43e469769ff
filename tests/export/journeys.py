"""Journeys for the export tests: the fixtures, one with hostile names, and a 200-touchpoint one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from journeymap.model import Journey, parse_journey

FIXTURES = sorted((Path(__file__).resolve().parents[2] / "fixtures").glob("*.yaml"))

# Names that break naive writers: quotes, markup, entities, line breaks, brackets,
# Mermaid/DOT/Cypher syntax, a script end tag and a template slot.
ODD_NAMES = {
    "stage": 'Stage "one" <b>&amp;</b>\nsecond line',
    "end": "Quote \" and ' apostrophe; semi: colon # hash",
    "o": "<script>alert(1)</script> & [brackets] (parens) {braces} |pipe|",
    "x-1": "line one\nline two\r\nline three \\ backslash \\n not a break",
    "a_b": "`tick` %% not a comment --> not an arrow </script><!-- {{MAP}}",
    "0start": "中文名稱「引號」與《書名》 emoji 🚗",
    "ok": 'Done "well"',
    "lost": "Lost <forever> & ever",
}


def odd_document() -> dict[str, Any]:
    """A valid journey whose ids are odd-but-legal slugs and whose names are hostile."""
    tp = [("end", 5, 7), ("o", 6, 6), ("x-1", 8, 6), ("a_b", 3, 6), ("0start", 7, 7)]
    return {
        "id": "odd-names",
        "name": 'Odd "names" <&> \\ test\nsecond line',
        "description": "Names with markup and syntax characters",
        "stages": [
            {"id": "stage", "name": ODD_NAMES["stage"], "phase": "pre_sale"},
            {"id": "later", "name": "Later [stage] ; end", "phase": "after_sale"},
        ],
        "touchpoints": [
            {
                "id": tid,
                "name": ODD_NAMES[tid],
                "stage": "stage" if i < 3 else "later",
                "experience": exp,
                "expectation": ex,
                "importance": 1 + i,
                "channel": 'web "app"',
                "owner": "<team>",
            }
            for i, (tid, exp, ex) in enumerate(tp)
        ],
        "outcomes": [
            {"id": "ok", "name": ODD_NAMES["ok"], "kind": "success"},
            {"id": "lost", "name": ODD_NAMES["lost"], "kind": "failure"},
        ],
        "transitions": [
            {"from": "entry", "to": "end", "customers": 70},
            {"from": "entry", "to": "o", "customers": 30},
            {"from": "end", "to": "o", "customers": 40},
            {"from": "end", "to": "lost", "customers": 30},
            {"from": "o", "to": "x-1", "customers": 60},
            {"from": "o", "to": "a_b", "customers": 10},
            {"from": "x-1", "to": "a_b", "customers": 50},
            {"from": "x-1", "to": "end", "customers": 5},
            {"from": "x-1", "to": "lost", "customers": 5},
            {"from": "a_b", "to": "0start", "customers": 45},
            {"from": "a_b", "to": "lost", "customers": 15},
            {"from": "0start", "to": "ok", "customers": 40},
            {"from": "0start", "to": "lost", "customers": 5},
        ],
    }


def odd_journey() -> Journey:
    return parse_journey(odd_document(), "odd")


def big_journey(stages: int = 8, per_stage: int = 25) -> Journey:
    """``stages`` x ``per_stage`` touchpoints with long mixed-script names.

    Each touchpoint leads on to the next touchpoint of its stage (or to the first
    ones of the next stage) and loses a few customers; it is laid out so that
    the number of simple paths stays small.
    """
    phases = ["pre_sale", "sale", "after_sale"]
    doc: dict[str, Any] = {
        "id": "big",
        "name": "大型旅程 Big journey",
        "entrants": 10000,
        "stages": [
            {"id": f"s{i}", "name": f"階段 {i} Stage number {i}", "phase": phases[i * 3 // stages]}
            for i in range(stages)
        ],
        "touchpoints": [],
        "outcomes": [
            {"id": "won", "name": "Won", "kind": "success"},
            {"id": "gone", "name": "Gone", "kind": "failure"},
        ],
        "transitions": [],
    }
    ids = [[f"t{i}_{j}" for j in range(per_stage)] for i in range(stages)]
    for i in range(stages):
        for j, tid in enumerate(ids[i]):
            long = " with a much longer description of the step" if j % 3 == 0 else ""
            doc["touchpoints"].append(
                {
                    "id": tid,
                    "name": f"觸點 {i}-{j} Touchpoint {j}{long}",
                    "stage": f"s{i}",
                    "experience": 3 + (i * 7 + j * 3) % 7,
                    "expectation": 6,
                    "importance": 1 + j % 5,
                }
            )
            nxt = ids[i][j + 1] if j + 1 < per_stage else (ids[i + 1][0] if i + 1 < stages else "won")
            doc["transitions"].append({"from": tid, "to": nxt, "share": 0.9})
            doc["transitions"].append({"from": tid, "to": "gone", "share": 0.1})
    doc["transitions"].append({"from": "entry", "to": ids[0][0], "share": 1})
    return parse_journey(doc, "big")
