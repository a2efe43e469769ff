"""Settings of the HTTP API, read from the environment at the edge (``Settings.from_env``).

==============================  ==========================================================
variable                        meaning
==============================  ==========================================================
``JOURNEYMAP_STORE``            store URL (``sqlite:///journeymap.db`` by default)
``JOURNEYMAP_API_KEYS``         ``editor:KEY1,viewer:KEY2`` (role ``viewer`` or ``editor``)
``JOURNEYMAP_API_KEYS_FILE``    a file of ``role:key`` entries, one per line (``#`` comments)
``JOURNEYMAP_MAX_BODY_BYTES``   largest request body accepted (413 above it)
``JOURNEYMAP_MAX_NODES``        most nodes (entry + touchpoints + outcomes) in a journey
``JOURNEYMAP_MAX_EDGES``        most transitions in a journey
``JOURNEYMAP_CACHE_ENTRIES``    analysis results kept in memory (0 turns the cache off)
``JOURNEYMAP_CORS_ORIGINS``     browser origins allowed to call the API, comma-separated
                                (``https://tool.example.com``, or ``*``); unset = no CORS
==============================  ==========================================================

API keys are hashed (SHA-256) as soon as they are read; the plain keys are not kept.

Why not pydantic-settings: weighed and left out. Two of the variables have formats of their
own (``role:key`` lists, possibly from a file; origin lists) that need these parsers either
way, ``from_env`` takes any mapping (tests and embedding applications pass their own), and
the few numbers are already validated by this pydantic model; the library would add a
dependency without removing code.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from journeymap.errors import InvalidInput
from journeymap.store import DEFAULT_URL

Role = Literal["viewer", "editor"]
ROLES: tuple[Role, ...] = ("viewer", "editor")


def key_digest(key: str) -> bytes:
    """The SHA-256 digest an API key is held as."""
    return hashlib.sha256(key.encode("utf-8")).digest()


class ApiKey(BaseModel):
    """One configured key: its role and the digest of the key (never the key)."""

    model_config = ConfigDict(frozen=True)

    role: Role
    digest: bytes = Field(repr=False)


class Settings(BaseModel):
    """Everything ``api.create_app`` needs; build from the environment with ``from_env``."""

    model_config = ConfigDict(frozen=True)

    store_url: str = DEFAULT_URL
    api_keys: tuple[ApiKey, ...] = ()
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1)
    max_nodes: int = Field(default=2_000, ge=2)
    max_edges: int = Field(default=20_000, ge=1)
    cache_entries: int = Field(default=1_024, ge=0)
    cors_origins: tuple[str, ...] = ()

    @property
    def open_access(self) -> bool:
        """No keys configured: every loopback client may read and write."""
        return not self.api_keys

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``JOURNEYMAP_*`` variables; a bad value raises ``InvalidInput``."""
        env = os.environ if env is None else env
        values: dict[str, object] = {"store_url": env.get("JOURNEYMAP_STORE") or DEFAULT_URL}
        keys = parse_api_keys(env.get("JOURNEYMAP_API_KEYS", ""), "JOURNEYMAP_API_KEYS")
        key_file = env.get("JOURNEYMAP_API_KEYS_FILE")
        if key_file:
            keys += parse_api_keys(_read_key_file(key_file), key_file)
        values["api_keys"] = _unique(keys)
        values["cors_origins"] = parse_origins(env.get("JOURNEYMAP_CORS_ORIGINS", ""))
        numbers = {
            "max_body_bytes": "JOURNEYMAP_MAX_BODY_BYTES",
            "max_nodes": "JOURNEYMAP_MAX_NODES",
            "max_edges": "JOURNEYMAP_MAX_EDGES",
            "cache_entries": "JOURNEYMAP_CACHE_ENTRIES",
        }
        for field, variable in numbers.items():
            if env.get(variable):
                values[field] = _integer(variable, env[variable])
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            variable = numbers.get(str(first["loc"][0]), str(first["loc"][0]))
            raise InvalidInput(f"{variable}: {first['msg']}") from None


def parse_origins(text: str) -> tuple[str, ...]:
    """The origins of ``JOURNEYMAP_CORS_ORIGINS``: ``scheme://host[:port]`` each, or ``*``.

    >>> parse_origins(" https://a.example, http://localhost:5173/ ")
    ('https://a.example', 'http://localhost:5173')
    >>> parse_origins("a.example")
    Traceback (most recent call last):
    journeymap.errors.InvalidInput: JOURNEYMAP_CORS_ORIGINS: 'a.example' is not an origin ...
    """
    origins = []
    for part in text.split(","):
        origin = part.strip().rstrip("/")
        if not origin:
            continue
        scheme, _, rest = origin.partition("://")
        if origin != "*" and (scheme not in ("http", "https") or not rest or "/" in rest):
            raise InvalidInput(
                f"JOURNEYMAP_CORS_ORIGINS: '{part.strip()}' is not an origin (scheme://host[:port]) or *"
            )
        origins.append(origin)
    return tuple(origins)


def parse_api_keys(text: str, source: str) -> tuple[ApiKey, ...]:
    """Parse ``role:key`` entries separated by commas or new lines (``#`` starts a comment).

    >>> [k.role for k in parse_api_keys("editor:s3cret-1, viewer:s3cret-2", "env")]
    ['editor', 'viewer']
    """
    keys = []
    for number, line in enumerate(text.splitlines(), start=1):
        for entry in line.split("#", 1)[0].split(","):
            entry = entry.strip()
            if not entry:
                continue
            role, sep, key = entry.partition(":")
            role, key = role.strip(), key.strip()
            if not sep or not key:
                raise InvalidInput(f"{source} line {number}: expected 'role:key', got '{role}:…'")
            if role not in ROLES:
                raise InvalidInput(f"{source} line {number}: role '{role}' is not one of viewer, editor")
            keys.append(ApiKey(role=role, digest=key_digest(key)))
    return tuple(keys)


def _read_key_file(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"JOURNEYMAP_API_KEYS_FILE={path}: cannot read ({exc})") from None


def _unique(keys: tuple[ApiKey, ...]) -> tuple[ApiKey, ...]:
    roles: dict[bytes, str] = {}
    for key in keys:
        if roles.setdefault(key.digest, key.role) != key.role:
            raise InvalidInput("the same API key is configured with two roles; give each key one role")
    return tuple({k.digest: k for k in keys}.values())


def _integer(variable: str, text: str) -> int:
    try:
        return int(text.replace("_", ""))
    except ValueError:
        raise InvalidInput(f"{variable}={text!r} is not a whole number") from None
