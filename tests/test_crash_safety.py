"""kill -9 an ingest at spread-out points, run it again, and get the very database an
uninterrupted run makes: no duplicates, no lost documents, an intact file."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("crash")]

DEMO = Path(str(resources.files("newsgraph.demo")))
KILL_POINTS = int(os.environ.get("NEWSGRAPH_KILL_POINTS", "4"))


def _ingest(db: Path, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "newsgraph", "ingest", str(DEMO / "corpus"), "--db", str(db), "-q",
               "--outlets", str(DEMO / "outlets.yaml"), "--workers", str(workers)]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _snapshot(db: Path) -> dict[str, Any]:
    """Everything an analyst would notice, in a form that ignores row order."""
    with sqlite3.connect(db) as conn:
        q = conn.execute
        stories: dict[str, list[str]] = {}
        for article, story in q("select id, story_id from articles"):
            stories.setdefault(story, []).append(article)
        groups: dict[str, list[str]] = {}
        for event, group in q("select id, report_group from events"):
            groups.setdefault(group, []).append(event)
        return {
            "articles": q(
                "select id, title, outlet, published, language, text, annotated from articles order by id"
            ).fetchall(),
            "sources": q("select article_id, source from article_sources order by 2").fetchall(),
            "inputs": q("select source, raw_hash, status, article_id from inputs order by 1").fetchall(),
            "sentences": q("select article_id, idx, start, end from sentences order by 1, 2").fetchall(),
            "mentions": q(
                "select article_id, actor_id, start, end, country, sector from mentions order by 1, 3, 2"
            ).fetchall(),
            "events": q(
                "select id, event, date, modality, evidence_start, evidence_end from events order by 1"
            ).fetchall(),
            "quotes": q("select article_id, start, end, speaker from quotes order by 1, 2").fetchall(),
            "vectors": q("select count(*) from article_vectors").fetchone(),
            "stories": sorted((story, sorted(ids)) for story, ids in stories.items() if story),
            "event_groups": sorted(sorted(ids) for ids in groups.values()),
            "fts": q("select count(*) from articles_fts").fetchone(),
            "integrity": q("pragma integrity_check").fetchall(),
        }


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], float]:
    db = tmp_path_factory.mktemp("reference") / "ref.db"
    start = time.monotonic()
    assert _ingest(db, 1).wait(timeout=600) == 0
    return _snapshot(db), time.monotonic() - start


def test_kill_9_at_any_point_then_a_rerun_gives_the_uninterrupted_database(
    reference: tuple[dict[str, Any], float], tmp_path: Path
) -> None:
    expected, duration = reference
    assert expected["integrity"] == [("ok",)] and len(expected["articles"]) > 20
    rng = random.Random(8)
    interrupted = []  # whether each kill left a database unlike the finished one: kills landed mid-work
    for point in range(KILL_POINTS):
        db = tmp_path / f"killed-{point}.db"
        workers = 2 if point % 2 else 1  # a pool of workers loses its parent too
        run = _ingest(db, workers)
        if point % 3 == 1:  # as soon as the first articles are committed: surely mid-write
            delay = _wait_for_articles(db, run)
        else:  # a moment spread over the run (loading, extraction, annotation, stories), jittered
            # (within the first 70 % of the reference: a run may go faster than it did)
            delay = 0.7 * duration * (point + rng.uniform(0.2, 0.9)) / KILL_POINTS
            time.sleep(delay)
        children = _children(run.pid)
        run.send_signal(signal.SIGKILL)
        if run.wait(timeout=60) != -signal.SIGKILL:  # it finished first: the rerun must change nothing
            assert run.returncode == 0
        assert _all_gone(children, within=15), "worker processes outlived their killed parent"
        interrupted.append(_count_articles(db) > 0 and _snapshot(db) != expected)
        assert _ingest(db, 1).wait(timeout=600) == 0, f"the rerun after a kill at {delay:.1f} s failed"
        assert _snapshot(db) == expected, f"kill at {delay:.1f} s ({workers} worker(s)) changed the result"
        doctor = subprocess.run([sys.executable, "-m", "newsgraph", "doctor", "--db", str(db), "--json"],
                                capture_output=True, text=True, check=False)  # fmt: skip
        assert doctor.returncode == 0 and json.loads(doctor.stdout)["ok"], doctor.stdout[-500:]
    print(f"\ncrash test: {KILL_POINTS} kill -9s, {sum(interrupted)} mid-work, each rerun gave the "
          f"uninterrupted database ({len(expected['articles'])} articles), integrity ok")  # fmt: skip
    assert any(interrupted) or KILL_POINTS < 2, interrupted


def _wait_for_articles(db: Path, run: subprocess.Popen[bytes]) -> float:
    start = time.monotonic()
    while run.poll() is None:
        if _count_articles(db) > 0:
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError("the run ended before any article was seen committed")


def _children(pid: int) -> list[int]:
    """Direct children of a process (Linux's /proc), e.g. its worker processes."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _all_gone(pids: list[int], within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        alive = [p for p in pids if Path(f"/proc/{p}").exists() and "zombie" not in _state(p)]
        if not alive:
            return True
        time.sleep(0.2)
    return False


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:", 1)[1].split("\n", 1)[0].lower()
    except (OSError, IndexError):
        return "zombie"


def _count_articles(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db) as conn:
            return int(conn.execute("select count(*) from articles").fetchone()[0])
    except sqlite3.Error:
        return 0
