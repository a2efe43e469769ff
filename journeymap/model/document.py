"""Reading and writing journey documents: two-pass validation into a ``Journey`` and back."""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from pydantic import ValidationError

from journeymap.errors import InvalidJourney, Problem
from journeymap.model.journey import Journey
from journeymap.model.rules import graph_problems


def parse_journey(data: Any, source: str | None = None) -> Journey:
    """Validate a decoded journey document; raise ``InvalidJourney`` with every problem.

    >>> doc = {"id": "tiny", "name": "Tiny", "stages": [{"id": "s", "name": "S",
    ...   "phase": "sale"}], "touchpoints": [{"id": "a", "name": "A", "stage": "s",
    ...   "experience": 5}], "outcomes": [{"id": "ok", "name": "OK", "kind": "success"}],
    ...   "transitions": [{"from": "entry", "to": "a", "share": 1},
    ...                   {"from": "a", "to": "ok", "share": 1}]}
    >>> parse_journey(doc).touchpoints[0].expected
    5.0
    """
    if not isinstance(data, Mapping):
        kind = type(data).__name__
        raise InvalidJourney([Problem("", "document", f"expected a mapping, got {kind}")], source)
    with without_gc():
        try:
            journey = Journey.model_validate(data)
        except ValidationError as exc:
            raise InvalidJourney(shape_problems(exc), source) from None
        except RecursionError:
            raise InvalidJourney([Problem("", "document", "nested too deeply")], source) from None
        problems = graph_problems(journey)
    if problems:
        raise InvalidJourney(problems, source)
    return journey


def parse_journey_json(text: str, source: str | None = None) -> Journey | None:
    """Validate a journey document straight from JSON text; ``None`` when the text is not JSON.

    pydantic parses and validates the text in one pass in its Rust core, so the decoded
    document is never built as Python dicts and lists first (on a 500,000-transition file
    that saves the ``json`` decoding, about a fifth of loading, and its memory). The journey
    or the problems are those ``parse_journey`` gives for the decoded document; text that is
    not a JSON object, JSON that pydantic's parser refuses (as a lone surrogate ``\\ud800``)
    and text holding ``NaN`` or ``Infinity`` (not JSON; ``decode_text`` reads such text as
    YAML) give ``None`` so that the caller decodes it the usual way.

    >>> parse_journey_json('{"id": "tiny", "name": "Tiny", "stages": [{"id": "s", "name": "S",'
    ...   ' "phase": "sale"}], "outcomes": [{"id": "ok", "name": "OK", "kind": "success"}],'
    ...   ' "transitions": [{"from": "entry", "to": "ok", "customers": 3}]}').transitions[0].customers
    3.0
    >>> parse_journey_json("id: tiny") is None
    True
    """
    if text.lstrip()[:1] != "{" or "NaN" in text or "Infinity" in text:
        return None  # not an object; or maybe NaN/Infinity, which ``decode_text`` leaves to YAML
    with without_gc():
        try:
            journey = Journey.model_validate_json(text)
        except ValidationError as exc:
            if any(error["type"] == "json_invalid" for error in exc.errors(include_url=False)):
                return None
            raise InvalidJourney(shape_problems(exc), source) from None
        except RecursionError:
            return None  # the usual way names it ("nested too deeply")
        problems = graph_problems(journey)
    if problems:
        raise InvalidJourney(problems, source)
    return journey


@contextmanager
def without_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: building a million objects that all stay alive
    otherwise triggers it again and again over a growing heap (half of validation time).

    On the way out everything built inside goes straight to the oldest generation
    (``gc.freeze`` then ``gc.unfreeze``), so the first young collection after does not walk
    the million objects once more; a full collection still sees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


_RULES = {
    "string_pattern_mismatch": "id-syntax",
    "extra_forbidden": "unknown-field",
    "missing": "required",
    "greater_than_equal": "range",
    "greater_than": "range",
    "less_than_equal": "range",
    "finite_number": "range",
    "too_short": "required",
    "literal_error": "choice",
    "less_than": "range",
    "string_too_short": "required",
}


def shape_problems(exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".")
        rule = _RULES.get(err["type"], "type" if err["type"].endswith(("_type", "_parsing")) else err["type"])
        message = err["msg"]
        if rule == "id-syntax" and err["loc"][-1] == "url":
            rule, message = "url", f"{err['input']!r} is not an http(s) URL"
        elif rule == "id-syntax":
            message = f"{err['input']!r} is not an id (lowercase letters, digits, '_' or '-')"
        elif rule == "unknown-field":
            message = "unknown field"
        elif err["type"] == "missing":
            message = "field required"
        problems.append(Problem(loc, rule, message))
    return problems


def journey_document(journey: Journey) -> dict[str, Any]:
    """The journey as a plain document (the file's field names, no unset fields).

    Whole-number floats are written as integers so files stay as people wrote them.
    """
    raw = journey.model_dump(by_alias=True, exclude_none=True)
    return _tidy(raw)  # type: ignore[no-any-return]


def _tidy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value
