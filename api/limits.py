"""Size limits: request bodies (413, counted while reading) and journey graphs (422)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import BodyTooLarge, error_response
from journeymap.errors import LimitExceeded
from journeymap.model import Journey

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class BodySizeLimit:
    """ASGI middleware: refuse bodies over ``max_bytes`` with 413 before the app sees them.

    ``Content-Length`` is checked first (cheap refusal), but the limit is enforced on
    the bytes actually received, so chunked bodies or a lying header cannot pass.
    The whole (small) body is read here and handed on to the app.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, receive, send, declared)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send, None)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, declared: int | None) -> None:
        size = f"{declared} bytes" if declared is not None else "the body"
        error = BodyTooLarge(
            f"{size} is over the limit of {self.max_bytes} bytes (JOURNEYMAP_MAX_BODY_BYTES)"
        )
        response = error_response(error, scope.get("path"))
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def check_graph_limits(journey: Journey, max_nodes: int, max_edges: int) -> None:
    """Raise ``LimitExceeded`` for a journey over the node or edge limit."""
    nodes = 1 + len(journey.touchpoints) + len(journey.outcomes)
    if nodes > max_nodes:
        raise LimitExceeded(
            f"journey '{journey.id}' has {nodes} nodes (entry, touchpoints, outcomes), "
            f"over the limit of {max_nodes} (JOURNEYMAP_MAX_NODES)"
        )
    edges = len(journey.transitions)
    if edges > max_edges:
        raise LimitExceeded(
            f"journey '{journey.id}' has {edges} transitions, over the limit of {max_edges} "
            "(JOURNEYMAP_MAX_EDGES)"
        )


def check_count(what: str, count: int, limit: int, variable: str) -> None:
    """Raise ``LimitExceeded`` when a request names more items than a limit allows."""
    if count > limit:
        raise LimitExceeded(f"{count} {what} is over the limit of {limit} ({variable})")
