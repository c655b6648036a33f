"""``newsgraph doctor`` finds damage it is shown, and passes a healthy database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsgraph import IngestOptions, ingest
from newsgraph.cli import app
from newsgraph.doctor import examine
from newsgraph.store import Store

TEXT = (
    "Russia and Mali signed an agreement on military cooperation in Bamako on Tuesday, the Malian "
    "defence ministry said, after two days of talks with a Russian delegation led by a deputy minister. "
)


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    source = tmp_path / "news.jsonl"
    source.write_text(
        "".join(json.dumps({"title": f"Talks {i}", "text": TEXT * (2 + i), "published": "2025-03-0" + str(i + 1)}) + "\n"
                for i in range(3)),
        encoding="utf-8",
    )  # fmt: skip
    path = tmp_path / "news.db"
    with Store(path) as store:
        ingest([str(source)], store, IngestOptions(stories=False))
    return path


def test_a_healthy_database_passes_with_its_counts(db: Path) -> None:
    with Store(db, readonly=True) as store:
        report = examine(store)
    assert report.ok, [c for c in report.checks if not c.ok]
    assert report.counts["articles"] == 3 and report.counts["mentions"] > 0
    result = CliRunner().invoke(app, ["doctor", "--db", str(db)])
    assert result.exit_code == 0 and "healthy" in result.output


def test_orphans_are_found_counted_and_fail_the_check_up(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        article = conn.execute("select id from articles limit 1").fetchone()[0]
        mentions = conn.execute("select count(*) from mentions where article_id = ?", [article]).fetchone()[0]
        conn.execute("delete from articles where id = ?", [article])
    with Store(db, readonly=True) as store:
        report = examine(store)
    failed = {c.name: c for c in report.checks if not c.ok and not c.warning}
    assert failed["mentions without their article"].count == mentions > 0
    assert not report.ok
    result = CliRunner().invoke(app, ["doctor", "--db", str(db), "--json"])
    assert result.exit_code == 1 and json.loads(result.output)["ok"] is False


def test_work_waiting_is_a_note_not_damage(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("update articles set annotated = null")
    with Store(db, readonly=True) as store:
        report = examine(store)
    waiting = next(c for c in report.checks if c.name == "articles awaiting annotation")
    assert waiting.count == 3 and waiting.warning and not waiting.ok and report.ok


def test_a_damaged_file_is_reported_not_crashed_on(db: Path) -> None:
    data = bytearray(db.read_bytes())
    for offset in range(4096 * 2, len(data), 4096 * 3):  # scribble over some pages, keep the header
        data[offset : offset + 64] = b"\xff" * 64
    db.write_bytes(bytes(data))
    result = CliRunner().invoke(app, ["doctor", "--db", str(db)])
    assert result.exit_code in (1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
