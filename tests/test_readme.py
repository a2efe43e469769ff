"""Every command block of README.md runs, so the README cannot drift from the tool.

The README's fenced blocks are read in order (``markdown-it-py`` is not needed: a
fence is a line starting with three backticks). A block is run unless an HTML
comment right before it says otherwise:

- ``<!-- readme-test: skip: REASON -->``: not run here (``make demo`` itself, pip,
  Neo4j); the reason is in the README source, and the test lists the skipped blocks.
- ``<!-- readme-test: file NAME -->``: a data block (YAML) written to NAME before
  anything runs (``broken.yaml``, ``fix.yaml``).
- ``<!-- readme-test: exit N -->``: the transcript's commands exit with N.

Transcripts (lines starting ``$ ``) run each command with bash; the lines shown
after it, other than ``…``, must appear in its output in that order (spaces
collapsed). Shell blocks run as one bash script against a ``journeymap serve``
this test starts on a free loopback port (``localhost:8000`` in the text is
rewritten to it) over a temporary store holding the fixtures, as ``make demo``
leaves it; ``curl`` fails on any HTTP error; ``#> LINE`` after a command is what
it must print. Python blocks run with the venv's interpreter. Everything runs in a
temporary folder holding a link to ``fixtures/``. Other blocks (YAML, JSON,
Cypher) are data, not commands.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BIN = Path(sys.executable).parent
COMMAND_LANGUAGES = {"", "sh", "bash", "console", "python"}
MARKER = re.compile(r"<!--\s*readme-test:\s*(?P<what>skip|file|exit)\s*:?\s*(?P<arg>.*?)\s*-->")
CHUNK = "@@readme-chunk@@"


@dataclass
class Block:
    line: int
    language: str
    text: str
    marker: str | None = None
    argument: str = ""

    @property
    def is_transcript(self) -> bool:
        return any(line.startswith("$ ") for line in self.text.splitlines())


def blocks(markdown: str) -> list[Block]:
    """The fenced blocks of ``markdown`` with the marker comment just before each."""
    found, lines = [], markdown.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("```"):
            language = lines[i][3:].strip()
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
            before = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
            marker = MARKER.search(before)
            found.append(
                Block(
                    line=i + 1,
                    language=language,
                    text="\n".join(lines[i + 1 : end]) + "\n",
                    marker=marker["what"] if marker else None,
                    argument=marker["arg"] if marker else "",
                )
            )
            i = end
        i += 1
    return found


def _normal(text: str) -> str:
    return " ".join(text.split())


def shown_in_order(expected: list[str], output: str) -> list[str]:
    """The expected lines (``…`` skipped) not found in ``output`` in order, spaces collapsed."""
    actual = [_normal(line) for line in output.splitlines()]
    missing, at = [], 0
    for line in expected:
        want = _normal(line)
        if not want or want == "…":
            continue
        try:
            at = actual.index(want, at) + 1
        except ValueError:
            missing.append(line)
    return missing


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Place:
    folder: Path
    env: dict[str, str]
    port: int


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Place]:
    """A folder with ``fixtures/``, a store holding the fixtures, and ``journeymap serve`` on it."""
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    folder = tmp_path_factory.mktemp("readme")
    (folder / "fixtures").symlink_to(ROOT / "fixtures")
    port = _free_port()
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "JOURNEYMAP_STORE": f"sqlite:///{folder / 'journeymap.db'}",
        "EDITOR_KEY": "readme-editor-key",
        "JOURNEYMAP_API_KEYS": "editor:readme-editor-key",
        "COLUMNS": "200",
    }
    fixtures = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "fixtures").glob("*.yaml"))
    loaded = subprocess.run(
        ["journeymap", "import", *fixtures], cwd=folder, env=env, capture_output=True, text=True
    )  # what `make demo` stores
    assert loaded.returncode == 0, loaded.stderr
    server = subprocess.Popen(
        ["journeymap", "serve", "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(port, server)
        yield Place(folder, env, port)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(port: int, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"journeymap serve stopped: {server.stderr.read() if server.stderr else ''}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("journeymap serve did not answer /health within 60 s")


def _bash(script: str, place: Place) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", script], cwd=place.folder, env=place.env, capture_output=True, text=True, timeout=300
    )


def run_transcript(block: Block, place: Place) -> list[str]:
    """Problems of a ``$ command`` transcript: wrong exit codes and output lines not shown."""
    expected_exit = int(block.argument) if block.marker == "exit" else 0
    problems, commands = [], []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line)
    for command, shown in commands:
        done = _bash(command, place)
        if done.returncode != expected_exit:
            problems.append(f"`{command}` exited {done.returncode}: {done.stderr[-2000:]}")
        missing = shown_in_order(shown, done.stdout + done.stderr)
        if missing:
            problems.append(f"`{command}` did not print {missing}; it printed:\n{done.stdout}{done.stderr}")
    return problems


def run_shell(block: Block, place: Place) -> list[str]:
    """Problems of a shell block run as one script (``#> line``: what the command before prints)."""
    text = block.text.replace("localhost:8000", f"127.0.0.1:{place.port}")
    script = ["set -eo pipefail", 'curl() { command curl --fail-with-body "$@"; }']
    expected: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.startswith("#> "):
            expected[-1].append(line[3:])
            continue
        if expected[-1]:
            script.append(f"echo {CHUNK}")
            expected.append([])
        script.append(line)
    done = _bash("\n".join(script) + "\n", place)
    problems = (
        [] if done.returncode == 0 else [f"the block failed ({done.returncode}): {done.stderr[-3000:]}"]
    )
    for shown, printed in zip(expected, done.stdout.split(CHUNK + "\n"), strict=False):
        missing = shown_in_order(shown, printed)
        if missing:
            problems.append(f"expected {missing} in:\n{printed}")
    return problems


def run_python(block: Block, place: Place) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", block.text], cwd=place.folder, env=place.env, capture_output=True, text=True
    )
    return [] if done.returncode == 0 else [f"the Python block failed: {done.stderr[-3000:]}"]


