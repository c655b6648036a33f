"""``newsgraph bench events``: the cost of the whole pipeline (ingest to events) over the bare parse.

Figures, not tests. The texts are MasakhaNEWS English and French articles (headline and body) from
../shared/benchmarks, read as ``bench actors`` reads them. In one process and one run, for each
language, three measurements over the same texts:

* the whole pipeline: the texts written as plain-text files to a temporary folder (before the
  clock starts), then ``pipeline.ingest`` with annotation on (reading, cleaning, language,
  store, then the parse, actors, places, dates, quotes and events) into a fresh SQLite file;
* annotation only: ``annotate.annotate`` over the texts as ``ArticleText`` records, in memory;
* the bare parse: ``nlp.pipe`` of the very pipeline annotation uses (``load_pipeline``), over
  the same texts cut at the same length.

Everything runs in this one process, on one core's worth of Python (spaCy may still use a BLAS
thread pool; the CPU seconds of the pipeline run are kept beside its wall seconds so that this
shows). The knowledge base and the models are loaded before the clock starts (their load time is
reported on its own). Each measurement is warmed up on a few texts, then run ``repeat`` times,
interleaved, and the fastest run of each kept.

Memory is given two ways: ``tracemalloc`` peaks of each measurement, taken in one extra untimed
run of each (tracing slows Python down, so it never runs under the clock; it sees the memory that
Python and numpy allocate, not the model weights already loaded), and the process's peak
resident set (``resource.getrusage`` ``ru_maxrss``) once a language is done: a high-water mark
of the whole process so far, models included, that only rises from one language to the next.
"""

from __future__ import annotations

import itertools
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .bench_actors import news_texts

LANGUAGES = ("en", "fr")
WARMUP_DOCS = 10
MB = 1024 * 1024


