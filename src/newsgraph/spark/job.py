"""The Spark job of ``ingest --engine spark``: the driver's side.

1. Inputs. Local paths are expanded here exactly as ``ingest`` expands them (same files, same
   order, same ``source`` strings) and handed to the tasks as a list, spread over partitions by
   size; each task reads its files from disk. URIs with a scheme (``s3a://``, ``gs://``,
   ``hdfs://``, ``file://``) are listed and read by Spark's ``binaryFile`` source (folders
   recursively); their ``source`` is the URI Spark reports.
2. Repeated lines. A first job reads the text documents' short lines; the driver counts them in
   the store (``Store.count_lines``, as ``ingest`` does), then broadcasts each source's furniture
   lines to the tasks: no task opens the database.
3. Processing. A second job runs the local runner's stage code (``processing.process_documents``)
   in ``mapInArrow``, after ``start_worker`` once per Python worker. Inputs the store holds
   already (their raw hashes are broadcast) are passed over. Rows are sorted in input order
   within each task and written as Parquet shards under ``<db>.shards/<run id>/records``.
4. Loading. ``load.load_shards`` merges the shards in input order into the local writer.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import logging
import os
import re
import secrets
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ..errors import ConfigError, NewsgraphError
from ..options import IngestOptions
from ..pipeline import EXTRACTOR_VERSION, IngestSummary, ProgressCallback, _record_problem, write_processed
from ..records import Skipped
from ..sources import InputFile, expand_inputs
from ..store import Store
from .load import RECORDS, load_shards, manifest_options, write_manifest
from .rows import ORDER_COLUMNS, SPARK_SCHEMA
from .tasks import LINES_SPARK_SCHEMA, TaskSpec, count_lines_task, process_task

LOGGER = logging.getLogger(__name__)

URI = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
INSTALL_HINT = "pip install '.[spark]'"
INPUT_SCHEMA = "file_index long, path string, source string, local_path string, content binary"
FILES_PER_PARTITION = 64
"""At most this many local files per task, so that a few large tasks don't hold the run back."""
LOCAL_SETTINGS = {
    "spark.ui.enabled": "false",
    # a local job talks to itself only: listen on loopback, not on the machine's network
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.memory": "2g",
    "spark.sql.shuffle.partitions": "4",
}
"""Defaults for a ``local[...]`` master when this process starts Spark (a user's own
``spark-defaults.conf`` or ``SPARK_*`` settings still win where they are set)."""
RUN_SETTINGS = {
    # a task's input batches hold whole files (for object stores): keep them small
    "spark.sql.execution.arrow.maxRecordsPerBatch": "8",
}


class SparkJobFailed(NewsgraphError):
    """The Spark job itself failed (a task died, a path vanished, ...): no article was stored."""


def spark_ingest(
    paths: list[str],
    store: Store,
    options: IngestOptions | None = None,
    *,
    master: str = "local[*]",
    shards: Path | None = None,
    progress: ProgressCallback | None = None,
) -> IngestSummary:
    """``ingest`` run as a Spark job on ``master``: same inputs, same records, same store.

    The job's results are kept as Parquet shards under ``shards`` (default
    ``<db>.shards/<run id>/``) and loaded into ``store`` in input order. Never raises for a bad
    input; raises ``ConfigError`` when Spark cannot start (pyspark or Java missing) and
    ``SparkJobFailed`` when the job dies.
    """
    options = options or IngestOptions()
    require_pyspark()
    from pyspark.sql import SparkSession

    if SparkSession.getActiveSession() is None:
        require_java()  # before anything is written
    run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)
    run_dir = (shards or _default_shards(store)) / run_id
    summary = IngestSummary()
    local = [p for p in paths if not URI.match(p)]
    remote = [p for p in paths if URI.match(p)]
    files: list[InputFile] = []
    for item in expand_inputs(local):
        if isinstance(item, Skipped):
            summary.read += 1
            _record_problem(store, summary, item)
        else:
            files.append(item)
    if not files and not remote:
        summary.notes.append("nothing to read: the Spark job was not started")
        return write_processed(iter(()), store, options, summary=summary, progress=progress)
    with spark_session(master) as spark:
        try:
            inputs, listed = _inputs(spark, files, remote, store, summary)
            summary.files = len(files) + listed
            if listed or files:
                _run(spark, inputs, store, options, run_id, run_dir)
        except NewsgraphError:
            raise
        except Exception as exc:
            raise SparkJobFailed(f"the Spark job failed: {_first_line(exc)}") from exc
    if not (listed or files):  # every URI failed to list: they are counted already
        return write_processed(iter(()), store, options, summary=summary, progress=progress)
    write_manifest(
        run_dir,
        {
            "run": run_id,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "master": master,
            "inputs": paths,
            "files": summary.files,
            "extractor_version": EXTRACTOR_VERSION,
            "options": manifest_options(options),
        },
    )
    summary.notes.append(f"Spark shards of this run: {run_dir}")
    return load_shards(run_dir, store, options, summary=summary, progress=progress)


