"""Event log (+ mapping, + optional surveys) -> journey and summary."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from journeymap.errors import InvalidInput
from journeymap.ingest.build import assemble
from journeymap.ingest.events import aggregate_segments
from journeymap.ingest.ids import journey_id as checked_id
from journeymap.ingest.ids import segment_ids, segment_label, slugify
from journeymap.ingest.mapping import Mapping
from journeymap.ingest.problems import describe
from journeymap.ingest.progress import Progress
from journeymap.ingest.segments import EventAggregate
from journeymap.ingest.source import connection
from journeymap.ingest.summary import journey_part, log_part, summarize
from journeymap.ingest.surveys import SurveyAggregate, aggregate_surveys
from journeymap.model import Journey, journey_document, parse_journey


@dataclass
class IngestResult:
    """The journey built from the data and the summary of what was read."""

    journey: Journey
    summary: dict[str, Any]


class Engine(Protocol):
    """Where the ingest SQL runs: DuckDB on this machine (``DuckEngine``) or Spark (``SparkEngine``)."""

    def events(
        self, path: Path, mapping: Mapping, strict: bool, progress: Progress | None
    ) -> dict[str | None, EventAggregate]:
        """Aggregate the event log at ``path``, by segment (one key, ``None``, when unsegmented)."""
        ...

    def surveys(self, path: Path, mapping: Mapping, resolve: dict[str, str]) -> SurveyAggregate:
        """Average the survey answers at ``path`` per touchpoint."""
        ...


class DuckEngine:
    """Ingest in DuckDB, in memory, spilling to a private temporary folder."""

    def events(
        self, path: Path, mapping: Mapping, strict: bool, progress: Progress | None
    ) -> dict[str | None, EventAggregate]:
        with connection() as con:
            return aggregate_segments(con, path, mapping, strict=strict, progress=progress)

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

    Parameters
    ----------
    events : str or Path
        The event log (CSV, Parquet or NDJSON; gzip accepted).
    mapping : Mapping
        How columns and raw event names become the journey (``parse_mapping``).
    surveys : str or Path, optional
        Survey responses whose answers score the touchpoints.
    journey_id, name : str, optional
        The journey's id (default: from the file name) and name.
    strict : bool
        Refuse any bad row or unmapped event instead of counting it.
    progress : Progress, optional
        Told each step and its progress (the CLI draws a bar).
    engine : Engine, optional
        Runs the queries: DuckDB by default, or ``journeymap.ingest.spark.SparkEngine(spark)``;
        both give the same result.

    Returns
    -------
    IngestResult
        The validated journey and the summary (``summarize``).

    Raises
    ------
    InvalidInput
        A missing file or column, no usable events, a bad row with ``strict``, or a mapping
        with ``columns.segment`` (that makes one journey per segment: ``ingest_segments``).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from journeymap.ingest import parse_mapping
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "shop.csv"
    >>> rows = ["cust,event,ts,device", "a,view,1,web", "a,buy,2,web", "b,view,1,app", "c,view,3,app"]
    >>> _ = log.write_text("\\n".join(rows) + "\\n")
    >>> spec = {"columns": {"customer": "cust", "touchpoint": "event", "time": "ts"},
    ...         "stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...         "touchpoints": {"view": {"id": "view", "stage": "s"}},
    ...         "outcomes": {"buy": {"id": "buy", "kind": "success"}}}
    >>> result = ingest_events(log, parse_mapping(spec))
    >>> result.journey.id, result.summary["customers"], result.summary["success_share"]
    ('shop', 3, 0.333333)
    """
    if mapping.columns.segment:
        raise InvalidInput("columns.segment: this mapping makes one journey per segment (ingest_segments)")
    segmented = ingest_segments(events, mapping, surveys, journey_id, name, strict, progress, engine)
    [result] = segmented.results
    return result


@dataclass
class SegmentedResult:
    """One ``IngestResult`` per segment built (one in all for an unsegmented log), and the summary."""

    results: list[IngestResult]
    summary: dict[str, Any]


