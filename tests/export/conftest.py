from __future__ import annotations

import pytest

from journeymap.files import load_journey
from journeymap.model import Journey
from tests.export.journeys import FIXTURES, big_journey, odd_journey


@pytest.fixture(params=[*FIXTURES, "odd"], ids=lambda p: p if isinstance(p, str) else p.stem)
def journey(request: pytest.FixtureRequest) -> Journey:
    """Every fixture, plus the journey with hostile names."""
    return odd_journey() if request.param == "odd" else load_journey(request.param)


@pytest.fixture(scope="session")
def big() -> Journey:
    return big_journey()
