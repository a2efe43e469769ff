"""The journey editor: a page for CX designers, served by the API and talking only to it.

``GET /edit`` opens an empty journey, ``GET /journeys/{id}/edit`` a stored one. The
page is static (no journey data in it, so it needs no API key to load); its script
reads and writes the journey through this API (``PUT /journeys/{id}`` with
``If-Match``) with the key the user types, and redraws the analysis from
``/analysis`` and ``/paths`` after each save. Assets are plain ES modules shipped in
the package (``api/editor``); a Content-Security-Policy allows nothing but the API's
own origin.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from api.runtime import JourneyId
from journeymap.errors import NotFound

# Pages for people, like /docs: left out of the OpenAPI document (they take no key and return HTML).
router = APIRouter(tags=["editor"])

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
ASSET_NAME = r"^[a-z]+\.(js|css|svg)$"


def editor_asset(name: str) -> bytes:
    """The bytes of one file of the editor (``NotFound`` for a name it does not ship)."""
    resource = files("api").joinpath("editor", name)
    if not resource.is_file():
        raise NotFound(f"the editor has no file '{name}'")
    return resource.read_bytes()


def _page(request: Request) -> Response:
    root = request.scope.get("root_path", "").rstrip("/")
    html = editor_asset("editor.html").decode("utf-8").replace("{{ROOT}}", root)
    return Response(html, media_type=MEDIA_TYPES[".html"], headers=SECURITY_HEADERS)


@router.get(
    "/edit", summary="The journey editor on a new journey", response_class=Response, include_in_schema=False
)
def new_journey_page(request: Request) -> Response:
    return _page(request)


@router.get(
    "/journeys/{journey_id}/edit",
    summary="The journey editor on a stored journey (the page loads it with your API key)",
    response_class=Response,
    include_in_schema=False,
)
def edit_journey_page(request: Request, journey_id: JourneyId) -> Response:
    return _page(request)


@router.get(
    "/editor/{name}",
    summary="A script or style sheet of the editor page",
    response_class=Response,
    include_in_schema=False,
)
def editor_file(name: Annotated[str, Path(pattern=ASSET_NAME)]) -> Response:
    suffix = name[name.rindex(".") :]
    return Response(editor_asset(name), media_type=MEDIA_TYPES[suffix], headers=SECURITY_HEADERS)
