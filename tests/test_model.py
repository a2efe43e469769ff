"""Journey-file validation: every rule, every problem at once, never a traceback."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from journeymap.errors import InvalidInput, InvalidJourney
from journeymap.files import decode_text, dump_journey, load_journey
from journeymap.model import parse_journey, parse_journey_json
from tests.strategies import journey_documents

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
VALID = sorted(FIXTURES.glob("*.yaml"))
INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))


def expected_rule(path: Path) -> str:
    match = re.search(r"^# expect-rule: (\S+)", path.read_text(encoding="utf-8"), re.M)
    assert match, f"{path} lacks an '# expect-rule:' line"
    return match.group(1)


def test_fixture_set_is_complete() -> None:
    assert len(VALID) >= 7
    assert len(INVALID) >= 8
    for path in VALID:
        j = load_journey(path)
        phases = {s.phase for s in j.stages}
        assert phases == {"pre_sale", "sale", "after_sale"}, path
        kinds = {o.kind for o in j.outcomes}
        assert kinds == {"success", "failure"}, path
        assert j.description and "seeds/" in j.description, path


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_fixture_round_trips_through_both_formats(path: Path) -> None:
    journey = load_journey(path)
    assert parse_journey(yaml.safe_load(dump_journey(journey, "yaml"))) == journey
    assert parse_journey(json.loads(dump_journey(journey, "json"))) == journey


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_is_refused_naming_rule_and_place(path: Path) -> None:
    with pytest.raises(InvalidJourney) as info:
        load_journey(path)
    rules = {p.rule for p in info.value.problems}
    assert expected_rule(path) in rules
    assert str(path) in str(info.value)
    for problem in info.value.problems:
        assert problem.message
        assert f"[{problem.rule}]" in str(problem)


def _base() -> dict[str, Any]:
    data = yaml.safe_load((FIXTURES / "mei-su-electronics.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_every_problem_is_reported_at_once() -> None:
    doc = _base()
    doc["touchpoints"][0]["experience"] = 11
    doc["transitions"][3]["to"] = "pikcup"
    doc["touchpoints"][2]["stage"] = "nowhere"
    doc["transitions"].append({"from": "purchase", "to": "convenience", "customers": 1})
    with pytest.raises(InvalidJourney) as info:
        parse_journey(doc)
    found = {(p.loc, p.rule) for p in info.value.problems}
    assert ("touchpoints[0].experience", "score-outside-scale") in found
    assert ("transitions[3].to", "unknown-node") in found
    assert ("touchpoints[2].stage", "unknown-stage") in found
    assert ("transitions[18].from", "outcome-source") in found
    assert "transitions[3].to: unknown id 'pikcup'" in str(info.value)


def test_shape_problems_are_all_reported() -> None:
    doc = _base()
    doc["touchpoints"][1]["id"] = "Bad Id"
    doc["touchpoints"][2]["experience"] = "high"
    doc["transitions"][0]["customers"] = -1
    doc["stages"][0]["phase"] = "during"
    with pytest.raises(InvalidJourney) as info:
        parse_journey(doc)
    locs = {p.loc: p.rule for p in info.value.problems}
    assert locs == {
        "touchpoints[1].id": "id-syntax",
        "touchpoints[2].experience": "type",
        "transitions[0].customers": "range",
        "stages[0].phase": "choice",
    }


def test_defaults_and_entrants() -> None:
    doc = _base()
    del doc["entrants"]
    journey = parse_journey(doc)
    assert journey.effective_entrants == 1000  # customers leaving entry
    tp = journey.touchpoint("staff_service")
    assert (tp.expected, tp.weight) == (6, 7)
    doc["touchpoints"][0].pop("expectation")
    doc["touchpoints"][0].pop("importance")
    bare = parse_journey(doc).touchpoints[0]
    assert (bare.expected, bare.weight) == (bare.experience, 1.0)


def test_shares_must_sum_to_one_within_tolerance() -> None:
    doc = _base()
    doc["transitions"] = [t for t in doc["transitions"] if t["from"] != "entry"]
    doc["transitions"] += [
        {"from": "entry", "to": "brand_image", "share": 0.6 + 4e-7},
        {"from": "entry", "to": "convenience", "share": 0.4},
    ]
    assert parse_journey(doc).effective_entrants == 1000
    doc["transitions"][-1]["share"] = 0.41
    with pytest.raises(InvalidJourney, match="share-sum"):
        parse_journey(doc)


# ----------------------------------------------------------------- fuzzed and hostile input


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_crash(data: bytes) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    with pytest.raises((InvalidJourney, InvalidInput)):
        parse_journey(decode_text(text))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(journey_documents(), st.data())
def test_mutated_documents_get_problems_not_tracebacks(doc: dict[str, Any], data: st.DataObject) -> None:
    broken = copy.deepcopy(doc)
    section = data.draw(st.sampled_from(["touchpoints", "transitions", "stages", "outcomes"]))
    items = broken[section]
    if items:
        item = data.draw(st.sampled_from(items))
        key = data.draw(st.sampled_from(sorted(item)))
        item[key] = data.draw(json_values)
    try:
        parse_journey(broken)
    except InvalidJourney as error:
        assert error.problems
        assert all(p.rule and p.message for p in error.problems)


def _outcome(parse: Any, text: str) -> Any:
    """The journey's document, or the problems, of parsing ``text`` with ``parse``."""
    try:
        journey = parse(text)
    except InvalidJourney as error:
        return [str(p) for p in error.problems]
    return None if journey is None else journey.model_dump()


