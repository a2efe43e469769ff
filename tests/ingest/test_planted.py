"""The generated loan log with three planted problems: analysis names exactly those steps."""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
from pathlib import Path

from journeymap.engine import analyze, by_touchpoint, impact, top_paths
from journeymap.files import load_journey
from journeymap.ingest import ingest_events, load_mapping
from journeymap.model import journey_document

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
HERE = FIXTURES / "behaviour"
PLANTED = {"identity_check", "credit_review", "offer"}  # loops back, slow hand-off into, left after


def test_the_committed_log_is_what_the_generator_writes() -> None:
    spec = importlib.util.spec_from_file_location("generate", HERE / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with gzip.open(HERE / "events.csv.gz", "rt") as fh:
        committed = [(c, a, int(t)) for c, a, t in list(csv.reader(io.StringIO(fh.read())))[1:]]
    assert committed == module.rows()


def test_the_fixture_is_what_ingest_builds() -> None:
    built = ingest_events(
        HERE / "events.csv.gz",
        load_mapping(HERE / "mapping.yaml"),
        journey_id="planted-friction",
        name="Loan applications (planted friction)",
    ).journey
    fixture = load_journey(FIXTURES / "planted-friction.yaml")  # plus a description, as every fixture
    assert journey_document(
        built.model_copy(update={"description": fixture.description})
    ) == journey_document(fixture)


def test_top_three_of_impact_and_failure_paths_name_the_planted_steps() -> None:
    journey = load_journey(FIXTURES / "planted-friction.yaml")
    assert all(tp.source == "behaviour" for tp in journey.touchpoints)
    top = [row["touchpoint"] for row in impact(journey)["touchpoints"][:3]]
    assert set(top) == PLANTED
    paths = top_paths(journey, k=3, rank="pain", kind="failure")["paths"]
    named = set().union(*(set(p["nodes"]) & PLANTED for p in paths))
    assert named == PLANTED
    assert all(set(p["nodes"]) & PLANTED for p in paths)
    assert paths[0]["nodes"][-2] == "offer"  # the most painful failure: left after the offer
    analysis = by_touchpoint(analyze(journey))
    assert {tid for tid, row in analysis.items() if row["pain"] > 0} == PLANTED
    review = journey.touchpoint("credit_review")
    wait = {m.measure: m for m in review.measures or []}["wait"]
    assert wait.target == 86400 and 3 * 86400 < wait.value < 6 * 86400  # the hand-off takes 3-6 days
