"""What a running app holds (settings, store, cache) and the helpers routes share."""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from starlette.responses import Response

from api.cache import ResultCache
from api.conditional import etag
from api.problems import UnsupportedMediaType
from api.settings import Settings
from journeymap.errors import InvalidJourney, NotFound, Problem
from journeymap.model import ID_PATTERN, Journey
from journeymap.store import JourneyStore

JSON = "application/json"


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    store: JourneyStore
    cache: ResultCache


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


State = Annotated[Runtime, Depends(_runtime)]
JourneyId = Annotated[
    str,
    Path(pattern=ID_PATTERN, description="journey id (a slug)", examples=["mei-su-electronics"]),
]
VersionParam = Annotated[int | None, Query(ge=1, description="a given version (default: the current one)")]


def dumps(document: Any) -> bytes:
    """Compact UTF-8 JSON; NaN/Infinity are refused (they are not JSON)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def json_response(
    document: Any | bytes,
    status: int = 200,
    version: int | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A JSON response; ``version`` becomes the ETag."""
    body = document if isinstance(document, bytes) else dumps(document)
    all_headers = dict(headers or {})
    if version is not None:
        all_headers["ETag"] = etag(version)
    return Response(body, status_code=status, media_type=JSON, headers=all_headers)


async def read_json(request: Request) -> Any:
    """The request body decoded as JSON; bad JSON is an invalid document (422)."""
    media = request.headers.get("content-type", JSON).split(";")[0].strip().lower()
    if media != JSON and not media.endswith("+json"):
        raise UnsupportedMediaType(f"the body must be JSON (Content-Type: {JSON}), not '{media}'")
    body = await request.body()
    try:
        return json.loads(body)
    except ValueError as exc:
        raise InvalidJourney([Problem("", "syntax", f"not valid JSON: {exc}")]) from None
    except RecursionError:
        raise InvalidJourney([Problem("", "syntax", "nested too deeply")]) from None


def current_version(store: JourneyStore, journey_id: str) -> int | None:
    """The journey's current version, or None if there is no such journey."""
    try:
        return store.versions(journey_id)[-1].version
    except NotFound:
        return None


def resolve_version(store: JourneyStore, journey_id: str, version: int | None) -> int:
    """The version a read refers to (the current one by default); ``NotFound`` if none."""
    versions = store.versions(journey_id)
    if version is None:
        return versions[-1].version
    if not any(v.version == version for v in versions):
        raise NotFound(f"journey '{journey_id}' has no version {version}")
    return version


def cached_result(
    runtime: Runtime,
    journey_id: str,
    version: int | None,
    kind: str,
    params: tuple[Hashable, ...],
    compute: Callable[[Journey], Any],
) -> Response:
    """A computed document for one journey version, from the cache when it is there."""
    version = resolve_version(runtime.store, journey_id, version)
    key = (journey_id, version, kind, params)
    body = runtime.cache.get(key)
    if body is None:
        journey = runtime.store.get(journey_id, version).journey
        body = dumps(compute(journey))
        runtime.cache.put(key, body)
    return json_response(body, version=version)
