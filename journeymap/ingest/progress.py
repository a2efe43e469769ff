"""Progress reporting for long DuckDB statements (a rich bar in the CLI, nothing in the library)."""

from __future__ import annotations

import threading
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
        return con.execute(sql)
    finally:
        done.set()
        watcher.join()
        progress.update(100.0)
