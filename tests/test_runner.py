"""The process runner: order, bounded read-ahead, a dying worker costs only its item, and
``--workers 2`` stores exactly what one process stores."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from newsgraph import IngestOptions, ingest
from newsgraph.errors import WorkerStartError
from newsgraph.runner import chunked, run_chunks
from newsgraph.store import Store
from runner_helpers import broken_setup, square_or_die, square_or_raise

DEMO = Path(str(resources.files("newsgraph.demo")))


def test_results_come_back_in_order_with_bounded_read_ahead() -> None:
    taken: list[int] = []

    def numbers() -> object:
        for n in range(200):
            taken.append(n)
            yield n

    seen = []
    for done in run_chunks(square_or_raise, chunked(numbers(), 5), workers=2, window=3):  # type: ignore[arg-type]
        # never more than the window's chunks read ahead of the one returned
        assert len(taken) <= (len(seen) // 5 + 1 + 3) * 5
        assert done.results is not None
        seen.extend(done.items)
        assert done.results == [n * n for n in done.items]
    assert seen == list(range(200))


def test_a_dying_worker_costs_only_the_item_that_killed_it() -> None:
    items = [1, 2, 3, -1, 5, 6, 7, 8, 9, 10, 11, 12]
    done = list(run_chunks(square_or_die, chunked(items, 4), workers=2))
    failed = [item for d in done if d.results is None for item in d.items]
    squared = {
        item: r for d in done if d.results is not None for item, r in zip(d.items, d.results, strict=True)
    }
    assert failed == [-1]
    assert squared == {n: n * n for n in items if n != -1}
    assert [item for d in done for item in d.items] == items  # in order, nothing lost silently


def test_a_raising_task_fails_its_chunk_and_the_pool_goes_on() -> None:
    done = list(run_chunks(square_or_raise, chunked([1, -2, 3, 4], 2), workers=2))
    assert [d.results for d in done] == [None, [9, 16]]
    assert done[0].error is not None and "no negative twos" in done[0].error


def test_workers_that_cannot_set_up_stop_the_run_with_a_clear_error() -> None:
    """Not every item isolated and lost at a pool start apiece: one clear error."""
    with pytest.raises(WorkerStartError, match="worker processes could not start"):
        list(run_chunks(square_or_raise, chunked(range(100), 1), workers=2, initializer=broken_setup))


def test_in_process_runs_the_same_work() -> None:
    done = list(run_chunks(square_or_raise, chunked(range(7), 3), workers=1))
    assert [r for d in done for r in d.results or []] == [n * n for n in range(7)]


def _contents(db: Path) -> dict[str, object]:
    with Store(db, readonly=True) as store:
        q = store.db.execute
        return {
            "articles": q(
                "select id, title, outlet, published, language, text from articles order by id"
            ).fetchall(),
            "mentions": q(
                "select article_id, actor_id, start, end from mentions order by 1, 3, 2"
            ).fetchall(),
            "events": q("select id, event, date, evidence_start from events order by id").fetchall(),
            "stories": sorted(
                sorted(json.loads(r[0]))
                for r in q("select json_group_array(id) from articles group by story_id")
            ),
            "vectors": q("select count(*) from article_vectors").fetchone(),
            "inputs": q("select source, status from inputs order by source").fetchall(),
        }


@pytest.mark.xdist_group("workers")
def test_two_workers_store_exactly_what_one_process_stores(tmp_path: Path) -> None:
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00not really gzip")
    inputs = [str(DEMO / "corpus"), str(broken)]
    options = IngestOptions(outlet_files=(DEMO / "outlets.yaml",))
    results = {}
    for workers in (1, 2):
        db = tmp_path / f"w{workers}.db"
        with Store(db) as store:
            summary = ingest(inputs, store, IngestOptions(**{**_fields(options), "workers": workers}))
        results[workers] = (summary.new, summary.failed, summary.annotated, _contents(db))
    assert results[1] == results[2]
    assert results[2][0] > 20 and results[2][1] >= 1
    with Store(tmp_path / "w2.db") as store:  # re-running with workers changes nothing
        again = ingest(inputs, store, IngestOptions(**{**_fields(options), "workers": 2}))
    assert again.new == 0 and again.unchanged >= results[2][0] and again.annotated == 0
    assert _contents(tmp_path / "w2.db") == results[2][3]


def _fields(options: IngestOptions) -> dict[str, object]:
    return {name: getattr(options, name) for name in IngestOptions.__dataclass_fields__}