def ingest_segments(
    events: str | Path,
    mapping: Mapping,
    surveys: str | Path | None = None,
    journey_id: str | None = None,
    name: str | None = None,
    strict: bool = False,
    progress: Progress | None = None,
    engine: Engine | None = None,
) -> SegmentedResult:
    """One journey per value of ``columns.segment``, from one pass over the log (README: "Segments").

    A customer's segment is the value on their first event. Ids are
    ``BASE--VALUE`` (``segment_ids``). Segments with fewer than
    ``segments.min_customers`` customers are listed in the summary's
    ``small_segments`` and not built. Without ``columns.segment`` the result
    holds the one journey of ``ingest_events`` (and an empty summary).

    Parameters
    ----------
    events : str or Path
        The event log (CSV, Parquet or NDJSON; gzip accepted).
    mapping : Mapping
        How columns and raw event names become the journeys (``parse_mapping``).
    surveys : str or Path, optional
        Survey responses whose answers score the touchpoints.
    journey_id : str, optional
        The base of the segments' ids (default: from the file name).
    name : str, optional
        The base of the journeys' names.
    strict : bool
        Refuse any bad row or unmapped event instead of counting it.
    progress : Progress, optional
        Told each step and its progress.
    engine : Engine, optional
        Runs the queries: DuckDB by default, or ``journeymap.ingest.spark.SparkEngine(spark)``.

    Returns
    -------
    SegmentedResult
        ``results`` (one ``IngestResult`` per segment built, largest first; each summary
        is ``journey_part`` with the ``segment`` value) and ``summary`` (the log's counts
        once, ``segments``, ``small_segments``, ``min_customers``).

    Raises
    ------
    InvalidInput
        As ``ingest_events``; more values than ``segments.limit``; no segment with
        ``segments.min_customers`` customers.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from journeymap.ingest import parse_mapping
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "shop.csv"
    >>> rows = ["cust,event,ts,device", "a,view,1,web", "a,buy,2,web", "b,view,1,app", "c,view,3,app"]
    >>> _ = log.write_text("\\n".join(rows) + "\\n")
    >>> spec = {"columns": {"customer": "cust", "touchpoint": "event", "time": "ts"},
    ...         "stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...         "touchpoints": {"view": {"id": "view", "stage": "s"}},
    ...         "outcomes": {"buy": {"id": "buy", "kind": "success"}}}
    >>> spec |= {"columns": spec["columns"] | {"segment": "device"}, "segments": {"min_customers": 1}}
    >>> result = ingest_segments(log, parse_mapping(spec))
    >>> [(r.journey.id, r.summary["customers"], r.summary["success_share"]) for r in result.results]
    [('shop--app', 2, 0.0), ('shop--web', 1, 1.0)]
    >>> result.summary["segment_column"], result.summary["events"]
    ('device', 4)
    """
    path = Path(events)
    jid = checked_id(journey_id, slugify(path.name.split(".")[0]))
    engine = engine or DuckEngine()
    aggs = engine.events(path, mapping, strict, progress)
    check_events(aggs, str(path), strict)
    survey = None
    if surveys is not None:
        survey = engine.surveys(Path(surveys), mapping, survey_names(mapping, aggs.values()))
        check_strict(survey.problems, 0, survey.examples, str(surveys), strict)
    return build_segments(aggs, mapping, jid, name or f"Journey from {path.name}", str(path), survey)


def check_events(aggs: dict[str | None, EventAggregate], source: str, strict: bool) -> None:
    """Refuse a log with no usable event, or (``strict``) with any bad row.

    Parameters
    ----------
    aggs : dict
        Segment value -> ``EventAggregate`` (``Engine.events``); the first holds the log's counts.
    source : str
        The log (named in errors).
    strict : bool
        Refuse bad rows too.

    Raises
    ------
    InvalidInput
        No segment has a customer, or (``strict``) the log has bad rows or bad scores.

    Examples
    --------
    >>> check_events({None: EventAggregate(events=2, customers=1)}, "shop.csv", True)
    >>> check_events({None: EventAggregate(events=2, bad_rows=2)}, "shop.csv", False)
    Traceback (most recent call last):
    ...
    journeymap.errors.InvalidInput: shop.csv: no usable events (2 rows, 2 bad)
    """
    shared = next(iter(aggs.values()))
    check_strict(shared.problems, shared.bad_scores, shared.examples, source, strict)
    if not any(agg.customers for agg in aggs.values()):
        raise InvalidInput(f"{source}: no usable events ({shared.events} rows, {shared.bad_rows} bad)")


