"""The map's time on arrows, score provenance, no-pain note and observed walks, in headless Chromium.

Oracles: the journey file read with plain PyYAML (times, sources, measures) and
the engine's own documents (``variants_document``, ``top_paths`` with
``with_observed``); the page's numbers are read back from what Chromium shows.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from journeymap.engine import top_paths
from journeymap.engine.json_values import NO_PAIN
from journeymap.engine.observed import variants_document, with_observed
from journeymap.export import map_html
from journeymap.export.mappage import PAIN_PATHS
from journeymap.export.mappage.headless import chromium, draw, find_browser
from journeymap.model import ENTRY, Journey, parse_journey
from tests.export.test_map_browser import RECTS, assert_cards_apart_and_text_inside, problems
from tests.export.test_map_views import click_card, open_page, pdf_text, rect

pytestmark = pytest.mark.browser
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "planted-friction.yaml"
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

LABELS = """
const box = el => el.getBoundingClientRect().toJSON();
return Array.from(document.querySelectorAll('svg.map [data-edge-time]')).map(g => ({
  edge: g.getAttribute('data-edge-time'),
  shown: g.getAttribute('display') !== 'none',
  lines: Array.from(g.querySelectorAll('tspan')).map(t => t.textContent),
  title: g.querySelector('title').textContent,
  box: box(g.querySelector('rect')),
}));
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    assert find_browser(), "chromium and chromium-driver are needed: make system-deps"
    with chromium() as driver:
        yield driver


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    return document


@pytest.fixture
def friction(raw: dict[str, Any]) -> Journey:
    return parse_journey(raw)


def duration(text: str) -> float:
    return float(text[:-1]) * UNITS[text[-1]]


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    )


def check_labels(browser: Any, raw: dict[str, Any]) -> int:
    """Every shown label reads back to its transition's median and p90, sits on the map and
    clear of every card and other label; returns how many are shown."""
    times = {f"{t['from']}->{t['to']}": t["time"] for t in raw["transitions"] if "time" in t}
    labels = browser.execute_script(LABELS)
    assert sorted(label["edge"] for label in labels) == sorted(times)
    cards = [r["body"] for r in browser.execute_script(RECTS)]
    board = rect(browser, "svg.map")
    shown = [label for label in labels if label["shown"]]
    for label in shown:
        time = times[label["edge"]]
        median, p90 = label["lines"]
        assert median.startswith("med ") and p90.startswith("p90 ")
        assert duration(median[4:]) == pytest.approx(time["median_s"], rel=0.05)
        assert duration(p90[4:]) == pytest.approx(time["p90_s"], rel=0.05)
        assert f"(n {time['n']:,})" in label["title"]
        box = label["box"]
        assert board["left"] <= box["left"] and box["right"] <= board["right"] + 1
        assert board["top"] <= box["top"] and box["bottom"] <= board["bottom"] + 1
        for body in cards:
            assert not overlaps(box, dict(zip(("left", "top", "right", "bottom"), body, strict=True)))
    for a, b in itertools.combinations(shown, 2):
        assert not overlaps(a["box"], b["box"]), (a["edge"], b["edge"])
    return len(shown)


def test_arrows_show_median_and_p90_where_there_is_room_in_every_view(
    browser: Any, friction: Journey, raw: dict[str, Any], tmp_path: Path
) -> None:
    open_page(browser, friction, tmp_path)
    assert check_labels(browser, raw) >= 6
    titles = browser.execute_script(
        "return Object.fromEntries(Array.from(document.querySelectorAll('svg.map .flow'))"
        ".map(f => [f.getAttribute('data-edge'), f.querySelector('title').textContent]))"
    )
    for t in raw["transitions"]:  # every timed arrow's tooltip has the full time
        edge = f"{t['from']}->{t['to']}"
        assert ("time median " in titles[edge]) == ("time" in t)
        if "time" in t:
            assert f"(n {t['time']['n']:,})" in titles[edge]
    options = [o.get_attribute("value") for o in browser.find_elements("css selector", "#lanes option")]
    assert len(options) >= 2
    for view in options:
        browser.execute_script(
            "const s = document.getElementById('lanes'); s.value = arguments[0];"
            "s.dispatchEvent(new Event('change'))",
            view,
        )
        assert check_labels(browser, raw) >= 4, view
        assert_cards_apart_and_text_inside(browser.execute_script(RECTS))
    assert problems(browser) == []