@settings(max_examples=300, deadline=None)
@given(journey_documents(), st.data())
def test_json_text_validated_in_one_pass_gives_what_decoding_first_gives(
    doc: dict[str, Any], data: st.DataObject
) -> None:
    broken = copy.deepcopy(doc)
    section = data.draw(st.sampled_from(["touchpoints", "transitions", "stages", "outcomes"]))
    if broken[section] and data.draw(st.booleans()):
        item = data.draw(st.sampled_from(broken[section]))
        item[data.draw(st.sampled_from(sorted(item)))] = data.draw(json_values)
    text = json.dumps(broken, ensure_ascii=data.draw(st.booleans()))
    direct = _outcome(parse_journey_json, text)
    decoded = _outcome(lambda t: parse_journey(decode_text(t)), text)
    if "NaN" in text or "Infinity" in text:
        assert direct is None  # left to decode_text, which reads such text as YAML
    else:
        assert direct == decoded


def test_text_that_is_not_json_is_left_to_the_decoder() -> None:
    doc = json.dumps(_base())
    assert parse_journey_json(doc) is not None
    for text in ("id: tiny", doc[:-1], doc.replace('"name": "', '"name": "\\ud800'), "[" + doc + "]"):
        assert parse_journey_json(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000 + "]" * 5000,
        "a: " + "{b: " * 3000 + "1" + "}" * 3000,
        "id: x\nentrants: 1e999\n",
        "id: x\nentrants: 123456789012345678901234567890\n",
        "{id: tiny, name: T, stages: [], touchpoints: [], outcomes: [], transitions: []}",
        "",
        "42",
        "id: [unclosed",
        "\t\x00",
    ],
)
def test_hostile_text_gets_a_clear_error(text: str) -> None:
    with pytest.raises(InvalidJourney) as info:
        parse_journey(decode_text(text))
    assert info.value.problems


def test_huge_numbers_are_refused_or_kept_exactly() -> None:
    doc = _base()
    doc["transitions"][0]["customers"] = 10**300
    assert parse_journey(doc).transitions[0].customers == 1e300
    doc["touchpoints"][0]["importance"] = float("inf")
    with pytest.raises(InvalidJourney, match="range"):
        parse_journey(doc)


def test_responses_beyond_64_bits_are_out_of_range() -> None:
    doc = _base()
    doc["touchpoints"][0]["responses"] = 2**63 - 1
    assert parse_journey(doc).touchpoints[0].responses == 2**63 - 1
    doc["touchpoints"][0]["responses"] = 100000000000000000000
    with pytest.raises(InvalidJourney) as info:
        parse_journey(doc)
    assert [(p.loc, p.rule) for p in info.value.problems] == [("touchpoints[0].responses", "range")]


def test_truncated_fixture_gets_a_clear_error(tmp_path: Path) -> None:
    text = (FIXTURES / "auto-repair.yaml").read_text(encoding="utf-8")
    for cut in range(50, len(text), 97):
        path = tmp_path / "cut.yaml"
        path.write_text(text[:cut], encoding="utf-8")
        if text[cut - 1 : cut + 1] == "}\n" and "\n" not in text[cut:].strip():
            assert load_journey(path).transitions  # only the last line cut off: still a journey
            continue
        with pytest.raises(InvalidJourney):
            load_journey(path)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file"):
        load_journey(tmp_path / "missing.yaml")
    with pytest.raises(InvalidInput, match="folder"):
        load_journey(tmp_path)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: caf\xe9".encode("latin-1"))
    with pytest.raises(InvalidJourney, match="UTF-8"):
        load_journey(latin)


def test_a_measure_that_does_not_exist_is_refused_naming_its_field() -> None:
    doc = yaml.safe_load((FIXTURES / "planted-friction.yaml").read_text(encoding="utf-8"))
    parse_journey(copy.deepcopy(doc))  # the fixture itself is valid
    index = next(i for i, tp in enumerate(doc["touchpoints"]) if tp.get("measures"))
    doc["touchpoints"][index]["measures"][0]["measure"] = "waiting_time"
    with pytest.raises(InvalidJourney) as caught:
        parse_journey(doc)
    [problem] = caught.value.problems
    assert problem.loc == f"touchpoints[{index}].measures[0].measure"
    assert "'wait'" in problem.message and "'drop_off'" in problem.message
