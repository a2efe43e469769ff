"""Journey resources: list, create/replace, read, delete, versions, touchpoint scores."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api.auth import Editor, Reader
from api.conditional import expected_version
from api.limits import check_graph_limits
from api.problems import problem_responses
from api.runtime import (
    JourneyId,
    Runtime,
    State,
    VersionParam,
    current_version,
    json_response,
    read_json,
)
from api.schemas import JourneyPage, VersionList
from journeymap.engine.whatif import TouchpointPatch, WhatIfPatch, apply_patch
from journeymap.errors import InvalidJourney, NotFound, Problem, VersionConflict
from journeymap.model import ID_PATTERN, Journey, journey_document, parse_journey
from journeymap.store import StoredJourney

router = APIRouter(tags=["journeys"])

IfMatch = Annotated[
    str | None,
    Header(description='the version being changed, e.g. `"3"` (from the ETag); `*` = any version'),
]
IfNoneMatch = Annotated[
    str | None, Header(description="`*` on PUT: create only, never replace (412 if the id exists)")
]
JOURNEY_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "the journey file (DESIGN.md §2) as JSON; `id` may be left out (the path's id)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Journey"}}},
    }
}
JOURNEY_HEADERS = {"ETag": {"description": "the journey's version, quoted", "schema": {"type": "string"}}}
READ_ERRORS = problem_responses(401, 403, 404, 422, 503)
WRITE_ERRORS = problem_responses(401, 403, 404, 412, 413, 415, 422, 428, 503)


def _journey_response(stored: StoredJourney, status: int = 200) -> Response:
    headers = {"Location": f"/journeys/{stored.journey.id}"} if status == 201 else None
    return json_response(journey_document(stored.journey), status, stored.version, headers)


@router.get(
    "/journeys",
    response_model=JourneyPage,
    summary="List stored journeys (paged, ordered by id)",
    responses=problem_responses(401, 403, 422, 503),
)
def list_journeys(
    runtime: State,
    _: Reader,
    limit: Annotated[int, Query(ge=1, le=1000, description="page size")] = 100,
    offset: Annotated[int, Query(ge=0, description="journeys to skip")] = 0,
) -> Response:
    rows = runtime.store.list()
    end = offset + limit
    page = {
        "items": [
            {"id": r.id, "name": r.name, "version": r.version, "updated_at": r.updated_at}
            for r in rows[offset:end]
        ],
        "total": len(rows),
        "limit": limit,
        "offset": offset,
        "next_offset": end if end < len(rows) else None,
    }
    return json_response(page)


@router.get(
    "/journeys/{journey_id}",
    response_model=Journey,
    summary="A journey file (the current or a given version)",
    responses={200: {"headers": JOURNEY_HEADERS}, **READ_ERRORS},
)
def get_journey(runtime: State, _: Reader, journey_id: JourneyId, version: VersionParam = None) -> Response:
    return _journey_response(runtime.store.get(journey_id, version))


@router.put(
    "/journeys/{journey_id}",
    response_model=Journey,
    summary="Create or replace a journey",
    description=(
        'Creates the journey (201) or, with `If-Match: "VERSION"`, replaces that version (200). '
        "Replacing without `If-Match` is refused with 428; a stale version with 412 (nothing changes). "
        "Every problem of an invalid journey is reported at once (422)."
    ),
    responses={
        200: {"description": "replaced", "headers": JOURNEY_HEADERS},
        201: {
            "description": "created",
            "headers": JOURNEY_HEADERS,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Journey"}}},
        },
        **WRITE_ERRORS,
    },
    openapi_extra=JOURNEY_BODY,
)
async def put_journey(
    request: Request,
    runtime: State,
    _: Editor,
    journey_id: JourneyId,
    if_match: IfMatch = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    document = await read_json(request)
    return await run_in_threadpool(_put, runtime, journey_id, document, if_match, if_none_match)


def _parse_for(journey_id: str, document: Any) -> Journey:
    """Parse a PUT body for ``journey_id``: a missing id is the path's, another id is a problem."""
    mismatch = []
    if isinstance(document, Mapping):
        document = {"id": journey_id, **document}
        if document["id"] != journey_id:
            message = f"the body's id {document['id']!r} is not the path's '{journey_id}'"
            mismatch.append(Problem("id", "id-mismatch", message))
    try:
        journey = parse_journey(document)
    except InvalidJourney as error:
        raise InvalidJourney(mismatch + error.problems) from None
    if mismatch:
        raise InvalidJourney(mismatch)
    return journey