def test_focusing_a_time_label_or_arrow_shows_the_transition_in_full(
    browser: Any, friction: Journey, raw: dict[str, Any], tmp_path: Path
) -> None:
    open_page(browser, friction, tmp_path)
    timed = [t for t in raw["transitions"] if "time" in t]
    for t in timed:
        edge = f"{t['from']}->{t['to']}"
        for selector in (f"[data-edge-time='{edge}']:not([display])", f".flow[data-edge='{edge}']"):
            if not browser.find_elements("css selector", f"svg.map {selector}"):
                continue  # a label with no room in this view: the arrow itself takes the focus
            browser.execute_script("document.querySelector(`svg.map ${arguments[0]}`).focus()", selector)
            text = " ".join(browser.find_element("id", "details").text.split())
            names = {tp.id: tp.name for tp in friction.touchpoints} | {
                o.id: o.name for o in friction.outcomes
            }
            assert f"{names[t['from']]} → {names[t['to']]}" in text
            assert f"(n {t['time']['n']:,})" in text and "median " in text and "mean " in text
    assert browser.execute_script("return document.activeElement.getAttribute('tabindex')") == "0"


def test_cards_mark_behaviour_scores_and_details_show_the_evidence(
    browser: Any, friction: Journey, raw: dict[str, Any], tmp_path: Path
) -> None:
    open_page(browser, friction, tmp_path)
    badges = browser.execute_script(
        "return Array.from(document.querySelectorAll('svg.map [data-touchpoint]')).map(c => "
        "[c.getAttribute('data-touchpoint'), c.querySelector('.badge text')?.textContent ?? null])"
    )
    assert {tid: badge for tid, badge in badges} == {
        tp["id"]: ("B" if tp.get("source") == "behaviour" else None) for tp in raw["touchpoints"]
    }
    legend = browser.find_element("css selector", ".sources").text
    assert "behaviour measured in the event log" in legend and "median and 90th-percentile" in legend
    for tp in raw["touchpoints"]:
        click_card(browser, tp["id"])
        text = " ".join(browser.find_element("id", "details").text.split())
        assert "Score source behaviour: behaviour measured in the event log" in text
        for m in tp["measures"]:
            found = re.search(rf"Measured: {m['measure']} (\S+) \(target (\S+)\) · n ([\d,]+)", text)
            assert found, (tp["id"], m["measure"], text)
            assert int(found[3].replace(",", "")) == m["n"]
            value, target = found[1], found[2]
            if m["measure"] == "wait":
                assert duration(value) == pytest.approx(m["value"], rel=0.01)
                assert duration(target) == pytest.approx(m["target"], rel=0.01)
            else:
                assert float(value.rstrip("%")) == pytest.approx(100 * m["value"], abs=0.06)
                assert float(target.rstrip("%")) == pytest.approx(100 * m["target"], abs=0.06)
        dwell = re.search(r"Time here \(dwell\) median (\S+) · p90 (\S+) · mean (\S+) \(n ([\d,]+)\)", text)
        assert dwell and int(dwell[4].replace(",", "")) == tp["time"]["n"]
        assert duration(dwell[1]) == pytest.approx(tp["time"]["median_s"], rel=0.01)
        if "expected_wait" in tp:
            assert f"Expected wait {tp['expected_wait']}" in text
    assert_cards_apart_and_text_inside(browser.execute_script(RECTS))


def unmeasured(journey: Journey) -> Journey:
    """The fixture as an ingest with no usable measure makes it: every score the midpoint."""
    touchpoints = [
        tp.model_copy(update={"experience": 5.0, "expectation": 5.0, "source": "none", "measures": None})
        for tp in journey.touchpoints
    ]
    return journey.model_copy(update={"touchpoints": touchpoints})


