"""``bench_serve``: the latency benchmark builds its database and reports every route (figures, never thresholds)."""

from __future__ import annotations

from pathlib import Path

from newsgraph.bench_serve import bench_serve
from newsgraph.store import Store


def test_bench_serve_builds_a_copied_database_and_times_every_route(tmp_path: Path) -> None:
    db = tmp_path / "bench.db"
    total, rows = bench_serve(articles=80, repeat=2, db=db)
    assert total == 80
    with Store(db, readonly=True) as store:
        assert store.db.execute("select count(*) from events").fetchone()[0] > 119
        dates = [r[0] for r in store.db.execute("select distinct substr(published, 1, 4) from articles")]
    assert len(dates) >= 1
    assert len(rows) >= 15
    for row in rows:
        assert row.status == 200, row.route
        assert 0 < row.p50_ms <= row.p95_ms
