"""The built-in demo corpus, ingested end to end, against its hand-written gold
(tests/data/demo_expected.yaml)."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from newsgraph import IngestOptions, ingest
from newsgraph.cli import app
from newsgraph.store import Store

GOLD: dict[str, dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "demo_expected.yaml").read_text(encoding="utf-8")
)
DEMO = Path(str(resources.files("newsgraph.demo")))
CORPUS = DEMO / "corpus"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    options = IngestOptions(outlet_files=(DEMO / "outlets.yaml",))
    with Store(db) as store:
        summary = ingest([str(CORPUS)], store, options)
        articles = {}
        for article in store.iter_articles():
            for (source,) in store.db.execute(
                "select source from article_sources where article_id = ?", [article["id"]]
            ):
                articles[
                    Path(source).relative_to(CORPUS).as_posix() if "#" not in source else _key(source)
                ] = article
        problems = store.problems()
    return {"summary": summary, "articles": articles, "problems": problems}


def _key(source: str) -> str:
    path, _, member = source.partition("#")
    return f"{Path(path).relative_to(CORPUS).as_posix()}#{member}"


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_the_corpus_is_read_without_failures(demo: dict[str, Any]) -> None:
    summary = demo["summary"]
    expected_articles = sum(1 for g in GOLD.values() if g["expect"] == "article")
    assert summary.failed == 0, summary.failures
    assert summary.new == expected_articles
    assert summary.duplicate == sum(1 for g in GOLD.values() if g["expect"] == "duplicate")
    assert summary.skipped == sum(1 for g in GOLD.values() if g["expect"] == "skipped")


@pytest.mark.parametrize("key", sorted(k for k, g in GOLD.items() if g["expect"] in ("article", "duplicate")))
def test_each_document_matches_its_gold(demo: dict[str, Any], key: str) -> None:
    gold = GOLD[key]
    article = demo["articles"].get(key)
    assert article is not None, f"{key} was not stored"
    if gold["expect"] == "duplicate":
        assert demo["articles"][gold["duplicate_of"]]["id"] == article["id"]
        return
    assert article["title"] == gold["title"]
    assert article["outlet"] == gold["outlet"]
    assert article["published"] == gold["published"]
    assert article["language"] == gold["language"]
    if gold.get("via"):
        assert article["via"] == gold["via"]
    text = _normalised(article["text"])
    for sentence in gold["must_contain"]:
        assert _normalised(sentence) in text, sentence
    for furniture in gold["must_not_contain"]:
        assert _normalised(furniture) not in text, furniture


def test_summary_only_feed_entries_are_reported_not_stored(demo: dict[str, Any]) -> None:
    skipped = [k for k, g in GOLD.items() if g["expect"] == "skipped"]
    reasons = {_key(p["source"]): p["reason"] for p in demo["problems"] if "#" in p["source"]}
    for key in skipped:
        assert key not in demo["articles"]
        assert "only a summary" in reasons[key]


def test_demo_command_runs_the_main_job(tmp_path: Path) -> None:
    db, out = tmp_path / "demo.db", tmp_path / "export"
    result = CliRunner().invoke(app, ["demo", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "new" in result.output and "Wagner" in result.output
    lines = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == sum(1 for g in GOLD.values() if g["expect"] == "article")
    again = CliRunner().invoke(app, ["demo", "--db", str(db), "--out", str(out)])
    assert again.exit_code == 0 and " 0 new" in again.output
