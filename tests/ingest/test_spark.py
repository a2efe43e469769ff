"""The Spark engine gives the DuckDB engine's journeys and reports, from the same logs.

One local Spark session (``local[2]``, small memory, no UI) serves every test;
the DuckDB engine, itself checked against pandas and plain Python in
``test_events``, ``test_timing`` and ``test_history``, is the oracle. The
tests skip only where no Java runtime exists (``make system-deps`` installs one).
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.errors import InvalidInput
from journeymap.ingest import ingest_events, ingest_segments, load_mapping, parse_mapping
from journeymap.ingest.mapping import Mapping
from journeymap.ingest.spark.session import java_major
from journeymap.model import journey_document
from tests.cli import JOURNEYMAP, cli_env
from tests.ingest import test_events, test_history, test_segments, test_timing

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
needs_java = pytest.mark.skipif(
    java_major() is None, reason="no Java runtime: the Spark engine needs Java 17+ (make system-deps)"
)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from journeymap.ingest.spark import start_session

    session = start_session(
        "local[2]",
        {
            "spark.driver.memory": "512m",
            "spark.sql.shuffle.partitions": "2",
            "spark.default.parallelism": "2",
            "spark.sql.adaptive.coalescePartitions.initialPartitionNum": "2",
        },
    )
    yield session
    session.stop()


def on_both(spark: Any, path: Path, spec: Mapping, **options: Any) -> tuple[Any, Any]:
    """The DuckDB and the Spark result of one ingest (errors: both must refuse alike)."""
    from journeymap.ingest.spark import SparkEngine

    duck = ingest_events(path, spec, **options)
    lit = ingest_events(path, spec, engine=SparkEngine(spark), **options)
    return duck, lit


def assert_same(duck: Any, lit: Any) -> None:
    assert journey_document(lit.journey) == journey_document(duck.journey)
    assert lit.summary["reader"] == "spark" and duck.summary["reader"] == "duckdb"
    assert {**lit.summary, "reader": ""} == {**duck.summary, "reader": ""}


def odd_log(path: Path) -> None:
    """Bad rows of every kind, ties of a touchpoint and an outcome, times no timestamp holds."""
    path.write_text(
        "cust,event,ts\n"
        "a,view,1\n,view,2\nb,view,yesterday\nc,,3\nb,cart,4\nd,zzz,5\n"
        "e,view,7\ne,buy,7\ne,cart,7\n"  # equal times: the touchpoints come before the outcome
        "a,cart,1e30\nb,view,inf\nf,view,-inf\nd,view,nan\nf,Promo Banner!,9\nf,help,10\nf,help,10\n"
        "g,view,2024-01-01T10:00:00+08:00\ng,cart,2024-01-01T03:00:00Z\n"
        "z,buy,5,extra,cols\n"
    )


@needs_java
def test_generated_odd_and_behaviour_logs_give_the_same_journeys(spark: Any, tmp_path: Path) -> None:
    generated = tmp_path / "generated.csv"
    test_events.generated_log(11, 60, 600).to_csv(generated, index=False)
    assert_same(*on_both(spark, generated, test_events.mapping("keep")))
    odd = tmp_path / "odd.csv"
    odd_log(odd)
    duck, lit = on_both(spark, odd, test_events.mapping())
    assert_same(duck, lit)
    assert lit.summary["problems"] == {
        "missing_customer": 1,
        "missing_touchpoint": 1,
        "bad_time": 5,
        "malformed_line": 1,
    }
    assert lit.summary["examples"][0] == {
        "line": 20,
        "problem": "too many columns",
        "text": "z,buy,5,extra,cols",
    }
    for kind in ("drop", "keep"):
        with pytest.raises(InvalidInput, match=r"row 2 missing customer.*row 3 bad time"):
            on_both(spark, odd, test_events.mapping(kind), strict=True)
    # gzip, measures, expected waits, six variants: the planted-friction log
    planted = FIXTURES / "behaviour" / "events.csv.gz"
    assert_same(*on_both(spark, planted, load_mapping(FIXTURES / "behaviour" / "mapping.yaml")))


@needs_java
def test_order_k_states_auto_order_and_variants_are_the_same(spark: Any, tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    test_history.write_log(path, scale=1)
    for order in (2, "auto"):
        duck, lit = on_both(spark, path, test_history.spec(order=order, variants=4))
        assert_same(duck, lit)
    assert lit.summary["order"] == 2  # auto: the held-out customers are the same on both engines


@needs_java
def test_segments_and_filters_are_the_same(spark: Any, tmp_path: Path) -> None:
    from journeymap.ingest.spark import SparkEngine

    log = test_segments.write(test_segments.generated_log(customers=150), tmp_path / "log.csv")
    spec = parse_mapping(test_segments.SEGMENTED | {"order": 2, "filter": {"country": ["DE", "FR"]}})
    duck = ingest_segments(log, spec, journey_id="shop")
    lit = ingest_segments(log, spec, journey_id="shop", engine=SparkEngine(spark))
    assert [r.journey.id for r in lit.results] == [r.journey.id for r in duck.results]
    assert len(duck.results) == 5 and duck.summary["filtered_out"] > 0  # 4 channels and "(missing)"
    for a, b in zip(duck.results, lit.results, strict=True):
        assert journey_document(b.journey) == journey_document(a.journey)
        assert b.summary == a.summary
    assert (lit.summary["reader"], duck.summary["reader"]) == ("spark", "duckdb")
    assert {**lit.summary, "reader": ""} == {**duck.summary, "reader": ""}


@needs_java
def test_order_by_ndjson_scores_and_surveys_are_the_same(spark: Any, tmp_path: Path) -> None:
    rows = [
        {
            "cust": f"c{i % 7}",
            "event": ["view", "cart", "buy", "help"][i % 4],
            "ts": 100 + i % 3,
            "seq": 9 - i % 5,
        }
        for i in range(60)
    ]
    rows += [{"cust": 7, "event": "cart", "ts": "not a time", "seq": 1, "rating": 120}]
    for i, row in enumerate(rows):
        row["rating"] = row.get("rating", 10 * (i % 11))
    path = tmp_path / "log.ndjson.gz"
    with gzip.open(path, "wt") as out:
        out.write("".join(json.dumps(r) + "\n" for r in rows))
    doc = test_events.mapping(score=True).model_dump(mode="json", exclude_none=True)
    doc["columns"] |= {"order_by": "seq"}
    doc["score_scale"] = {"min": 0, "max": 100}
    doc["surveys"] = {"scale": "1-5", "columns": {"touchpoint": "tp", "experience": "score"}}
    answers = tmp_path / "answers.csv"
    answers.write_text("tp,score\nview,5\ncart,2\nproduct_page,4\ncart,9\nnowhere,3\n")
    duck, lit = on_both(spark, path, parse_mapping(doc), surveys=answers)
    assert_same(duck, lit)
    assert lit.summary["surveys"]["bad_rows"] == 2


@needs_java
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), customers=st.integers(1, 12), events=st.integers(1, 120))
def test_fuzzed_logs_give_the_same_times_and_measures(
    spark: Any, tmp_path: Path, seed: int, customers: int, events: int
) -> None:
    df = test_timing.generated(seed, customers, events)
    path = tmp_path / f"fuzz{seed}.csv"
    df.to_csv(path, index=False)
    try:
        duck, lit = on_both(spark, path, test_timing.mapping())
    except InvalidInput as refused:
        assert "no usable events" in str(refused)
        return
    assert_same(duck, lit)


@needs_java
def test_a_parquet_folder_reads_file_by_file_in_path_order(spark: Any, tmp_path: Path) -> None:
    df = test_events.generated_log(5, 40, 900, unmapped=False)
    df["ts"] = pd.to_datetime(df["ts"], unit="s")  # Parquet timestamps, not numbers
    folder = tmp_path / "events"
    folder.mkdir()
    parts = [df.iloc[:300], df.iloc[300:310], df.iloc[310:]]
    for i, part in enumerate(parts):
        part.to_parquet(folder / f"part-{i:05d}.parquet", index=False)
    (folder / "_SUCCESS").write_text("")
    whole = tmp_path / "whole.parquet"
    df.to_parquet(whole, index=False)  # DuckDB reads one file: the folder's rows in path order
    from journeymap.ingest.spark import SparkEngine

    named = {"journey_id": "events", "name": "Events"}
    duck = ingest_events(whole, test_events.mapping(), **named)
    lit = ingest_events(folder, test_events.mapping(), engine=SparkEngine(spark), **named)
    assert_same(duck, lit)
    counts = {(t.source, t.target): int(t.weight) for t in lit.journey.transitions}
    assert counts == test_events.oracle(df.assign(ts=df["ts"].astype("int64")))


@needs_java
def test_a_dataframe_gives_the_journey_of_its_file(spark: Any, tmp_path: Path) -> None:
    from journeymap.ingest.spark import ingest_dataframe

    df = test_timing.generated(7, 10, 200)
    path = tmp_path / "events.csv"
    df.to_csv(path, index=False)
    duck = ingest_events(path, test_timing.mapping())
    frame = spark.createDataFrame(
        df.astype({"ts": "int64"}).to_dict("records"), "cust STRING, event STRING, ts BIGINT"
    )
    assert_same(
        duck, ingest_dataframe(frame, test_timing.mapping(), journey_id="events", name=duck.journey.name)
    )


@needs_java
def test_bad_input_is_named_as_on_duckdb(spark: Any, tmp_path: Path) -> None:
    from journeymap.ingest.spark import SparkEngine

    engine = SparkEngine(spark)
    path = tmp_path / "cols.csv"
    path.write_text("customer,event,ts\na,view,1\n")
    for options in ({}, {"engine": engine}):
        with pytest.raises(InvalidInput, match=r"missing column\(s\) customer -> 'cust'"):
            ingest_events(path, test_events.mapping(), **options)
        with pytest.raises(InvalidInput, match="no such file"):
            ingest_events(tmp_path / "nope.csv", test_events.mapping(), **options)
    twice = tmp_path / "twice.csv"
    twice.write_text("cust,event,ts,ts\na,view,1,5\n")
    with pytest.raises(
        InvalidInput, match=r"columns.time: 'ts' names 2 columns of the header \(columns 3, 4\)"
    ):
        ingest_events(twice, test_events.mapping(), engine=engine)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InvalidInput, match="holds no data files"):
        ingest_events(empty, test_events.mapping(), engine=engine)


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*JOURNEYMAP, *args],
        capture_output=True,
        text=True,
        env=env or cli_env("sqlite:///unused.db"),
        timeout=600,
    )


def mapped_log(tmp_path: Path) -> tuple[Path, Path]:
    mapping, log = tmp_path / "map.json", tmp_path / "log.csv"
    mapping.write_text(json.dumps(test_events.mapping().model_dump(mode="json", exclude_none=True)))
    log.write_text("cust,event,ts\na,view,1\na,buy,2\n")
    return mapping, log


def test_without_java_the_cli_says_what_to_install(tmp_path: Path) -> None:
    mapping, log = mapped_log(tmp_path)
    env = cli_env("sqlite:///unused.db") | {
        "PATH": str(Path(sys.executable).parent),
        "JAVA_HOME": str(tmp_path),
    }
    done = cli("ingest", str(log), "--mapping", str(mapping), "--engine", "spark", env=env)
    assert done.returncode == 7, done.stderr
    assert "install journeymap[spark] and a Java 17+ runtime" in done.stderr
    assert "java not found" in done.stderr and "Traceback" not in done.stderr


@needs_java
def test_an_unreachable_master_is_an_error_not_a_hang(tmp_path: Path) -> None:
    mapping, log = mapped_log(tmp_path)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    args = ["--engine", "spark", "--spark-master", f"spark://127.0.0.1:{port}"]
    done = cli("ingest", str(log), "--mapping", str(mapping), *args)
    assert done.returncode == 2, done.stderr
    assert f"spark master spark://127.0.0.1:{port} cannot be reached" in done.stderr
    assert time.monotonic() - started < 60
    done = cli("ingest", str(log), "--mapping", str(mapping), "--spark-master", "spark://127.0.0.1:7077")
    assert done.returncode == 2 and "--spark-master needs --engine spark" in done.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def standalone(tmp_path: Path) -> Iterator[str]:
    """A standalone Spark master and one worker on loopback (pyspark's own jars), stopped afterwards."""
    import pyspark

    home = Path(pyspark.__file__).parent
    env = {
        **os.environ,
        "SPARK_HOME": str(home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_LOG_DIR": str(tmp_path),
    }
    port = free_port()
    master = f"spark://127.0.0.1:{port}"
    daemons: list[subprocess.Popen[bytes]] = []
    logs = []
    try:
        for name, args in (
            ("master", ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port)]),
            ("worker", ["org.apache.spark.deploy.worker.Worker", master, "--host", "127.0.0.1"]),
        ):
            ui = ["--webui-port", str(free_port())]
            sizes = (
                ["--cores", "2", "--memory", "768m", "--work-dir", str(tmp_path / "work")]
                if name == "worker"
                else []
            )
            logs.append((tmp_path / f"{name}.log").open("wb"))
            command = [str(home / "bin" / "spark-class"), *args, *ui, *sizes]
            daemons.append(subprocess.Popen(command, env=env, stdout=logs[-1], stderr=subprocess.STDOUT))
            if name == "master":
                wait_for_port(port, daemons[-1])
        yield master
    finally:
        for daemon in reversed(daemons):
            daemon.terminate()
            try:
                daemon.wait(timeout=30)
            except subprocess.TimeoutExpired:
                daemon.kill()
        for log in logs:
            log.close()


