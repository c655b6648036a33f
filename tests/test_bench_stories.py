"""``bench_stories``: the story-stage benchmark runs and reports every figure (never a timing threshold)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import shared_path
from newsgraph.bench_stories import StoryBench, bench_stories
from newsgraph.errors import BenchmarkMissing


def test_bench_stories_reports_every_figure() -> None:
    row = bench_stories(shared_path("benchmarks", "masakhanews-eng-fra").parent, docs=4, repeat=1)
    assert isinstance(row, StoryBench)
    assert row.articles == 8
    assert 1 <= row.stories <= row.articles
    assert row.stage_seconds > 0 and row.model_seconds > 0 and row.grouping_seconds >= 0
    assert row.articles_per_second > 0 and row.ratio > 0
    assert row.peak_rss_mb > 0


def test_missing_benchmark_data_raises_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(BenchmarkMissing):
        bench_stories(tmp_path / "nowhere", docs=3, repeat=1)
