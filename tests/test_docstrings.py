"""Public functions of the engine, the ingest and the exports carry numpydoc sections with examples.

A small check rather than numpydoc's validator (which needs Sphinx): the
docstring (read with ``ast``, so nothing is imported) has ``Parameters`` naming
every parameter, ``Returns`` unless the function returns ``None``, ``Raises``
when its body raises, and ``Examples`` with at least one ``>>>`` line (pytest's
``--doctest-modules`` runs them). Checked: every function in ``__all__`` of
``journeymap.engine`` and ``journeymap.export`` and every public function (no
leading underscore) of every module of ``journeymap.engine`` but the numba
kernel, of every module of ``journeymap.export`` (the map page's package
``journeymap.export.mappage`` included), of every module of ``journeymap.ingest``
(its Spark engine included) and of ``journeymap.frames``. The few Spark functions
that need a running session show their example as a literal block (``PROSE_EXAMPLES``):
doctests run without a JVM, and ``tests/ingest/test_spark.py`` runs those functions.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("journeymap.engine", "journeymap.export", "journeymap.ingest")
ENGINE = ROOT / "journeymap" / "engine"
UNCHECKED = {"journeymap.engine.kernel"}  # numba-compiled loops over flat arrays, described in prose
EXPORT = ROOT / "journeymap" / "export"
MAPPAGE = EXPORT / "mappage"
INGEST = ROOT / "journeymap" / "ingest"
PROSE_EXAMPLES = {  # need a Spark session: their Examples section is a literal block
    f"journeymap.ingest.spark.{name}"
    for name in (
        "ingest_dataframe",
        "reader.open_source",
        "reader.frame_source",
        "reader.with_rowid",
        "reader.spark_types",
        "session.start_session",
    )
}
MODULES = (
    *sorted(f"journeymap.engine.{p.stem}" for p in ENGINE.glob("*.py") if not p.stem.startswith("_")),
    *sorted(f"journeymap.export.{p.stem}" for p in EXPORT.glob("*.py") if not p.stem.startswith("_")),
    "journeymap.export.mappage",
    *sorted(f"journeymap.export.mappage.{p.stem}" for p in MAPPAGE.glob("*.py") if p.stem[0] != "_"),
    *sorted(f"journeymap.ingest.{p.stem}" for p in INGEST.glob("*.py") if not p.stem.startswith("_")),
    "journeymap.ingest.spark",
    *sorted(f"journeymap.ingest.spark.{p.stem}" for p in (INGEST / "spark").glob("*.py") if p.stem[0] != "_"),
    "journeymap.frames",
)
SECTION = re.compile(r"^\s*(Parameters|Returns|Yields|Raises|Examples)\n\s*-{3,}\s*$", re.M)


def _functions(module: str) -> dict[str, ast.FunctionDef]:
    path = ROOT / Path(*module.split("."))
    source = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    tree = ast.parse(source.read_text(encoding="utf-8"))
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def _checked() -> list[tuple[str, ast.FunctionDef]]:
    found: dict[str, tuple[str, ast.FunctionDef]] = {}
    for package in PACKAGES:
        for name in importlib.import_module(package).__all__:
            obj = getattr(importlib.import_module(package), name)
            if inspect.isfunction(obj):
                home = obj.__module__
                found[f"{home}.{name}"] = (home, _functions(home)[name])
    for module in (m for m in MODULES if m not in UNCHECKED):
        for name, node in _functions(module).items():
            if not name.startswith("_"):
                found[f"{module}.{name}"] = (module, node)
    return sorted(found.values(), key=lambda item: (item[0], item[1].name))


def _raises(node: ast.FunctionDef) -> bool:
    """Whether the function's own body (not a nested function) has a ``raise``."""
    stack: list[ast.AST] = list(node.body)
    while stack:
        item = stack.pop()
        if isinstance(item, ast.Raise):
            return True
        if not isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            stack.extend(ast.iter_child_nodes(item))
    return False


def problems(node: ast.FunctionDef, prose_example: bool = False) -> list[str]:
    """What the numpydoc docstring of ``node`` lacks (``prose_example``: a literal block will do)."""
    doc = ast.get_docstring(node) or ""
    sections = {m[1]: m.end() for m in SECTION.finditer(doc)}
    wrong = []
    names = [a.arg for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]]
    names = [n for n in names if n not in ("self", "cls")]
    if names:
        if "Parameters" not in sections:
            wrong.append("no Parameters section")
        else:
            block = doc[sections["Parameters"] :].split("\n\n")[0]
            heads = re.findall(r"^\s*([\w*]+(?:\s*,\s*[\w*]+)*)\s*:", block, re.M)
            listed = {name.strip().lstrip("*") for head in heads for name in head.split(",")}
            wrong += [f"parameter {n} not in Parameters" for n in names if n not in listed]
    returns_none = isinstance(node.returns, ast.Constant) and node.returns.value is None
    if not returns_none and "Returns" not in sections and "Yields" not in sections:
        wrong.append("no Returns section")
    if _raises(node) and "Raises" not in sections:
        wrong.append("raises, but no Raises section")
    if prose_example:
        if "Examples" not in sections or "::" not in doc[sections["Examples"] :]:
            wrong.append("no Examples section with a literal block")
    elif "Examples" not in sections or ">>>" not in doc[sections["Examples"] :]:
        wrong.append("no Examples section with a >>> example")
    return wrong


def test_the_check_sees_a_bare_docstring() -> None:
    bare = ast.parse('def f(a):\n    """Do it."""\n    raise ValueError(a)\n').body[0]
    assert isinstance(bare, ast.FunctionDef)
    assert problems(bare) == [
        "no Parameters section",
        "no Returns section",
        "raises, but no Raises section",
        "no Examples section with a >>> example",
    ]
    documented = ast.parse(
        'def f(a) -> None:\n    """Do it.\n\n    Parameters\n    ----------\n    a : int\n        A.\n\n'
        '    Examples\n    --------\n    >>> f(1)\n    """\n'
    ).body[0]
    assert isinstance(documented, ast.FunctionDef)
    assert problems(documented) == []


@pytest.mark.parametrize(("module", "node"), _checked(), ids=lambda x: getattr(x, "name", x))
def test_public_functions_have_numpydoc_sections(module: str, node: ast.FunctionDef) -> None:
    wrong = problems(node, f"{module}.{node.name}" in PROSE_EXAMPLES)
    assert not wrong, f"{module}.{node.name}: {wrong}"
