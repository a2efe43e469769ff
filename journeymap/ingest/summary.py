"""The ingest summary: what a built journey holds and what the log said (the CLI's ``--json``)."""

from __future__ import annotations

from typing import Any

from journeymap.ingest.check import model_check
from journeymap.ingest.segments import EventAggregate
from journeymap.ingest.surveys import SurveyAggregate
from journeymap.model import ENTRY, Journey

TOP_UNMAPPED = 10


def journey_summary(journey: Journey) -> dict[str, Any]:
    """Customers, sizes and outcome shares of a built journey.

    Parameters
    ----------
    journey : Journey
        The journey.

    Returns
    -------
    dict
        ``journey`` (its id), ``customers``, ``touchpoints``, ``transitions``, ``outcomes``
        (each one's kind, customers and share) and ``success_share``.

    Examples
    --------
    >>> from journeymap.ingest.paths import journey_from_path_table
    >>> j = journey_from_path_table("path;total_conversions;total_null\\nA > B;2;1\\nB;0;3\\n", "mta")
    >>> doc = journey_summary(j)
    >>> doc["customers"], doc["touchpoints"], doc["success_share"], doc["outcomes"]["null"]
    (6, 2, 0.333333, {'kind': 'failure', 'customers': 4, 'share': 0.666667})
    """
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
    """The summary of a journey read from a path table (no rows can be bad there).

    Parameters
    ----------
    journey : Journey
        The journey read from the path table.

    Returns
    -------
    dict
        ``journey_summary`` with ``bad_rows`` 0 and empty ``problems`` and ``examples``.

    Examples
    --------
    >>> from journeymap.ingest.paths import journey_from_path_table
    >>> j = journey_from_path_table("path;total_conversions;total_null\\nA > B;2;1\\nB;0;3\\n", "mta")
    >>> doc = summarize_paths(j)
    >>> doc["customers"], doc["bad_rows"], doc["problems"], doc["examples"]
    (6, 0, {}, [])
    """
    return journey_summary(journey) | {"bad_rows": 0, "problems": {}, "examples": []}


def _successes(journey: Journey) -> set[str]:
    return {o.id for o in journey.outcomes if o.kind == "success"}


def summarize(journey: Journey, agg: EventAggregate, survey: SurveyAggregate | None) -> dict[str, Any]:
    """The ingest summary document (also the CLI's ``--json`` output): ``journey_part`` and ``log_part``.

    Parameters
    ----------
    journey : Journey
        The journey built.
    agg : EventAggregate
        What the log said (``events.aggregate_events``).
    survey : SurveyAggregate or None
        What the survey file said, if one was read.

    Returns
    -------
    dict
        Customers, outcome shares, order, variants and model check of the journey; rows,
        bad rows, unmapped and filtered events of the log; ``surveys`` when read.

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
    >>> from journeymap.ingest.events import aggregate_events
    >>> from journeymap.ingest.source import connection
    >>> with connection() as con:
    ...     agg = aggregate_events(con, log, parse_mapping(spec))
    >>> from journeymap.ingest.pipeline import ingest_events
    >>> journey = ingest_events(log, parse_mapping(spec)).journey
    >>> doc = summarize(journey, agg, None)
    >>> doc["customers"], doc["events"], doc["outcomes"]["buy"]
    (3, 4, {'kind': 'success', 'customers': 1, 'share': 0.333333})
    """
    return journey_part(journey, agg) | log_part(agg, survey)


def journey_part(journey: Journey, agg: EventAggregate) -> dict[str, Any]:
    """The summary of one journey (one segment): sizes, outcomes, order, variants, model check.

    Parameters
    ----------
    journey : Journey
        The journey built from ``agg``.
    agg : EventAggregate
        Its aggregate.

    Returns
    -------
    dict
        ``journey_summary`` with ``repeats_collapsed``, ``events_after_outcome``, ``order``,
        ``variants`` (kept, other), ``model_check`` and, for ``order: auto``, ``order_scores``.

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
    >>> from journeymap.ingest.events import aggregate_events
    >>> from journeymap.ingest.source import connection
    >>> with connection() as con:
    ...     agg = aggregate_events(con, log, parse_mapping(spec))
    >>> from journeymap.ingest.pipeline import ingest_events
    >>> part = journey_part(ingest_events(log, parse_mapping(spec)).journey, agg)
    >>> part["order"], part["variants"], part["model_check"]["largest_gap"]["touchpoint"]
    (1, {'kept': 2, 'other_customers': 0, 'other_variants': 0}, 'view')
    """
    summary = journey_summary(journey) | {
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
    return summary


def log_part(agg: EventAggregate, survey: SurveyAggregate | None) -> dict[str, Any]:
    """The summary of the log as read: rows, bad rows, unmapped and filtered events, surveys.

    Parameters
    ----------
    agg : EventAggregate
        What the log said (the same for every segment of it).
    survey : SurveyAggregate or None
        What the survey file said, if one was read.

    Returns
    -------
    dict
        ``events``, ``reader``, ``filtered_out``, ``unmapped_events``, ``unmapped_top``,
        ``unmapped_kept``, ``bad_rows``, ``problems``, ``bad_scores``, ``examples`` (and ``surveys``).

    Examples
    --------
    >>> from journeymap.ingest.segments import EventAggregate
    >>> part = log_part(EventAggregate(events=9, bad_rows=1, problems={"bad_time": 1}), None)
    >>> part["events"], part["bad_rows"], part["problems"], "surveys" in part
    (9, 1, {'bad_time': 1}, False)
    """
    summary = {
        "events": agg.events,
        "reader": agg.reader,
        "filtered_out": agg.filtered_out,
        "unmapped_events": agg.unmapped_events,
        "unmapped_top": dict(list(agg.unmapped_names.items())[:TOP_UNMAPPED]),
        "unmapped_kept": len(agg.kept_names),
        "bad_rows": agg.bad_rows,
        "problems": agg.problems,
        "bad_scores": agg.bad_scores,
        "examples": agg.examples,
    }
    if survey is not None:
        summary["surveys"] = {
            "responses": survey.responses,
            "touchpoints": len(survey.by_touchpoint),
            "bad_rows": survey.bad_rows,
            "problems": survey.problems,
            "examples": survey.examples,
        }
    return summary
