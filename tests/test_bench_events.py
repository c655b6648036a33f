"""``bench_events``: the whole-pipeline benchmark runs and reports every figure (never a timing threshold)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import shared_path
from newsgraph.bench_events import EventBenchRow, bench_events
from newsgraph.errors import BenchmarkMissing


def test_bench_events_reports_every_figure_for_english_and_french() -> None:
    load_seconds, rows = bench_events(
        shared_path("benchmarks", "masakhanews-eng-fra").parent, docs=3, repeat=1
    )
    assert load_seconds >= 0
    assert [r.language for r in rows] == ["en", "fr"]
    for row in rows:
        assert isinstance(row, EventBenchRow)
        assert row.docs == 3 and row.words > 0
        assert 0 < row.stored <= row.docs
        assert row.events >= 0
        assert row.parse_words_per_second > 0
        assert row.annotate_words_per_second > 0
        assert row.pipeline_words_per_second > 0
        assert row.ratio > 0 and row.annotate_ratio > 0
        assert row.pipeline_cpu_seconds > 0
        assert row.peak_rss_mb > 0
        assert min(row.parse_traced_mb, row.annotate_traced_mb, row.pipeline_traced_mb) >= 0


def test_missing_benchmark_data_raises_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(BenchmarkMissing):
        bench_events(tmp_path / "nowhere", docs=3, repeat=1)
