"""The app factory: ``create_app(settings)`` builds a FastAPI app with its own store and cache."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline

from api import openapi, problems
from api.cache import ResultCache
from api.limits import BodySizeLimit
from api.revalidate import NotModified
from api.routes import analysis, editor, export, journeys, meta
from api.runtime import Runtime
from api.settings import Settings
from journeymap import __version__
from journeymap.engine import graph_figures
from journeymap.store import JourneyStore, open_store

log = logging.getLogger("journeymap.api")

DESCRIPTION = """\
Customer journeys as graphs: store them (versioned, with `ETag`/`If-Match`), and ask for
flow, pain, exact critical pain paths, priorities and what-ifs.

**Auth**: `Authorization: Bearer KEY`; reads need a `viewer` key, writes an `editor` key.
**Errors** are `application/problem+json` (`type`, `title`, `status`, `detail`, and for invalid
journeys or requests `problems`: every rule broken, with its place).
**Editor**: `/edit` (a new journey) and `/journeys/{id}/edit` open the journey editor in a browser.
"""
OPEN_ACCESS_NOTICE = (
    "no API keys configured (JOURNEYMAP_API_KEYS / JOURNEYMAP_API_KEYS_FILE): "
    "open access for loopback clients only"
)


def create_app(settings: Settings, store: JourneyStore | None = None) -> FastAPI:
    """Build the HTTP API over the store ``settings.store_url`` names (or ``store``).

    The app owns the store it opens and closes it on shutdown.
    """
    store = store if store is not None else open_store(settings.store_url, figures=graph_figures)
    runtime = Runtime(
        settings=settings,
        store=store,
        cache=ResultCache(settings.cache_entries),
        inline_reads=store.embedded,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.open_access:
            log.warning(OPEN_ACCESS_NOTICE)
        gc.freeze()  # start-up objects leave the collector's generations: shorter GC pauses
        yield
        runtime.close()

    app = FastAPIOffline(
        title="journeymap",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=[
            {"name": "journeys", "description": "stored journeys and their versions"},
            {"name": "analysis", "description": "numbers computed from a stored journey (cached)"},
            {"name": "export", "description": "the journey for other tools, and its visual map"},
            {"name": "service", "description": "validation and health"},
        ],
    )
    app.state.runtime = runtime
    app.state.settings = settings
    for router in (journeys.router, analysis.router, export.router, meta.router, editor.router):
        app.include_router(router)
    problems.install(app)
    openapi.install(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(NotModified)
    if settings.cors_origins:  # outermost, so preflights and errors carry the CORS headers
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "If-None-Match"],
            expose_headers=["ETag", "Location", "Content-Disposition", "Cache-Control"],
            max_age=600,
        )
    return app


def app_from_env() -> FastAPI:
    """The app configured by ``JOURNEYMAP_*`` variables (the uvicorn factory of ``journeymap serve``)."""
    return create_app(Settings.from_env())
