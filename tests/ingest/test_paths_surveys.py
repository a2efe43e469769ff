"""Path tables (multi-touch attribution) and survey responses."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

from journeymap.engine import by_touchpoint
from journeymap.errors import InvalidInput, InvalidJourney
from journeymap.ingest import ingest_events, journey_from_path_table, parse_mapping

TABLE = "path;total_conversions;total_null\nA > B;2;2\nA;1;3\nB;1;1\nC > A;0;2\nC > B > A;1;0\n"


def counts(journey: object) -> dict[tuple[str, str], float]:
    return {(t.source, t.target): t.weight for t in journey.transitions}  # type: ignore[attr-defined]


def test_path_table_transition_counts() -> None:
    journey = journey_from_path_table(TABLE, "mta")
    assert counts(journey) == {
        ("entry", "a"): 8,
        ("entry", "b"): 2,
        ("entry", "c"): 3,
        ("a", "b"): 4,
        ("a", "conversion"): 2,
        ("a", "null"): 5,
        ("b", "conversion"): 3,
        ("b", "null"): 3,
        ("b", "a"): 1,
        ("c", "a"): 2,
        ("c", "b"): 1,
    }
    assert {o.id: o.kind for o in journey.outcomes} == {"conversion": "success", "null": "failure"}
    assert [tp.name for tp in journey.touchpoints] == ["A", "B", "C"]


def test_path_table_removal_effects_are_exact() -> None:
    engine = pytest.importorskip("journeymap.engine")
    journey = journey_from_path_table(TABLE, "mta")
    result = engine.analyze(journey)
    assert abs(result["success_probability"] - float(Fraction(5, 13))) < 1e-12
    expected = {"a": Fraction(26, 35), "b": Fraction(7, 11), "c": Fraction(87, 365)}
    for tid, effect in expected.items():
        assert abs(by_touchpoint(result)[tid]["removal_effect"] - float(effect)) < 1e-12


def test_path_table_collapses_repeats_and_names_bad_lines() -> None:
    journey = journey_from_path_table("path,total_conversions,total_null\nx > x > y,1,0\n", "p")
    assert counts(journey) == {("entry", "x"): 1, ("x", "y"): 1, ("y", "conversion"): 1}
    with pytest.raises(InvalidInput, match="line 3"):
        journey_from_path_table("path;total_conversions;total_null\nA;1;0\nB;x;1\n", "p")
    with pytest.raises(InvalidInput, match="missing column"):
        journey_from_path_table("path;conversions\nA;1\n", "p")
    with pytest.raises(InvalidInput, match="no path has any customers"):
        journey_from_path_table("path;total_conversions;total_null\nA;0;0\n", "p")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("A;1", "line 2: 2 fields, need path;total_conversions;total_null"),
        ("A;x;1", "line 2: total_conversions: 'x' is not a count >= 0"),
        ("A;1;-2", "line 2: total_null: '-2' is not a count >= 0"),
    ],
)
def test_path_table_bad_cells_name_line_and_column(row: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        journey_from_path_table(f"path;total_conversions;total_null\n{row}\n", "p")
    assert message in str(caught.value)


@pytest.mark.parametrize("rows", ["A;1e308;1e308", "A;1e308;0\nB;1e308;0"])
def test_path_table_counts_too_large_to_add_are_refused_by_line(rows: str) -> None:
    with pytest.raises(InvalidInput, match=r"line [23]: the customers add up past the largest number"):
        journey_from_path_table(f"path;total_conversions;total_null\n{rows}\n", "p")


def survey_mapping(scale: object, **columns: str) -> object:
    return parse_mapping(
        {
            "columns": {"customer": "cust", "touchpoint": "event", "time": "ts"},
            "stages": [{"id": "shop", "name": "Shop", "phase": "sale"}],
            "touchpoints": {
                "view": {"id": "page", "stage": "shop"},
                "desk": {"id": "counter", "stage": "shop"},
            },
            "surveys": {"scale": scale, "columns": {"touchpoint": "tp", "experience": "score", **columns}},
        }
    )


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "log.csv"
    path.write_text("cust,event,ts\na,view,1\na,desk,2\nb,desk,1\n")
    return path


def test_csat_answers_are_rescaled_and_averaged(tmp_path: Path, log: Path) -> None:
    answers = pd.DataFrame(
        {
            "tp": ["view", "view", "page", "desk", "nowhere", "desk"],
            "score": ["5", "3", "4", "1", "5", "9"],
            "exp": [4, 4, 4, 5, 5, 5],
            "imp": [9, 7, 8, 2, 2, 2],
        }
    )
    path = tmp_path / "s.parquet"
    answers.to_parquet(path)
    result = ingest_events(log, survey_mapping("1-5", expectation="exp", importance="imp"), surveys=path)
    page = result.journey.touchpoint("page")
    converted = [(v - 1) / 4 * 10 for v in (5, 3, 4)]
    mean = sum(converted) / 3
    assert page.experience == pytest.approx(mean)
    assert page.expectation == pytest.approx(7.5)
    assert page.importance == pytest.approx(8)
    assert page.responses == 3
    low, high = stats.t.interval(0.95, 2, loc=mean, scale=stats.sem(converted))
    assert page.interval is not None
    assert (page.interval.low, page.interval.high) == (
        pytest.approx(max(0, low), abs=1e-3),
        pytest.approx(min(10, high), abs=1e-3),
    )
    counter = result.journey.touchpoint("counter")
    assert (counter.experience, counter.responses, counter.interval) == (0.0, 1, None)
    survey = result.summary["surveys"]
    assert survey["problems"] == {"unknown_touchpoint": 1, "bad_experience": 1}
    assert [e["row"] for e in survey["examples"]] == [5, 6]
    with pytest.raises(InvalidInput, match="row 5 unknown touchpoint"):
        ingest_events(log, survey_mapping("1-5"), surveys=path, strict=True)


def test_unusable_expectation_and_importance_are_bad_rows(tmp_path: Path, log: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(
        "tp,score,exp,imp\n"
        "view,4,4,8\n"
        "view,4,50,8\n"  # expectation off the 1-5 scale
        "view,4,4,-3\n"  # negative importance
        "view,4,4,inf\n"
        "view,4,high,nan\n"
        "desk,2,,\n"  # not answered: not a problem
    )
    spec = survey_mapping("1-5", expectation="exp", importance="imp")
    result = ingest_events(log, spec, surveys=path)
    page = result.journey.touchpoint("page")
    assert (page.expectation, page.importance, page.responses) == (7.5, 8, 5)
    survey = result.summary["surveys"]
    assert survey["problems"] == {"bad_expectation": 2, "bad_importance": 3}
    assert survey["bad_rows"] == 4
    assert [(e["row"], e["problem"]) for e in survey["examples"]] == [
        (2, "bad_expectation"),
        (3, "bad_importance"),
        (4, "bad_importance"),
        (5, "bad_expectation"),
    ]
    assert survey["examples"][0]["expectation"] == "50"
    assert survey["examples"][1]["importance"] == "-3"
    with pytest.raises(InvalidInput, match="row 2 bad expectation"):
        ingest_events(log, spec, surveys=path, strict=True)


def test_label_answers(tmp_path: Path, log: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("tp,score\nview,还可以\nview,非常满意\ndesk,满意\n")
    journey = ingest_events(log, survey_mapping("labels"), surveys=path).journey
    assert journey.touchpoint("page").experience == pytest.approx(7.0)  # (40 + 100) / 2 on 0-100
    assert journey.touchpoint("counter").experience == pytest.approx(6.0)


def test_mapping_problems_are_named() -> None:
    with pytest.raises(InvalidJourney) as caught:
        parse_mapping(
            {
                "stages": [{"id": "shop", "name": "Shop", "phase": "sale"}],
                "touchpoints": {
                    "a": {"id": "shop", "stage": "nowhere"},
                    "b": {"id": "entry", "stage": "shop"},
                },
                "outcomes": {"a": {"id": "done", "kind": "success"}},
            }
        )
    text = str(caught.value)
    for needle in (
        "unknown stage 'nowhere'",
        "id 'shop' is already used",
        "'entry' is reserved",
        "both touchpoint",
    ):
        assert needle in text


MAPPING_BASE = {
    "stages": [{"id": "shop", "name": "Shop", "phase": "sale"}],
    "touchpoints": {"view": {"id": "page", "stage": "shop"}},
    "outcomes": {"buy": {"id": "done", "kind": "success"}},
}


@pytest.mark.parametrize(
    ("change", "loc", "message"),
    [
        (
            {
                "stages": [
                    {"id": "shop", "name": "A", "phase": "sale"},
                    {"id": "shop", "name": "B", "phase": "sale"},
                ]
            },
            "stages[1].id",
            "id 'shop' is already used at stages[0]",
        ),
        (
            {"unmapped": "keep", "unmapped_stage": {"id": "shop"}},
            "unmapped_stage.id",
            "already used at stages[0]",
        ),
        (
            {"unmapped": "keep", "unmapped_stage": {"id": "page"}},
            "unmapped_stage.id",
            "already used at touchpoints.view",
        ),
        ({"unmapped": "keep", "unmapped_stage": {"id": "entry"}}, "unmapped_stage.id", "'entry' is reserved"),
        (
            {"touchpoints": {"view": {"id": "page", "stage": "shop", "expectation": 99}}},
            "touchpoints.view.expectation",
            "99 is outside the scale 0..10",
        ),
        (
            {"touchpoints": {"view": {"id": "page", "stage": "shop", "ideal": -1}}},
            "touchpoints.view.ideal",
            "-1 is outside the scale 0..10",
        ),
        (
            {"touchpoints": {"view": {"id": "page", "stage": "shop", "importance": float("inf")}}},
            "touchpoints.view.importance",
            "finite",
        ),
        ({"columns": {"customer": ""}}, "columns.customer", "at least 1 character"),
        (
            {"columns": {"customer": "ev", "touchpoint": "ev", "time": "ts"}},
            "columns.touchpoint",
            "column 'ev' is already the customer column",
        ),
        (
            {"columns": {"time": "ts", "score": "ts"}},
            "columns.score",
            "column 'ts' is already the time column",
        ),
        (
            {"surveys": {"columns": {"touchpoint": "tp", "experience": "x", "expectation": "x"}}},
            "surveys.columns.expectation",
            "column 'x' is already the experience column",
        ),
    ],
)
def test_mapping_refuses_what_only_the_journey_would_catch(
    change: dict[str, object], loc: str, message: str
) -> None:
    """Checked when the mapping is loaded, named at the mapping's own field, each problem on its own."""
    with pytest.raises(InvalidJourney) as caught:
        parse_mapping(MAPPING_BASE | change, "map.yaml")
    assert [p.loc for p in caught.value.problems] == [loc]
    assert message in caught.value.problems[0].message


def test_mapping_consistency_problems_are_listed_one_by_one() -> None:
    with pytest.raises(InvalidJourney) as caught:
        parse_mapping(
            MAPPING_BASE
            | {
                "touchpoints": {
                    "a": {"id": "page", "stage": "nowhere"},
                    "b": {"id": "entry", "stage": "shop"},
                }
            }
        )
    assert [(p.loc, p.rule) for p in caught.value.problems] == [
        ("touchpoints.a.stage", "unknown-stage"),
        ("touchpoints.b.id", "reserved-id"),
    ]


def test_touchpoint_interval_must_be_ordered() -> None:
    from journeymap.model import journey_document, parse_journey

    doc = journey_document(journey_from_path_table("path;total_conversions;total_null\nA;1;1\n", "p"))
    doc["touchpoints"][0]["interval"] = {"low": 4, "high": 6}
    assert parse_journey(doc).touchpoints[0].interval is not None
    doc["touchpoints"][0]["interval"] = {"low": 6, "high": 4}
    with pytest.raises(InvalidJourney, match=r"touchpoints\[0\]\.interval.*must not exceed"):
        parse_journey(doc)
