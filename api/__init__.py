"""HTTP API of journeymap (FastAPI). Build the app with ``create_app(settings)``.

Nothing is created at import time: no app, no store, no driver. The names
below load FastAPI when first asked for, so ``api.serve`` (the ``journeymap
serve`` command) can be registered where FastAPI is not installed.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from api.app import app_from_env, create_app
    from api.settings import Settings

_HOMES = {"app_from_env": "api.app", "create_app": "api.app", "Settings": "api.settings"}


def __getattr__(name: str) -> Any:
    """``create_app``, ``app_from_env`` and ``Settings``, imported when first asked for."""
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'api' has no attribute {name!r}")


__all__ = ["Settings", "app_from_env", "create_app"]
