"""Commands that write a journey for other tools: ``export`` and ``map``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from journeymap.cli.common import err_console, resolve_journey
from journeymap.errors import InvalidInput
from journeymap.export import BINARY_FORMATS, FORMATS, export_journey, map_html


def export(
    file_or_id: Annotated[str, typer.Argument(metavar="FILE_OR_ID", help="A journey file or a stored id.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    with_analysis: Annotated[
        bool,
        typer.Option("--with-analysis", help="Add reach, pain, priority, carried, removal effect, flows."),
    ] = False,
) -> None:
    """Export a journey for Gephi, yEd, Cytoscape, D3, Graphviz, Mermaid, neo4j-admin or Cypher."""
    if fmt not in FORMATS:
        raise InvalidInput(f"--format: '{fmt}' is not one of {', '.join(FORMATS)}")
    if output is None and fmt in BINARY_FORMATS and sys.stdout.isatty():
        raise InvalidInput(f"--format {fmt} is a zip archive: give -o FILE or redirect stdout")
    result = export_journey(resolve_journey(file_or_id), fmt, with_analysis=with_analysis)
    if output is None:
        sys.stdout.buffer.write(result.content)
        sys.stdout.flush()
        return
    _write(output, result.content)
    err_console.print(f"wrote {output} ({result.media_type}, {len(result.content)} bytes)")


def map_(
    file_or_id: Annotated[str, typer.Argument(metavar="FILE_OR_ID", help="A journey file or a stored id.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")] = Path(
        "map.html"
    ),
    alpha: Annotated[float, typer.Option("--alpha", help="Memory of carried experience, in (0, 1].")] = 0.5,
) -> None:
    """Write the journey map: one self-contained HTML page (no network needed)."""
    page = map_html(resolve_journey(file_or_id), alpha=alpha)
    _write(output, page.encode("utf-8"))
    err_console.print(f"wrote {output}")


def _write(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as error:
        raise InvalidInput(f"cannot write {path}: {error.strerror or error}") from None


def register(app: typer.Typer) -> None:
    app.command()(export)
    app.command("map")(map_)
