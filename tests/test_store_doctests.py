"""The doctest examples of the Bolt store modules and the Cypher loader run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "journeymap.queries",
    "journeymap.store.bolt_wire",
    "journeymap.store.bolt_records",
    "journeymap.cli.store_cmds",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
