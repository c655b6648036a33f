"""``newsgraph bench scale``: how ingest scales with worker processes, against Spark, and with
corpus size; and what re-ingesting a stored corpus costs.

Figures, not tests. Every measured run is a fresh process (its peak memory is its own, and its
workers' peak is read from the children's resource usage) on a generated corpus of plain-text
dumps (``bench.generate_text_corpus``: English sentences about the Sahel, with header and
furniture lines, every document distinct), through the whole pipeline: extraction, annotation,
lead vectors, storage, events linking, stories.

* scaling: the same corpus with 1 and with N workers; docs/s, docs/s per core, and the scaling
  efficiency (N-worker throughput / (N × 1-worker throughput)). The one-worker run is kept to
  one core (its numeric libraries to one thread), so that its throughput is per core.
* Spark: ``--engine spark`` on ``local[N]`` against ``--workers N`` (when pyspark is installed).
* re-ingest: the same corpus into the same database again, as a share of the first ingest.
* memory: the peak resident memory of the owning process and of the largest worker, at two
  corpus sizes; the streaming design should keep both flat as the corpus grows.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .bench import generate_text_corpus
from .runner import THREAD_VARIABLES


@dataclass(slots=True)
class ScaleRun:
    label: str
    docs: int
    workers: int
    engine: str
    seconds: float
    new: int
    owner_peak_mb: float
    worker_peak_mb: float

    @property
    def docs_per_second(self) -> float:
        return self.docs / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "docs_per_second": round(self.docs_per_second, 2)}


def _run(folder: Path, db: Path, workers: int, engine: str, annotate: bool) -> dict[str, Any]:
    """One ingest in this (fresh) process; returns its figures."""
    from .options import IngestOptions
    from .pipeline import ingest
    from .store import Store

    options = IngestOptions(workers=workers, annotate=annotate, stories=annotate)
    start = time.perf_counter()
    with Store(db) as store:
        if engine == "spark":
            from .spark import spark_ingest

            summary = spark_ingest([str(folder)], store, options, master=f"local[{workers}]")
        else:
            summary = ingest([str(folder)], store, options)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "new": summary.new,
        "owner_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        # the largest of the (waited-for) worker processes; Spark's JVM counts here too
        "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


ONE_THREAD = dict.fromkeys(THREAD_VARIABLES, "1")
"""The environment of a run kept to one core: numeric libraries otherwise start a thread per core."""


def measure(label: str, folder: Path, db: Path, docs: int, *, workers: int, engine: str = "local",
            annotate: bool = True, env: dict[str, str] | None = None) -> ScaleRun:  # fmt: skip
    """Run one ingest in a fresh Python process (with ``env`` added to its environment) and
    collect its figures."""
    spec = {"folder": str(folder), "db": str(db), "workers": workers, "engine": engine, "annotate": annotate}
    done = subprocess.run(
        [sys.executable, "-m", "newsgraph.bench_scale", json.dumps(spec)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"{label}: the measured run failed: {tail[0]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return ScaleRun(label, docs, workers, engine, figures["seconds"], figures["new"], figures["owner_peak_mb"],
                    figures["worker_peak_mb"])  # fmt: skip


def bench_scale(
    *,
    docs: int = 400,
    workers: int = 2,
    memory_sizes: tuple[int, ...] = (1_000, 5_000),
    memory_annotate: bool = True,
    spark: bool = True,
) -> list[ScaleRun]:
    """Every run of the benchmark, in order (see the module's docstring)."""
    runs: list[ScaleRun] = []
    with tempfile.TemporaryDirectory(prefix="newsgraph-bench-scale-") as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        generate_text_corpus(corpus, docs)
        # per core: the one-worker run on one core; each of N workers gets its share of the
        # cores (runner.py), one each when N is the number of cores
        runs.append(measure("1 worker", corpus, work / "one.db", docs, workers=1, env=ONE_THREAD))
        runs.append(measure(f"{workers} workers", corpus, work / "many.db", docs, workers=workers))
        runs.append(measure("re-ingest, unchanged", corpus, work / "many.db", docs, workers=workers))
        if spark and _spark_available():
            runs.append(measure(f"spark local[{workers}]", corpus, work / "spark.db", docs, workers=workers,
                                engine="spark"))  # fmt: skip
        for size in memory_sizes:
            folder = work / f"corpus-{size}"
            generate_text_corpus(folder, size, seed=size)
            stage = "whole pipeline" if memory_annotate else "extraction and storage"
            runs.append(measure(f"{size:,} docs, {stage}", folder, work / f"mem-{size}.db", size, workers=workers,
                                annotate=memory_annotate))  # fmt: skip
    return runs


def _spark_available() -> bool:
    import importlib.util
    import shutil

    return importlib.util.find_spec("pyspark") is not None and shutil.which("java") is not None


def _main() -> None:
    spec = json.loads(sys.argv[1])
    print(
        json.dumps(
            _run(Path(spec["folder"]), Path(spec["db"]), spec["workers"], spec["engine"], spec["annotate"])
        )
    )


if __name__ == "__main__":
    _main()
