"""Headless Chromium for the map tests and the docs screenshots (Debian's chromium + chromium-driver).

The driver set-up lives in ``journeymap.export.mappage.headless`` (it also draws
``journeymap map --format png|pdf``); this module keeps the tests' import path.
"""

from __future__ import annotations

from journeymap.export.mappage.headless import CHROMIUM_FLAGS, chromium, find_browser, set_viewport

__all__ = ["CHROMIUM_FLAGS", "chromium", "find_browser", "set_viewport"]
