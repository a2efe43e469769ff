"""The journey editor in headless Chromium, driven like a person, against a real API process.

One API server (uvicorn, API keys on, its own SQLite store) and one browser serve the module;
the conflict test opens a second browser for the second designer.
"""

from __future__ import annotations

import copy
import html
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from selenium.webdriver.common.by import By

from journeymap import engine
from journeymap.files import load_journey
from journeymap.model import journey_document, parse_journey
from tests.api.conftest import EDITOR, EDITOR_KEY, ROOT, VIEWER_KEY
from tests.api.editor_driver import (
    add_item,
    build_journey,
    open_editor,
    save,
    set_field,
    settle,
    status,
    top_route,
    wait_until,
)
from tests.api.live import api_server
from tests.export.browser import chromium, find_browser

pytestmark = pytest.mark.browser

MEI_SU = ROOT / "fixtures" / "mei-su-electronics.yaml"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("editor") / "editor.db"
    with api_server(store, JOURNEYMAP_API_KEYS=f"editor:{EDITOR_KEY},viewer:{VIEWER_KEY}") as url:
        yield url


@pytest.fixture(scope="module")
def browser(base: str) -> Iterator[Any]:
    assert find_browser(), "chromium and chromium-driver are needed: make system-deps"
    with chromium(width=1400, height=1000) as driver:
        open_editor(driver, f"{base}/edit", key=EDITOR_KEY)  # the key is typed once, for the tab
        yield driver


def stored(base: str, journey_id: str) -> httpx.Response:
    return httpx.get(f"{base}/journeys/{journey_id}", headers=EDITOR, timeout=10)


def put(base: str, document: dict[str, Any]) -> None:
    answer = httpx.put(f"{base}/journeys/{document['id']}", json=document, headers=EDITOR, timeout=10)
    assert answer.status_code == 201, answer.text


