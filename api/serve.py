"""``journeymap serve``: run the HTTP API with uvicorn.

The command registers itself with the CLI through the ``journeymap.commands``
entry point (``pyproject.toml``), so the library never imports the API. This
module imports neither FastAPI nor uvicorn until the command runs; without
them it says to install ``journeymap[api]``.
"""

from __future__ import annotations

import re
from typing import Annotated

import typer

from journeymap.cli.common import err_console
from journeymap.errors import InvalidInput
from journeymap.extras import require
from journeymap.store import open_store


def _redacted(url: str) -> str:
    """A store URL without any user:password part."""
    return re.sub(r"//[^/@]*@", "//…@", url)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=0, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (one per core is a good start).", min=1)] = 1,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = True,
) -> None:
    """Serve the HTTP API (OpenAPI at /openapi.json, docs at /docs) over the configured store."""
    require("api")
    import uvicorn

    from api.auth import is_loopback
    from api.settings import Settings

    settings = Settings.from_env()  # fail early, with a clear message, on bad settings
    open_store(settings.store_url).close()  # ... and on a store that cannot be opened
    if settings.open_access:
        if not is_loopback(host):
            raise InvalidInput(
                f"refusing to listen on {host} without API keys: set JOURNEYMAP_API_KEYS "
                "(e.g. 'editor:KEY1,viewer:KEY2') or JOURNEYMAP_API_KEYS_FILE, or use --host 127.0.0.1"
            )
        err_console.print(
            "[yellow]no API keys configured: open access, listening on loopback only[/yellow] "
            "(set JOURNEYMAP_API_KEYS or JOURNEYMAP_API_KEYS_FILE to require keys)"
        )
    else:
        err_console.print(f"{len(settings.api_keys)} API key(s) configured")
    err_console.print(f"store: {_redacted(settings.store_url)}; API on http://{host}:{port} (docs at /docs)")
    uvicorn.run(
        "api:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        log_level="info",
    )


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the ``journeymap`` command (the ``journeymap.commands`` entry point)."""
    app.command()(serve)
