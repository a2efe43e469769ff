"""Personas, lanes, notes, evidence and opportunities: validation and round trips."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from journeymap.errors import InvalidJourney
from journeymap.files import dump_journey
from journeymap.model import Journey, journey_document, parse_journey
from tests.annotated import annotated_document


def problems(document: dict[str, Any]) -> set[tuple[str, str]]:
    with pytest.raises(InvalidJourney) as info:
        parse_journey(document)
    return {(p.loc, p.rule) for p in info.value.problems}


def test_every_annotation_field_round_trips_through_yaml_and_json() -> None:
    journey = parse_journey(annotated_document())
    assert parse_journey(yaml.safe_load(dump_journey(journey, "yaml"))) == journey
    assert parse_journey(json.loads(dump_journey(journey, "json"))) == journey
    document = journey_document(journey)
    assert document["opportunities"][0]["customer_value"] == 72.5
    assert document["opportunities"][1] == {
        "id": "bare",
        "title": "Just an idea",
        "touchpoints": [],
        "status": "idea",
    }
    assert document["touchpoints"][2]["lane"] == "Partner: courier"
    assert document["transitions"][2]["personas"] == ["tourist", "regular"]


def test_a_journey_without_annotations_writes_none_of_their_fields() -> None:
    document = annotated_document()
    for key in ("notes", "evidence", "personas", "opportunities"):
        del document[key]
    for item in document["stages"] + document["touchpoints"] + document["transitions"]:
        for key in ("notes", "evidence", "personas", "lane"):
            item.pop(key, None)
    written = journey_document(parse_journey(document))
    assert not {"notes", "evidence", "personas", "opportunities"} & set(written)
    assert all("personas" not in t and "lane" not in t for t in written["touchpoints"])


def test_empty_lists_mean_none_so_every_store_gives_back_the_same_journey() -> None:
    document = annotated_document()
    document["personas"], document["evidence"] = [], []
    document["touchpoints"][0]["personas"] = []
    document["transitions"][1]["personas"] = []
    document["transitions"][2]["personas"] = []
    journey = parse_journey(document)
    assert journey.personas is None and journey.evidence is None
    assert journey.touchpoints[0].personas is None


def test_unknown_persona_and_touchpoint_references_are_each_named() -> None:
    document = annotated_document()
    document["touchpoints"][1]["personas"] = ["regular", "vip"]
    document["transitions"][1]["personas"] = ["ghost"]
    document["opportunities"][0]["touchpoints"] = ["pay", "checkout"]
    assert problems(document) == {
        ("touchpoints[1].personas[1]", "unknown-persona"),
        ("transitions[1].personas[0]", "unknown-persona"),
        ("opportunities[0].touchpoints[1]", "unknown-touchpoint"),
    }


def test_persona_and_opportunity_ids_are_unique_within_their_lists() -> None:
    document = annotated_document()
    document["personas"].append({"id": "regular", "name": "Again"})
    document["opportunities"].append({"id": "faster", "title": "Again"})
    assert problems(document) == {
        ("personas[2].id", "duplicate-id"),
        ("opportunities[2].id", "duplicate-id"),
    }


def test_a_persona_may_share_an_id_with_a_touchpoint() -> None:
    document = annotated_document()
    document["personas"].append({"id": "shop", "name": "Shopkeeper"})
    assert parse_journey(document).personas is not None


@pytest.mark.parametrize(
    ("path", "value", "rule"),
    [
        (("opportunities", 0, "customer_value"), 101, "range"),
        (("opportunities", 0, "business_value"), -1, "range"),
        (("opportunities", 0, "effort"), 5.5, "range"),
        (("opportunities", 0, "status"), "someday", "choice"),
        (("opportunities", 0, "title"), "", "required"),
        (("evidence", 0, "kind"), "rumour", "choice"),
        (("evidence", 0, "text"), "", "required"),
        (("evidence", 1, "url"), "javascript:alert(1)", "url"),
        (("evidence", 1, "url"), "ftp://example.org/x", "url"),
        (("personas", 0, "id"), "Big Spender", "id-syntax"),
        (("touchpoints", 0, "lane"), 3, "type"),
        (("stages", 0, "evidence", 0, "colour"), "red", "unknown-field"),
    ],
)
def test_bad_values_are_refused_naming_field_and_rule(path: tuple[Any, ...], value: Any, rule: str) -> None:
    document = annotated_document()
    target: Any = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    assert (loc, rule) in problems(document)


def test_status_defaults_to_idea_and_values_are_optional() -> None:
    journey = parse_journey(annotated_document())
    assert journey.opportunities is not None
    bare = journey.opportunities[1]
    assert (bare.status, bare.customer_value, bare.business_value, bare.effort) == ("idea", None, None, None)
    assert isinstance(journey, Journey)
