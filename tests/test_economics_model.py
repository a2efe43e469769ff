"""The journey's economics: defaults from the source documents, and bad values named."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from journeymap.errors import InvalidJourney
from journeymap.model import Economics, horizon_years, journey_document, parse_journey
from tests.cli import run_cli

FIXTURE = "fixtures/mei-su-electronics.yaml"


def with_economics(economics: Any) -> dict[str, Any]:
    with open(FIXTURE, encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return {**document, "economics": economics}


def test_defaults_are_the_documents_figures() -> None:
    econ = Economics()
    assert (econ.dissatisfied_reach, econ.complaint_ratio, econ.referrals, econ.referral_buyers) == (
        13,
        0.25,
        8,
        4,
    )
    assert econ.dissatisfied_reach / econ.complaint_ratio == 52  # one complaint stands for 52 lost
    assert (econ.value, econ.horizon, econ.period, econ.horizon_factor) == (1, "1y", "1y", 1)


def test_economics_round_trips_as_written() -> None:
    journey = parse_journey(
        with_economics({"value": 800, "currency": "HKD", "horizon": "18m", "period": "3m"})
    )
    assert journey.economics is not None and journey.economics.horizon_factor == pytest.approx(6)
    assert journey_document(journey)["economics"] == {
        "currency": "HKD", "value": 800, "dissatisfied_reach": 13, "complaint_ratio": 0.25,
        "referrals": 8, "referral_buyers": 4, "period": "3m", "horizon": "18m",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "years"), [("1y", 1), ("6m", 0.5), ("2w", 14 / 365), ("73d", 0.2), (" 1.5 y ", 1.5)]
)
def test_horizons(text: str, years: float) -> None:
    assert horizon_years(text) == pytest.approx(years)


@pytest.mark.parametrize(
    ("economics", "loc", "rule"),
    [
        ({"value": -1}, "economics.value", "range"),
        ({"dissatisfied_reach": -13}, "economics.dissatisfied_reach", "range"),
        ({"complaint_ratio": 0}, "economics.complaint_ratio", "range"),
        ({"complaint_ratio": 1.5}, "economics.complaint_ratio", "range"),
        ({"referrals": -8}, "economics.referrals", "range"),
        ({"horizon": "soon"}, "economics.horizon", "duration"),
        ({"horizon": "0y"}, "economics.horizon", "duration"),
        ({"period": "3 parsecs"}, "economics.period", "duration"),
        ({"horizon": 12}, "economics.horizon", "type"),
        ({"outcome_values": {"walks_away": 10}}, "economics.outcome_values.walks_away", "unknown-outcome"),
        ({"outcome_values": {"purchase": -10}}, "economics.outcome_values.purchase", "range"),
        ({"referrals": 2}, "economics.referral_buyers", "referrals"),
        ({"valeu": 2}, "economics.valeu", "unknown-field"),
        ("lots", "economics", "type"),
    ],
)
def test_bad_economics_are_named(economics: Any, loc: str, rule: str) -> None:
    with pytest.raises(InvalidJourney) as info:
        parse_journey(with_economics(economics))
    assert (loc, rule) in {(p.loc, p.rule) for p in info.value.problems}, info.value


def test_every_bad_figure_is_reported_at_once() -> None:
    with pytest.raises(InvalidJourney) as info:
        parse_journey(with_economics({"value": -1, "complaint_ratio": 0, "horizon": "soon"}))
    assert {p.loc for p in info.value.problems} == {
        "economics.value", "economics.complaint_ratio", "economics.horizon",
    }  # fmt: skip


def test_the_cli_refuses_bad_economics_with_exit_2(tmp_path: Any) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(with_economics({"complaint_ratio": 0, "horizon": "soon"})), "utf-8")
    result = run_cli("impact", str(path), store_url=f"sqlite:///{tmp_path}/j.db")
    assert result.returncode == 2
    assert "economics.complaint_ratio" in result.stderr and "economics.horizon" in result.stderr
    assert "Traceback" not in result.stderr
