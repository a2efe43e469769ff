"""The one loader of Cypher statements: every statement lives in ``cypher/NAME.cypher``.

It sits below the store and the exports (both read statements through it), so
neither imports the other.

A statement is named by its path under the ``cypher/`` folder without the suffix,
e.g. ``store/publish_version`` or ``analytics/worst_touchpoints``. Statements take
``$parameters`` only; :func:`bind` checks on every run that the parameters
passed are exactly the ones the text uses, so a renamed or forgotten parameter
fails loudly instead of silently reading ``null``.

A comment line ``// default $name = JSON`` gives a parameter's default for
callers that want one (the ``journeymap cypher`` command). Comments are stripped
before a statement is sent. The folder is the repository's top-level ``cypher/``,
shipped inside the package as ``journeymap/cypher`` (a link to it in the source
tree, a copy in a wheel), or wherever ``JOURNEYMAP_CYPHER_DIR`` points.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from journeymap.errors import InvalidInput

SUFFIX = ".cypher"
_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_DEFAULT = re.compile(r"^//\s*default\s+\$([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+?)\s*$", re.M)
_STRING_OR_COMMENT = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*|/\*.*?\*/", re.S)


@dataclass(frozen=True)
class Statement:
    """One Cypher statement: its name, text, first comment line and ``$parameters``."""

    name: str
    text: str
    summary: str
    parameters: frozenset[str]
    defaults: Mapping[str, Any]


def cypher_dir() -> Path:
    """The folder holding the ``.cypher`` files."""
    override = os.environ.get("JOURNEYMAP_CYPHER_DIR")
    candidates = [Path(override)] if override else []
    candidates.append(Path(__file__).parent / "cypher")
    for folder in candidates:
        if folder.is_dir():
            return folder
    raise InvalidInput(f"no cypher/ folder found (looked in {', '.join(map(str, candidates))})")


def parameters_of(text: str) -> frozenset[str]:
    r"""The ``$parameters`` a statement uses (strings and comments ignored).

    >>> sorted(parameters_of("{id: $id} // not $this\n'$nor_this', $limit"))
    ['id', 'limit']
    """
    return frozenset(_PARAMETER.findall(_STRING_OR_COMMENT.sub(" ", text)))


def replace_parameters(text: str, replace: Callable[[str], str]) -> str:
    """``text`` with every ``$parameter`` replaced by ``replace(name)``.

    >>> replace_parameters("RETURN $a + $b", lambda name: name.upper())
    'RETURN A + B'
    """
    return _PARAMETER.sub(lambda match: replace(match.group(1)), text)


def strip_comments(text: str) -> str:
    r"""The statement without ``//`` and ``/* */`` comments (strings kept).

    Comments never reach the server: FalkorDB's Bolt endpoint fails on requests
    over about 4 KB, statement text included.

    >>> strip_comments("x = '//kept' // the node's id\n")
    "x = '//kept' \n"
    """

    def keep_strings(match: re.Match[str]) -> str:
        token = match.group(0)
        return token if token[0] in "'\"" else ""

    return _STRING_OR_COMMENT.sub(keep_strings, text)


def _summary(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("//"):
            return line.removeprefix("//").strip()
    return ""


@cache
def _load(folder: Path, name: str) -> Statement:
    path = folder / f"{name}{SUFFIX}"
    if not path.is_file() or folder.resolve() not in path.resolve().parents:
        raise InvalidInput(f"no Cypher statement '{name}' (no file {path})")
    source = path.read_text(encoding="utf-8")
    text = strip_comments(source)
    defaults = {key: json.loads(value) for key, value in _DEFAULT.findall(source)}
    return Statement(
        name=name, text=text, summary=_summary(source), parameters=parameters_of(text), defaults=defaults
    )


def statement(name: str) -> Statement:
    """The statement ``cypher/NAME.cypher``; ``InvalidInput`` if there is none."""
    return _load(cypher_dir(), name)


def names(folder: str = "") -> list[str]:
    """Every statement name under ``cypher/FOLDER`` (recursively), sorted."""
    root = cypher_dir()
    base = root / folder
    return sorted(p.relative_to(root).with_suffix("").as_posix() for p in base.rglob(f"*{SUFFIX}"))


def bind(name: str, parameters: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The text of ``name`` and its parameters, checked to be exactly those it uses."""
    stmt = statement(name)
    given = set(parameters)
    missing = sorted(stmt.parameters - given)
    unused = sorted(given - stmt.parameters)
    if missing or unused:
        problems = []
        if missing:
            problems.append("parameters missing: " + ", ".join(missing))
        if unused:
            problems.append("parameters it does not use: " + ", ".join(unused))
        raise InvalidInput(f"Cypher statement '{name}': {'; '.join(problems)}")
    return stmt.text, dict(parameters)
