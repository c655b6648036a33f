"""The SQLite store: migrations, deduplication, full-text search, errors, export."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgraph.errors import SchemaTooNew, StoreError
from newsgraph.export import EXPORT_FILES, export
from newsgraph.records import Article, Skipped
from newsgraph.store import SCHEMA_VERSION, Store
from newsgraph.store.db import HIT_END, HIT_START, fts_query


def make_article(text: str, source: str = "a.txt", **extra: object) -> Article:
    from newsgraph.article import article_id, content_hash

    digest = content_hash(text)
    fields: dict[str, object] = {
        "id": article_id(digest), "source": source, "url": None, "outlet": "TASS", "title": "Talks in Moscow",
        "published": "2025-04-03", "language": "en", "text": text, "content_hash": digest,
        "container": "file", "content_type": "text", "raw_hash": "r" + source,
    }  # fmt: skip
    fields.update(extra)
    return Article(**fields)  # type: ignore[arg-type]


def test_new_database_is_migrated_in_wal_mode(tmp_path: Path) -> None:
    with Store(tmp_path / "n.db") as store:
        assert store.db.execute("pragma journal_mode").fetchone()[0] == "wal"
        versions = [r[0] for r in store.db.execute("select id from _migrations")]
        assert versions[-1] == SCHEMA_VERSION
        assert "articles_fts" in store.db.table_names()


def test_reopening_applies_nothing_and_keeps_data(tmp_path: Path) -> None:
    with Store(tmp_path / "n.db") as store:
        store.add_article(make_article("Russia and Mali signed an agreement on energy cooperation."))
        store.db.conn.commit()
    with Store(tmp_path / "n.db") as store:
        assert store.migrations_applied == []
        assert store.article_count() == 1


def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    with Store(tmp_path / "n.db") as store:
        store.db["_migrations"].insert({"id": SCHEMA_VERSION + 1, "name": "future", "applied_at": "x"})
        store.db.conn.commit()
    with pytest.raises(SchemaTooNew, match="upgrade newsgraph"):
        Store(tmp_path / "n.db")


def test_a_migration_cut_short_is_completed_on_open(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    conn = sqlite3.connect(path)
    conn.execute("create table articles (id text primary key, content_hash text, source text, text text)")
    conn.commit()
    conn.close()
    with Store(path) as store:  # the table exists, the rest of migration 1 is still applied
        assert {"inputs", "errors", "article_sources"} <= set(store.db.table_names())


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open database"):
        Store(bogus)
    with pytest.raises(StoreError, match="no database"):
        Store(tmp_path / "missing.db", readonly=True)


def test_same_text_is_one_article_with_two_sources(store: Store) -> None:
    text = "The junta in Niamey announced the expulsion of the French ambassador on Friday."
    assert store.add_article(make_article(text, "one.txt")) == "new"
    assert store.add_article(make_article(text, "two.html")) == "duplicate"
    assert store.article_count() == 1
    sources = [r[0] for r in store.db.execute("select source from article_sources order by source")]
    assert sources == ["one.txt", "two.html"]


def test_problems_are_recorded_once_per_source_and_reason(store: Store) -> None:
    for _ in range(2):
        store.add_problem(Skipped("bad.bin", "binary data, not text"))
    store.add_problem(Skipped("bad.bin", "another reason", severity="warning"))
    assert len(store.problems()) == 2
    assert [p["reason"] for p in store.problems("error")] == ["binary data, not text"]
    store.clear_problems("bad.bin")
    assert store.problems() == []


def test_search_ranks_matches_and_marks_them(store: Store) -> None:
    store.add_article(make_article("Wagner fighters arrived in Bamako, officials in the capital said."))
    store.add_article(
        make_article("Les instructeurs russes sont arrivés à Bamako, selon le ministère.", "b.txt")
    )
    store.add_article(
        make_article("A trade fair opened in Dakar with exhibitors from twelve countries.", "c.txt")
    )
    hits = store.search("bamako")
    assert len(hits) == 2
    assert all(HIT_START in h.snippet and HIT_END in h.snippet for h in hits)
    assert len(store.search("arrive")) == 0  # whole words, not stems
    assert len(store.search("arrives")) == 1  # accents folded: matches "arrivés"
    assert len(store.search("arriv*")) == 2  # prefix
    assert len(store.search('"fighters arrived"')) == 1


@pytest.mark.parametrize(
    "hostile",
    ['"', "AND OR NOT", "NEAR(a b)", "'; drop table articles; --", "title:x", "*", "a) OR (b", "\x00", "^x"],
)
def test_any_user_query_is_safe(store: Store, hostile: str) -> None:
    store.add_article(make_article("Ministers met in Moscow on Thursday to discuss the Sahel."))
    store.search(hostile)  # no exception
    assert store.article_count() == 1


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_fts_query_never_produces_syntax_errors(text: str) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table t using fts5(body)")
    conn.execute("insert into t values ('Ministers met in Moscow')")
    query = fts_query(text)
    if query:
        conn.execute("select * from t where t match ?", [query]).fetchall()


def test_export_writes_all_contract_files_atomically(store: Store, tmp_path: Path) -> None:
    text = "Russia and Mali agreed to build a gold refinery near Bamako, the two governments said."
    store.add_article(make_article(text, "one.txt", url="https://example.org/a"))
    store.add_article(make_article(text, "two.txt"))
    store.db.conn.commit()
    out = tmp_path / "out"
    counts = export(store, out)
    assert counts["articles"] == 1
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.jsonl" for name in EXPORT_FILES)
    record = json.loads((out / "articles.jsonl").read_text(encoding="utf-8"))
    assert list(record)[:9] == [
        "id",
        "source",
        "url",
        "outlet",
        "title",
        "published",
        "language",
        "text",
        "story_id",
    ]
    assert record["sources"] == ["one.txt", "two.txt"] and record["text"] == text
    for name in EXPORT_FILES[1:]:
        assert (out / f"{name}.jsonl").read_text(encoding="utf-8") == ""
    first = (out / "articles.jsonl").read_bytes()
    export(store, out)
    assert (out / "articles.jsonl").read_bytes() == first  # re-running is idempotent


def test_stats(store: Store) -> None:
    store.add_article(make_article("Russia and Mali agreed to build a gold refinery near Bamako."))
    store.add_problem(Skipped("x.bin", "binary data, not text"))
    stats = store.stats()
    assert stats["articles"] == 1 and stats["outlets"] == [("TASS", 1)]
    assert stats["problems"] == [{"severity": "error", "reason": "binary data, not text", "count": 1}]


def test_a_database_of_the_previous_schema_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Store(path) as store:  # make it look like a version-1 database
        store.db.execute("drop index if exists idx_inputs_raw_hash")
        store.db.execute("delete from _migrations where id > 1")
        store.db.conn.commit()
    with Store(path) as store:
        assert store.migrations_applied and store.migrations_applied[0].startswith("index inputs by raw hash")
        indexes = {row[1] for row in store.db.execute("pragma index_list(inputs)")}
        assert "idx_inputs_raw_hash" in indexes


def test_identical_bytes_under_another_name_are_not_extracted_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsgraph import ingest, processing

    text = (
        "Niger's junta announced a new agreement on uranium mining with a Russian state company on Monday. "
        * 3
    )
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "copy-of-a.txt").write_text(text, encoding="utf-8")
    calls = []
    real = processing.build_article
    monkeypatch.setattr(
        processing, "build_article", lambda doc, ctx: calls.append(doc.source) or real(doc, ctx)
    )
    with Store(tmp_path / "db.sqlite") as store:
        summary = ingest([str(tmp_path / "a.txt"), str(tmp_path / "copy-of-a.txt")], store)
        sources = [r[0] for r in store.db.execute("select source from article_sources")]
    assert (summary.new, summary.duplicate) == (1, 1)
    assert len(calls) == 1
    assert len(sources) == 2
