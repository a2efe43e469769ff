"""Service routes: validate a journey without storing it; health."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api.auth import Reader
from api.limits import check_graph_limits
from api.problems import problem_responses
from api.routes.journeys import JOURNEY_BODY
from api.runtime import Runtime, State, json_response, read_json
from api.schemas import Health, ValidationReport
from journeymap import __version__
from journeymap.errors import StoreUnavailable
from journeymap.model import parse_journey

router = APIRouter(tags=["service"])


@router.post(
    "/validate",
    response_model=ValidationReport,
    summary="Validate a journey without storing it",
    description="200 with counts when valid; 422 listing every problem (with its place) when not.",
    responses=problem_responses(401, 403, 413, 415, 422),
    openapi_extra=JOURNEY_BODY,
)
async def validate(request: Request, runtime: State, _: Reader) -> Response:
    document = await read_json(request)
    return await run_in_threadpool(_validate, runtime, document)


def _validate(runtime: Runtime, document: object) -> Response:
    journey = parse_journey(document)
    check_graph_limits(journey, runtime.settings.max_nodes, runtime.settings.max_edges)
    report = {
        "valid": True,
        "id": journey.id,
        "stages": len(journey.stages),
        "touchpoints": len(journey.touchpoints),
        "outcomes": len(journey.outcomes),
        "transitions": len(journey.transitions),
    }
    return json_response(report)


@router.get(
    "/health",
    response_model=Health,
    summary="Is the service up and its store reachable? (no API key needed)",
    responses=problem_responses(503),
)
def health(runtime: State) -> Response:
    try:
        runtime.store.list()
    except Exception as exc:  # any failure of the store means "not reachable" here
        reason = exc.detail if isinstance(exc, StoreUnavailable) else type(exc).__name__
        raise StoreUnavailable(f"the store cannot be reached: {reason}") from None
    kind = runtime.settings.store_url.split(":", 1)[0]
    return json_response({"status": "ok", "store": f"{kind}: reachable", "version": __version__})
