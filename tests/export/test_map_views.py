"""The map page's swimlanes, persona filter, opportunities, aligned emotion curve, phone
layout, printing and PNG/PDF drawing, in headless Chromium."""

from __future__ import annotations

import shutil
import struct
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from journeymap.export import map_html
from journeymap.export.mappage import layout as geometry
from journeymap.export.mappage.headless import PICTURE, chromium, draw, find_browser, set_viewport
from journeymap.files import load_journey
from journeymap.model import Journey, parse_journey
from tests.annotated import AWKWARD, annotated_document
from tests.export.journeys import FIXTURES
from tests.export.test_map_browser import RECTS, assert_cards_apart_and_text_inside, problems

pytestmark = pytest.mark.browser
BY_NAME = {p.stem: p for p in FIXTURES}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    assert find_browser(), "chromium and chromium-driver are needed: make system-deps"
    with chromium() as driver:
        yield driver


@pytest.fixture
def repair() -> Journey:
    return load_journey(BY_NAME["auto-repair"])


def open_page(driver: Any, journey: Journey, tmp_path: Path, width: int = 1600, height: int = 1000) -> None:
    page = tmp_path / f"{journey.id}.html"
    page.write_text(map_html(journey), encoding="utf-8")
    set_viewport(driver, width, height)
    driver.get_log("browser")
    driver.get(page.as_uri())


def rect(driver: Any, selector: str) -> dict[str, float]:
    box: dict[str, float] = driver.execute_script(
        "return document.querySelector(arguments[0]).getBoundingClientRect().toJSON()", selector
    )
    return box


def click_card(driver: Any, tid: str) -> None:
    driver.execute_script(
        "document.querySelector(`svg.map [data-touchpoint='${arguments[0]}']`)"
        ".dispatchEvent(new Event('click'))",
        tid,
    )


LANES = """
const view = arguments[0];
const box = el => el.getBoundingClientRect().toJSON();
const lanes = Array.from(document.querySelectorAll('svg.map .lanes[data-view="' + view + '"] .lane'));
const cards = Array.from(document.querySelectorAll('svg.map [data-touchpoint]'));
return {
  shown: Array.from(document.querySelectorAll('svg.map .lanes'))
    .filter(g => g.getAttribute('display') !== 'none').map(g => g.getAttribute('data-view')),
  lanes: lanes.map(g => [g.getAttribute('data-lane'), box(g.querySelector('rect'))]),
  cards: cards.map(c => [c.getAttribute('data-touchpoint'), box(c.querySelector('rect.body'))]),
  starts: Array.from(document.querySelectorAll('svg.map .flow')).map(f => {
    const p = f.getPointAtLength(0), m = f.getScreenCTM();
    return [f.getAttribute('data-source'), p.x * m.a + m.e, p.y * m.d + m.f];
  }),
};
"""


def test_swimlane_switch_puts_every_card_in_its_lane_and_moves_the_arrows(
    browser: Any, repair: Journey, tmp_path: Path
) -> None:
    open_page(browser, repair, tmp_path)
    options = [o.get_attribute("value") for o in browser.find_elements("css selector", "#lanes option")]
    assert options == ["none", "lane", "channel", "owner"]
    for view in ["lane", "channel", "owner", "none", "lane"]:
        browser.execute_script(
            "const s = document.getElementById('lanes'); s.value = arguments[0];"
            "s.dispatchEvent(new Event('change'))",
            view,
        )
        seen = browser.execute_script(LANES, view)
        assert seen["shown"] == ([] if view == "none" else [view])
        cards = dict(seen["cards"])
        if view != "none":
            lanes = dict(seen["lanes"])
            assert list(lanes) == geometry.lane_order(repair, view)
            for tp in repair.touchpoints:
                band, box = lanes[geometry.lane_key(tp, view)], cards[tp.id]
                assert band["top"] <= box["top"] and box["bottom"] <= band["bottom"], (view, tp.id)
        assert_cards_apart_and_text_inside(browser.execute_script(RECTS))
        for source, x, y in seen["starts"]:  # every arrow leaves its source card
            if source in cards:
                box = cards[source]
                assert box["left"] - 2 <= x <= box["right"] + 2 and box["top"] - 2 <= y <= box["bottom"] + 2
    assert problems(browser) == []


