"""The map page in headless Chromium: renders cleanly, highlights pain paths, never overlaps cards."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from journeymap.export import map_html
from journeymap.model import Journey
from tests.export.browser import chromium, find_browser

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    assert find_browser(), "chromium and chromium-driver are needed: make system-deps"
    with chromium() as driver:
        yield driver


def open_map(driver: Any, journey: Journey, tmp_path: Path) -> None:
    page = tmp_path / f"{journey.id}.html"
    page.write_text(map_html(journey), encoding="utf-8")
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(page.as_uri())


def problems(driver: Any) -> list[str]:
    return [
        entry["message"] for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")
    ]


def test_page_renders_without_errors_or_requests(browser: Any, journey: Journey, tmp_path: Path) -> None:
    open_map(browser, journey, tmp_path)
    assert problems(browser) == []
    cards = browser.find_elements("css selector", "svg.map [data-touchpoint]")
    assert len(cards) == len(journey.touchpoints)
    assert len(browser.find_elements("css selector", "svg.map [data-outcome]")) == len(journey.outcomes)
    assert len(browser.find_elements("css selector", "svg.curve [data-curve-touchpoint]")) >= 1
    resources = browser.execute_script("return performance.getEntriesByType('resource').length")
    assert resources == 0  # nothing fetched: the page is self-contained


def test_selecting_a_pain_path_highlights_exactly_its_nodes_and_edges(
    browser: Any, journey: Journey, tmp_path: Path
) -> None:
    open_map(browser, journey, tmp_path)
    paths = browser.execute_script(
        "return JSON.parse(document.getElementById('journey-data').textContent).paths"
    )
    assert paths, "every fixture has a path to an outcome"
    for path in paths[:3]:
        item = browser.find_element("css selector", f"[data-path-rank='{path['rank']}']")
        item.click()
        lit = browser.execute_script(
            "return Array.from(document.querySelectorAll('svg.map .on-path:not(.flow-time)')).map(e => "
            "e.getAttribute('data-touchpoint') || e.getAttribute('data-outcome') "
            "|| e.getAttribute('data-node') "
            "|| e.getAttribute('data-edge'))"
        )
        nodes = path["nodes"]
        edges = [f"{a}->{b}" for a, b in itertools.pairwise(nodes)]
        assert sorted(lit) == sorted(nodes + edges)
        assert item.get_attribute("aria-pressed") == "true"
        assert "has-selection" in browser.find_element("css selector", "svg.map").get_attribute("class")
    item.click()  # clicking the selected path again clears the highlight
    assert browser.find_elements("css selector", "svg.map .on-path") == []
    assert problems(browser) == []


def test_clicking_a_card_shows_its_details(browser: Any, journey: Journey, tmp_path: Path) -> None:
    open_map(browser, journey, tmp_path)
    tp = journey.touchpoints[-1]
    card = browser.find_element("css selector", f"svg.map [data-touchpoint='{tp.id}']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'center'})", card)
    card.click()
    details = browser.find_element("id", "details")
    title = details.find_element("css selector", ".title").text
    assert " ".join(title.split()) == " ".join(tp.name.split())
    text = details.text
    for label in ("Satisfaction", "Pain", "Priority", "Removal effect", "Channel", "Owner"):
        assert label in text
    if tp.owner:
        assert tp.owner in text


RECTS = """
const rects = Array.from(document.querySelectorAll('svg.map .card')).map(card => {
  const body = card.querySelector('rect.body').getBoundingClientRect();
  const texts = Array.from(card.querySelectorAll('text')).map(t => t.getBoundingClientRect());
  return {id: card.getAttribute('data-touchpoint') || card.getAttribute('data-outcome') || 'entry',
          body: [body.left, body.top, body.right, body.bottom],
          texts: texts.map(r => [r.left, r.top, r.right, r.bottom])};
});
return rects;
"""


def assert_cards_apart_and_text_inside(rects: list[dict[str, Any]]) -> None:
    boxes = sorted(rects, key=lambda r: (r["body"][0], r["body"][1]))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if b["body"][0] >= a["body"][2]:
                break
            apart = (
                a["body"][2] <= b["body"][0]
                or b["body"][2] <= a["body"][0]
                or a["body"][3] <= b["body"][1]
                or b["body"][3] <= a["body"][1]
            )
            assert apart, f"{a['id']} overlaps {b['id']}"
        left, top, right, bottom = a["body"]
        for t in a["texts"]:  # names wrap inside their card (1px for anti-aliasing)
            assert left - 1 <= t[0] and t[2] <= right + 1 and top - 1 <= t[1] and t[3] <= bottom + 1, a["id"]


def test_fixture_cards_do_not_overlap(browser: Any, journey: Journey, tmp_path: Path) -> None:
    open_map(browser, journey, tmp_path)
    assert_cards_apart_and_text_inside(browser.execute_script(RECTS))


def test_200_touchpoints_render_without_overlaps(browser: Any, big: Journey, tmp_path: Path) -> None:
    open_map(browser, big, tmp_path)
    assert problems(browser) == []
    rects = browser.execute_script(RECTS)
    assert len([r for r in rects if r["id"].startswith("t")]) == 200
    assert_cards_apart_and_text_inside(rects)
