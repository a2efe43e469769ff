"""The ``journeymap`` command: a thin Typer adapter over the library.

Errors are mapped to exit codes here and nowhere else (``EXIT_CODES``); no
traceback reaches the user unless ``JOURNEYMAP_DEBUG=1``.
"""

from __future__ import annotations

import os
import sys
from importlib.metadata import version as package_version
from typing import Annotated

import typer

from journeymap.errors import (
    AnalysisError,
    InvalidInput,
    InvalidJourney,
    JourneymapError,
    LimitExceeded,
    MissingExtra,
    NotFound,
    PreconditionRequired,
    StoreUnavailable,
    VersionConflict,
)

app = typer.Typer(
    name="journeymap",
    help="Customer-journey and touchpoint modelling: validate, store, analyse, export.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        print(f"journeymap {package_version('journeymap')}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Customer-journey and touchpoint modelling: validate, store, analyse, export."""


EXIT_CODES: dict[type[JourneymapError], int] = {
    InvalidJourney: 2,
    InvalidInput: 2,
    LimitExceeded: 2,
    AnalysisError: 3,
    NotFound: 4,
    VersionConflict: 5,
    PreconditionRequired: 5,
    StoreUnavailable: 6,
    MissingExtra: 7,
}
INTERNAL_ERROR = 70


def exit_code(error: JourneymapError) -> int:
    """The exit code for an error: the nearest class in ``EXIT_CODES``."""
    for cls in type(error).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return 1


COMMAND_MODULES = ("journeys", "analysis", "fixes", "ingest", "diff", "export", "store_cmds")
PLUGIN_GROUP = "journeymap.commands"
COMMANDS = {  # command -> the module defining it: a command imports only what it needs
    **dict.fromkeys(("validate", "import", "list", "show", "delete", "demo"), "journeys"),
    **dict.fromkeys(("analyze", "paths", "impact", "whatif", "variants"), "analysis"),
    "fixes": "fixes",
    "ingest": "ingest",
    "diff": "diff",
    **dict.fromkeys(("export", "map"), "export"),
    **dict.fromkeys(("store", "cypher"), "store_cmds"),
}


def _register(argv: list[str] | None = None) -> None:
    """Add the commands (each module has ``register(app)``): only the named command's module
    when the command line starts with one of ``COMMANDS``, else all (help, a typo, a plugin's).

    Commands of the layers above the library (``serve``, in ``api``) register
    themselves under the ``journeymap.commands`` entry-point group, so this
    package never imports them.
    """
    import importlib
    from importlib.metadata import entry_points

    args = sys.argv[1:] if argv is None else argv
    wanted = COMMANDS.get(args[0]) if args else None
    for name in (wanted,) if wanted else COMMAND_MODULES:
        module = importlib.import_module(f"journeymap.cli.{name}")
        module.register(app)
    if wanted:
        return
    for plugin in entry_points(group=PLUGIN_GROUP):
        plugin.load()(app)


def main() -> None:
    """Console-script entry point."""
    _register()
    try:
        app()
    except JourneymapError as error:
        print(f"error: {error.detail}", file=sys.stderr)
        sys.exit(exit_code(error))
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:
        if os.environ.get("JOURNEYMAP_DEBUG"):
            raise
        print(f"internal error: {type(error).__name__}: {error}", file=sys.stderr)
        print("(set JOURNEYMAP_DEBUG=1 for the traceback and please report it)", file=sys.stderr)
        sys.exit(INTERNAL_ERROR)