def test_no_pain_note_shows_only_when_every_pain_is_0(
    browser: Any, friction: Journey, tmp_path: Path
) -> None:
    open_page(browser, friction, tmp_path)
    assert browser.find_elements("css selector", ".no-pain") == []
    flat = unmeasured(friction)
    open_page(browser, flat, tmp_path)
    note = browser.find_element("css selector", "aside .no-pain")
    assert note.is_displayed() and note.text == NO_PAIN
    badges = browser.find_elements("css selector", "svg.map .badge[data-source='none']")
    assert len(badges) == len(flat.touchpoints)
    assert "nothing measured" in browser.find_element("css selector", ".sources").text
    assert problems(browser) == []


def test_printed_map_keeps_times_badges_notes_and_both_path_lists(friction: Journey, tmp_path: Path) -> None:
    text, _ = pdf_text(draw(map_html(friction), "pdf"), tmp_path)
    flat = " ".join(text.split())
    assert "med 4.5d" in flat and "p90 5.7d" in flat  # identity check -> credit review: 388060 s, 494158 s
    assert "Observed walks" in flat and "observed 500 customers" in flat
    note, _ = pdf_text(draw(map_html(unmeasured(friction)), "pdf"), tmp_path)
    assert NO_PAIN in " ".join(note.split())


def test_at_390_px_times_and_provenance_stay_on_screen(
    browser: Any, friction: Journey, tmp_path: Path
) -> None:
    open_page(browser, friction, tmp_path, 390, 844)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
    click_card(browser, "credit_review")
    details = rect(browser, "#details")
    assert details["left"] >= 0 and details["right"] <= 390
    assert "Measured: wait" in browser.find_element("id", "details").text
    browser.execute_script(
        "document.querySelector(`svg.map [data-edge-time='identity_check->credit_review']`).focus()"
    )
    assert "n 1,424" in browser.find_element("id", "details").text
    assert rect(browser, "#details")["right"] <= 390
    for selector in (".path-views", ".sources"):
        box = rect(browser, selector)
        assert box["left"] >= 0 and box["right"] <= 390
    assert problems(browser) == []


def lit(browser: Any) -> list[str]:
    found: list[str] = browser.execute_script(
        "return Array.from(document.querySelectorAll('svg.map .on-path:not(.flow-time)')).map(e => "
        "e.getAttribute('data-touchpoint') || e.getAttribute('data-outcome') || e.getAttribute('data-node') "
        "|| e.getAttribute('data-edge'))"
    )
    return found


def count(text: str) -> float:
    return float(text.replace(",", ""))


def test_observed_walks_are_listed_and_highlighted_as_the_engine_counts_them(
    browser: Any, friction: Journey, tmp_path: Path
) -> None:
    document = variants_document(friction)
    timed = {f"{t.source}->{t.target}" for t in friction.transitions if t.time is not None}
    open_page(browser, friction, tmp_path)
    observed = browser.find_element("css selector", "ol[data-list='observed']")
    model = browser.find_element("css selector", "ol[data-list='model']")
    assert model.is_displayed() and not observed.is_displayed()
    browser.find_element("css selector", "[data-path-view='observed']").click()
    assert observed.is_displayed() and not model.is_displayed()
    items = observed.find_elements("css selector", "li[data-variant-rank]:not(.other)")
    assert len(items) == len(document["variants"])
    for item, variant in zip(items, document["variants"], strict=True):
        figures = " ".join(item.find_element("css selector", ".figures").text.split())
        assert count(item.find_element("css selector", ".customers").text) == variant["customers"]
        pain = re.search(r"pain (\S+)", figures)
        assert pain and float(pain[1].replace("−", "-")) == pytest.approx(variant["pain"], rel=5e-3)
        assert item.get_attribute("title") == " → ".join(variant["names"])
        item.click()
        nodes = [ENTRY, *variant["nodes"]]
        edges = {f"{a}->{b}" for a, b in itertools.pairwise(nodes)}
        assert sorted(lit(browser)) == sorted(set(nodes) | edges)  # loops: each node and edge once
        times = browser.execute_script(
            "return Array.from(document.querySelectorAll('svg.map .flow-time.on-path'))"
            ".map(e => e.getAttribute('data-edge-time'))"
        )
        assert sorted(times) == sorted(edges & timed)  # the lit arrows' times stay readable
        assert item.get_attribute("aria-pressed") == "true"
    item.click()
    assert lit(browser) == []
    other = observed.find_element("css selector", "li.other").text
    assert count(other.split()[0]) == document["other"]["customers"]
    assert f"{document['other']['variants']} other variants" in other
    looped = [v for v in document["variants"] if len(v["nodes"]) > len(set(v["nodes"]))]
    assert looped, "the fixture's customers loop back to the documents"
    browser.find_element("css selector", "[data-path-view='model']").click()
    assert model.is_displayed() and not observed.is_displayed()
    assert problems(browser) == []


