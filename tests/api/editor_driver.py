"""Driving the journey editor like a person: type into labelled fields, pick options, press buttons.

Shared by the editor's browser tests and ``docs/make_screenshots.py``.
"""

from __future__ import annotations

from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

WAIT = 10.0
GROUP_FIELDS = {
    "stages": ("name", "id", "phase"),
    "touchpoints": (
        "name",
        "id",
        "stage",
        "channel",
        "owner",
        "lane",
        "experience",
        "expectation",
        "importance",
        "ideal",
    ),
    "outcomes": ("name", "id", "kind"),
}
OPPORTUNITY_FIELDS = (
    "title",
    "id",
    "touchpoints",
    "customer_value",
    "business_value",
    "effort",
    "status",
    "description",
)


def settle(driver: Any) -> None:
    """Wait until the page has handled what was just done (its redraws run on a 0 ms timer)."""
    driver.execute_async_script("const done = arguments[0]; setTimeout(() => setTimeout(done, 0), 0);")


def wait_until(driver: Any, condition: Any, message: str = "") -> Any:
    return WebDriverWait(driver, WAIT).until(condition, message)


def open_editor(driver: Any, url: str, key: str | None = None) -> None:
    """Open an editor page; type the API key if one is given (it stays for this tab)."""
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(url)
    wait_until(driver, lambda d: d.find_element(By.ID, "status").text.strip(), "the page did not start")
    if key is not None:
        driver.find_element(By.ID, "api-key").send_keys(key)
        driver.find_element(By.ID, "use-key").click()
        settle(driver)
    if "/journeys/" in url:
        wait_until(driver, lambda d: "Loaded version" in status(d), f"not loaded: {status(driver)}")


def status(driver: Any) -> str:
    text: str = driver.find_element(By.ID, "status").text
    return text


def put_text(element: Any, text: str) -> None:
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    if text:
        element.send_keys(text)


def set_field(driver: Any, loc: str, value: str) -> None:
    """Change the field at a journey place (e.g. ``touchpoints[2].experience``) and leave it."""
    element = driver.find_element(By.CSS_SELECTOR, f'[data-loc="{loc}"]')
    if element.tag_name == "select":
        Select(element).select_by_value(value)
    else:
        put_text(element, value)
        element.send_keys(Keys.TAB)
    settle(driver)


def add_item(driver: Any, group: str, values: dict[str, Any]) -> None:
    """Fill the "Add a ..." form of a list (empty after each add) and press its Add button."""
    before = len(driver.find_elements(By.CSS_SELECTOR, f"fieldset.item.{group}"))
    for name, value in values.items():
        element = driver.find_element(By.ID, f"add-{group}-{name}")
        if element.tag_name == "select":
            if element.get_attribute("value") != str(value):
                Select(element).select_by_value(str(value))
        elif isinstance(value, list):  # a group of check boxes
            for choice in value:
                element.find_element(By.CSS_SELECTOR, f'input[value="{choice}"]').click()
        else:
            element.send_keys(str(value))
    driver.find_element(By.ID, f"add-{group}").click()
    wait_until(
        driver,
        lambda d: len(d.find_elements(By.CSS_SELECTOR, f"fieldset.item.{group}")) == before + 1,
        f"{group}: {values} was not added",
    )
    settle(driver)


def build_journey(driver: Any, document: dict[str, Any]) -> None:
    """Type a whole journey into the new-journey page, in the document's order."""
    set_field(driver, "id", document["id"])
    for name in ("name", "description", "entrants"):
        if name in document:
            set_field(driver, name, str(document[name]))
    for name, value in document.get("scale", {}).items():
        set_field(driver, f"scale.{name}", str(value))
    for group, fields in GROUP_FIELDS.items():
        for item in document[group]:
            add_item(driver, group, {f: item[f] for f in fields if f in item})
    for t in document["transitions"]:
        weight = "share" if "share" in t else "customers"
        values = {"from": t["from"], "to": t["to"], "weight": weight, "value": t[weight]}
        add_item(driver, "transitions", values)
    for item in document.get("opportunities", []):
        add_item(driver, "opportunities", {f: item[f] for f in OPPORTUNITY_FIELDS if f in item})
    add_evidence(driver, "journey", "", document.get("evidence", []))


def add_evidence(driver: Any, holder: str, loc: str, pieces: list[dict[str, str]]) -> None:
    """Open a holder's "Notes and evidence" and add each piece (kind, text, source, url)."""
    if not pieces:
        return
    details = driver.find_element(By.CSS_SELECTOR, f'details[data-key="{holder}:details"]')
    if details.get_attribute("open") is None:
        details.find_element(By.TAG_NAME, "summary").click()
    prefix = f"{loc}." if loc else ""
    for i, piece in enumerate(pieces):
        driver.find_element(By.ID, f"add-evidence-{holder}").click()
        settle(driver)
        for name, value in piece.items():
            set_field(driver, f"{prefix}evidence[{i}].{name}", value)


def save(driver: Any, expect: str = "Saved as version") -> None:
    """Press Save and wait for ``expect`` in the status (after a save: for the redrawn figures)."""
    driver.find_element(By.ID, "save").click()
    wait_until(driver, lambda d: expect in status(d), f"expected {expect!r}, status: {status(driver)}")
    if expect == "Saved as version":
        version = status(driver).removeprefix("Saved as version ").rstrip(".")
        shown = (By.ID, "analysis-version")
        wait_until(driver, lambda d: d.find_element(*shown).text == f"version {version}", "no figures")
    settle(driver)


def top_route(driver: Any) -> str:
    """The route of pain path #1 as the page shows it."""
    text: str = driver.find_element(By.CSS_SELECTOR, 'ol.paths li[data-path-rank="1"] .route').text
    return text
