"""What a running app holds (settings, store, cache) and the helpers routes share."""

from __future__ import annotations

import asyncio
import functools
import json
import os
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api.cache import Rendered, ResultCache
from api.conditional import etag
from api.problems import UnsupportedMediaType
from api.settings import Settings
from journeymap.errors import InvalidJourney, NotFound, Problem
from journeymap.model import ID_PATTERN, Journey
from journeymap.store import JourneyStore

JSON = "application/json"
ENGINE_THREADS = min(4, os.cpu_count() or 1)
T = TypeVar("T")


@dataclass
class Runtime:
    """The app's settings, store, cache and engine threads.

    ``inline_reads`` (the store's ``embedded`` flag): the store answers small reads in
    microseconds without waiting on writers (SQLite in WAL mode), so cached routes ask it
    on the event loop instead of paying a thread hand-off; a networked store is always
    called from the thread pool.

    The engine and the exports run on a few threads of their own (started on first
    use), so CPU-heavy work never takes all of the I/O thread pool, and the threads
    are joined at shutdown (and at interpreter exit) rather than left running.
    """

    settings: Settings
    store: JourneyStore
    cache: ResultCache
    inline_reads: bool = False
    _engine: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    async def compute(self, call: Callable[..., T], *args: Any) -> T:
        """Run CPU-heavy work (the engine, exports) on the engine threads."""
        with self._lock:
            if self._engine is None:
                self._engine = ThreadPoolExecutor(ENGINE_THREADS, thread_name_prefix="journeymap-engine")
            engine = self._engine
        return await asyncio.get_running_loop().run_in_executor(engine, functools.partial(call, *args))

    def close(self) -> None:
        """Stop the engine threads and release the store (both start again if used)."""
        with self._lock:
            engine, self._engine = self._engine, None
        if engine is not None:
            engine.shutdown(wait=True, cancel_futures=True)
        self.store.close()

    async def read(self, call: Callable[..., T], *args: Any) -> T:
        """Run a quick store read inline or in the thread pool (see ``inline_reads``)."""
        if self.inline_reads:
            return call(*args)
        return await run_in_threadpool(call, *args)


async def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


State = Annotated[Runtime, Depends(_runtime)]
JourneyId = Annotated[
    str,
    Path(pattern=ID_PATTERN, description="journey id (a slug)", examples=["mei-su-electronics"]),
]
Alpha = Annotated[
    float,
    Query(gt=0, le=1, description="memory of carried experience, in (0, 1]", allow_inf_nan=False),
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
    except UnicodeDecodeError as exc:  # the same problem a journey file with such bytes gets
        raise InvalidJourney([Problem("", "encoding", f"not UTF-8 text (byte {exc.start})")]) from None
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


def as_json(document: Any) -> Rendered:
    """A JSON document, rendered."""
    return Rendered(dumps(document))


async def cached_result(
    runtime: Runtime,
    journey_id: str,
    version: int | None,
    kind: str,
    params: tuple[Hashable, ...],
    render: Callable[[Journey], Rendered],
) -> Response:
    """A rendered result for one journey version, from the cache when it is there.

    Asking the store for the journey's versions on every request keeps answers right
    when another process (a second worker, the CLI) has written since.
    """
    asked = version
    version = await runtime.read(resolve_version, runtime.store, journey_id, version)
    key = (journey_id, version, kind, params)
    rendered = runtime.cache.get(key)
    if rendered is None:
        rendered = await runtime.compute(_render, runtime.store, journey_id, version, render)
        runtime.cache.put(key, rendered)
    headers = {**dict(rendered.headers), "ETag": etag(version), "Cache-Control": cache_control(asked)}
    return Response(rendered.body, media_type=rendered.media_type, headers=headers)


def cache_control(version: int | None) -> str:
    """``Cache-Control`` of a cached read: a named version never changes; the current one may.

    Both are ``private`` (they need a key); the current version is kept but
    revalidated with ``If-None-Match`` (304 when unchanged).

    >>> cache_control(3), cache_control(None)
    ('private, max-age=31536000, immutable', 'private, no-cache')
    """
    return "private, no-cache" if version is None else "private, max-age=31536000, immutable"


def _render(
    store: JourneyStore, journey_id: str, version: int, render: Callable[[Journey], Rendered]
) -> Rendered:
    return render(store.get(journey_id, version).journey)
