"""Path tables of multi-touch attribution -> journey.

The convention of attribution tools (e.g. ChannelAttribution): one row per
distinct path, ``path;total_conversions;total_null``, touchpoints separated by
`` > ``. Each path's customers enter at its first touchpoint, walk it, and end
in ``conversion`` (success) or ``null`` (failure), so the journey's removal
effects are the first-order Markov removal effects of attribution.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import sys
from collections import defaultdict
from pathlib import Path

from journeymap.errors import InvalidInput
from journeymap.ingest.build import touchpoint_document
from journeymap.ingest.ids import slug_ids
from journeymap.model import ENTRY, Journey, Scale, parse_journey

SUCCESS, FAILURE, STAGE = "conversion", "null", "paths"
COLUMNS = ("path", "total_conversions", "total_null")


def read_path_table(text: str, source: str = "path table") -> list[tuple[list[str], float, float]]:
    """Rows of (touchpoint names, conversions, nulls); ``InvalidInput`` names a bad line.

    The delimiter is the first of ``;``, tab and ``,`` in the header; repeats of a
    touchpoint in a row collapse into one; blank rows are skipped.

    Parameters
    ----------
    text : str
        The path table: ``path;total_conversions;total_null`` rows.
    source : str
        Where the table came from (named in errors).

    Returns
    -------
    list of tuple
        Per row: the touchpoint names in order, the conversions and the nulls.

    Raises
    ------
    InvalidInput
        An empty table, a missing column, a short row, a count that is no number >= 0, an
        empty path, or customers adding up past the largest float.

    Examples
    --------
    >>> read_path_table("path;total_conversions;total_null\\nA > B > B;2;1\\nB;0;3\\n")
    [(['A', 'B'], 2.0, 1.0), (['B'], 0.0, 3.0)]
    >>> read_path_table("path;total_conversions;total_null\\nA;two;1\\n", "mta.csv")
    Traceback (most recent call last):
    ...
    journeymap.errors.InvalidInput: mta.csv: line 2: total_conversions: 'two' is not a count >= 0
    """
    lines = text.lstrip("\ufeff").splitlines()
    if not lines:
        raise InvalidInput(f"{source}: empty path table")
    delimiter = next((d for d in (";", "\t", ",") if d in lines[0]), ";")
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InvalidInput(
            f"{source}: line 1: missing column(s) {', '.join(missing)} (need {';'.join(COLUMNS)})"
        )
    where = {c: header.index(c) for c in COLUMNS}
    rows = []
    total = 0.0
    for line_no, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        at = f"{source}: line {line_no}"
        if len(cells) <= max(where.values()):
            raise InvalidInput(f"{at}: {len(cells)} fields, need {';'.join(COLUMNS)}")
        try:
            conversions, nulls = (_count(c, cells[where[c]]) for c in COLUMNS[1:])
        except ValueError as exc:
            raise InvalidInput(f"{at}: {exc}") from None
        total += conversions + nulls
        if not math.isfinite(total):
            largest = f"{sys.float_info.max:.4g}"
            raise InvalidInput(f"{at}: the customers add up past the largest number ({largest})")
        names = _collapse([n.strip() for n in cells[where["path"]].split(">") if n.strip()])
        if not names:
            raise InvalidInput(f"{at}: empty path")
        rows.append((names, conversions, nulls))
    return rows


def journey_from_path_table(
    text: str, journey_id: str, name: str | None = None, source: str = "path table"
) -> Journey:
    """A journey whose transition counts are the customers walking each path.

    Parameters
    ----------
    text : str
        The path table: ``path;total_conversions;total_null`` rows, touchpoints separated by `` > ``.
    journey_id : str
        The journey's id.
    name : str, optional
        Its name.
    source : str
        Where the table came from (named in errors).

    Returns
    -------
    Journey
        Outcomes ``conversion`` (success) and ``null`` (failure).

    Raises
    ------
    InvalidInput
        A malformed table, naming the line.

    Examples
    --------
    >>> j = journey_from_path_table("path;total_conversions;total_null\\nA > B;2;1\\nB;0;3\\n", "mta")
    >>> sorted((t.source, t.target, t.weight) for t in j.transitions if t.source == "b")
    [('b', 'conversion', 2.0), ('b', 'null', 4.0)]
    """
    rows = read_path_table(text, source)
    order = list(dict.fromkeys(n for names, _, _ in rows for n in names))
    ids = slug_ids(order, {ENTRY, SUCCESS, FAILURE, STAGE})
    counts: dict[tuple[str, str], float] = defaultdict(float)
    for names, conversions, nulls in rows:
        walkers = conversions + nulls
        if walkers == 0:
            continue
        steps = [ENTRY, *(ids[n] for n in names)]
        for a, b in itertools.pairwise(steps):
            counts[(a, b)] += walkers
        for outcome, n in ((SUCCESS, conversions), (FAILURE, nulls)):
            if n:
                counts[(steps[-1], outcome)] += n
    used = {node for pair in counts for node in pair}
    if not counts:
        raise InvalidInput(f"{source}: no path has any customers")
    scale = Scale()
    document = {
        "id": journey_id,
        "name": name or f"Paths from {source}",
        "scale": scale.model_dump(),
        "stages": [{"id": STAGE, "name": "Paths", "phase": "sale"}],
        "touchpoints": [
            touchpoint_document(ids[n], None, STAGE, None, scale) | {"name": n}
            for n in order
            if ids[n] in used
        ],
        "outcomes": [
            {"id": oid, "name": oid, "kind": kind}
            for oid, kind in ((SUCCESS, "success"), (FAILURE, "failure"))
            if oid in used
        ],
        "transitions": [{"from": a, "to": b, "customers": n} for (a, b), n in counts.items()],
    }
    return parse_journey(document, source)


def load_path_table(path: str | Path, journey_id: str, name: str | None = None) -> Journey:
    """Read a path-table file (UTF-8 text) into a journey.

    Parameters
    ----------
    path : str or Path
        The path-table file.
    journey_id : str
        The journey's id.
    name : str, optional
        Its name (default: ``Paths from`` the file).

    Returns
    -------
    Journey
        As ``journey_from_path_table`` builds it.

    Raises
    ------
    InvalidInput
        A missing or unreadable file, or a malformed table.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> table = pathlib.Path(tempfile.mkdtemp()) / "paths.csv"
    >>> _ = table.write_text("path;total_conversions;total_null\\nA > B;2;1\\nB;0;3\\n")
    >>> journey = load_path_table(table, "mta")
    >>> journey.id, [t.id for t in journey.touchpoints], [o.id for o in journey.outcomes]
    ('mta', ['a', 'b'], ['conversion', 'null'])
    >>> load_path_table(table.with_name("none.csv"), "mta")
    Traceback (most recent call last):
    ...
    journeymap.errors.InvalidInput: .../none.csv: no such file
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot read ({exc})") from None
    return journey_from_path_table(text, journey_id, name, str(path))


def _count(column: str, cell: str) -> float:
    try:
        value = float(cell.strip())
    except ValueError:
        value = math.nan
    if not 0 <= value < math.inf:
        raise ValueError(f"{column}: '{cell.strip()}' is not a count >= 0")
    return value


def _collapse(names: list[str]) -> list[str]:
    return [n for i, n in enumerate(names) if i == 0 or names[i - 1] != n]