def test_the_readme_marks_are_understood() -> None:
    found = blocks(README.read_text(encoding="utf-8"))
    assert len(found) > 15
    commands = [b for b in found if b.language in COMMAND_LANGUAGES]
    assert sum(b.marker != "skip" for b in commands) >= 6  # most command blocks run
    assert all(b.argument for b in found if b.marker in ("skip", "file")), "a skip names its reason"
    assert shown_in_order(["a  b", "…", "c"], "x\na b\nc\n") == []
    assert shown_in_order(["c", "a b"], "a b\nc\n") == ["a b"]  # order matters


def test_the_runners_see_wrong_output_and_failures(tmp_path: Path) -> None:
    here = Place(tmp_path, dict(os.environ), 0)
    ok = Block(1, "sh", "X=1\necho $X\n#> 1\necho two\n#> two\n")
    assert run_shell(ok, here) == []
    drifted = Block(1, "sh", "echo 1\n#> 2\n")
    assert "expected ['2']" in run_shell(drifted, here)[0]
    failing = Block(1, "sh", "false\necho never\n")
    assert "the block failed (1)" in run_shell(failing, here)[0]
    transcript = Block(1, "", "$ echo a; exit 2\na\n", marker="exit", argument="2")
    assert run_transcript(transcript, here) == []
    assert "exited 0" in run_transcript(Block(1, "", "$ echo a\nb\n", "exit", "2"), here)[0]


def test_every_command_block_of_the_readme_runs(place: Place) -> None:
    found = blocks(README.read_text(encoding="utf-8"))
    for block in found:
        if block.marker == "file":
            (place.folder / block.argument).write_text(block.text, encoding="utf-8")
    problems, skipped = [], []
    for block in found:
        if block.language not in COMMAND_LANGUAGES or block.marker == "file":
            continue
        if block.marker == "skip":
            skipped.append(f"README.md:{block.line} ({block.argument})")
            continue
        if block.is_transcript:
            found_problems = run_transcript(block, place)
        elif block.language == "python":
            found_problems = run_python(block, place)
        else:
            found_problems = run_shell(block, place)
        problems += [f"README.md:{block.line}: {p}" for p in found_problems]
    print("skipped by their README marker:", *skipped, sep="\n  ")
    assert not problems, "\n\n".join(problems)