def build_segments(
    aggs: dict[str | None, EventAggregate],
    mapping: Mapping,
    jid: str,
    title: str,
    source: str,
    survey: SurveyAggregate | None,
) -> SegmentedResult:
    """The journeys and summaries of an aggregated log (one per segment built), named after ``jid``.

    Parameters
    ----------
    aggs : dict
        Segment value -> ``EventAggregate`` (one key, ``None``, when unsegmented).
    mapping : Mapping
        The mapping the log was aggregated with.
    jid : str
        The journey's id, or the base of the segments' ids.
    title : str
        The journey's name, or the base of the segments' names.
    source : str
        The log (named in errors).
    survey : SurveyAggregate or None
        The survey answers, if a survey file was read.

    Returns
    -------
    SegmentedResult
        As ``ingest_segments`` returns it.

    Raises
    ------
    InvalidInput
        No segment has ``segments.min_customers`` customers, or a segment has no usable events.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from journeymap.ingest import parse_mapping
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "shop.csv"
    >>> rows = ["cust,event,ts,device", "a,view,1,web", "a,buy,2,web", "b,view,1,app", "c,view,3,app"]
    >>> _ = log.write_text("\\n".join(rows) + "\\n")
    >>> spec = {"columns": {"customer": "cust", "touchpoint": "event", "time": "ts"},
    ...         "stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...         "touchpoints": {"view": {"id": "view", "stage": "s"}},
    ...         "outcomes": {"buy": {"id": "buy", "kind": "success"}}}
    >>> mapping = parse_mapping(spec)
    >>> with connection() as con:
    ...     aggs = aggregate_segments(con, log, mapping)
    >>> result = build_segments(aggs, mapping, "shop", "Shop", str(log), None)
    >>> [(r.journey.id, r.journey.name, r.summary["customers"]) for r in result.results], result.summary
    ([('shop', 'Shop', 3)], {})
    """
    shared = next(iter(aggs.values()))
    column = mapping.columns.segment
    if column is None:
        journey = _journey(jid, title, mapping, shared, survey, source)
        return SegmentedResult([IngestResult(journey, summarize(journey, shared, survey))], {})
    ids = segment_ids(jid, aggs)
    small = [v for v, agg in aggs.items() if agg.customers < mapping.segments.min_customers]
    results = []
    for value, agg in aggs.items():
        if value in small:
            continue
        journey = _journey(
            ids[value], f"{title} ({column}: {segment_label(value)})", mapping, agg, survey, source
        )
        results.append(IngestResult(journey, {"segment": value} | journey_part(journey, agg)))
    summary = _segments_summary(column, mapping, shared, survey, results, {v: aggs[v] for v in small})
    if not results:
        raise InvalidInput(
            f"segments.min_customers: no segment of '{column}' has {mapping.segments.min_customers} "
            f"customers (largest: {max(a.customers for a in aggs.values())})"
        )
    return SegmentedResult(results, summary)


def _journey(
    jid: str, title: str, mapping: Mapping, agg: EventAggregate, survey: SurveyAggregate | None, source: str
) -> Journey:
    if not agg.transitions:
        raise InvalidInput(f"{source}: no usable events ({agg.events} rows, {agg.bad_rows} bad)")
    journey = assemble(
        jid,
        title,
        mapping,
        agg.transitions,
        agg.scores,
        agg.kept_names,
        survey.by_touchpoint if survey else {},
        source,
        agg.behaviour,
        agg.states,
    )
    return with_variants(journey, agg)


def _segments_summary(
    column: str,
    mapping: Mapping,
    shared: EventAggregate,
    survey: SurveyAggregate | None,
    results: list[IngestResult],
    small: dict[str | None, EventAggregate],
) -> dict[str, Any]:
    """The whole log's summary with one entry per segment built and the small segments left out."""
    return (
        {"segment_column": column}
        | log_part(shared, survey)
        | {
            "segments": [r.summary for r in results],
            "min_customers": mapping.segments.min_customers,
            "small_segments": [{"segment": v, "customers": agg.customers} for v, agg in small.items()],
        }
    )


