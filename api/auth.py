"""API-key authentication: ``Authorization: Bearer KEY``; roles viewer (read) and editor (write).

Keys are held only as SHA-256 digests (``api.settings``); a presented key is
hashed and compared with *every* configured digest by ``hmac.compare_digest``,
so the time taken tells nothing about which key, or how much of one, matched.
With no keys configured the API is open, but only to loopback clients.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException

from api.settings import ApiKey, Role, Settings, key_digest

RANK: dict[str, int] = {"viewer": 1, "editor": 2}
CHALLENGE = 'Bearer realm="journeymap"'

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key: `Authorization: Bearer KEY`. Reads need the viewer role, writes editor.",
)


def role_of(token: str, keys: tuple[ApiKey, ...]) -> Role | None:
    """The role of a presented key, or None; compares against every key in constant time."""
    digest = key_digest(token)
    found: Role | None = None
    for key in keys:
        if hmac.compare_digest(digest, key.digest):
            found = key.role
    return found


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _authenticate(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Role:
    settings: Settings = request.app.state.settings
    if settings.open_access:
        client = request.client.host if request.client else None
        if not is_loopback(client):
            raise HTTPException(403, "no API keys are configured, so only loopback clients are served")
        return "editor"
    if credentials is None:
        raise HTTPException(
            401, "an API key is required: Authorization: Bearer KEY", {"WWW-Authenticate": CHALLENGE}
        )
    role = role_of(credentials.credentials, settings.api_keys)
    if role is None:
        raise HTTPException(
            401, "unknown API key", {"WWW-Authenticate": CHALLENGE + ', error="invalid_token"'}
        )
    return role


def require(role: Role) -> Callable[..., Awaitable[Role]]:
    """A dependency that lets through keys whose role is ``role`` or above."""

    async def check(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Role:
        have = _authenticate(request, credentials)
        if RANK[have] < RANK[role]:
            raise HTTPException(403, f"this needs an API key with the {role} role; yours is {have}")
        return have

    return check


Reader = Annotated[Role, Depends(require("viewer"))]
Editor = Annotated[Role, Depends(require("editor"))]
