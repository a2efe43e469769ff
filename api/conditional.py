"""ETag / If-Match: a journey's ETag is its version, e.g. ``ETag: "3"``.

Writes that change an existing journey must say which version they change
(``If-Match: "3"``); the store checks it atomically, so of two clients editing
the same version only the first write lands and the second gets 412.
``If-Match: *`` means "whatever version is current"; a weak tag (``W/"3"``) or a
bare number is read as the same version.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from journeymap.errors import PreconditionRequired, VersionConflict

IfMatch = Literal["*"] | frozenset[int]


def etag(version: int) -> str:
    """The ETag header value of a journey version.

    >>> etag(3)
    '"3"'
    """
    return f'"{version}"'


def parse_if_match(header: str | None) -> IfMatch | None:
    """The versions an ``If-Match`` header names; None when absent.

    >>> sorted(parse_if_match('"3", W/"4", 5, junk'))
    [3, 4, 5]
    >>> parse_if_match(" * ")
    '*'
    """
    if header is None:
        return None
    header = header.strip()
    if header == "*":
        return "*"
    versions = set()
    for part in header.split(","):
        tag = part.strip().removeprefix("W/").strip()
        if len(tag) >= 2 and tag[0] == tag[-1] == '"':
            tag = tag[1:-1]
        if tag.isascii() and tag.isdigit() and len(tag) <= 18:
            versions.add(int(tag))
    return frozenset(versions)


def expected_version(journey_id: str, header: str | None, current: Callable[[], int | None]) -> int:
    """The version a conditional write must find; raises 428/412 errors.

    ``current`` is asked only when the header alone cannot say (``*`` or a list).
    """
    tags = parse_if_match(header)
    if tags is None:
        now = current()
        state = f"is at version {now}" if now is not None else "does not exist"
        hint = f'If-Match: "{now}"' if now is not None else "If-Match"
        raise PreconditionRequired(
            f"journey '{journey_id}' {state}; changing it needs {hint} naming the version you change"
        )
    if tags != "*" and len(tags) == 1:
        return next(iter(tags))
    now = current()
    if now is not None and (tags == "*" or now in tags):
        return now
    conflict = VersionConflict(journey_id, min(tags) if tags and tags != "*" else None, now)
    if not tags:
        conflict.detail = (
            f"If-Match {header!r} names no version of journey '{journey_id}'; nothing was changed"
        )
    elif now is None:
        conflict.detail = f"journey '{journey_id}' does not exist; nothing was changed"
    raise conflict
