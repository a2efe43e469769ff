"""The map page as PNG or PDF, drawn by headless Chromium.

Chromium is driven through selenium (Apache-2.0, the project's browser driver
for years and what the browser tests use) and Debian's ``chromium`` +
``chromium-driver``; the page itself needs no network. PDF comes from
Chromium's own printing (``Page.printToPDF``) with the page's print
stylesheet: landscape A4, the whole map fitted to the page width. PNG is a
screenshot of the whole page at ``width`` CSS pixels (device scale 1), as tall
as the page with its side panel at full length (beside the map from 761 px up,
under it below that).
"""

from __future__ import annotations

import base64
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from journeymap.errors import InvalidInput, JourneymapError
from journeymap.extras import require

FORMATS = ("png", "pdf")
MIN_WIDTH, MAX_WIDTH = 320, 10_000
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)


def find_browser() -> tuple[str, str] | None:
    """(chromium, chromedriver) paths, or None when either is missing.

    Returns
    -------
    tuple of (str, str) or None
        The browser's and the driver's executable paths.

    Examples
    --------
    >>> found = find_browser()
    >>> found is None or all(Path(path).exists() for path in found)
    True
    """
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or (
        "/usr/lib/chromium/chromedriver" if Path("/usr/lib/chromium/chromedriver").exists() else None
    )
    return (browser, driver) if browser and driver else None


@contextmanager
def chromium(width: int = 1600, height: int = 1000) -> Iterator[Any]:
    """A selenium Chrome driver on a fresh profile; quits and removes the profile afterwards.

    Parameters
    ----------
    width, height : int, default 1600, 1000
        The window's size in pixels.

    Yields
    ------
    selenium.webdriver.Chrome
        The driver of a headless Chromium (flags ``CHROMIUM_FLAGS``).

    Raises
    ------
    MissingExtra
        Without selenium (the ``render`` extra).
    JourneymapError
        When Chromium or its driver is not installed.

    Examples
    --------
    >>> with chromium(800, 600) as driver:
    ...     driver.get("data:text/html,<title>map</title>")
    ...     driver.title
    'map'
    """
    require("render")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    found = find_browser()
    if found is None:
        raise JourneymapError(
            "drawing the map as PNG or PDF needs headless Chromium: install chromium and "
            "chromium-driver (make system-deps)"
        )
    browser, driver_path = found
    profile = tempfile.mkdtemp(prefix="journeymap-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def set_viewport(driver: Any, width: int, height: int) -> None:
    """Emulate a ``width`` x ``height`` CSS-pixel screen (narrower than a window can be).

    Parameters
    ----------
    driver : selenium.webdriver.Chrome
        The driver (``chromium``).
    width, height : int
        The screen's size in CSS pixels (below 500 wide, a mobile screen).

    Examples
    --------
    >>> with chromium() as driver:
    ...     set_viewport(driver, 640, 300)
    ...     driver.get("data:text/html,<p>narrow</p>")
    ...     driver.execute_script("return [window.innerWidth, window.innerHeight]")
    [640, 300]
    """
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)


PICTURE = "document.documentElement.classList.add('picture')"  # the side panel at full length


def page_height(driver: Any) -> int:
    """The page's full height in CSS pixels (its scroll height, rounded up).

    Parameters
    ----------
    driver : selenium.webdriver.Chrome
        The driver, on a loaded page.

    Returns
    -------
    int
        The height.

    Examples
    --------
    >>> with chromium() as driver:
    ...     driver.get("data:text/html,<body style='margin:0'><div style='height:2345px'></div></body>")
    ...     page_height(driver)
    2345
    """
    return int(driver.execute_script("return Math.ceil(document.documentElement.scrollHeight)"))


def draw(html: str, fmt: str, width: int = 1600) -> bytes:
    r"""``html`` (a map page) as PNG or PDF bytes.

    Parameters
    ----------
    html : str
        The page (``journeymap.export.map_html``).
    fmt : str
        ``"png"`` or ``"pdf"``.
    width : int, default 1600
        The page's width in CSS pixels (PNG: the picture's width).

    Returns
    -------
    bytes
        The PNG (the whole page, side panel at full length) or the PDF (landscape A4).

    Raises
    ------
    InvalidInput
        For another format, or a width outside ``MIN_WIDTH``..``MAX_WIDTH``.
    JourneymapError
        When Chromium is not installed.

    Examples
    --------
    >>> draw("<p>map</p>", "png", width=400)[:8]
    b'\x89PNG\r\n\x1a\n'
    >>> draw("<p>map</p>", "gif")
    Traceback (most recent call last):
    journeymap.errors.InvalidInput: format 'gif' is not one of png, pdf
    """
    if fmt not in FORMATS:
        raise InvalidInput(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise InvalidInput(f"width {width} is outside {MIN_WIDTH}..{MAX_WIDTH} pixels")
    with tempfile.TemporaryDirectory(prefix="journeymap-map-") as folder:
        page = Path(folder) / "map.html"
        page.write_text(html, encoding="utf-8")
        with chromium() as driver:
            set_viewport(driver, width, 1000)
            driver.get(page.as_uri())
            if fmt == "pdf":
                options = {"landscape": True, "printBackground": True, "preferCSSPageSize": True}
                return base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", options)["data"])
            driver.execute_script(PICTURE)
            height = page_height(driver)
            set_viewport(driver, width, height)
            clip = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
            shot = driver.execute_cdp_cmd(
                "Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True}
            )
            return base64.b64decode(shot["data"])
