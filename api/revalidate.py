"""``If-None-Match`` on GET and HEAD: 304 Not Modified when the client's tag is the response's ETag.

A pure ASGI middleware: the route answers as usual (auth and errors first, so
a 304 never leaks what a 401/404 would hide), and when that answer is a 200
whose ``ETag`` the request's ``If-None-Match`` names, the client gets a 304 with
the ``ETag``, ``Cache-Control`` and ``Vary`` headers and no body (RFC 9110
§13.1.2: weak comparison, ``*`` matches any tag).
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_KEPT = {b"etag", b"cache-control", b"vary", b"content-location", b"date", b"expires"}


def matches(if_none_match: str, tag: str) -> bool:
    """Whether an ``If-None-Match`` value names ``tag`` (weak comparison).

    >>> matches('W/"3", "4"', '"3"'), matches("*", '"9"'), matches('"2"', '"3"')
    (True, True, False)
    """
    if if_none_match.strip() == "*":
        return True
    want = tag.strip().removeprefix("W/")
    return any(part.strip().removeprefix("W/") == want for part in if_none_match.split(","))


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


class NotModified:
    """Answer 304 to a conditional GET/HEAD whose tag is current."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        wanted = _header(scope["headers"], b"if-none-match")
        if wanted is None:
            await self.app(scope, receive, send)
            return
        replaced = False

        async def send_or_304(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start":
                tag = _header(message["headers"], b"etag")
                if message["status"] == 200 and tag is not None and matches(wanted, tag):
                    replaced = True
                    headers = [(k, v) for k, v in message["headers"] if k.lower() in _KEPT]
                    await send({"type": "http.response.start", "status": 304, "headers": headers})
                    return
            elif replaced:
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send(message)

        await self.app(scope, receive, send_or_304)