def with_variants(journey: Journey, agg: EventAggregate) -> Journey:
    """The journey carrying its observed variants (validated: every node must exist).

    Parameters
    ----------
    journey : Journey
        The journey built from ``agg``.
    agg : EventAggregate
        Its aggregate (``variants``, ``variants_other``).

    Returns
    -------
    Journey
        The journey with ``variants``: the top walks and how many customers and walks are other.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from journeymap.ingest import parse_mapping
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "shop.csv"
    >>> rows = ["cust,event,ts,device", "a,view,1,web", "a,buy,2,web", "b,view,1,app", "c,view,3,app"]
    >>> _ = log.write_text("\\n".join(rows) + "\\n")
    >>> spec = {"columns": {"customer": "cust", "touchpoint": "event", "time": "ts"},
    ...         "stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...         "touchpoints": {"view": {"id": "view", "stage": "s"}},
    ...         "outcomes": {"buy": {"id": "buy", "kind": "success"}}}
    >>> mapping = parse_mapping(spec)
    >>> with connection() as con:
    ...     [agg] = aggregate_segments(con, log, mapping).values()
    >>> plain = assemble("shop", "Shop", mapping, agg.transitions, {}, {}, {}, "shop.csv")
    >>> [(v.nodes, v.customers) for v in with_variants(plain, agg).variants.top]
    [(['view', 'no_outcome'], 2.0), (['view', 'buy'], 1.0)]
    """
    other, other_walks = agg.variants_other
    variants = {
        "top": [{"nodes": nodes, "customers": n} for nodes, n in agg.variants],
        "other_customers": other,
        "other_variants": other_walks,
    }
    return parse_journey(journey_document(journey) | {"variants": variants}, journey.id)


def survey_names(mapping: Mapping, aggs: Iterable[EventAggregate]) -> dict[str, str]:
    """The names a survey row may give a touchpoint by, each with the touchpoint's id.

    Parameters
    ----------
    mapping : Mapping
        The mapping (raw touchpoint names and ids).
    aggs : iterable of EventAggregate
        The log's aggregates (the unmapped events they kept).

    Returns
    -------
    dict
        Raw name or id -> touchpoint id.

    Examples
    --------
    >>> from journeymap.ingest import parse_mapping
    >>> mapping = parse_mapping({"stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...     "touchpoints": {"View": {"id": "view", "stage": "s"}}})
    >>> survey_names(mapping, [EventAggregate(kept_names={"Help Page": "help_page"})])
    {'View': 'view', 'Help Page': 'help_page', 'help_page': 'help_page', 'view': 'view'}
    """
    names = {raw: spec.id for raw, spec in mapping.touchpoints.items()}
    for agg in aggs:
        names.update(agg.kept_names)
        names.update({tid: tid for tid in agg.kept_names.values()})
    names.update({tid: tid for tid in mapping.touchpoint_specs()})
    return names


def check_strict(
    problems: dict[str, int], bad_scores: int, examples: list[dict[str, Any]], source: str, strict: bool
) -> None:
    """With ``strict``, refuse a file with bad rows or bad scores, naming the first ones.

    Parameters
    ----------
    problems : dict
        Problem kind -> rows.
    bad_scores : int
        Rows whose score is no number on the scale.
    examples : list of dict
        The first bad rows (``row``, ``problem`` and what it held).
    source : str
        The file (named in the error).
    strict : bool
        Whether bad rows are refused; without it nothing is.

    Raises
    ------
    InvalidInput
        With ``strict``, when there is any problem or bad score.

    Examples
    --------
    >>> bad = [{"row": 3, "problem": "bad_time", "time": "soon"}]
    >>> check_strict({"bad_time": 1}, 0, bad, "shop.csv", False)
    >>> check_strict({"bad_time": 1}, 0, bad, "shop.csv", True)
    Traceback (most recent call last):
    ...
    journeymap.errors.InvalidInput: shop.csv: bad rows (1 bad time); first: row 3 bad time (time='soon')
    """
    if not strict or not (problems or bad_scores):
        return
    first = "; ".join(describe(e) for e in examples)
    counts = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in problems.items())
    if bad_scores:
        counts = ", ".join(filter(None, [counts, f"{bad_scores} bad score"]))
    raise InvalidInput(f"{source}: bad rows ({counts}); first: {first}")
