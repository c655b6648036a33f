"""``newsgraph bench actors``: the cost of the actor stage over the bare spaCy parse it rests on.

Figures, not tests. The texts are real news: MasakhaNEWS English and French articles (headline
and body) from ../shared/benchmarks. In one process and one run, for each language:

* the bare parse: ``nlp.pipe`` of the same model package, with the same components, over the
  same texts cut at the same length;
* the whole actor stage: ``annotate`` (parse, sentences, names, roles, people, groups, actor
  records) over the same texts.

The knowledge base and the models are loaded before the clock starts (their load time is
reported on its own: it is paid once per process). Each measurement is run ``repeat`` times and
the fastest kept, so a stray pause of the machine does not decide the ratio.
"""

from __future__ import annotations

import csv
import gzip
import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from .errors import BenchmarkMissing
from .records import Annotation

MASAKHANEWS = "masakhanews-eng-fra"
LANGUAGE_FOLDERS = {"en": "eng", "fr": "fra"}


@dataclass(slots=True)
class ActorBenchRow:
    language: str
    docs: int
    words: int
    parse_seconds: float
    stage_seconds: float
    mentions: int

    @property
    def parse_words_per_second(self) -> float:
        return self.words / self.parse_seconds if self.parse_seconds else 0.0

    @property
    def stage_words_per_second(self) -> float:
        return self.words / self.stage_seconds if self.stage_seconds else 0.0

    @property
    def ratio(self) -> float:
        """Actor stage time over bare parse time (the issue's target: at most 1.3)."""
        return self.stage_seconds / self.parse_seconds if self.parse_seconds else 0.0


def news_texts(benchmarks: Path, language: str, limit: int) -> list[str]:
    """Up to ``limit`` MasakhaNEWS articles (headline, blank line, body) in ``language``."""
    path = Path(benchmarks) / MASAKHANEWS / LANGUAGE_FOLDERS[language] / "test.tsv.gz"
    if not path.exists():
        raise BenchmarkMissing(f"benchmark data not found: {path}")
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as handle:
        rows = csv.DictReader(io.StringIO(handle.read()), delimiter="\t")
        texts = []
        for row in rows:
            text = f"{(row.get('headline') or '').strip()}\n\n{(row.get('text') or '').strip()}".strip()
            if text:
                texts.append(text)
            if len(texts) >= limit:
                break
    return texts


def _fastest(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def bench_actors(benchmarks: Path, *, docs: int = 300, repeat: int = 2) -> tuple[float, list[ActorBenchRow]]:
    """(seconds to load the knowledge base, one row per language)."""
    import spacy

    from .annotate import ArticleText, annotate
    from .kb import load_kb
    from .nlp.pipelines import MAX_CHARS, MODELS, UNUSED_COMPONENTS, load_pipeline

    start = time.perf_counter()
    kb = load_kb()
    kb_seconds = time.perf_counter() - start
    rows = []
    for language in ("en", "fr"):
        texts = news_texts(benchmarks, language, docs)
        load_pipeline(language)  # loaded before the clock starts, as a worker would have it
        bare = spacy.load(MODELS[language], exclude=list(UNUSED_COMPONENTS))
        articles = [ArticleText(str(i), t, language, None) for i, t in enumerate(texts)]
        bare(texts[0])  # warm both up on one text
        list(annotate(articles[:1], kb))

        def bare_parse(nlp: Any = bare, batch: list[str] = texts) -> list[Any]:
            return list(nlp.pipe((t[:MAX_CHARS] for t in batch), batch_size=32))

        def actor_stage(batch: list[ArticleText] = articles) -> list[Annotation]:
            return list(annotate(batch, kb))

        parse_seconds, _ = _fastest(bare_parse, repeat)
        stage_seconds, annotations = _fastest(actor_stage, repeat)
        mentions = sum(len(a.mentions) for a in cast(list[Annotation], annotations))
        words = sum(len(t.split()) for t in texts)
        rows.append(ActorBenchRow(language, len(texts), words, parse_seconds, stage_seconds, mentions))
    return kb_seconds, rows