def test_persona_filter_fades_what_belongs_only_to_other_personas(
    browser: Any, repair: Journey, tmp_path: Path
) -> None:
    open_page(browser, repair, tmp_path)
    assert repair.personas
    for persona in repair.personas:
        browser.execute_script(
            "const s = document.getElementById('persona'); s.value = arguments[0];"
            "s.dispatchEvent(new Event('change'))",
            persona.id,
        )
        faded = browser.execute_script(
            "return Array.from(document.querySelectorAll('svg.map .other-persona'))"
            ".map(e => e.getAttribute('data-touchpoint') || e.getAttribute('data-edge'))"
        )
        expected = [tp.id for tp in repair.touchpoints if tp.personas and persona.id not in tp.personas]
        expected += [
            f"{t.source}->{t.target}"
            for t in repair.transitions
            if t.personas and persona.id not in t.personas
        ]
        assert sorted(faded) == sorted(expected)
        assert expected, "the fixture tags touchpoints for more than one persona"
    browser.execute_script(
        "const s = document.getElementById('persona'); s.value = ''; s.dispatchEvent(new Event('change'))"
    )
    assert browser.find_elements("css selector", "svg.map .other-persona") == []


def test_each_opportunity_lights_its_touchpoints(browser: Any, repair: Journey, tmp_path: Path) -> None:
    open_page(browser, repair, tmp_path)
    assert repair.opportunities
    for opportunity in repair.opportunities:
        item = browser.find_element("css selector", f"[data-opportunity='{opportunity.id}']")
        browser.execute_script("arguments[0].click()", item)
        lit = browser.execute_script(
            "return Array.from(document.querySelectorAll('svg.map .on-path'))"
            ".map(e => e.getAttribute('data-touchpoint'))"
        )
        assert sorted(lit) == sorted(opportunity.touchpoints)
        assert item.get_attribute("aria-pressed") == "true"
        links = [a.get_attribute("href").split("#")[1] for a in item.find_elements("css selector", "a")]
        assert links == [f"tp-{t}" for t in opportunity.touchpoints]
        for anchor in links:
            assert browser.find_elements("id", anchor)
    browser.execute_script("arguments[0].click()", item)
    assert browser.find_elements("css selector", "svg.map .on-path") == []


@pytest.mark.parametrize("fit", [False, True])
def test_emotion_curve_points_stand_under_their_stage_columns(
    browser: Any, repair: Journey, tmp_path: Path, fit: bool
) -> None:
    open_page(browser, repair, tmp_path)
    if fit:
        browser.find_element("id", "fit").click()
        board = rect(browser, ".board")
        assert rect(browser, "svg.map")["width"] <= board["width"] + 1
    stage_of = {tp.id: tp.stage for tp in repair.touchpoints}
    points = browser.execute_script(
        "return Array.from(document.querySelectorAll('svg.curve [data-curve-touchpoint]')).map(g => "
        "[g.getAttribute('data-curve-touchpoint'), "
        "g.querySelector('circle').getBoundingClientRect().toJSON()])"
    )
    assert len(points) >= 5
    for tid, circle in points:
        column = rect(browser, f"svg.map .stage[data-stage='{stage_of[tid]}'] rect")
        middle = (circle["left"] + circle["right"]) / 2
        assert column["left"] <= middle <= column["right"], tid


