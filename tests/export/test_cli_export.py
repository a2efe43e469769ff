"""``journeymap export`` and ``journeymap map`` as a user runs them: real subprocesses, files, exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path

import networkx as nx
import pytest

from journeymap.export.tabular import FILES
from tests.cli import run_cli_bytes
from tests.export.journeys import FIXTURES

FIXTURE = FIXTURES[0]


def run(*args: str, store: Path) -> subprocess.CompletedProcess[bytes]:
    return run_cli_bytes(*args, store_url=f"sqlite:///{store}")


def test_export_to_stdout_and_to_a_file(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    shown = run("export", str(FIXTURE), "--format", "d3", store=db)
    assert shown.returncode == 0, shown.stderr
    document = json.loads(shown.stdout.decode("utf-8"))
    assert len(document["nodes"]) > 0
    out = tmp_path / "j.graphml"
    written = run("export", str(FIXTURE), "-f", "graphml", "--with-analysis", "-o", str(out), store=db)
    assert written.returncode == 0, written.stderr
    g = nx.read_graphml(out)
    assert any("reach" in d for _, d in g.nodes(data=True))


def test_export_of_a_stored_journey_by_id(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    assert run("import", str(FIXTURE), store=db).returncode == 0
    journey_id = json.loads(run("export", str(FIXTURE), "-f", "d3", store=db).stdout)["graph"]["id"]
    by_id = run("export", journey_id, "-f", "mermaid", store=db)
    assert by_id.returncode == 0, by_id.stderr
    assert by_id.stdout.decode("utf-8").splitlines()[1] == "flowchart LR"
    missing = run("export", "no-such-journey", "-f", "mermaid", store=db)
    assert missing.returncode == 4 and b"Traceback" not in missing.stderr


def test_csv_zip_goes_to_a_file_or_a_pipe(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    piped = run("export", str(FIXTURE), "-f", "csv", store=db)
    assert piped.returncode == 0, piped.stderr
    assert zipfile.ZipFile(io.BytesIO(piped.stdout)).namelist() == list(FILES)
    out = tmp_path / "j.zip"
    assert run("export", str(FIXTURE), "-f", "csv", "-o", str(out), store=db).returncode == 0
    assert out.read_bytes() == piped.stdout
    assert zipfile.ZipFile(out).read("nodes.csv").decode("utf-8").startswith(":ID(Node),:LABEL")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "pdf"], b"'pdf' is not one of 'graphml', 'gexf'"),
        (["--format", "dot", "-o", "/no/such/dir/x.dot"], b"cannot write"),
    ],
)
def test_bad_requests_exit_2_with_a_clear_message(tmp_path: Path, args: list[str], message: bytes) -> None:
    result = run("export", str(FIXTURE), *args, store=tmp_path / "cli.db")
    assert result.returncode == 2
    assert message in result.stderr and b"Traceback" not in result.stderr


def test_map_writes_one_self_contained_page(tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    result = run("map", str(FIXTURE), "-o", str(out), store=tmp_path / "cli.db")
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'data-touchpoint="' in page
    bad = run("map", str(FIXTURE), "--alpha", "0", "-o", str(out), store=tmp_path / "cli.db")
    assert bad.returncode == 2 and b"alpha" in bad.stderr and b"Traceback" not in bad.stderr


def test_map_draws_png_and_pdf_through_headless_chromium(tmp_path: Path) -> None:
    png = tmp_path / "map.png"
    result = run(
        "map", str(FIXTURE), "--format", "png", "--width", "900", "-o", str(png), store=tmp_path / "c.db"
    )
    assert result.returncode == 0, result.stderr
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(head[16:20], "big") == 900
    pdf = tmp_path / "map.pdf"
    result = run("map", str(FIXTURE), "--format", "pdf", "-o", str(pdf), store=tmp_path / "c.db")
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes().startswith(b"%PDF-")
    for args, message in (
        (["--format", "svg"], b"'svg' is not one of"),
        (["-f", "png", "--width", "5"], b"width"),
    ):
        bad = run("map", str(FIXTURE), *args, "-o", str(tmp_path / "x"), store=tmp_path / "c.db")
        assert bad.returncode == 2 and message in bad.stderr and b"Traceback" not in bad.stderr