def _put(
    runtime: Runtime, journey_id: str, document: Any, if_match: str | None, if_none_match: str | None
) -> Response:
    journey = _parse_for(journey_id, document)
    settings = runtime.settings
    check_graph_limits(journey, settings.max_nodes, settings.max_edges)
    store = runtime.store
    if if_match is None:
        create_only = if_none_match is not None and if_none_match.strip() == "*"
        try:
            version = store.put(journey, expected_version=0)
        except VersionConflict:
            if create_only:
                raise
            expected_version(journey_id, None, lambda: current_version(store, journey_id))
            raise  # pragma: no cover - expected_version always raises without If-Match
        status = 201
    else:
        expected = expected_version(journey_id, if_match, lambda: current_version(store, journey_id))
        version = store.put(journey, expected_version=expected)
        status = 201 if expected == 0 else 200
    runtime.cache.invalidate(journey_id)
    return _journey_response(StoredJourney(journey, version, ""), status)


@router.delete(
    "/journeys/{journey_id}",
    status_code=204,
    summary="Delete a journey and all its versions",
    description="Needs `If-Match` (the current version, or `*`): 428 without it, 412 if stale.",
    responses={204: {"description": "deleted"}, **problem_responses(401, 403, 404, 412, 422, 428, 503)},
)
def delete_journey(runtime: State, _: Editor, journey_id: JourneyId, if_match: IfMatch = None) -> Response:
    store = runtime.store
    if current_version(store, journey_id) is None:
        raise NotFound(f"no journey '{journey_id}'")
    expected = expected_version(journey_id, if_match, lambda: current_version(store, journey_id))
    store.delete(journey_id, expected_version=expected)
    runtime.cache.invalidate(journey_id)
    return Response(status_code=204)


@router.get(
    "/journeys/{journey_id}/versions",
    response_model=VersionList,
    summary="Every readable version of a journey, oldest first",
    responses={200: {"headers": JOURNEY_HEADERS}, **READ_ERRORS},
)
def list_versions(runtime: State, _: Reader, journey_id: JourneyId) -> Response:
    versions = runtime.store.versions(journey_id)
    current = versions[-1].version
    document = {
        "journey": journey_id,
        "current": current,
        "versions": [{"version": v.version, "created_at": v.created_at} for v in versions],
    }
    return json_response(document, version=current)


@router.patch(
    "/journeys/{journey_id}/touchpoints/{touchpoint_id}",
    response_model=Journey,
    summary="Change one touchpoint's scores",
    description=(
        "Sets the given scores (null removes an optional one) and stores a new version; "
        "needs `If-Match` with the current version. Answers the whole journey with its new ETag."
    ),
    responses={200: {"headers": JOURNEY_HEADERS}, **WRITE_ERRORS},
)
def patch_touchpoint(
    runtime: State,
    _: Editor,
    journey_id: JourneyId,
    touchpoint_id: Annotated[str, Path(pattern=ID_PATTERN, description="touchpoint id")],
    scores: Annotated[TouchpointPatch, Body()],
    if_match: IfMatch = None,
) -> Response:
    store = runtime.store
    stored = store.get(journey_id)
    expected = expected_version(journey_id, if_match, lambda: stored.version)
    if expected != stored.version:
        raise VersionConflict(journey_id, expected, stored.version)
    if all(tp.id != touchpoint_id for tp in stored.journey.touchpoints):
        raise NotFound(f"journey '{journey_id}' has no touchpoint '{touchpoint_id}'")
    patch = WhatIfPatch(touchpoints={touchpoint_id: scores})
    journey = apply_patch(stored.journey, patch, keep_variants=True)  # ids and transitions stay
    version = store.put(journey, expected_version=stored.version)
    runtime.cache.invalidate(journey_id)
    return _journey_response(StoredJourney(journey, version, ""))
