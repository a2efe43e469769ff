"""The engine as a library: any journey source, one per-touchpoint row shape, pandas frames."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from journeymap.engine import analyze, as_journey, by_touchpoint, impact, top_paths, variants, whatif
from journeymap.engine.fixes import fixes
from journeymap.errors import InvalidInput, InvalidJourney
from journeymap.files import load_journey
from journeymap.frames import to_frame

ROOT = Path(__file__).resolve().parents[2]
AUTO = ROOT / "fixtures" / "auto-repair.yaml"
PLANTED = ROOT / "fixtures" / "planted-friction.yaml"
PATCH = {"touchpoints": {"reception": {"experience": 70}}}


def _sources(path: Path) -> dict[str, object]:
    return {
        "journey": load_journey(path),
        "path": path,
        "str": str(path),
        "mapping": yaml.safe_load(path.read_text("utf-8")),
    }


@pytest.mark.parametrize("kind", ["path", "str", "mapping"])
def test_every_engine_function_takes_a_journey_a_path_or_a_mapping(kind: str) -> None:
    journey = load_journey(AUTO)
    given = _sources(AUTO)[kind]
    assert analyze(given) == analyze(journey)
    assert top_paths(given, k=3) == top_paths(journey, k=3)
    assert impact(given) == impact(journey)
    assert whatif(given, PATCH) == whatif(journey, PATCH)
    assert variants(_sources(PLANTED)[kind]) == variants(load_journey(PLANTED))


def test_a_json_journey_file_and_a_patch_file(tmp_path: Path) -> None:
    as_json = tmp_path / "auto.json"
    as_json.write_text(json.dumps(yaml.safe_load(AUTO.read_text("utf-8"))), "utf-8")
    patch = tmp_path / "fix.yaml"
    patch.write_text(yaml.safe_dump(PATCH), "utf-8")
    assert whatif(as_json, patch) == whatif(AUTO, PATCH)


def test_bad_sources_are_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"nope\.yaml: no such file"):
        analyze("nope.yaml")
    with pytest.raises(InvalidInput, match="is a folder"):
        impact(tmp_path)
    with pytest.raises(InvalidJourney) as refused:
        analyze({"id": "x"})
    assert {p.loc for p in refused.value.problems} >= {"name", "stages"}
    with pytest.raises(InvalidInput, match="not int"):
        top_paths(3)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="not bytes"):
        as_journey(str(AUTO).encode())  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="no such file"):
        whatif(AUTO, tmp_path / "no-patch.yaml")


def test_analyze_and_impact_rows_have_one_shape() -> None:
    analysed, ranked = analyze(AUTO), impact(AUTO)
    assert isinstance(analysed["touchpoints"], list) and isinstance(ranked["touchpoints"], list)
    assert [row["touchpoint"] for row in analysed["touchpoints"]] == [
        tp.id for tp in load_journey(AUTO).touchpoints
    ]
    assert by_touchpoint(ranked) == by_touchpoint(analysed)  # the same rows, field for field
    order = [(-row["priority"], row["touchpoint"]) for row in ranked["touchpoints"]]
    assert order == sorted(order)
    assert "touchpoints" not in analysed["economics"]  # the per-touchpoint figures live in the rows
    at_stake = sum(row["value_at_stake"] for row in analysed["touchpoints"])
    assert at_stake == pytest.approx(analysed["economics"]["value_at_stake"] - _unattributed(analysed))
    changed = whatif(AUTO, PATCH)["diff"]["touchpoints"]
    assert [row["touchpoint"] for row in changed] == [row["touchpoint"] for row in analysed["touchpoints"]]
    assert by_touchpoint({"touchpoints": changed})["reception"]["pain"] == -270.0  # 9 x (70 - 40)


def _unattributed(doc: dict[str, object]) -> float:
    """Value at stake of customers sent from entry straight to a failure (charged to no touchpoint)."""
    econ = doc["economics"]
    assert isinstance(econ, dict)
    lost = sum(row["customers_lost"] for row in doc["touchpoints"])  # type: ignore[attr-defined]
    wom = sum(row["word_of_mouth_lost"] for row in doc["touchpoints"])  # type: ignore[attr-defined]
    return float(
        econ["value_per_customer"] * ((econ["customers_lost"] - lost) + (econ["word_of_mouth_lost"] - wom))
    )


def test_touchpoint_frames_are_the_rows_and_agree_with_pandas_arithmetic() -> None:
    doc = analyze(AUTO)
    frame = to_frame(doc)
    assert frame.index.name == "touchpoint" and frame.attrs["journey"] == "auto-repair"
    assert list(frame.index) == [row["touchpoint"] for row in doc["touchpoints"]]
    journey = pd.DataFrame.from_records(yaml.safe_load(AUTO.read_text("utf-8"))["touchpoints"]).set_index(
        "id"
    )
    pain = journey["importance"] * (journey["expectation"] - journey["experience"]).clip(lower=0)
    pd.testing.assert_series_equal(
        frame["pain"], pain.astype(float), check_names=False, check_index_type=False
    )
    assert (frame["priority"] - frame["reach"] * frame["pain"]).abs().max() < 1e-9
    assert frame["priority"].sum() == pytest.approx(doc["expected_pain"])
    ranked = to_frame(impact(AUTO))
    assert list(ranked.index) == list(
        frame.reset_index().sort_values(["priority", "touchpoint"], ascending=[False, True])["touchpoint"]
    )
    pd.testing.assert_frame_equal(ranked.loc[frame.index], frame, check_like=True)


def test_path_variant_whatif_and_fix_frames() -> None:
    doc = top_paths(AUTO, k=4)
    paths = to_frame(doc)
    assert list(paths.index) == [1, 2, 3, 4]
    assert paths.loc[1, "nodes"] == doc["paths"][0]["nodes"]
    assert "contributions" not in paths and "economics" not in paths
    assert list(paths["value_at_stake"]) == [p["economics"]["value_at_stake"] for p in doc["paths"]]
    assert (paths["pain_mass"] - paths["probability"] * paths["pain"]).abs().max() < 1e-9
    walked = variants(PLANTED)
    frame = to_frame(walked)
    assert list(frame["customers"]) == [v["customers"] for v in walked["variants"]]
    assert frame["customers"].sum() + frame.attrs["other"]["customers"] == pytest.approx(walked["customers"])
    changed = to_frame(whatif(AUTO, PATCH))
    assert changed.loc["reception", ("before", "pain")] == 270.0
    assert changed.loc["reception", ("after", "pain")] == 0.0
    assert changed.loc["reception", ("change", "pain")] == -270.0
    ranked = to_frame(fixes(load_journey(AUTO)))
    assert list(ranked.index) == [1, 2, 3, 4] and ranked.loc[1, "opportunity"] == "itemised_quote"


def test_to_frame_names_what_it_takes() -> None:
    with pytest.raises(InvalidInput, match=r"to_frame takes .* this one has the fields \['journey'\]"):
        to_frame({"journey": "x"})
