"""Commands that write a journey for other tools: ``export`` and ``map``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from journeymap.cli.common import err_console, print_json, resolve_journey
from journeymap.errors import InvalidInput
from journeymap.export import BINARY_FORMATS, ExportFormat, export_journey, map_html
from journeymap.export.mappage import headless

AsJson = Annotated[bool, typer.Option("--json", help="Print what was written (path, bytes) as JSON.")]
MapFormat = Literal["html", "png", "pdf"]
MEDIA_TYPES = {"html": "text/html", "png": "image/png", "pdf": "application/pdf"}


def export(
    file_or_id: Annotated[str, typer.Argument(metavar="FILE_OR_ID", help="A journey file or a stored id.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="The format to write.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    with_analysis: Annotated[
        bool,
        typer.Option("--with-analysis", help="Add reach, pain, priority, carried, removal effect, flows."),
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Export a journey for Gephi, yEd, Cytoscape, D3, Graphviz, Mermaid, neo4j-admin or Cypher."""
    if as_json and output is None:
        raise InvalidInput("--json describes the file written: give -o FILE (stdout carries the export)")
    if output is None and fmt in BINARY_FORMATS and sys.stdout.isatty():
        raise InvalidInput(f"--format {fmt} is a zip archive: give -o FILE or redirect stdout")
    journey = resolve_journey(file_or_id)
    result = export_journey(journey, fmt, with_analysis=with_analysis)
    if output is None:
        sys.stdout.buffer.write(result.content)
        sys.stdout.flush()
        return
    _write(output, result.content)
    _report(
        as_json,
        {
            "journey": journey.id,
            "format": fmt,
            "output": str(output),
            "media_type": result.media_type,
            "bytes": len(result.content),
            "with_analysis": with_analysis,
        },
        f"wrote {output} ({result.media_type}, {len(result.content)} bytes)",
    )


def map_(
    file_or_id: Annotated[str, typer.Argument(metavar="FILE_OR_ID", help="A journey file or a stored id.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="The file to write (default: map.html, .png or .pdf)."),
    ] = None,
    fmt: Annotated[
        MapFormat,
        typer.Option("--format", "-f", help="html (the page), png (a picture) or pdf (landscape pages)."),
    ] = "html",
    width: Annotated[
        int, typer.Option("--width", help="PNG width in pixels (the page as that wide a screen).")
    ] = 1600,
    alpha: Annotated[float, typer.Option("--alpha", help="Memory of carried experience, in (0, 1].")] = 0.5,
    as_json: AsJson = False,
) -> None:
    """Write the journey map: a self-contained HTML page (no network needed), or drawn as PNG or
    PDF by headless Chromium."""
    journey = resolve_journey(file_or_id)
    page = map_html(journey, alpha=alpha)
    content = page.encode("utf-8") if fmt == "html" else headless.draw(page, fmt, width)
    target = output or Path(f"map.{fmt}")
    _write(target, content)
    _report(
        as_json,
        {"journey": journey.id, "output": str(target), "media_type": MEDIA_TYPES[fmt], "bytes": len(content)},
        f"wrote {target}",
    )


def _report(as_json: bool, document: dict[str, Any], message: str) -> None:
    """What was written: the JSON document on stdout, or a line on stderr."""
    if as_json:
        print_json(document)
    else:
        err_console.print(message, markup=False)


def _write(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as error:
        raise InvalidInput(f"cannot write {path}: {error.strerror or error}") from None


def register(app: typer.Typer) -> None:
    app.command()(export)
    app.command("map")(map_)
