"""Event log (+ mapping, + optional surveys) -> journey and summary."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from journeymap.errors import InvalidInput
from journeymap.ingest.build import assemble
from journeymap.ingest.check import model_check
from journeymap.ingest.events import EventAggregate, aggregate_events
from journeymap.ingest.ids import journey_id as checked_id
from journeymap.ingest.ids import slugify
from journeymap.ingest.mapping import Mapping
from journeymap.ingest.problems import describe
from journeymap.ingest.progress import Progress
from journeymap.ingest.source import connection
from journeymap.ingest.surveys import SurveyAggregate, aggregate_surveys
from journeymap.model import ENTRY, Journey, journey_document, parse_journey

TOP_UNMAPPED = 10


@dataclass
class IngestResult:
    """The journey built from the data and the summary of what was read."""

    journey: Journey
    summary: dict[str, Any]


class Engine(Protocol):
    """Where the ingest SQL runs: DuckDB on this machine (``DuckEngine``) or Spark (``SparkEngine``)."""

    def events(self, path: Path, mapping: Mapping, strict: bool, progress: Progress | None) -> EventAggregate:
        """Aggregate the event log at ``path``."""
        ...

    def surveys(self, path: Path, mapping: Mapping, resolve: dict[str, str]) -> SurveyAggregate:
        """Average the survey answers at ``path`` per touchpoint."""
        ...


class DuckEngine:
    """Ingest in DuckDB, in memory, spilling to a private temporary folder."""

    def events(self, path: Path, mapping: Mapping, strict: bool, progress: Progress | None) -> EventAggregate:
        with connection() as con:
            return aggregate_events(con, path, mapping, strict=strict, progress=progress)

    def surveys(self, path: Path, mapping: Mapping, resolve: dict[str, str]) -> SurveyAggregate:
        with connection() as con:
            return aggregate_surveys(con, path, mapping, resolve)


def ingest_events(
    events: str | Path,
    mapping: Mapping,
    surveys: str | Path | None = None,
    journey_id: str | None = None,
    name: str | None = None,
    strict: bool = False,
    progress: Progress | None = None,
    engine: Engine | None = None,
) -> IngestResult:
    """Build a journey from an event log as ``mapping`` says.

    Bad rows are counted and reported in the summary; with ``strict`` any bad
    row (or unmapped event) raises ``InvalidInput`` naming the first rows.
    ``engine`` runs the queries: DuckDB by default, or
    ``journeymap.ingest.spark.SparkEngine(spark)``; both give the same result.
    """
    path = Path(events)
    jid = checked_id(journey_id, slugify(path.name.split(".")[0]))
    engine = engine or DuckEngine()
    agg = engine.events(path, mapping, strict, progress)
    check_events(agg, str(path), strict)
    survey = None
    if surveys is not None:
        survey = engine.surveys(Path(surveys), mapping, survey_names(mapping, agg))
        check_strict(survey.problems, 0, survey.examples, str(surveys), strict)
    return finish(agg, mapping, jid, name or f"Journey from {path.name}", str(path), survey)


def check_events(agg: EventAggregate, source: str, strict: bool) -> None:
    """Refuse a log with no usable event, or (``strict``) with any bad row."""
    check_strict(agg.problems, agg.bad_scores, agg.examples, source, strict)
    if not agg.transitions:
        raise InvalidInput(f"{source}: no usable events ({agg.events} rows, {agg.bad_rows} bad)")


def finish(
    agg: EventAggregate,
    mapping: Mapping,
    jid: str,
    name: str,
    source: str,
    survey: SurveyAggregate | None,
) -> IngestResult:
    """The journey and summary of an aggregated log (and its survey answers)."""
    journey = assemble(
        jid,
        name,
        mapping,
        agg.transitions,
        agg.scores,
        agg.kept_names,
        survey.by_touchpoint if survey else {},
        source,
        agg.behaviour,
        agg.states,
    )
    journey = with_variants(journey, agg)
    return IngestResult(journey, summarize(journey, agg, survey))


def with_variants(journey: Journey, agg: EventAggregate) -> Journey:
    """The journey carrying its observed variants (validated: every node must exist)."""
    other, other_walks = agg.variants_other
    variants = {
        "top": [{"nodes": nodes, "customers": n} for nodes, n in agg.variants],
        "other_customers": other,
        "other_variants": other_walks,
    }
    return parse_journey(journey_document(journey) | {"variants": variants}, journey.id)


def survey_names(mapping: Mapping, agg: EventAggregate) -> dict[str, str]:
    names = {raw: spec.id for raw, spec in mapping.touchpoints.items()}
    names.update(agg.kept_names)
    names.update({tid: tid for tid in mapping.touchpoint_specs()})
    names.update({tid: tid for tid in agg.kept_names.values()})
    return names


def check_strict(
    problems: dict[str, int], bad_scores: int, examples: list[dict[str, Any]], source: str, strict: bool
) -> None:
    if not strict or not (problems or bad_scores):
        return
    first = "; ".join(describe(e) for e in examples)
    counts = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in problems.items())
    if bad_scores:
        counts = ", ".join(filter(None, [counts, f"{bad_scores} bad score"]))
    raise InvalidInput(f"{source}: bad rows ({counts}); first: {first}")


def journey_summary(journey: Journey) -> dict[str, Any]:
    """Customers, sizes and outcome shares of a built journey."""
    customers = sum(t.weight for t in journey.transitions if t.source == ENTRY)
    kinds = journey.outcome_kinds()
    ends = {o: sum(t.weight for t in journey.transitions if t.target == o) for o in kinds}
    success = sum(n for o, n in ends.items() if kinds[o] == "success")
    return {
        "journey": journey.id,
        "customers": int(customers),
        "touchpoints": len(journey.touchpoints),
        "transitions": len(journey.transitions),
        "outcomes": {
            o: {"kind": kinds[o], "customers": int(n), "share": round(n / customers, 6)}
            for o, n in ends.items()
        },
        "success_share": round(success / customers, 6),
    }


def summarize_paths(journey: Journey) -> dict[str, Any]:
    """The summary of a journey read from a path table (no rows can be bad there)."""
    return journey_summary(journey) | {"bad_rows": 0, "problems": {}, "examples": []}


def _successes(journey: Journey) -> set[str]:
    return {o.id for o in journey.outcomes if o.kind == "success"}


def summarize(journey: Journey, agg: EventAggregate, survey: SurveyAggregate | None) -> dict[str, Any]:
    """The ingest summary document (also the CLI's ``--json`` output)."""
    summary = journey_summary(journey) | {
        "events": agg.events,
        "reader": agg.reader,
        "unmapped_events": agg.unmapped_events,
        "unmapped_top": dict(list(agg.unmapped_names.items())[:TOP_UNMAPPED]),
        "unmapped_kept": len(agg.kept_names),
        "bad_rows": agg.bad_rows,
        "problems": agg.problems,
        "bad_scores": agg.bad_scores,
        "examples": agg.examples,
        "repeats_collapsed": agg.repeats_collapsed,
        "events_after_outcome": agg.after_outcome,
        "order": agg.order,
        "variants": {
            "kept": len(agg.variants),
            "other_customers": agg.variants_other[0],
            "other_variants": agg.variants_other[1],
        },
        "model_check": model_check(agg.transitions, agg.first_touch, _successes(journey), agg.order),
    }
    if agg.order_scores:
        summary["order_scores"] = {str(k): round(v, 6) for k, v in agg.order_scores.items()}
    if survey is not None:
        summary["surveys"] = {
            "responses": survey.responses,
            "touchpoints": len(survey.by_touchpoint),
            "bad_rows": survey.bad_rows,
            "problems": survey.problems,
            "examples": survey.examples,
        }
    return summary
