"""Every HTTP error answer, in one place: the error tree -> RFC 9457 problem+json.

``STATUS`` maps each class of ``journeymap.errors`` to its status; the handlers
installed by ``install`` turn those errors, FastAPI's request validation errors,
Starlette's HTTP errors (unknown route 404, 405, auth 401/403) and unexpected
exceptions (500, logged, never shown) into the same document::

    {"type": "urn:journeymap:problem:invalid-journey", "title": "invalid journey",
     "status": 422, "detail": "...", "instance": "/journeys/x",
     "problems": [{"loc": "transitions[3].to", "rule": "unknown-node", "message": "..."}]}
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import compile_path

from journeymap.errors import (
    AnalysisError,
    InvalidInput,
    InvalidJourney,
    JourneymapError,
    LimitExceeded,
    MissingExtra,
    NotFound,
    PreconditionRequired,
    Problem,
    StoreUnavailable,
    VersionConflict,
)

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("journeymap.api")


class BodyTooLarge(LimitExceeded):
    """A request body over ``max_body_bytes`` (HTTP 413; a graph over its limits is 422)."""

    title = "request body too large"


class UnsupportedMediaType(InvalidInput):
    """A request body that is not JSON."""

    title = "unsupported media type"


STATUS: dict[type[JourneymapError], int] = {
    InvalidJourney: 422,
    InvalidInput: 422,
    UnsupportedMediaType: 415,
    LimitExceeded: 422,
    BodyTooLarge: 413,
    AnalysisError: 422,
    NotFound: 404,
    VersionConflict: 412,
    PreconditionRequired: 428,
    StoreUnavailable: 503,
    MissingExtra: 501,  # the server lacks an optional dependency (e.g. DuckDB for an ingest)
}


class ProblemItem(BaseModel):
    """One broken rule at one place."""

    loc: str = Field(description="where: a field path such as `transitions[3].to`, or a query parameter")
    rule: str = Field(description="the rule broken, e.g. `unknown-node`, `share-sum`, `required`")
    message: str


class ProblemDetails(BaseModel):
    """An error answer (RFC 9457 `application/problem+json`)."""

    type: str = Field(description="a URN naming the kind of problem")
    title: str
    status: int
    detail: str
    instance: str | None = Field(default=None, description="the request path")
    problems: list[ProblemItem] | None = Field(
        default=None, description="every validation problem (invalid journeys and requests)"
    )
    current_version: int | None = Field(default=None, description="on 412/428: the journey's version now")


def status_of(error: JourneymapError) -> int:
    """The HTTP status for an error: the nearest class in ``STATUS`` (500 if none)."""
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def problem_response(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """A problem+json response; ``extra`` members with a value of ``None`` are left out."""
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "error"
    title = title or phrase.lower()
    body: dict[str, Any] = {
        "type": "urn:journeymap:problem:" + title.replace(" ", "-"),
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update({k: v for k, v in extra.items() if v is not None})
    return Response(
        json.dumps(body, ensure_ascii=False).encode("utf-8"),
        status_code=status,
        media_type=MEDIA_TYPE,
        headers=headers,
    )


def error_response(error: JourneymapError, instance: str | None = None) -> Response:
    """The problem+json answer for one error of the tree."""
    extra: dict[str, Any] = {}
    detail = error.detail
    if isinstance(error, InvalidJourney):
        extra["problems"] = [p.as_dict() for p in error.problems]
        count = len(error.problems)
        detail = f"the journey breaks {count} rule{'s' if count != 1 else ''}; see problems"
    if isinstance(error, VersionConflict):
        extra["current_version"] = error.current
    headers = {"Retry-After": "5"} if isinstance(error, StoreUnavailable) else None
    return problem_response(
        status_of(error), detail, title=error.title, instance=instance, headers=headers, **extra
    )


def validation_problems(errors: Any) -> list[Problem]:
    """FastAPI/pydantic request errors as problems (``loc`` like ``query.k`` or ``body.experience``)."""
    problems = []
    for err in errors:
        loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.get("loc", ()))
        problems.append(Problem(loc.lstrip("."), str(err.get("type", "invalid")), str(err.get("msg", ""))))
    return problems


async def _journeymap_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, JourneymapError)
    return error_response(exc, request.url.path)


async def _request_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = validation_problems(exc.errors())
    return problem_response(
        422,
        "; ".join(str(p) for p in problems) or "the request is not valid",
        title="invalid request",
        instance=request.url.path,
        problems=[p.as_dict() for p in problems],
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no route {request.url.path}"
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        allowed = _allowed_methods(request)
        headers["Allow"] = ", ".join(allowed)
        detail = f"{request.method} is not allowed on {request.url.path}; use {', '.join(allowed)}"
    return problem_response(exc.status_code, detail, instance=request.url.path, headers=headers)


def _allowed_methods(request: Request) -> list[str]:
    """Every method the API documents for this path (Starlette's Allow names one route's only)."""
    path = request.url.path
    methods: set[str] = set()
    for template, operations in request.app.openapi()["paths"].items():
        if compile_path(template)[0].match(path):
            methods |= {m.upper() for m in operations if m in _METHODS}
    return sorted(methods)


_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(
        500,
        "an internal error occurred; it has been logged",
        instance=request.url.path,
    )


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""
    app.add_exception_handler(JourneymapError, _journeymap_error)
    app.add_exception_handler(RequestValidationError, _request_validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for error statuses, all problem+json."""
    schema = {"$ref": "#/components/schemas/ProblemDetails"}
    return {
        status: {
            "description": _DESCRIPTIONS.get(status, HTTPStatus(status).phrase),
            "content": {MEDIA_TYPE: {"schema": schema}},
        }
        for status in statuses
    }


_DESCRIPTIONS = {
    401: "no API key, or an unknown one (`Authorization: Bearer KEY`)",
    403: "the API key's role may not do this (writes need `editor`)",
    404: "no journey, version or touchpoint with that id",
    412: "`If-Match` names a version that is no longer current; nothing was changed",
    413: "the request body is over the configured size limit",
    415: "the request body is not JSON",
    422: "invalid journey or request: `problems` lists every rule broken, with its place",
    428: 'replacing or changing an existing journey needs `If-Match: "VERSION"`',
    500: "internal error (logged on the server)",
    503: "the store cannot be reached",
}
