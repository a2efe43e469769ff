"""Starting Spark for an ingest: Java and pyspark present, the master reachable, workers registered.

A Spark session needs pyspark (the ``journeymap[spark]`` extra) and a Java 17+
runtime. Each missing piece is named before Spark starts, and a standalone
master (``spark://host:port``) is checked with a TCP connection and a
``CONNECT_SECONDS`` timeout, then given ``WORKER_SECONDS`` to report an
executor, so a wrong address or a cluster without workers is an error, not a hang.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import warnings
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from journeymap.errors import InvalidInput, MissingExtra
from journeymap.extras import missing

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

CONNECT_SECONDS = float(os.environ.get("JOURNEYMAP_SPARK_CONNECT_SECONDS", "5"))
WORKER_SECONDS = float(os.environ.get("JOURNEYMAP_SPARK_WORKER_SECONDS", "60"))
JAVA_MAJOR = 17
SETTINGS = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.adaptive.enabled": "true",
}
LOCAL = {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}  # a local master


def java_major() -> int | None:
    """The major version of the ``java`` Spark would start (``JAVA_HOME`` first), None if there is none.

    Returns
    -------
    int or None
        The major version (``1.8`` reads as 8), None without a runnable ``java``.

    Examples
    --------
    >>> java_major() is None or java_major() >= 8
    True
    """
    home = os.environ.get("JAVA_HOME")
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    if not java or not os.path.exists(java):
        return None
    try:
        done = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', done.stderr + done.stdout)
    if not found:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def require_spark() -> None:
    """Raise ``MissingExtra`` unless pyspark and a Java 17+ runtime are installed.

    Raises
    ------
    MissingExtra
        Naming what is missing: pyspark (``journeymap[spark]``) and/or a Java 17+ runtime.

    Examples
    --------
    >>> from journeymap.errors import MissingExtra
    >>> try:
    ...     require_spark()
    ... except MissingExtra as exc:
    ...     assert "install journeymap[spark] and a Java 17+ runtime" in str(exc)
    """
    absent = missing("spark")
    major = java_major()
    if major is None:
        absent.append("a Java 17+ runtime (java not found)")
    elif major < JAVA_MAJOR:
        absent.append(f"a Java 17+ runtime (found Java {major})")
    if absent:
        raise MissingExtra("spark", absent)


def check_master(master: str, timeout: float = CONNECT_SECONDS) -> None:
    """Refuse a ``spark://`` master that does not accept a connection within ``timeout`` seconds.

    ``local``/``local[N]`` pass; a ``spark://`` URL (several ``host:port`` for a
    high-availability master, comma-separated) must accept a TCP connection on one of them.

    Parameters
    ----------
    master : str
        The master URL.
    timeout : float
        Seconds to wait for each address.

    Raises
    ------
    InvalidInput
        A URL of another kind, one without host:port, or a master that cannot be reached.

    Examples
    --------
    >>> check_master("local[2]")
    >>> check_master("yarn")
    Traceback (most recent call last):
    ...
    journeymap.errors.InvalidInput: --spark-master: 'yarn' is neither local[N] nor spark://host:port
    >>> check_master("spark://127.0.0.1:1", timeout=0.5)
    Traceback (most recent call last):
    ...
    journeymap.errors.InvalidInput: spark master spark://127.0.0.1:1 cannot be reached (...)
    """
    if not master.startswith("spark://"):
        if master == "local" or master.startswith("local["):
            return
        raise InvalidInput(f"--spark-master: '{master}' is neither local[N] nor spark://host:port")
    for address in master[len("spark://") :].split(","):
        url = urlparse(f"spark://{address}")
        if not url.hostname or not url.port:
            raise InvalidInput(f"--spark-master: '{master}' does not name host:port")
        try:
            with socket.create_connection((url.hostname, url.port), timeout=timeout):
                return
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            problem = f"{url.hostname}:{url.port}: {reason}"
    raise InvalidInput(f"spark master {master} cannot be reached ({problem}, waited up to {timeout:g}s)")


def start_session(master: str = "local[*]", config: dict[str, str] | None = None) -> SparkSession:
    """A Spark session for ingest on ``master`` (checked first), with executors ready.

    Parameters
    ----------
    master : str
        ``local[N]`` or ``spark://host:port`` (``check_master``).
    config : dict, optional
        Spark settings added to (or replacing) the ingest's defaults.

    Returns
    -------
    SparkSession
        The session (UI off, log level ERROR); with a ``spark://`` master, once a worker
        has registered (``JOURNEYMAP_SPARK_WORKER_SECONDS``).

    Examples
    --------
    With pyspark and Java installed (``tests/ingest/test_spark.py`` starts one)::

        spark = start_session("local[2]", {"spark.driver.memory": "512m"})
        spark.stop()
    """
    require_spark()
    check_master(master)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName("journeymap ingest")
    local = LOCAL if master.startswith("local") else {}
    for key, value in (SETTINGS | local | (config or {})).items():
        builder = builder.config(key, value)
    with warnings.catch_warnings():  # pyspark's pandas check; ingest never converts to pandas
        warnings.simplefilter("ignore", FutureWarning)
        spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    if master.startswith("spark://"):
        _await_workers(spark, master)
    return spark


def _await_workers(spark: SparkSession, master: str, timeout: float = WORKER_SECONDS) -> None:
    """Wait until the cluster gives the session an executor; stop it and refuse otherwise."""
    deadline = time.monotonic() + timeout
    tracker = spark.sparkContext.statusTracker()
    while time.monotonic() < deadline:
        if len(tracker.getExecutorInfos()) > 1:  # the driver is listed too
            return
        time.sleep(0.2)
    spark.stop()
    raise InvalidInput(
        f"spark master {master}: no worker gave an executor within {timeout:g}s "
        "(are workers registered, with the cores and spark.executor.memory the application asks for?)"
    )