@dataclass(slots=True)
class EventBenchRow:
    language: str
    docs: int
    """Texts read from the benchmark (every measurement runs over all of them)."""
    words: int
    """Whitespace-separated words of those texts: the numerator of every words/s figure."""
    stored: int
    """Articles the pipeline stored (a text below the minimum length, say, is refused)."""
    stored_in_language: int
    """Of those, the ones whose detected language is ``language`` (so parsed with its model)."""
    events: int
    """Events the pipeline coded (annotation alone codes the same from the same texts)."""
    parse_seconds: float
    annotate_seconds: float
    pipeline_seconds: float
    pipeline_cpu_seconds: float
    """Process CPU time of the fastest pipeline run: above its wall time when threads helped."""
    parse_traced_mb: float
    annotate_traced_mb: float
    pipeline_traced_mb: float
    peak_rss_mb: float

    @property
    def parse_words_per_second(self) -> float:
        return self.words / self.parse_seconds if self.parse_seconds else 0.0

    @property
    def annotate_words_per_second(self) -> float:
        return self.words / self.annotate_seconds if self.annotate_seconds else 0.0

    @property
    def pipeline_words_per_second(self) -> float:
        return self.words / self.pipeline_seconds if self.pipeline_seconds else 0.0

    @property
    def ratio(self) -> float:
        """Whole pipeline time over bare parse time (the target: at most 1.5)."""
        return self.pipeline_seconds / self.parse_seconds if self.parse_seconds else 0.0

    @property
    def annotate_ratio(self) -> float:
        """Annotation time over bare parse time."""
        return self.annotate_seconds / self.parse_seconds if self.parse_seconds else 0.0


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _traced_peak_mb(run: Callable[[], object]) -> float:
    """Peak of the memory traced while ``run`` runs, above what was traced when it began."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        run()
        return max(0.0, (tracemalloc.get_traced_memory()[1] - base) / MB)
    finally:
        tracemalloc.stop()


def _write_texts(folder: Path, texts: list[str]) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(texts):
        (folder / f"doc{i:05d}.txt").write_text(text + "\n", encoding="utf-8")
    return [str(folder)]


@dataclass(slots=True)
class _PipelineRun:
    wall: float
    cpu: float
    stored: int
    in_language: int
    events: int


def _run_pipeline(paths: list[str], db: Path, language: str) -> _PipelineRun:
    from .options import IngestOptions
    from .pipeline import ingest
    from .store import Store

    wall, cpu = time.perf_counter(), time.process_time()
    with Store(db) as store:
        summary = ingest(paths, store, IngestOptions(annotate=True))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        languages = dict(store.stats()["languages"])
        events = int(store.db.execute("select count(*) from events").fetchone()[0])
    return _PipelineRun(wall, cpu, summary.new + summary.duplicate, int(languages.get(language, 0)), events)


def bench_events(benchmarks: Path, *, docs: int = 100, repeat: int = 2) -> tuple[float, list[EventBenchRow]]:
    """(seconds to load the knowledge base and the models, one row per language).

    Raises ``BenchmarkMissing`` when the MasakhaNEWS texts are not under ``benchmarks``.
    """
    from .annotate import ArticleText, annotate
    from .kb import load_kb
    from .nlp.pipelines import MAX_CHARS, load_pipeline

    texts_by_language = {language: news_texts(benchmarks, language, docs) for language in LANGUAGES}
    start = time.perf_counter()
    kb = load_kb()
    models = {language: load_pipeline(language) for language in LANGUAGES}
    load_seconds = time.perf_counter() - start
    rows: list[EventBenchRow] = []
    with tempfile.TemporaryDirectory(prefix="newsgraph-bench-events-") as tmp:
        work = Path(tmp)
        runs = itertools.count()  # a fresh database file for every pipeline run
        for language in LANGUAGES:
            texts = texts_by_language[language]
            nlp = models[language]
            assert nlp is not None  # every language benchmarked here has a spaCy model
            articles = [ArticleText(str(i), t, language, None) for i, t in enumerate(texts)]
            paths = _write_texts(work / language / "texts", texts)
            warm = _write_texts(work / language / "warm", texts[:WARMUP_DOCS])

            def bare_parse(batch: list[str] = texts, model: Any = nlp) -> list[Any]:
                return list(model.pipe((t[:MAX_CHARS] for t in batch), batch_size=32))

            def annotate_only(batch: list[ArticleText] = articles) -> int:
                return sum(len(a.events) for a in annotate(batch, kb))

            def whole_pipeline(inputs: list[str] = paths, lang: str = language) -> _PipelineRun:
                return _run_pipeline(inputs, work / f"{lang}-run{next(runs)}.db", lang)

            bare_parse(texts[:WARMUP_DOCS])  # warm each up on a few texts
            annotate_only(articles[:WARMUP_DOCS])
            whole_pipeline(warm)

            parse_seconds = annotate_seconds = float("inf")
            best: _PipelineRun | None = None
            for _ in range(max(1, repeat)):  # interleaved, so that none gains from running last
                start = time.perf_counter()
                bare_parse()
                parse_seconds = min(parse_seconds, time.perf_counter() - start)
                start = time.perf_counter()
                annotate_only()
                annotate_seconds = min(annotate_seconds, time.perf_counter() - start)
                run = whole_pipeline()
                if best is None or run.wall < best.wall:
                    best = run
            assert best is not None  # repeat is at least one
            rows.append(
                EventBenchRow(
                    language=language,
                    docs=len(texts),
                    words=sum(len(t.split()) for t in texts),
                    stored=best.stored,
                    stored_in_language=best.in_language,
                    events=best.events,
                    parse_seconds=parse_seconds,
                    annotate_seconds=annotate_seconds,
                    pipeline_seconds=best.wall,
                    pipeline_cpu_seconds=best.cpu,
                    parse_traced_mb=_traced_peak_mb(bare_parse),
                    annotate_traced_mb=_traced_peak_mb(annotate_only),
                    pipeline_traced_mb=_traced_peak_mb(whole_pipeline),
                    peak_rss_mb=_peak_rss_mb(),
                )
            )
    return load_seconds, rows