def wait_for_port(port: int, daemon: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert daemon.poll() is None, "the Spark master stopped"
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise AssertionError(f"the Spark master did not listen on {port} within {seconds:g}s")


@needs_java
def test_a_standalone_cluster_gives_the_same_journey(standalone: str, tmp_path: Path) -> None:
    """The path a multi-machine cluster takes: a master, a worker in its own JVM, the CLI as driver."""
    log = tmp_path / "events.csv.gz"
    with gzip.open(log, "wt") as out:
        test_timing.generated(3, 40, 800).to_csv(out, index=False)
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps(test_timing.mapping().model_dump(mode="json", exclude_none=True)))
    args = ["ingest", str(log), "--mapping", str(mapping), "--id", "events", "--json"]
    submit = "--conf spark.executor.memory=512m --conf spark.sql.shuffle.partitions=2 pyspark-shell"
    env = cli_env("sqlite:///unused.db") | {"SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_SUBMIT_ARGS": submit}
    on_cluster = cli(
        *args,
        "-o",
        str(tmp_path / "cluster.yaml"),
        "--engine",
        "spark",
        "--spark-master",
        standalone,
        env=env,
    )
    assert on_cluster.returncode == 0, on_cluster.stderr[-3000:]
    local = cli(*args, "-o", str(tmp_path / "duck.yaml"))
    assert local.returncode == 0, local.stderr
    lit, duck = json.loads(on_cluster.stdout), json.loads(local.stdout)
    assert (lit.pop("reader"), duck.pop("reader")) == ("spark", "duckdb")
    assert {**lit, "written": ""} == {**duck, "written": ""}
    cluster_journey = (tmp_path / "cluster.yaml").read_text()
    assert cluster_journey == (tmp_path / "duck.yaml").read_text()