def _run(
    spark: Any,
    inputs: Any,
    store: Store,
    options: IngestOptions,
    run_id: str,
    run_dir: Path,
) -> None:
    before = {key: spark.conf.get(key, None) for key in RUN_SETTINGS}
    for key, value in RUN_SETTINGS.items():
        spark.conf.set(key, value)
    try:
        _passes(spark, inputs, store, options, run_id, run_dir)
    finally:  # a session that was running before is left as it was
        for key, value in before.items():
            if value is None:
                spark.conf.unset(key)
            else:
                spark.conf.set(key, value)


def _passes(
    spark: Any, inputs: Any, store: Store, options: IngestOptions, run_id: str, run_dir: Path
) -> None:
    # pass 1: the short lines of every text document, counted in the store
    lines_dir = run_dir / "lines"
    spec = TaskSpec(run_id, options)
    inputs.mapInArrow(functools.partial(count_lines_task, spec), LINES_SPARK_SCHEMA).write.mode(
        "overwrite"
    ).parquet(_spark_path(lines_dir))
    with store.transaction():
        for path in sorted(lines_dir.glob("*.parquet")):
            for batch in pq.ParquetFile(path).iter_batches(batch_size=1024):
                for row in batch.to_pylist():
                    store.count_lines(row["group_key"], row["raw_hash"], set(row["lines"]))
    shutil.rmtree(lines_dir, ignore_errors=True)
    # pass 2: extract, annotate, embed; rows in input order within each task
    context = spark.sparkContext
    repeated = context.broadcast(_repeated_lines(store, options))
    stored = context.broadcast(_stored_hashes(store))
    try:
        spec = TaskSpec(run_id, options, repeated, stored)
        records = inputs.mapInArrow(functools.partial(process_task, spec), SPARK_SCHEMA)
        records.sortWithinPartitions(*ORDER_COLUMNS).write.mode("overwrite").parquet(
            _spark_path(run_dir / RECORDS)
        )
    finally:
        repeated.unpersist()
        stored.unpersist()


def _inputs(
    spark: Any, files: list[InputFile], remote: list[str], store: Store, summary: IngestSummary
) -> tuple[Any, int]:
    """One DataFrame of every input file (``INPUT_SCHEMA``), and how many files Spark listed."""
    from pyspark.sql import functions as F

    frames = []
    if files:
        rows = [(index, "", item.source, str(item.path.resolve()), None) for index, item in enumerate(files)]
        frames.append(spark.createDataFrame(_spread(rows, files, spark), INPUT_SCHEMA))
    listed = 0
    for offset, uri in enumerate(remote, start=len(files)):
        try:
            frame = spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(uri)
            count = frame.count()
        except Exception as exc:
            problem = Skipped(uri, f"Spark cannot read this input: {_first_line(exc)}"[:300])
            summary.read += 1
            _record_problem(store, summary, problem)
            continue
        if count == 0:
            summary.read += 1
            _record_problem(store, summary, Skipped(uri, "nothing matched this pattern"))
            continue
        listed += count
        frames.append(
            frame.select(
                F.lit(offset).cast("long").alias("file_index"),
                F.col("path"),
                F.col("path").alias("source"),
                F.lit(None).cast("string").alias("local_path"),
                F.col("content"),
            )
        )
    if not frames:
        return None, 0
    union = frames[0]
    for frame in frames[1:]:
        union = union.unionByName(frame)
    return union, listed


