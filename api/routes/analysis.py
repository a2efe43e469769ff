"""Analysis of a stored journey: flow and pain, exact pain paths, priorities, what-if.

Results of analysis, paths and impact are cached per (journey, version,
parameters) as serialised JSON, so repeated reads cost a store lookup of the
current version and a dictionary hit.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query
from starlette.responses import Response

from api.auth import Reader
from api.cache import Rendered
from api.limits import check_count
from api.problems import problem_responses
from api.routes.journeys import JOURNEY_HEADERS
from api.runtime import (
    Alpha,
    JourneyId,
    State,
    VersionParam,
    as_json,
    cached_result,
    json_response,
    resolve_version,
)
from api.schemas import Analysis, Diff, Fixes, Impact, Paths, Variants, WhatIf
from journeymap import engine
from journeymap.engine.observed import variants_document, with_observed
from journeymap.engine.whatif import WhatIfPatch
from journeymap.model import ID_PATTERN, Journey

router = APIRouter(tags=["analysis"])

ERRORS = problem_responses(401, 403, 404, 422, 503)
OK: dict[int | str, dict[str, Any]] = {200: {"headers": JOURNEY_HEADERS}}


@router.get(
    "/journeys/{journey_id}/analysis",
    response_model=Analysis,
    summary="Flow, reach, pain, carried experience and removal effects (DESIGN.md §3-4)",
    responses={**OK, **ERRORS},
)
async def analysis(
    runtime: State, _: Reader, journey_id: JourneyId, alpha: Alpha = 0.5, version: VersionParam = None
) -> Response:
    return await cached_result(
        runtime, journey_id, version, "analysis", (alpha,), lambda j: as_json(engine.analyze(j, alpha=alpha))
    )


@router.get(
    "/journeys/{journey_id}/paths",
    response_model=Paths,
    summary="The k critical paths from entry to an outcome, ranked exactly",
    responses={**OK, **ERRORS},
)
async def paths(
    runtime: State,
    _: Reader,
    journey_id: JourneyId,
    k: Annotated[int, Query(ge=1, le=100, description="how many paths")] = 5,
    rank: Annotated[
        Literal["pain", "probability"], Query(description="pain: by pain mass; probability: most common")
    ] = "pain",
    to: Annotated[
        str | None, Query(pattern=ID_PATTERN, description="only paths ending at this outcome")
    ] = None,
    kind: Annotated[
        Literal["success", "failure"] | None, Query(description="only paths ending at this kind of outcome")
    ] = None,
    version: VersionParam = None,
) -> Response:
    return await cached_result(
        runtime,
        journey_id,
        version,
        "paths",
        (k, rank, to, kind),
        lambda j: as_json(with_observed(engine.top_paths(j, k=k, rank=rank, to=to, kind=kind), j)),
    )


@router.get(
    "/journeys/{journey_id}/variants",
    response_model=Variants,
    summary="Observed variants: the walks customers really took, with pain and peak-end",
    responses={**OK, **ERRORS},
)
async def variants(
    runtime: State, _: Reader, journey_id: JourneyId, version: VersionParam = None
) -> Response:
    return await cached_result(
        runtime, journey_id, version, "variants", (), lambda j: as_json(variants_document(j))
    )


@router.get(
    "/journeys/{journey_id}/diff/{other_id}",
    response_model=Diff,
    summary="Journey OTHER_ID (B) against this one (A): shares with their counts, ranked by evidence",
    responses={**OK, **ERRORS},
)
async def diff(
    runtime: State,
    _: Reader,
    journey_id: JourneyId,
    other_id: Annotated[str, Path(pattern=ID_PATTERN, description="the journey compared with this one")],
    top: Annotated[int, Query(ge=1, le=100, description="rows per ranked list")] = 10,
    version: VersionParam = None,
    other_version: VersionParam = None,
) -> Response:
    from journeymap.ingest.diff import diff_journeys

    other = await runtime.read(resolve_version, runtime.store, other_id, other_version)

    def render(journey: Journey) -> Rendered:
        return as_json(diff_journeys(journey, runtime.store.get(other_id, other).journey, top=top))

    return await cached_result(runtime, journey_id, version, "diff", (other_id, other, top), render)


@router.get(
    "/journeys/{journey_id}/impact",
    response_model=Impact,
    summary="Touchpoints by priority (reach x pain), with removal effects",
    responses={**OK, **ERRORS},
)
async def impact(runtime: State, _: Reader, journey_id: JourneyId, version: VersionParam = None) -> Response:
    return await cached_result(
        runtime, journey_id, version, "impact", (), lambda j: as_json(engine.impact(j))
    )


@router.get(
    "/journeys/{journey_id}/fixes",
    response_model=Fixes,
    summary="Opportunities ranked by value recovered per unit of effort, with the figures behind each rank",
    responses={**OK, **ERRORS},
)
async def fixes(
    runtime: State, _: Reader, journey_id: JourneyId, alpha: Alpha = 0.5, version: VersionParam = None
) -> Response:
    from journeymap.engine.fixes import fixes as fixes_of

    return await cached_result(
        runtime, journey_id, version, "fixes", (alpha,), lambda j: as_json(fixes_of(j, alpha))
    )


@router.post(
    "/journeys/{journey_id}/whatif",
    response_model=WhatIf,
    summary="Analysis before and after a patch of scores, transitions or removals (nothing is stored)",
    responses={**OK, **problem_responses(401, 403, 404, 413, 422, 503)},
)
async def whatif(
    runtime: State,
    _: Reader,
    journey_id: JourneyId,
    patch: Annotated[WhatIfPatch, Body()],
    alpha: Alpha = 0.5,
    version: VersionParam = None,
) -> Response:
    settings = runtime.settings
    check_count(
        "transitions in the patch", len(patch.transitions), settings.max_edges, "JOURNEYMAP_MAX_EDGES"
    )
    version = await runtime.read(resolve_version, runtime.store, journey_id, version)
    stored = await runtime.read(runtime.store.get, journey_id, version)
    result = await runtime.compute(engine.whatif, stored.journey, patch, alpha)
    return json_response(result, version=version)
