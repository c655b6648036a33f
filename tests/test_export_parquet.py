"""The Parquet export: every table, its rows and values as SQLite holds them, streamed, atomic."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import newsgraph.export_parquet as export_module
from newsgraph.article import article_id, content_hash
from newsgraph.export_parquet import export_parquet, export_tables
from newsgraph.records import (
    ActorRecord,
    Annotation,
    Article,
    EventRecord,
    Mention,
    Participant,
    RoleEvidence,
    Skipped,
)
from newsgraph.store import Store

HOSTILE = "Ni\x00ger \u202eevil\u202c «Wagner» 🦄 e\u0301 \ufeff'\"\\ \r\n\t Z\u200dW --; drop table articles"


def _article(text: str, source: str, **extra: Any) -> Article:
    digest = content_hash(text)
    fields: dict[str, Any] = {
        "id": article_id(digest), "source": source, "url": f"https://example.org/{source}",
        "outlet": "TASS", "title": "Talks in Moscow", "published": "2025-04-03", "language": "en",
        "text": text, "content_hash": digest, "container": "file", "content_type": "text",
        "raw_hash": "r" + source, "authors": ["A. Writer"], "provenance": {"published": "text: header"},
    }  # fmt: skip
    fields.update(extra)
    return Article(**fields)


def _annotation(article: Article) -> Annotation:
    party = Participant("state:RUS", "RUS", "RUS", "GOV", "Moscow")
    return Annotation(
        article_id=article.id,
        language="en",
        sentences=[(0, 40), (41, len(article.text))],
        mentions=[Mention("state:RUS", "Moscow", 0, 6, 0, "RUS", "GOV", None, "capital", 0.9)],
        roles=[RoleEvidence("person:x", "minister", "RUS", None, "GOV", "the minister", 3, 15)],
        actors=[ActorRecord("state:RUS", "Russia", "state", "RUS", "RUS", "GOV", ["Moscow", HOSTILE])],
        parsed=True,
        events=[
            EventRecord(
                article_id=article.id,
                sentence=0,
                event="CONSULT",
                mode="visit",
                context=["diplomatic"],
                cameo="042",
                actor=[party],
                recipient=[],
                modality="asserted",
                attributed_to=None,
                attributed_text=None,
                hedges=[],
                date="2025-04-03",
                date_text="on Thursday",
                location={"name": "Moscow", "country": "RUS", "lat": 55.75, "lon": 37.62},
                evidence_start=0,
                evidence_end=40,
                trigger="held talks",
                trigger_start=7,
                trigger_end=17,
                confidence=0.8,
                id=f"{article.id}-e0",
            )
        ],
        places=[
            {
                "text": "Moscow",
                "start": 0,
                "end": 6,
                "name": "Moscow",
                "country": "RUS",
                "lat": 55.75,
                "lon": 37.62,
                "kind": "city",
            }
        ],
        focus_countries=["RUS", "MLI"],
    )


@pytest.fixture
def filled(tmp_path: Path) -> Store:
    with Store(tmp_path / "filled.db") as store:
        texts = [
            "Moscow held talks with Bamako on Thursday about security and energy cooperation.",
            HOSTILE + " The delegation met the minister for two hours and signed nothing at all.",
            "Niamey and Ouagadougou issued a joint statement on the Alliance of Sahel States.",
        ]
        for i, text in enumerate(texts):
            article = _article(text, f"in/{i}.txt", title=HOSTILE if i == 1 else f"Title {i}")
            store.add_article(article)
            store.save_annotation(_annotation(article), 1)
            store.save_vector(article.id, "test-model", bytes(range(256)) + b"\x00" * 7)
            store.record_input(article.source, article.raw_hash, "new", 1, article_id=article.id)
        store.add_problem(Skipped("broken.gz", "corrupt gzip stream: " + HOSTILE))
        store.save_outlet(
            {
                "name": "TASS",
                "country": "RUS",
                "ownership": "state",
                "kind": "agency",
                "languages": "ru en",
                "hosts": "tass.com",
            }
        )
        store.db.conn.commit()
        yield store


def _sqlite_rows(conn: sqlite3.Connection, table: str) -> list[dict[str, Any]]:
    cursor = conn.execute(f'select * from "{table}"')
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def test_every_table_round_trips_row_for_row(filled: Store, tmp_path: Path) -> None:
    written = export_parquet(filled, tmp_path / "out")
    tables = {path.stem for path in written}
    assert {
        "articles", "actors", "actor_roles", "mentions", "events", "event_actors", "quotes", "places",
        "sentences", "stories", "story_aliases", "outlets", "inputs", "errors", "article_sources",
        "article_vectors",
    } <= tables  # fmt: skip
    assert not {t for t in tables if t.startswith(("articles_fts", "_", "sqlite_"))}
    assert set(export_tables(filled.db.conn)) == tables
    for path, count in written.items():
        assert path.exists() and path.name == f"{path.stem}.parquet"
        expected = _sqlite_rows(filled.db.conn, path.stem)
        assert count == len(expected)
        assert pq.read_table(path).to_pylist() == expected, path.stem
    assert written[tmp_path / "out" / "articles.parquet"] == 3
    assert not list((tmp_path / "out").glob(".*"))  # no temporary file left behind


def test_types_are_arrow_types_and_json_stays_text(filled: Store, tmp_path: Path) -> None:
    export_parquet(filled, tmp_path / "out")
    articles = pq.read_schema(tmp_path / "out" / "articles.parquet")
    assert articles.field("word_count").type == pa.int64()
    assert articles.field("text").type == pa.string()
    assert articles.field("provenance").type == pa.string()  # JSON text
    assert articles.field("provenance").metadata == {b"sqlite_type": b"TEXT"}
    assert pq.read_schema(tmp_path / "out" / "mentions.parquet").field("confidence").type == pa.float64()
    vectors = pq.read_table(tmp_path / "out" / "article_vectors.parquet")
    assert vectors.schema.field("vector").type == pa.binary()
    assert vectors.column("vector")[0].as_py() == bytes(range(256)) + b"\x00" * 7
    events = pq.read_table(tmp_path / "out" / "events.parquet").to_pylist()
    assert '"lat": 55.75' in events[0]["location"]


def test_a_hostile_string_survives_byte_exact(filled: Store, tmp_path: Path) -> None:
    export_parquet(filled, tmp_path / "out")
    titles = pq.read_table(tmp_path / "out" / "articles.parquet").column("title").to_pylist()
    assert HOSTILE in titles
    assert next(t for t in titles if t and t.startswith("Ni")).encode("utf-8") == HOSTILE.encode("utf-8")
    reasons = pq.read_table(tmp_path / "out" / "errors.parquet").column("reason").to_pylist()
    assert reasons == ["corrupt gzip stream: " + HOSTILE]


def test_export_streams_in_batches_and_overwrites_atomically(
    filled: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    export_parquet(filled, out)
    before = (out / "articles.parquet").stat().st_mtime_ns
    monkeypatch.setattr(export_module, "BATCH_ROWS", 2)
    for i in range(5):
        text = f"Article number {i} about the Sahel, written at length for the batch test of export."
        filled.add_article(_article(text, f"more/{i}.txt"))
    filled.db.conn.commit()
    written = export_parquet(filled, out)
    assert written[out / "articles.parquet"] == 8
    assert pq.ParquetFile(out / "articles.parquet").metadata.num_rows == 8
    assert (out / "articles.parquet").stat().st_mtime_ns >= before
    assert not list(out.glob(".*"))


def test_mixed_and_empty_columns_get_a_type_that_holds_them(filled: Store, tmp_path: Path) -> None:
    conn = filled.db.conn
    conn.execute("create table odd (a text, b integer, c real, d, e blob)")
    conn.execute("insert into odd values ('x', 1, 1.5, 'text', x'00ff')")
    conn.execute("insert into odd values (7, 2.5, 3, x'01', 'not bytes')")
    conn.execute("create table empty_one (n integer, s text, f real, b blob)")
    conn.commit()
    written = export_parquet(filled, tmp_path / "out")
    odd = pq.read_table(tmp_path / "out" / "odd.parquet")
    assert written[tmp_path / "out" / "odd.parquet"] == 2
    assert odd.schema.field("a").type == pa.string() and odd.column("a").to_pylist() == ["x", "7"]
    assert odd.schema.field("b").type == pa.float64() and odd.column("b").to_pylist() == [1.0, 2.5]
    assert odd.schema.field("d").type == pa.binary() and odd.column("d").to_pylist() == [b"text", b"\x01"]
    assert odd.column("e").to_pylist() == [b"\x00\xff", b"not bytes"]
    empty = pq.read_schema(tmp_path / "out" / "empty_one.parquet")
    assert [f.type for f in empty] == [pa.int64(), pa.string(), pa.float64(), pa.binary()]


def test_the_cli_writes_parquet(filled: Store, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from newsgraph.cli import app

    path = filled.path
    filled.close()
    result = CliRunner().invoke(
        app, ["export", "--db", str(path), "--out", str(tmp_path / "cli"), "--format", "parquet"]
    )
    assert result.exit_code == 0, result.output
    assert "articles.parquet: 3 row(s)" in result.output
    assert pq.read_table(tmp_path / "cli" / "articles.parquet").num_rows == 3
