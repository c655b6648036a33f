"""``newsgraph bench actors``: the cost of the actor stage over the bare spaCy parse it rests on.

Figures, not tests. The texts are real news from ../shared/benchmarks: MasakhaNEWS English and
French articles (headline and body), and the Russian pages' reference bodies of DAnIEL. For
Russian the bare model is the slovnet NER (there is no full parse). In one process and one run, for each language:

* the bare parse: ``nlp.pipe`` of the same model package, with the same components, over the
  same texts cut at the same length;
* the whole actor stage: ``annotate`` (parse, sentences, names, roles, people, groups, actor
  records) over the same texts.

The knowledge base and the models are loaded before the clock starts (their load time is
reported on its own: it is paid once per process). Both are warmed up on a few texts, then run
``repeat`` times, interleaved, and the fastest run of each kept, so that neither a stray pause of
the machine nor running second decides the ratio.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .errors import BenchmarkMissing
from .records import Annotation

MASAKHANEWS = "masakhanews-eng-fra"
DANIEL = "daniel-waddle-ru-en"
R = TypeVar("R")
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


def russian_texts(benchmarks: Path, limit: int) -> list[str]:
    """Up to ``limit`` Russian news bodies: the DAnIEL reference texts of Russian pages."""
    import json

    folder = Path(benchmarks) / DANIEL
    languages = folder / "doc_lg.json"
    if not languages.exists():
        raise BenchmarkMissing(f"benchmark data not found: {languages}")
    russian = sorted(
        k for k, v in json.loads(languages.read_text(encoding="utf-8")).items() if v == "Russian"
    )
    texts = []
    for key in russian:
        path = folder / "reference" / f"{key}.txt"
        text = path.read_text(encoding="utf-8", errors="replace").strip() if path.exists() else ""
        if len(text.split()) >= 50:
            texts.append(text)
        if len(texts) >= limit:
            break
    return texts


def news_texts(benchmarks: Path, language: str, limit: int) -> list[str]:
    """Up to ``limit`` MasakhaNEWS articles (headline, blank line, body) in ``language``."""
    if language == "ru":
        return russian_texts(benchmarks, limit)
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


def _spacy_pipe(nlp: Any, texts: list[str]) -> list[Any]:
    from .nlp.pipelines import MAX_CHARS

    return list(nlp.pipe((t[:MAX_CHARS] for t in texts), batch_size=32))


def _ner_map(ner: Any, texts: list[str]) -> list[Any]:
    from .nlp.pipelines import MAX_CHARS

    return list(ner.map([t[:MAX_CHARS] for t in texts]))


def _timed(run: Callable[[], R]) -> tuple[float, R]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def bench_actors(benchmarks: Path, *, docs: int = 300, repeat: int = 2) -> tuple[float, list[ActorBenchRow]]:
    """(seconds to load the knowledge base, one row per language)."""
    import spacy

    from .annotate import ArticleText, annotate
    from .kb import load_kb
    from .nlp.pipelines import MODELS, UNUSED_COMPONENTS, load_pipeline
    from .nlp.russian import load_russian_ner

    start = time.perf_counter()
    kb = load_kb()
    kb_seconds = time.perf_counter() - start
    rows = []
    for language in ("en", "fr", "ru"):
        texts = news_texts(benchmarks, language, docs)
        articles = [ArticleText(str(i), t, language, None) for i, t in enumerate(texts)]
        if language == "ru":  # the bare model: slovnet NER over the same texts
            bare = functools.partial(_ner_map, load_russian_ner())
        else:
            load_pipeline(language)  # loaded before the clock starts, as a worker would have it
            bare = functools.partial(
                _spacy_pipe, spacy.load(MODELS[language], exclude=list(UNUSED_COMPONENTS))
            )
        bare(texts[:10])  # warm both up on a few texts

        def bare_parse(run: Callable[[list[str]], list[Any]] = bare, batch: list[str] = texts) -> list[Any]:
            return run(batch)

        list(annotate(articles[:10], kb))

        def actor_stage(batch: list[ArticleText] = articles) -> list[Annotation]:
            return list(annotate(batch, kb))

        parse_seconds = stage_seconds = float("inf")
        annotations: list[Annotation] = []
        for _ in range(repeat):  # interleaved, so that neither gains from running second
            parse_seconds = min(parse_seconds, _timed(bare_parse)[0])
            seconds, annotations = _timed(actor_stage)
            stage_seconds = min(stage_seconds, seconds)
        mentions = sum(len(a.mentions) for a in annotations)
        words = sum(len(t.split()) for t in texts)
        rows.append(ActorBenchRow(language, len(texts), words, parse_seconds, stage_seconds, mentions))
    return kb_seconds, rows
