"""Write docs/map-<journey>.png: a screenshot of each fixture's journey map; for the
auto-repair journey, the map on a phone (docs/map-auto-repair-phone.png, 390 px wide,
a touchpoint's details open under the map) and its first printed page
(docs/map-auto-repair-print.png, from the PDF that ``journeymap map --format pdf`` writes);
the planted-friction map's observed walks (docs/map-planted-friction-observed.png);
and docs/editor-*.png: the journey editor, served by a real API process, on the Mei Su
journey and with a problem the API named at its field.

Run from the repository root: ``make screenshots`` (needs chromium, chromium-driver,
poppler-utils and a CJK font such as fonts-wqy-zenhei or fonts-noto-cjk for the Chinese names).
"""

from __future__ import annotations

import base64
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from journeymap.export import map_html  # noqa: E402
from journeymap.export.mappage.headless import draw, set_viewport  # noqa: E402
from journeymap.files import load_journey  # noqa: E402
from tests.export.browser import chromium  # noqa: E402

# The page's natural size: the map and the side panel side by side, nothing scrolled away.
SIZE = """
const map = document.querySelector('svg.map'), curve = document.querySelector('svg.curve');
const aside = document.querySelector('aside');
const width = Math.max(map.getBoundingClientRect().width, curve.getBoundingClientRect().width) + 60
  + aside.getBoundingClientRect().width;
const height = document.querySelector('header').getBoundingClientRect().height
  + map.getBoundingClientRect().height + curve.getBoundingClientRect().height + 120;
return [Math.max(width, 1200), Math.max(height, aside.scrollHeight + 100)];
"""

# Open the details of the touchpoint with the highest priority (pain delivered per entrant).
SHOW_WORST = """
const data = JSON.parse(document.getElementById('journey-data').textContent);
const ids = Object.keys(data.touchpoints);
ids.sort((a, b) => (data.touchpoints[b].priority || 0) - (data.touchpoints[a].priority || 0));
if (ids.length) { document.querySelector(`[data-touchpoint="${CSS.escape(ids[0])}"]`)
  .dispatchEvent(new MouseEvent('click', {bubbles: true})); }
"""


def editor_screenshots() -> None:
    """The editor on the Mei Su journey (figures drawn), and refusing an experience of 11."""
    import httpx

    from tests.api.editor_driver import open_editor, save, set_field, wait_until
    from tests.api.live import api_server

    key = "screenshot-editor-key"
    document = load_journey(ROOT / "fixtures" / "mei-su-electronics.yaml").model_dump(
        by_alias=True, exclude_none=True
    )
    with tempfile.TemporaryDirectory() as tmp, api_server(
        Path(tmp) / "editor.db", JOURNEYMAP_API_KEYS=f"editor:{key}"
    ) as base, chromium(width=1500, height=1000) as driver:
        headers = {"Authorization": f"Bearer {key}"}
        httpx.put(f"{base}/journeys/{document['id']}", json=document, headers=headers, timeout=30)
        open_editor(driver, f"{base}/journeys/{document['id']}/edit", key=key)
        wait_until(driver, lambda d: d.find_element("id", "analysis-version").text, "no figures")
        shoot(driver, "editor-mei-su-electronics")
        set_field(driver, "touchpoints[1].experience", "11")
        save(driver, expect="Not saved")
        driver.execute_script("document.querySelector('[data-loc=\"touchpoints[1]\"]').scrollIntoView()")
        shoot(driver, "editor-problem")


def shoot(driver: Any, name: str) -> None:
    """Write docs/<name>.png: what the window shows."""
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    out = ROOT / "docs" / f"{name}.png"
    out.write_bytes(base64.b64decode(shot["data"]))
    print(f"wrote {out.relative_to(ROOT)}")


def main() -> None:
    editor_screenshots()
    with tempfile.TemporaryDirectory() as tmp, chromium(width=1600, height=900) as driver:
        for fixture in sorted((ROOT / "fixtures").glob("*.yaml")):
            journey = load_journey(fixture)
            page = Path(tmp) / f"{journey.id}.html"
            page.write_text(map_html(journey), encoding="utf-8")
            driver.get(page.as_uri())
            first = driver.find_elements("css selector", "[data-path-rank='1']")
            if first:
                first[0].click()
            driver.execute_script(SHOW_WORST)
            width, height = driver.execute_script(SIZE)
            metrics = {
                "width": min(int(width), 3600),
                "height": min(int(height), 3000),
                "deviceScaleFactor": 1,
                "mobile": False,
            }
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
            shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
            out = ROOT / "docs" / f"map-{journey.id}.png"
            out.write_bytes(base64.b64decode(shot["data"]))
            print(f"wrote {out.relative_to(ROOT)}")
        phone(driver, Path(tmp))
        observed(driver, Path(tmp))
        printed(Path(tmp))


def phone(driver: object, tmp: Path) -> None:
    """The auto-repair map at 390 px: the map first, the side panel (details open) below."""
    page = tmp / "auto-repair.html"
    set_viewport(driver, 390, 844)
    driver.get(page.as_uri())  # type: ignore[attr-defined]
    driver.execute_script(SHOW_WORST)  # type: ignore[attr-defined]
    height = driver.execute_script("return document.documentElement.scrollHeight")  # type: ignore[attr-defined]
    set_viewport(driver, 390, int(height))
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})  # type: ignore[attr-defined]
    out = ROOT / "docs" / "map-auto-repair-phone.png"
    out.write_bytes(base64.b64decode(shot["data"]))
    print(f"wrote {out.relative_to(ROOT)}")


def observed(driver: object, tmp: Path) -> None:
    """The planted-friction map's observed walks: a walk that loops back to the documents lit."""
    page = tmp / "planted-friction.html"
    set_viewport(driver, 1500, 1100)
    driver.get(page.as_uri())  # type: ignore[attr-defined]
    driver.execute_script(  # type: ignore[attr-defined]
        "document.querySelector('[data-path-view=observed]').click();"
        "document.querySelector('[data-variant-rank=\"3\"]').click();"
        "document.querySelector('[data-edge-time=\"identity_check->credit_review\"]').focus();"
    )
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})  # type: ignore[attr-defined]
    out = ROOT / "docs" / "map-planted-friction-observed.png"
    out.write_bytes(base64.b64decode(shot["data"]))
    print(f"wrote {out.relative_to(ROOT)}")


def printed(tmp: Path) -> None:
    """The first landscape page of the auto-repair map's PDF, as a picture."""
    pdf = tmp / "auto-repair.pdf"
    pdf.write_bytes(draw((tmp / "auto-repair.html").read_text(encoding="utf-8"), "pdf"))
    out = ROOT / "docs" / "map-auto-repair-print"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(out)], check=True
    )
    print(f"wrote {out.relative_to(ROOT)}.png")


if __name__ == "__main__":
    main()
