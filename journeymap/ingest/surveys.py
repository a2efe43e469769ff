"""Survey responses -> per-touchpoint experience, expectation and importance.

Answers are read in DuckDB (CSV or Parquet) or Spark, by the same SQL, converted from the survey's
scale (0-10, 1-5 CSAT, or labels such as 还可以 = 40, 满意 = 60, 非常满意 = 100
on a 0-100 label scale) linearly onto the journey scale, and averaged per
touchpoint; ``responses`` is the number of answers and ``interval`` the 95 %
Student-t interval of the mean experience.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from journeymap.ingest.dialect import DUCKDB, Database, Dialect
from journeymap.ingest.mapping import Mapping, SurveySpec
from journeymap.ingest.scores import ScoreStats
from journeymap.ingest.source import DuckDatabase, open_scan, rescaled, text
from journeymap.model import Scale

EXAMPLES = 5
NAMED_SCALES = {"0-10": Scale(min=0, max=10), "1-5": Scale(min=1, max=5)}


@dataclass
class SurveyAggregate:
    """Touchpoint id -> fields for the journey file, plus the answers that could not be used."""

    responses: int = 0
    by_touchpoint: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: dict[str, int] = field(default_factory=dict)
    bad_rows: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)


def answer_scale(spec: SurveySpec) -> Scale:
    """The scale answers are given on (labels are first turned into label-scale numbers).

    Parameters
    ----------
    spec : SurveySpec
        How the survey is read (``scale``, ``label_scale``).

    Returns
    -------
    Scale
        The given scale, the named one (``0-10``, ``1-5``), or ``label_scale`` for labels.

    Examples
    --------
    >>> answer_scale(SurveySpec(scale="1-5")), answer_scale(SurveySpec(scale="labels"))
    (Scale(min=1.0, max=5.0), Scale(min=0.0, max=100.0))
    """
    if isinstance(spec.scale, Scale):
        return spec.scale
    return spec.label_scale if spec.scale == "labels" else NAMED_SCALES[spec.scale]


def score_sql(column: str, spec: SurveySpec, target: Scale, dialect: Dialect = DUCKDB) -> str:
    """SQL turning an answer into a journey-scale score (NULL if unreadable or off the scale).

    Parameters
    ----------
    column : str
        The answer column's name.
    spec : SurveySpec
        How the survey is read (its scale and labels).
    target : Scale
        The journey scale.
    dialect : Dialect
        The engine's spelling (DuckDB unless given).

    Returns
    -------
    str
        A SQL expression giving a ``DOUBLE`` on ``target``.

    Examples
    --------
    >>> import duckdb
    >>> sql = score_sql("answer", SurveySpec(scale="labels"), Scale(min=0, max=10))
    >>> rows = "('满意'), (' 80 '), ('120'), ('meh')"
    >>> duckdb.sql(f"SELECT {sql} FROM (VALUES {rows}) v(answer)").fetchall()
    [(6.0,), (8.0,), (None,), (None,)]
    """
    given = text(column, dialect)
    value = f"try_cast({given} AS DOUBLE)"
    if spec.scale == "labels":
        cases = " ".join(f"WHEN {dialect.literal(k)} THEN {float(v)}" for k, v in spec.labels.items())
        value = f"coalesce(CASE {given} {cases} END, {value})"
    return rescaled(value, answer_scale(spec), target)


def aggregate_surveys(
    con: duckdb.DuckDBPyConnection, path: Path, mapping: Mapping, resolve: dict[str, str]
) -> SurveyAggregate:
    """Average survey answers per touchpoint (read with DuckDB).

    ``resolve`` maps what the touchpoint column may hold (raw event names and
    touchpoint ids) to touchpoint ids; other values are bad rows.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The connection that reads the file (``source.connection``).
    path : Path
        The survey file (CSV, Parquet or NDJSON).
    mapping : Mapping
        The mapping (``surveys`` and the journey ``scale``).
    resolve : dict
        Touchpoint column value -> touchpoint id.

    Returns
    -------
    SurveyAggregate
        The answers' fields per touchpoint, with the unusable rows counted and a few shown.

    Examples
    --------
    >>> import tempfile
    >>> from journeymap.ingest import parse_mapping
    >>> from journeymap.ingest.source import connection
    >>> m = parse_mapping({"stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...     "surveys": {"columns": {"touchpoint": "tp", "experience": "score"}, "scale": "1-5"}})
    >>> answers = Path(tempfile.mkdtemp()) / "answers.csv"
    >>> _ = answers.write_text("tp,score\\nHome Page,5\\nhome,4\\ncart,3\\nhome,9\\n")
    >>> with connection() as con:
    ...     agg = aggregate_surveys(con, answers, m, {"Home Page": "home", "home": "home"})
    >>> agg.responses, agg.by_touchpoint["home"]["experience"], agg.problems
    (2, 8.75, {'unknown_touchpoint': 1, 'bad_experience': 1})
    """
    scan, _ = open_scan(con, path, mapping.surveys.columns.model_dump())
    return aggregate_answers(DuckDatabase(con), scan, mapping, resolve)


def aggregate_answers(db: Database, scan: str, mapping: Mapping, resolve: dict[str, str]) -> SurveyAggregate:
    """Average the answers of ``scan`` (a table function or view of the survey columns), on either engine.

    Parameters
    ----------
    db : Database
        The engine (it gets the temporary tables ``names`` and ``answers``).
    scan : str
        The survey rows, as after ``FROM``, in file order.
    mapping : Mapping
        The mapping (``surveys`` and the journey ``scale``).
    resolve : dict
        Touchpoint column value -> touchpoint id.

    Returns
    -------
    SurveyAggregate
        The answers' fields per touchpoint, with the unusable rows counted and a few shown.

    Examples
    --------
    >>> from journeymap.ingest import parse_mapping
    >>> from journeymap.ingest.source import connection
    >>> m = parse_mapping({"stages": [{"id": "s", "name": "S", "phase": "sale"}],
    ...     "surveys": {"columns": {"touchpoint": "tp", "experience": "score", "importance": "weight"}}})
    >>> rows = "('home', '6', '2'), ('home', '8', '-1'), ('cart', 'n/a', '1')"
    >>> with connection() as con:
    ...     agg = aggregate_answers(DuckDatabase(con), f"(VALUES {rows}) v(tp, score, weight)", m,
    ...                             {"home": "home", "cart": "cart"})
    >>> agg.by_touchpoint["home"]["experience"], agg.by_touchpoint["home"]["importance"]
    (7.0, 2.0)
    >>> agg.bad_rows, agg.examples[0]
    (2, {'row': 2, 'problem': 'bad_importance', 'touchpoint': 'home', 'experience': '8', 'importance': '-1'})
    """
    d, spec = db.dialect, mapping.surveys
    cols = spec.columns
    db.values("names", {"raw": "STRING", "tid": "STRING"}, list(resolve.items()))
    target = mapping.scale
    nothing = "CAST(NULL AS DOUBLE)"
    expectation = score_sql(cols.expectation, spec, target, d) if cols.expectation else nothing
    importance = f"try_cast({text(cols.importance, d)} AS DOUBLE)" if cols.importance else nothing
    finite = f"{importance} >= 0 AND {importance} < CAST('infinity' AS DOUBLE)"
    db.create(
        "answers",
        f"""SELECT {d.row_number()} AS row_no, {text(cols.touchpoint, d)} AS raw,
               {score_sql(cols.experience, spec, target, d)} AS x, {text(cols.experience, d)} AS x_raw,
               {expectation} AS e, {_raw(cols.expectation, d)} AS e_raw,
               CASE WHEN {finite} THEN {importance} END AS i, {_raw(cols.importance, d)} AS i_raw
        FROM {scan}""",
    )
    result = SurveyAggregate()
    _problems(db, result)
    rows = db.rows(
        "SELECT n.tid, count(*), avg(a.x), stddev_samp(a.x), avg(a.e), avg(a.i) FROM answers a "
        "JOIN names n ON a.raw = n.raw WHERE a.x IS NOT NULL GROUP BY n.tid"
    )
    for tid, n, mean, sd, expected, important in rows:
        result.by_touchpoint[str(tid)] = _fields(ScoreStats.of(n, mean, sd), expected, important, target)
        result.responses += int(n)
    return result


def _raw(column: str | None, dialect: Dialect) -> str:
    return text(column, dialect) if column else "CAST(NULL AS STRING)"


def _fields(
    score: ScoreStats, expected: float | None, important: float | None, scale: Scale
) -> dict[str, Any]:
    doc: dict[str, Any] = {"experience": round(score.mean, 4), "responses": score.n}
    if expected is not None:
        doc["expectation"] = round(float(expected), 4)
    if important is not None:
        doc["importance"] = round(float(important), 4)
    interval = score.interval(scale)
    if interval is not None:
        doc["interval"] = {"low": interval[0], "high": interval[1]}
    return doc


def _problems(db: Database, result: SurveyAggregate) -> None:
    checks = {
        "unknown_touchpoint": "a.raw IS NULL OR n.tid IS NULL",
        "bad_experience": "a.x IS NULL",
        "bad_expectation": "a.e_raw IS NOT NULL AND a.e IS NULL",  # off the scale or not a number
        "bad_importance": "a.i_raw IS NOT NULL AND a.i IS NULL",  # not a finite number >= 0
    }
    case = " ".join(f"WHEN {cond} THEN {db.dialect.literal(name)}" for name, cond in checks.items())
    any_bad = " OR ".join(f"({c})" for c in checks.values())
    base = "FROM answers a LEFT JOIN names n ON a.raw = n.raw"
    counts = ", ".join(f"count(*) FILTER (WHERE {c})" for c in checks.values())
    [row] = db.rows(f"SELECT count(*) FILTER (WHERE {any_bad}), {counts} {base}")
    result.bad_rows = int(row[0])
    result.problems = {name: int(n) for name, n in zip(checks, row[1:], strict=True) if n}
    examples = db.rows(
        f"SELECT a.row_no, CASE {case} END, a.raw, a.x_raw, a.e_raw, a.i_raw {base} WHERE {any_bad} "
        f"ORDER BY a.row_no LIMIT {EXAMPLES}"
    )
    for row_no, problem, *values in examples:
        example: dict[str, Any] = {"row": int(row_no), "problem": problem}
        for key, value in zip(("touchpoint", "experience", "expectation", "importance"), values, strict=True):
            if value is not None:
                example[key] = value
        result.examples.append(example)
