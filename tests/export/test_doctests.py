"""The examples in the export modules' docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

MODULES = [
    "journeymap.export",
    "journeymap.export.cypher",
    "journeymap.export.graphviz",
    "journeymap.export.mermaid",
    "journeymap.export.palette",
    "journeymap.export.tabular",
    "journeymap.display",
    "journeymap.export.mappage",
    "journeymap.export.mappage.layout",
    "journeymap.export.mappage.svg",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
