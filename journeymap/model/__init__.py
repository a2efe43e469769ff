"""Pydantic v2 models of the journey file (DESIGN.md §2) and its validation.

Validation runs in two passes and reports *every* problem of a pass at once:
first the shape (types, required fields, id syntax, ranges), then, when the
shape is sound, the graph rules (unique ids, known references, shares, ways
in and out). Each problem names its rule and its place, e.g.
``transitions[3].to: unknown id 'pikcup' [unknown-node]``.

The package's modules, each importing only those before it: ``base`` (ids,
scores, the scale), ``context`` (evidence, personas, opportunities, economics),
``journey`` (the graph's models), ``flow`` and ``rules`` (the graph rules),
``document`` (parsing and writing documents). Import from here.
"""

from journeymap.model.base import (
    ENTRY,
    ID_PATTERN,
    LANES,
    MAX_INTEGER,
    PHASES,
    SHARE_TOLERANCE,
    STATUSES,
    URL_PATTERN,
    Ids,
    Phase,
    Scale,
    Score,
    Slug,
    Status,
)
from journeymap.model.context import (
    Economics,
    Evidence,
    EvidenceList,
    Opportunity,
    Persona,
    horizon_years,
)
from journeymap.model.document import (
    journey_document,
    parse_journey,
    parse_journey_json,
    shape_problems,
    without_gc,
)
from journeymap.model.flow import TransitionEnds, transition_ends, trapped_nodes
from journeymap.model.journey import (
    Interval,
    Journey,
    Measured,
    MeasureName,
    Outcome,
    ScoreSource,
    Stage,
    Timing,
    Touchpoint,
    Transition,
    Variant,
    Variants,
)
from journeymap.model.rules import (
    annotation_problems,
    economics_problems,
    graph_problems,
    scale_problems,
    variant_problems,
)

__all__ = [
    "ENTRY",
    "ID_PATTERN",
    "LANES",
    "MAX_INTEGER",
    "PHASES",
    "SHARE_TOLERANCE",
    "STATUSES",
    "URL_PATTERN",
    "Economics",
    "Evidence",
    "EvidenceList",
    "Ids",
    "Interval",
    "Journey",
    "MeasureName",
    "Measured",
    "Opportunity",
    "Outcome",
    "Persona",
    "Phase",
    "Scale",
    "Score",
    "ScoreSource",
    "Slug",
    "Stage",
    "Status",
    "Timing",
    "Touchpoint",
    "Transition",
    "TransitionEnds",
    "Variant",
    "Variants",
    "annotation_problems",
    "economics_problems",
    "graph_problems",
    "horizon_years",
    "journey_document",
    "parse_journey",
    "parse_journey_json",
    "scale_problems",
    "shape_problems",
    "transition_ends",
    "trapped_nodes",
    "variant_problems",
    "without_gc",
]
