"""The engine's docstring examples run as tests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import journeymap.engine

MODULES = ["journeymap.engine"] + [
    f"journeymap.engine.{m.name}" for m in pkgutil.iter_modules(journeymap.engine.__path__)
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