def model_counts(browser: Any, journey: Journey, tmp_path: Path) -> list[tuple[str, dict[str, Any]]]:
    open_page(browser, journey, tmp_path)
    paths = with_observed(top_paths(journey, k=PAIN_PATHS, rank="pain"), journey)["paths"]
    items = browser.find_elements("css selector", "ol[data-list='model'] li")
    assert len(items) == len(paths)
    return [
        (item.find_element("css selector", ".observed-count").text, p)
        for item, p in zip(items, paths, strict=True)
    ]


def test_each_model_path_says_how_many_customers_walked_exactly_it(
    browser: Any, friction: Journey, tmp_path: Path
) -> None:
    for shown, path in model_counts(browser, friction, tmp_path):
        if path["observed_customers"] is None:
            found = re.fullmatch(r"observed ≤ (\S+) \(not listed, may be in 'other'\)", shown)
            assert found and count(found[1]) == path["observed_at_most"]
        else:
            assert count(shown.split()[1]) == path["observed_customers"]


LOOPS: dict[str, Any] = {
    "id": "loops",
    "name": "Loops",
    "stages": [{"id": "s", "name": "S", "phase": "sale"}],
    "touchpoints": [
        {"id": "a", "name": "Apply", "stage": "s", "experience": 3, "expectation": 6},
        {"id": "b", "name": "Back office", "stage": "s", "experience": 5, "expectation": 6},
    ],
    "outcomes": [
        {"id": "ok", "name": "OK", "kind": "success"},
        {"id": "no", "name": "No", "kind": "failure"},
    ],
    # walks: a ok x5, a no x2, a b a ok x2, a b a b ok x1 (so a -> b -> ok is a model path nobody took)
    "transitions": [
        {"from": "entry", "to": "a", "customers": 10},
        {"from": "a", "to": "ok", "customers": 7},
        {"from": "a", "to": "no", "customers": 2},
        {"from": "a", "to": "b", "customers": 4},
        {"from": "b", "to": "a", "customers": 3},
        {"from": "b", "to": "ok", "customers": 1},
    ],
    "variants": {
        "top": [
            {"nodes": ["a", "ok"], "customers": 5},
            {"nodes": ["a", "no"], "customers": 2},
            {"nodes": ["a", "b", "a", "ok"], "customers": 2},
            {"nodes": ["a", "b", "a", "b", "ok"], "customers": 1},
        ]
    },
}


def test_a_model_path_nobody_walked_shows_0(browser: Any, tmp_path: Path) -> None:
    shown = dict(
        (p["nodes"][-2], (text, p)) for text, p in model_counts(browser, parse_journey(LOOPS), tmp_path)
    )
    text, path = shown["b"]  # entry -> a -> b -> ok
    assert path["nodes"] == [ENTRY, "a", "b", "ok"] and path["observed_customers"] == 0
    assert text == "observed 0 customers"
    assert count(shown["a"][0].split()[1]) == shown["a"][1]["observed_customers"] > 0