def test_at_390_px_the_map_and_the_details_stack_without_overlap(
    browser: Any, repair: Journey, tmp_path: Path
) -> None:
    open_page(browser, repair, tmp_path, 390, 844)
    click_card(browser, "repair")
    assert browser.execute_script("return window.innerWidth") == 390
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390  # no sideways page
    header, board, aside = rect(browser, "header"), rect(browser, ".board"), rect(browser, "aside")
    details = rect(browser, "#details")
    assert board["width"] >= 340  # the map gets the screen's width (it was ~45 px beside the panel)
    assert board["top"] < 844 and board["height"] >= 300  # and shows on the first screen
    assert header["bottom"] <= board["top"] and board["bottom"] <= aside["top"]
    assert aside["left"] >= 0 and aside["right"] <= 390
    assert aside["top"] <= details["top"] and details["bottom"] <= aside["bottom"]
    assert details["left"] >= 0 and details["right"] <= 390
    assert "维修 Repair" in browser.find_element("id", "details").text
    assert problems(browser) == []


def pdf_text(pdf: bytes, tmp_path: Path) -> tuple[str, str]:
    assert shutil.which("pdftotext"), "poppler-utils is needed: make system-deps"
    path = tmp_path / "map.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True, text=True)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    return text.stdout, info.stdout


@pytest.mark.parametrize("name", ["auto-repair", "mei-su-electronics", "retail-chain"])
def test_the_printed_pdf_shows_every_stage_and_touchpoint_on_landscape_pages(
    name: str, tmp_path: Path
) -> None:
    journey = load_journey(BY_NAME[name])
    text, info = pdf_text(draw(map_html(journey), "pdf"), tmp_path)
    width, height = map(float, info.split("Page size:")[1].split("pts")[0].split(" x "))
    assert width > height  # landscape
    lines = {" ".join(line.split()) for line in text.splitlines()}
    placed = geometry.compute(journey, "lane" if "lane" in geometry.groupings(journey) else None)
    for column in placed.columns:
        for line in column.title:
            assert " ".join(line.split()) in lines, (column.stage, line)
    for tp in journey.touchpoints:
        for line in placed.cards[tp.id].lines:
            assert " ".join(line.split()) in lines, (tp.id, line)
    for o in journey.outcomes:
        assert o.name in text.replace("\n", " ") or placed.cards[o.id].lines[0] in lines


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_png_is_as_wide_as_asked_and_as_tall_as_the_page(
    browser: Any, repair: Journey, tmp_path: Path
) -> None:
    width, height = png_size(draw(map_html(repair), "png", width=1200))
    assert width == 1200
    open_page(browser, repair, tmp_path, 1200, 800)
    browser.execute_script(PICTURE)
    assert browser.execute_script("return document.documentElement.scrollHeight") == height
    assert rect(browser, "svg.curve")["bottom"] <= height and rect(browser, "aside")["bottom"] <= height + 1
    narrow = png_size(draw(map_html(repair), "png", width=390))
    assert narrow[0] == 390 and narrow[1] > height  # stacked: taller


def test_hostile_texts_in_annotations_render_as_text(browser: Any, tmp_path: Path) -> None:
    journey = parse_journey(annotated_document())
    open_page(browser, journey, tmp_path)
    assert problems(browser) == []
    assert browser.execute_script("return document.scripts.length") == 2
    flat = " ".join(AWKWARD.split())
    persona = browser.find_element("css selector", "#persona option[value='regular']")
    assert " ".join(persona.get_attribute("textContent").split()) == "Regular " + flat
    title = browser.find_element("css selector", "[data-opportunity='faster'] .title")
    assert " ".join(title.get_attribute("textContent").split()) == "Faster " + flat
    click_card(browser, "shop")
    details = " ".join(browser.find_element("id", "details").get_attribute("textContent").split())
    assert flat in details and "Regular " + flat in details and "too few tills" in details
    notes = " ".join(browser.find_element("css selector", ".notes").get_attribute("textContent").split())
    assert flat in notes
    link = browser.find_element("css selector", ".notes a")
    assert browser.execute_script("return arguments[0].getAttribute('href')", link) == (
        "https://example.org/survey?q=1&r='2'"
    )