def console_errors(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


def test_building_mei_su_from_an_empty_page_stores_the_fixture(base: str, browser: Any) -> None:
    open_editor(browser, f"{base}/edit")
    expected = journey_document(load_journey(MEI_SU))
    build_journey(browser, expected)
    save(browser)

    answer = stored(base, expected["id"])
    assert answer.status_code == 200 and answer.headers["etag"] == '"1"'
    document = answer.json()
    assert document.keys() == expected.keys()
    for field, value in expected.items():
        assert document[field] == value, field  # field by field, lists in the fixture's order
    mine, theirs = engine.analyze(parse_journey(document)), engine.analyze(load_journey(MEI_SU))
    assert mine == theirs
    # the page moved to the stored journey's address and shows its figures
    assert browser.current_url == f"{base}/journeys/{expected['id']}/edit"
    summary = browser.find_element(By.CSS_SELECTOR, "table.summary").text
    assert f"{100 * theirs['success_probability']:.1f}%" in summary
    top = engine.top_paths(load_journey(MEI_SU), k=1)["paths"][0]
    names = {n["id"]: n["name"] for n in expected["touchpoints"] + expected["outcomes"]}
    assert top_route(browser) == " → ".join(names[n] for n in top["nodes"][1:])
    # the key was kept for the tab only
    assert browser.execute_script("return sessionStorage.getItem('journeymap-api-key')") == EDITOR_KEY
    assert browser.execute_script("return localStorage.length") == 0
    assert console_errors(browser) == []


def test_editing_a_score_redraws_the_top_pain_path(base: str, browser: Any) -> None:
    document = {**journey_document(load_journey(MEI_SU)), "id": "mei-su-scores"}
    put(base, document)
    open_editor(browser, f"{base}/journeys/mei-su-scores/edit")
    index = next(i for i, tp in enumerate(document["touchpoints"]) if tp["id"] == "product_range")
    changed = copy.deepcopy(document)
    changed["touchpoints"][index]["experience"] = 7
    names = {n["id"]: n["name"] for n in document["touchpoints"] + document["outcomes"]}
    before, after = (
        " → ".join(names[n] for n in engine.top_paths(parse_journey(d), k=1)["paths"][0]["nodes"][1:])
        for d in (document, changed)
    )
    assert before != after  # the oracle: this score moves the top pain path
    assert top_route(browser) == before

    set_field(browser, f"touchpoints[{index}].experience", "7")
    assert top_route(browser) == before  # not saved yet: the figures are the stored version's
    save(browser)
    assert top_route(browser) == after
    assert stored(base, "mei-su-scores").json() == changed
    # undo brings the old score back into the form; saving it restores the old path
    browser.find_element(By.ID, "undo").click()
    field = browser.find_element(By.CSS_SELECTOR, f'[data-loc="touchpoints[{index}].experience"]')
    assert field.get_attribute("value") == "6"
    browser.find_element(By.ID, "redo").click()
    browser.find_element(By.ID, "undo").click()
    save(browser)
    assert top_route(browser) == before and stored(base, "mei-su-scores").headers["etag"] == '"3"'


def test_a_second_designer_gets_the_conflict_dialog_and_loses_nothing(base: str, browser: Any) -> None:
    document = {**journey_document(load_journey(MEI_SU)), "id": "mei-su-shared"}
    put(base, document)
    url = f"{base}/journeys/mei-su-shared/edit"
    open_editor(browser, url)
    with chromium(width=1400, height=1000) as second:
        open_editor(second, url, key=EDITOR_KEY)
        set_field(browser, "touchpoints[0].name", "Brand image (TV)")
        save(browser)
        set_field(second, "touchpoints[1].experience", "6")
        set_field(second, "outcomes[2].name", "Leaves the street")
        second.find_element(By.ID, "save").click()
        dialog = wait_until(second, lambda d: d.find_element(By.ID, "conflict").is_displayed() and d)
        assert "Someone else changed this journey" in dialog.find_element(By.ID, "conflict").text
        assert stored(base, "mei-su-shared").headers["etag"] == '"2"'  # the stale save changed nothing
        second.find_element(By.ID, "merge").click()
        wait_until(second, lambda d: "Merged your edits into version 2" in status(d))
        assert (
            second.find_element(By.CSS_SELECTOR, '[data-loc="touchpoints[0].name"]').get_attribute("value")
            == "Brand image (TV)"
        )
        save(second)
    final = stored(base, "mei-su-shared")
    assert final.headers["etag"] == '"3"'
    expected = copy.deepcopy(document)
    expected["touchpoints"][0]["name"] = "Brand image (TV)"
    expected["touchpoints"][1]["experience"] = 6
    expected["outcomes"][2]["name"] = "Leaves the street"
    assert final.json() == expected


def test_a_score_off_the_scale_is_named_at_its_field_and_nothing_is_stored(base: str, browser: Any) -> None:
    document = {**journey_document(load_journey(MEI_SU)), "id": "mei-su-bad"}
    put(base, document)
    open_editor(browser, f"{base}/journeys/mei-su-bad/edit")
    loc = "touchpoints[2].experience"
    set_field(browser, loc, "11")
    save(browser, expect="Not saved")
    field = browser.find_element(By.CSS_SELECTOR, f'[data-loc="{loc}"]')
    assert field.get_attribute("aria-invalid") == "true"
    message = browser.find_element(By.ID, field.get_attribute("aria-describedby"))
    assert message.text == "11 is outside the scale 0..10 [score-outside-scale]"
    assert message.find_element(By.XPATH, "..") == field.find_element(By.XPATH, "..")  # next to the field
    answer = stored(base, "mei-su-bad")
    assert answer.headers["etag"] == '"1"' and answer.json() == document
    set_field(browser, loc, "9")  # fixed: the save goes through and the problem goes away
    save(browser)
    assert browser.find_elements(By.CSS_SELECTOR, ".problem[data-for]") == []
    assert browser.find_element(By.ID, "problems").is_displayed() is False


def test_names_with_markup_and_quotes_render_as_text(base: str, browser: Any) -> None:
    hostile = "<script>window.pwned = 1</script> \"quoted\" 'single' <img src=x onerror=pwned=2>"
    document = journey_document(load_journey(MEI_SU))
    document["id"] = "mei-su-hostile"
    document["name"] = hostile
    for group in ("stages", "touchpoints", "outcomes"):
        for item in document[group]:
            item["name"] = f"{hostile} {item['id']}"
    put(base, document)
    open_editor(browser, f"{base}/journeys/mei-su-hostile/edit")
    assert browser.execute_script("return window.pwned === undefined")
    assert browser.find_elements(By.CSS_SELECTOR, "#form script, #form img, aside script, aside img") == []
    assert browser.find_element(By.ID, "title").text == hostile
    name = browser.find_element(By.CSS_SELECTOR, '[data-loc="touchpoints[0].name"]')
    assert name.get_attribute("value") == f"{hostile} brand_image"
    legend = browser.find_element(By.CSS_SELECTOR, 'fieldset[data-loc="outcomes[0]"] > legend')
    assert legend.text == f"{hostile} purchase"
    assert hostile in top_route(browser)
    curve = browser.find_elements(By.CSS_SELECTOR, "svg.curve .curve-point text.step")
    assert curve and all(t.text.startswith("<script>") for t in curve)
    assert console_errors(browser) == []


def test_without_a_key_the_page_asks_for_one(base: str) -> None:
    with chromium(width=1000, height=800) as fresh:
        fresh.get(f"{base}/journeys/mei-su-electronics/edit")
        wait_until(fresh, lambda d: "This API needs a key" in status(d))
        assert fresh.switch_to.active_element.get_attribute("id") == "api-key"
        assert fresh.find_elements(By.CSS_SELECTOR, "fieldset.item") == []


def test_personas_are_added_ticked_and_renamed_everywhere(
    base: str, browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    document = {**journey_document(load_journey(MEI_SU)), "id": "mei-su-personas"}
    put(base, document)
    open_editor(browser, f"{base}/journeys/mei-su-personas/edit")
    add_item(browser, "personas", {"name": "Busy parent", "description": "shops at lunch time"})
    box = '[data-loc="touchpoints[1].personas"] input[value="busy_parent"]'
    browser.find_element(By.CSS_SELECTOR, box).click()
    settle(browser)
    set_field(browser, "personas[0].id", "parent")  # the touchpoint's reference follows the new id
    set_field(browser, "touchpoints[1].lane", "back-stage")
    save(browser)
    expected = copy.deepcopy(document)
    expected["personas"] = [{"id": "parent", "name": "Busy parent", "description": "shops at lunch time"}]
    expected["touchpoints"][1].update({"personas": ["parent"], "lane": "back-stage"})
    assert stored(base, "mei-su-personas").json() == expected
    # the saved version's map comes down as a file (the map route needs the key, so a plain link would not do)
    folder = tmp_path_factory.mktemp("downloads")
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    browser.find_element(By.ID, "map-link").click()
    saved = folder / "mei-su-personas-map.html"
    wait_until(browser, lambda _: saved.exists() and "</html>" in saved.read_text("utf-8"), "no map file")
    page = saved.read_text("utf-8")
    assert all(html.escape(tp["name"], quote=False) in page for tp in document["touchpoints"])


MERGE = """
const done = arguments[arguments.length - 1];
import('/editor/merge.js').then((m) => done(m.merge(arguments[0], arguments[1], arguments[2])));
"""


def test_the_merge_keeps_both_sides_edits(base: str, browser: Any) -> None:
    """The reload-and-merge step on its own, in the page's own module, against hand-worked cases."""
    browser.get(f"{base}/edit")
    base_doc = journey_document(load_journey(MEI_SU))
    mine, theirs = copy.deepcopy(base_doc), copy.deepcopy(base_doc)
    mine["touchpoints"][0]["experience"] = 9  # only mine
    mine["name"] = "Mine"  # both: mine is kept, theirs named
    theirs["name"] = "Theirs"
    theirs["touchpoints"][1]["owner"] = "new_owner"  # only theirs
    mine["outcomes"].append({"id": "lost", "name": "Lost", "kind": "failure"})  # added by me
    mine["transitions"].append({"from": "relationship", "to": "lost", "customers": 5})
    del theirs["opportunities"][1]  # deleted by them, untouched by me
    mine["stages"].reverse()  # reordered by me
    result = browser.execute_async_script(MERGE, base_doc, mine, theirs)
    merged = result["doc"]
    assert merged["name"] == "Mine"
    assert result["conflicts"] == [{"where": "journey.name", "mine": "Mine", "theirs": "Theirs"}]
    assert merged["touchpoints"][0]["experience"] == 9 and merged["touchpoints"][1]["owner"] == "new_owner"
    assert [o["id"] for o in merged["outcomes"]] == ["purchase", "repeat_customer", "walks_away", "lost"]
    assert merged["transitions"][-1] == {"from": "relationship", "to": "lost", "customers": 5}
    assert [o["id"] for o in merged["opportunities"]] == ["more_shops"]
    assert [s["id"] for s in merged["stages"]] == ["relate", "shop", "arrive"]
    parse_journey(merged)  # a valid journey


def test_every_control_is_labelled_and_every_action_a_button(base: str, browser: Any) -> None:
    put(base, {**journey_document(load_journey(MEI_SU)), "id": "mei-su-labels"})
    open_editor(browser, f"{base}/journeys/mei-su-labels/edit")
    unlabelled = browser.execute_script(
        """
        return [...document.querySelectorAll('input, select, textarea')].filter((c) => c.type !== 'hidden'
          && !(c.labels && c.labels.length) && !c.getAttribute('aria-labelledby')
          && !c.closest('label')).map((c) => c.outerHTML);
        """
    )
    assert unlabelled == []
    clickable = browser.find_elements(By.CSS_SELECTOR, "div[onclick], span[onclick], [role=button]")
    assert clickable == [] and len(browser.find_elements(By.CSS_SELECTOR, "fieldset.item button")) > 50


def test_renaming_and_deleting_a_touchpoint_carries_the_observed_variants(base: str, browser: Any) -> None:
    document = {
        "id": "walked-edit",
        "name": "Walked",
        "stages": [{"id": "s", "name": "S", "phase": "sale"}],
        "touchpoints": [{"id": t, "name": t.upper(), "stage": "s", "experience": 5} for t in ("a", "b", "c")],
        "outcomes": [{"id": "ok", "name": "OK", "kind": "success"}],
        "transitions": [
            {"from": "entry", "to": "a", "customers": 5},
            {"from": "entry", "to": "b", "customers": 6},
            {"from": "a", "to": "ok", "customers": 5},
            {"from": "b", "to": "c", "customers": 4},
            {"from": "b", "to": "ok", "customers": 2},
            {"from": "c", "to": "ok", "customers": 4},
        ],
        "variants": {
            "top": [
                {"nodes": ["a", "ok"], "customers": 5},
                {"nodes": ["b", "c", "ok"], "customers": 3},
                {"nodes": ["b", "ok"], "customers": 2},
            ],
            "other_customers": 1,
            "other_variants": 1,
        },
    }
    put(base, document)
    open_editor(browser, f"{base}/journeys/walked-edit/edit")
    set_field(browser, "touchpoints[0].id", "alpha")  # the walks follow the new id
    browser.find_element(By.CSS_SELECTOR, '[data-key="touchpoints:c:delete"]').click()
    settle(browser)
    save(browser)
    variants = stored(base, "walked-edit").json()["variants"]
    assert variants == {
        "top": [{"nodes": ["alpha", "ok"], "customers": 5}, {"nodes": ["b", "ok"], "customers": 2}],
        "other_customers": 4,  # the walk through the deleted step now counts in "other"
        "other_variants": 2,
    }
