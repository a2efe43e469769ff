"""Reading and writing journey files (YAML or JSON, one schema)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeAlias

from journeymap.errors import InvalidInput, InvalidJourney, Problem
from journeymap.model import Journey, journey_document, parse_journey, parse_journey_json, without_gc

MAX_FILE_BYTES = 64 * 1024 * 1024
Format = Literal["yaml", "json"]
# JSON files go through json (C): libyaml is still ~10x slower than it on a 500,000-transition file


def read_document(path: Path) -> Any:
    """Decode a YAML or JSON file; decoding failures become ``InvalidJourney``."""
    text = read_text(path)
    with without_gc():
        return decode_text(text, str(path))


def read_text(path: Path) -> str:
    """A journey file's text; a missing, oversized or non-UTF-8 file is refused naming it."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read ({exc.strerror})") from None
    if path.is_dir():
        raise InvalidInput(f"{path}: is a folder, not a journey file")
    if size > MAX_FILE_BYTES:
        raise InvalidInput(f"{path}: {size} bytes is over the {MAX_FILE_BYTES} byte limit")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problem = Problem("", "encoding", f"not UTF-8 text (byte {exc.start})")
        raise InvalidJourney([problem], str(path)) from None


def decode_text(text: str, source: str | None = None) -> Any:
    r"""Decode JSON or YAML with errors that name the line.

    A text that parses as JSON is read by the standard library's JSON parser (C, linear);
    anything else by libyaml (``CSafeLoader``), which also reports YAML's errors.

    >>> decode_text('{"id": "a", "n": [1, 2.5]}'), decode_text("id: a\nn: [1, 2.5]")
    ({'id': 'a', 'n': [1, 2.5]}, {'id': 'a', 'n': [1, 2.5]})
    """
    if text.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(text, parse_constant=_no_constant)
        except (ValueError, RecursionError):
            pass  # YAML flow style ({id: a}) or broken JSON: libyaml decides and names the place
    import yaml  # here, not with the module: a JSON file never needs it (~15 ms)

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when built in: ~7x faster
    try:
        return yaml.load(text, Loader=loader)  # a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InvalidJourney([Problem(where, "syntax", str(exc.problem))], source) from None
    except yaml.YAMLError as exc:
        raise InvalidJourney([Problem("", "syntax", str(exc))], source) from None
    except RecursionError:
        raise InvalidJourney([Problem("", "syntax", "nested too deeply")], source) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN/Infinity: let YAML read them as the text says


def load_journey(path: str | Path) -> Journey:
    """Read and validate a journey file.

    Raises ``InvalidJourney`` listing every problem, or ``InvalidInput`` when the
    file cannot be read at all.
    """
    path = Path(path)
    text = read_text(path)
    journey = parse_journey_json(text, str(path))  # a JSON file: parsed and validated in one pass
    if journey is not None:
        return journey
    with without_gc():
        document = decode_text(text, str(path))
    return parse_journey(document, str(path))


JourneySource: TypeAlias = "Journey | str | os.PathLike[str] | Mapping[str, Any]"
"""What the library's functions take as a journey: see ``as_journey``."""


def as_journey(source: JourneySource) -> Journey:
    """The ``Journey`` a library call means: a ``Journey``, a journey file's path, or the file's fields.

    Parameters
    ----------
    source : Journey, str, os.PathLike or Mapping
        A validated ``Journey`` (returned as it is); the path of a journey file
        (YAML or JSON, read with ``load_journey``); or a mapping of the journey
        file's fields (a ``dict`` as ``yaml.safe_load`` or ``json.load`` gives).

    Returns
    -------
    Journey
        The validated journey.

    Raises
    ------
    InvalidInput
        When the file cannot be read (it names the path) or ``source`` is of
        another type (it names the type).
    InvalidJourney
        When the file or mapping breaks the journey rules (every problem, with its place).

    Examples
    --------
    >>> as_journey("fixtures/auto-repair.yaml").id
    'auto-repair'
    >>> as_journey({"id": "j", "name": "J", "stages": [], "touchpoints": [], "outcomes": [],
    ...             "transitions": []})
    Traceback (most recent call last):
    journeymap.errors.InvalidJourney: ...
    >>> as_journey(["auto-repair"])
    Traceback (most recent call last):
    journeymap.errors.InvalidInput: expected a Journey, ... not list
    """
    if isinstance(source, Journey):
        return source
    if isinstance(source, Mapping):
        return parse_journey(dict(source))
    if isinstance(source, str | os.PathLike) and not isinstance(source, bytes):
        return load_journey(os.fspath(source))
    raise InvalidInput(
        "expected a Journey, a journey file's path (str or os.PathLike) or a mapping of its fields,"
        f" not {type(source).__name__}"
    )


def dump_journey(journey: Journey, fmt: Format = "yaml") -> str:
    """The journey file text in YAML or JSON."""
    doc = journey_document(journey)
    if fmt == "json":
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    import yaml

    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
