"""A wheel built from the source tree carries every Cypher statement, and an install from
it finds them without the source tree (no editable install, no JOURNEYMAP_CYPHER_DIR)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_the_cypher_statements_and_finds_them(tmp_path: Path) -> None:
    # pip builds in an isolated environment with the build backend from the package index
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("journeymap-*.whl")
    expected = {p.relative_to(ROOT / "cypher").as_posix() for p in (ROOT / "cypher").rglob("*.cypher")}
    with zipfile.ZipFile(wheel) as archive:
        shipped = {
            name.removeprefix("journeymap/cypher/")
            for name in archive.namelist()
            if name.startswith("journeymap/cypher/")
        }
        names = archive.namelist()
        editor = {n.removeprefix("api/editor/") for n in names if n.startswith("api/editor/")}
        archive.extractall(tmp_path / "site")
    assert expected and shipped == expected
    assert editor == {p.name for p in (ROOT / "api" / "editor").iterdir()}  # the editor page's files

    env = {k: v for k, v in os.environ.items() if k != "JOURNEYMAP_CYPHER_DIR"}
    site = str(tmp_path / "site")
    probe = (
        f"import sys; sys.path.insert(0, {site!r}); import journeymap.queries as c; "
        "print(c.cypher_dir()); print(len(c.names()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=env, check=True
    )
    folder, count = done.stdout.splitlines()
    assert Path(folder) == tmp_path / "site" / "journeymap" / "cypher"
    assert int(count) == len(expected)
