"""Exports of a stored journey (GraphML, GEXF, Cytoscape, D3, DOT, Mermaid, CSV, Cypher) and its map page.

Both are cached per (journey, version, parameters) like the analysis documents.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from api.auth import Reader
from api.cache import Rendered
from api.problems import problem_responses
from api.routes.journeys import JOURNEY_HEADERS
from api.runtime import Alpha, JourneyId, State, VersionParam, cached_result
from journeymap.export import BINARY_FORMATS, FORMATS, ExportResult, export_journey, map_html
from journeymap.model import Journey

router = APIRouter(tags=["export"])

# Media types the exports answer with (a test checks every format against this list).
EXPORT_MEDIA_TYPES = (
    "application/graphml+xml",
    "application/gexf+xml",
    "application/json",
    "text/vnd.graphviz",
    "text/plain",
    "application/zip",
)
HTML = "text/html; charset=utf-8"


def _string(media_type: str) -> dict[str, Any]:
    binary = media_type == "application/zip"
    return {"schema": {"type": "string", **({"format": "binary"} if binary else {})}}


def _export(journey: Journey, fmt: str, with_analysis: bool) -> Rendered:
    result: ExportResult = export_journey(journey, fmt, with_analysis)
    disposition = ("Content-Disposition", f'attachment; filename="{result.filename}"')
    return Rendered(result.content, result.media_type, (disposition,))


@router.get(
    "/journeys/{journey_id}/export",
    summary="The journey in another tool's format",
    description=(
        "Formats: "
        + ", ".join(f"`{f}`" for f in FORMATS)
        + f". Text formats are UTF-8; {', '.join(sorted(BINARY_FORMATS))} is a zip archive. "
        "`with_analysis` adds reach, pain, priority, carried experience and removal effects "
        "to nodes, and probabilities and expected customers to edges."
    ),
    response_class=Response,
    responses={
        200: {
            "description": "the exported file (with a suggested file name in Content-Disposition)",
            "headers": JOURNEY_HEADERS,
            "content": {m: _string(m) for m in EXPORT_MEDIA_TYPES},
        },
        **problem_responses(401, 403, 404, 422, 503),
    },
)
async def export(
    runtime: State,
    _: Reader,
    journey_id: JourneyId,
    fmt: Annotated[str, Query(alias="format", json_schema_extra={"enum": list(FORMATS)})],
    with_analysis: Annotated[bool, Query(description="add the engine's figures")] = False,
    version: VersionParam = None,
) -> Response:
    render = functools.partial(_export, fmt=fmt, with_analysis=with_analysis)
    return await cached_result(runtime, journey_id, version, "export", (fmt, with_analysis), render)


@router.get(
    "/journeys/{journey_id}/map",
    summary="The visual journey map: one self-contained HTML page (no external assets)",
    response_class=Response,
    responses={
        200: {
            "description": "the map page",
            "headers": JOURNEY_HEADERS,
            "content": {"text/html": _string("text/html")},
        },
        **problem_responses(401, 403, 404, 422, 503),
    },
)
async def journey_map(
    runtime: State, _: Reader, journey_id: JourneyId, alpha: Alpha = 0.5, version: VersionParam = None
) -> Response:
    return await cached_result(
        runtime,
        journey_id,
        version,
        "map",
        (alpha,),
        lambda j: Rendered(map_html(j, alpha=alpha).encode(), HTML),
    )
