"""Progress reporting for long DuckDB statements (a rich bar in the CLI, nothing in the library)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import duckdb

POLL_SECONDS = 0.2


class Progress(Protocol):
    """Receives the step being run and its completion in percent (0-100)."""

    def step(self, label: str) -> None: ...

    def update(self, percent: float) -> None: ...


def run(
    con: duckdb.DuckDBPyConnection, sql: str, label: str, progress: Progress | None
) -> duckdb.DuckDBPyConnection:
    """Execute ``sql``; while it runs, report DuckDB's own progress estimate to ``progress``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The connection that runs the statement.
    sql : str
        The statement.
    label : str
        The step's name, told to ``progress`` first.
    progress : Progress, optional
        Told the step, DuckDB's estimates while it runs and 100 at the end; ``None``: just run.

    Returns
    -------
    duckdb.DuckDBPyConnection
        The connection, its result ready to fetch.

    Examples
    --------
    >>> import duckdb
    >>> class Told:
    ...     def __init__(self): self.said = []
    ...     def step(self, label): self.said.append(label)
    ...     def update(self, percent): self.said.append(percent)
    >>> told, con = Told(), duckdb.connect()
    >>> run(con, "SELECT sum(i) FROM range(1000) t(i)", "summing", told).fetchall()
    [(499500,)]
    >>> told.said[0], told.said[-1]
    ('summing', 100.0)
    >>> run(con, "SELECT 42", "answering", None).fetchall()
    [(42,)]
    """
    if progress is None:
        return con.execute(sql)
    with watched(con, label, progress):
        return con.execute(sql)


@contextmanager
def watched(con: duckdb.DuckDBPyConnection, label: str, progress: Progress | None) -> Iterator[None]:
    """While the block runs, report the connection's query progress to ``progress`` (as ``run``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The connection whose queries the block runs.
    label : str
        The step's name, told to ``progress`` first.
    progress : Progress, optional
        Told the step, DuckDB's estimates and 100 at the end; ``None``: nothing is reported.

    Yields
    ------
    None
        While the block runs.

    Examples
    --------
    >>> import duckdb
    >>> con = duckdb.connect()
    >>> with watched(con, "counting", None):
    ...     con.sql("SELECT count(*) FROM range(10)").fetchall()
    [(10,)]
    """
    if progress is None:
        yield
        return
    progress.step(label)
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    done = threading.Event()

    def poll() -> None:
        while not done.wait(POLL_SECONDS):
            percent = con.query_progress()
            if percent >= 0:
                progress.update(percent)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
        progress.update(100.0)
