"""``journeymap serve``: run the HTTP API with uvicorn (the API is imported only here, lazily)."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from journeymap.cli.common import err_console
from journeymap.errors import InvalidInput


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
    import uvicorn

    from api.auth import is_loopback
    from api.settings import Settings

    settings = Settings.from_env()  # fail early, with a clear message, on bad settings
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
    app.command()(serve)