def _spread(rows: list[tuple[Any, ...]], files: list[InputFile], spark: Any) -> Any:
    """The local files as an RDD whose partitions hold about the same number of bytes each
    (largest first into the lightest), so that the tasks finish together."""
    parallelism = max(1, spark.sparkContext.defaultParallelism)
    count = min(len(rows), max(parallelism * 2, -(-len(rows) // FILES_PER_PARTITION)))
    bins: list[list[tuple[Any, ...]]] = [[] for _ in range(count)]
    loads = [0] * count
    sizes = [_size(item.path) for item in files]
    for i in sorted(range(len(rows)), key=lambda i: -sizes[i]):
        lightest = min(range(count), key=lambda b: (loads[b], len(bins[b])))
        bins[lightest].append(rows[i])
        loads[lightest] += sizes[i] + 4096
    return spark.sparkContext.parallelize(bins, count).flatMap(lambda part: part)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _repeated_lines(store: Store, options: IngestOptions) -> dict[str, set[str]]:
    """Every source group's furniture lines (``Store.repeated_lines`` for all groups at once)."""
    table: dict[str, set[str]] = {}
    for group, line in store.db.execute(
        "select group_key, line_hash from repeated_lines where doc_count >= ?",
        [options.repeated_line_min_docs],
    ):
        table.setdefault(group, set()).add(line)
    return table


def _stored_hashes(store: Store) -> frozenset[str]:
    """Raw hashes of the inputs stored by this extractor: a document with one of them is
    either unchanged or a copy of stored bytes, and the writer only links it."""
    return frozenset(
        row[0]
        for row in store.db.execute(
            "select distinct raw_hash from inputs where extractor_version = ?"
            " and status in ('new', 'duplicate') and article_id is not null and raw_hash is not null",
            [EXTRACTOR_VERSION],
        )
    )


def _default_shards(store: Store) -> Path:
    if store.path.is_file():
        return store.path.with_name(store.path.name + ".shards")
    raise ConfigError("an in-memory database has no folder for Spark shards: give --shards")


def _spark_path(path: Path) -> str:
    return str(path.resolve())


# --- the session -------------------------------------------------------------------------------


def require_pyspark() -> Any:
    """The pyspark module, or a ``ConfigError`` that says how to install it."""
    try:
        import pyspark
    except ImportError as exc:
        raise ConfigError(f"the Spark engine needs pyspark: {INSTALL_HINT}") from exc
    if importlib.util.find_spec("pandas") is None:  # mapInArrow refuses to run without it
        raise ConfigError(f"the Spark engine needs pandas beside pyspark: {INSTALL_HINT}")
    return pyspark


def require_java() -> None:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return
    if shutil.which("java") is None:
        raise ConfigError(
            "the Spark engine needs Java 17 or 21 (java not found on PATH, JAVA_HOME unset): "
            "install a JRE, e.g. apt-get install openjdk-17-jre-headless"
        )


@contextmanager
def spark_session(master: str = "local[*]", **settings: str) -> Iterator[Any]:
    """A SparkSession on ``master``. A session already running in this process is used as it
    is and left running; one started here is stopped on leaving."""
    require_pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    spark = start_session(master, **settings)
    try:
        yield spark
    finally:
        spark.stop()


def start_session(master: str = "local[*]", **settings: str) -> Any:
    """Start a SparkSession for newsgraph. For a ``local`` master the Python workers run this
    interpreter (and its installed newsgraph); on a cluster, set ``PYSPARK_PYTHON`` to a Python
    that has newsgraph installed on every executor."""
    require_pyspark()
    require_java()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName("newsgraph ingest")
    if master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        for key, value in LOCAL_SETTINGS.items():
            builder = builder.config(key, value)
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:
        raise ConfigError(f"Spark could not start on {master}: {_first_line(exc)}") from exc
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _first_line(exc: BaseException) -> str:
    """The line of a (Java or Python) error worth showing: a Python worker's traceback is
    summed up by its last line, the exception raised."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    if any(line.startswith("Traceback") for line in lines):
        raised = [line for line in lines if re.match(r"^[\w.]+(Error|Exception|Exit)\b.*:", line)]
        if raised:
            return raised[-1][:300]
    return lines[0][:300]
