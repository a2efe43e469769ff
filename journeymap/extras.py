"""Optional dependencies: the core installs without them; a command that needs one says which.

The core (model, engine, files, CLI, export, the SQLite store) needs none of
these. Each extra of ``pyproject.toml`` brings the packages of one edge:

=========  ==================================  ==========================================
extra      packages (import names)             needed by
=========  ==================================  ==========================================
``api``    fastapi, fastapi_offline, uvicorn   ``journeymap serve`` and the ``api`` package
``neo4j``  neo4j                               ``bolt://`` and ``neo4j://`` stores
``ingest`` duckdb                              ``journeymap ingest`` of event logs and surveys
``render`` selenium                            ``journeymap map --format png|pdf``
``spark``  pyspark, duckdb (+ Java 17+)        ``journeymap ingest --engine spark``
``pandas`` pandas                              ``journeymap.frames.to_frame`` (DataFrames)
=========  ==================================  ==========================================

``journeymap[all]`` installs them all.
"""

from __future__ import annotations

from importlib.util import find_spec

from journeymap.errors import MissingExtra

EXTRAS: dict[str, tuple[str, ...]] = {
    "api": ("fastapi", "fastapi_offline", "uvicorn"),
    "neo4j": ("neo4j",),
    "ingest": ("duckdb",),
    "render": ("selenium",),
    "spark": ("pyspark", "duckdb"),  # the shared ingest queries live beside the DuckDB engine
    "pandas": ("pandas",),
}


def missing(extra: str) -> list[str]:
    """The import names of ``extra`` that cannot be imported here.

    >>> missing("neo4j") in ([], ["neo4j"])
    True
    """
    return [name for name in EXTRAS[extra] if find_spec(name) is None]


def require(extra: str) -> None:
    """Raise ``MissingExtra`` (naming ``journeymap[extra]``) unless every package of it is installed.

    Parameters
    ----------
    extra : str
        A key of ``EXTRAS``: ``"api"``, ``"neo4j"``, ``"ingest"``, ``"render"``, ``"spark"`` or ``"pandas"``.

    Raises
    ------
    MissingExtra
        When a package of the extra is not installed.

    Examples
    --------
    >>> require("ingest")  # DuckDB is installed here: nothing to say
    """
    absent = missing(extra)
    if absent:
        raise MissingExtra(extra, absent)
