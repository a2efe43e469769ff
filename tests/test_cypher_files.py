"""Cypher lives only in cypher/*.cypher, and every statement gets exactly the parameters it uses."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from journeymap.errors import InvalidInput
from journeymap.queries import bind, names, parameters_of, statement, strip_comments

ROOT = Path(__file__).resolve().parents[1]
CYPHER_TEXT = re.compile(
    r"\b(?:OPTIONAL MATCH|MATCH|MERGE|DETACH DELETE)\s*\(|\bUNWIND\s+\S+\s+AS\b|\bCREATE\s*\(\s*\w*\s*:"
    r"|\bCREATE\s+(?:INDEX|CONSTRAINT)\b|\bRETURN\s+\w+(?:\.\w+)?\s+AS\b|\bSET\s+\w+\s*\+?=\s*\$"
)
# The methods that run a named statement with its parameters as keywords.
RUNNERS = {"read", "_write", "execute"}
# Calls whose parameters are only known at run time (checked by the loader on every run).
DYNAMIC_CALL_SITES = {("journeymap/cli/store_cmds.py", "read")}


def product_python_files() -> list[Path]:
    return [
        p
        for p in ROOT.rglob("*.py")
        if not {"tests", ".venv", "build", "node_modules"} & set(p.relative_to(ROOT).parts)
    ]


def test_no_python_file_outside_tests_contains_cypher() -> None:
    offenders = [
        f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
        for p in product_python_files()
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if CYPHER_TEXT.search(line)
    ]
    assert offenders == []


def test_the_cypher_detector_catches_cypher() -> None:
    cypher = ["MATCH (t:Touchpoint)", "MERGE (h:JourneyHead {journey: $j})", "CREATE (n:Staged)"]
    cypher += ["RETURN j.id AS id", "CREATE INDEX FOR", "SET n += $props", "UNWIND $rows AS r"]
    for text in cypher:
        assert CYPHER_TEXT.search(text), text
    for text in ["match = re.match(x)", "return value", "Create a journey", "``(:Journey)-[:NEXT]->()``"]:
        assert not CYPHER_TEXT.search(text), text


def statement_calls() -> list[tuple[str, str, str, set[str], bool]]:
    """(file, method, statement, keyword names, has **splat) for calls naming a statement."""
    known = set(names())
    found = []
    for path in product_python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            first = node.args[0]
            method = node.func.attr if isinstance(node.func, ast.Attribute) else ast.unparse(node.func)
            named = isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value in known
            if named and method in RUNNERS:
                assert isinstance(first, ast.Constant)
                keywords = {k.arg for k in node.keywords if k.arg is not None}
                splat = any(k.arg is None for k in node.keywords)
                found.append((str(path.relative_to(ROOT)), method, first.value, keywords, splat))
    return found


def test_every_call_passes_exactly_the_parameters_its_statement_uses() -> None:
    calls = statement_calls()
    assert len(calls) >= 10
    for file, method, name, keywords, splat in calls:
        assert not splat or (file, method) in DYNAMIC_CALL_SITES, f"{file}: {name} called with **"
        used = statement(name).parameters
        assert keywords == set(used), (
            f"{file}: {method}({name!r}) passes {sorted(keywords)}, uses {sorted(used)}"
        )


def test_every_store_statement_is_called() -> None:
    called = {name for _, _, name, _, _ in statement_calls()}
    assert set(names("store")) <= called
    assert {"server/neo4j_components", "server/falkordb_indexes", "neo4j/show_schema"} <= called


def test_analytics_statements_give_defaults_only_for_their_parameters() -> None:
    for name in names("analytics"):
        stmt = statement(name)
        assert stmt.summary, name
        assert set(stmt.defaults) <= stmt.parameters, name


def test_neo4j_only_statements_live_in_their_own_folder() -> None:
    for name in names():
        text = statement(name).text
        if "CONSTRAINT" in text or "SHOW " in text or "IF NOT EXISTS" in text:
            assert name.startswith("neo4j/"), name


def test_bind_refuses_missing_and_unused_parameters() -> None:
    text, params = bind("store/journey_head", {"journey": "x"})
    assert "$journey" in text and params == {"journey": "x"}
    with pytest.raises(InvalidInput, match="missing: journey"):
        bind("store/journey_head", {})
    with pytest.raises(InvalidInput, match="does not use: extra"):
        bind("store/journey_head", {"journey": "x", "extra": 1})
    with pytest.raises(InvalidInput, match="no Cypher statement"):
        statement("store/../../pyproject")


def test_parameters_and_comments_are_read_like_cypher() -> None:
    assert parameters_of("x = $a + '$not' + \"$nor\" // $no\n/* $none */ $b") == {"a", "b"}
    assert strip_comments("a // it's\nb /* c */ 'd // e'") == "a \nb  'd // e'"
    for name in names():
        assert "//" not in statement(name).text.replace("'//", ""), name
