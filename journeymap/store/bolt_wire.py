"""The wire side of the Bolt store: URLs and credentials, the driver, FalkorDB-safe parameters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import neo4j
from neo4j import exceptions as neo4j_errors

from journeymap.errors import InvalidInput

CONNECT_TIMEOUT = 1.0


def has_text(value: Any) -> bool:
    if isinstance(value, str | float):
        return True
    if isinstance(value, Mapping):
        return any(has_text(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(has_text(v) for v in value)
    return False


def falkordb_escaped(value: Any) -> Any:
    r"""Strings escaped for FalkorDB's Bolt endpoint, which splices parameters into the query
    inside single quotes without escaping them (``'`` breaks the query, ``\b`` turns into a
    backspace); escaped, every string arrives unchanged.

    >>> falkordb_escaped({"name": "it's", "tags": ["a\\b"]})
    {'name': "it\\'s", 'tags': ['a\\\\b']}
    """
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("'", "\\'")
    if isinstance(value, float) and float(f"{value:f}") != value:
        raise InvalidInput(
            f"float parameter {value!r} would arrive rounded to six decimals (FalkorDB's Bolt "
            "endpoint); the store sends floats as exact [m, e] pairs"
        )
    if isinstance(value, Mapping):
        return {k: falkordb_escaped(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [falkordb_escaped(v) for v in value]
    return value


def split_url(url: str, env: Mapping[str, str]) -> tuple[str, tuple[str, str] | None, str | None]:
    """The URL without credentials, the auth pair (URL first, then env), and the database."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise InvalidInput(f"JOURNEYMAP_STORE={url!r}: no host in the Bolt URL")
    user = unquote(parts.username) if parts.username else env.get("JOURNEYMAP_NEO4J_USER")
    password = unquote(parts.password) if parts.password else env.get("JOURNEYMAP_NEO4J_PASSWORD")
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    auth = (user, password or "") if user else None
    return clean, auth, env.get("JOURNEYMAP_NEO4J_DATABASE") or None


def make_driver(
    url: str, auth: tuple[str, str] | None, connect_timeout: float = CONNECT_TIMEOUT
) -> neo4j.Driver:
    """A driver with a short connect timeout and no long built-in retry.

    The driver bounds the Bolt handshake by the *acquisition* timeout, so that one is
    kept short too: a stalled handshake (FalkorDB's, after another client left) then
    costs about ``1.5 × connect_timeout`` before the store's own retry connects at once.
    """
    try:
        return neo4j.GraphDatabase.driver(
            url,
            auth=auth,
            connection_timeout=connect_timeout,
            connection_acquisition_timeout=1.5 * connect_timeout,
            max_transaction_retry_time=0,
        )
    except (ValueError, neo4j_errors.ConfigurationError) as exc:
        raise InvalidInput(f"bad Bolt URL {url!r}: {exc}") from None
