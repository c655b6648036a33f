"""The Spark runner: ``ingest --engine spark`` on a real ``local[2]`` session stores exactly what
the local runner stores, re-ingest is cheap and changes nothing (whichever engine ran first), the
shards load without Spark, and the shard rows round-trip every record.

The Spark tests skip, saying why, without pyspark (``pip install '.[spark]'``) or Java.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import shutil
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from newsgraph import IngestOptions, ingest
from newsgraph.errors import ConfigError
from newsgraph.events.quotes import Quote
from newsgraph.processing import Processed, Work, process_documents, start_worker
from newsgraph.readers import read_data, read_input
from newsgraph.records import (
    ActorRecord,
    Annotation,
    Article,
    EventRecord,
    Mention,
    Participant,
    RawDocument,
    RoleEvidence,
    Skipped,
)
from newsgraph.sources import InputFile, expand_inputs
from newsgraph.spark import job as spark_job
from newsgraph.spark.rows import ROW_SCHEMA, processed_row, row_record, skipped_row, stored_row, to_batch
from newsgraph.store import Store

pytestmark = pytest.mark.xdist_group("spark")

DEMO = Path(str(resources.files("newsgraph.demo")))
OPTIONS = IngestOptions(outlet_files=(DEMO / "outlets.yaml",))
HOSTILE = "Ni\x00ger \u202eevil\u202c «Wagner» 🦄 e\u0301 \ufeff'\"\\ \r\n\t \ud800 lone"

UNDERSCORE_ARTICLE = """Title: Sahel ministers meet in Niamey on fuel supplies
Published: 14 May 2025

Ministers from Mali, Burkina Faso and Niger met in Niamey on Wednesday to discuss fuel supplies
for the Alliance of Sahel States, after weeks of shortages along the main transport corridors.
The ministers agreed to set up a joint committee to watch the convoys and to share stocks between
the three capitals until the end of the rainy season, officials said after the meeting.
"""


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark() -> Any:
    pytest.importorskip("pyspark", reason="pyspark is not installed: pip install '.[spark]'")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Java is not installed (apt-get install openjdk-17-jre-headless): Spark cannot run")
    session = spark_job.start_session(
        "local[2]", **{"spark.sql.shuffle.partitions": "2", "spark.driver.memory": "1g"}
    )
    yield session
    session.stop()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The demo corpus, plus a broken gzip file, a gzipped copy of a demo text (the same bytes
    under another name) and a file whose name Spark would take for hidden (``_...``)."""
    extra = tmp_path_factory.mktemp("extra")
    (extra / "broken.html.gz").write_bytes(b"\x1f\x8b\x08\x00not really gzip")
    text = DEMO / "corpus" / "text" / "newsflux24" / "5512093-russia-delivers-helicopters-to-mali.txt"
    (extra / "copy-of-helicopters.txt.gz").write_bytes(gzip.compress(text.read_bytes()))
    (extra / "_sahel-fuel.txt").write_text(UNDERSCORE_ARTICLE, encoding="utf-8")
    return [str(DEMO / "corpus"), str(extra)]


@pytest.fixture(scope="module")
def local_db(tmp_path_factory: pytest.TempPathFactory, inputs: list[str]) -> Path:
    db = tmp_path_factory.mktemp("local") / "local.db"
    with Store(db) as store:
        summary = ingest(inputs, store, OPTIONS)
    assert summary.new > 20 and summary.failed >= 1
    return db


@pytest.fixture(scope="module")
def spark_run(
    spark: Any, tmp_path_factory: pytest.TempPathFactory, inputs: list[str]
) -> tuple[Path, dict[str, Any]]:
    """A database filled by ``newsgraph ingest --engine spark`` (through the CLI), and its summary."""
    db = tmp_path_factory.mktemp("spark") / "spark.db"
    summary = _cli_ingest(db, inputs)
    return db, summary


def _cli_ingest(db: Path, inputs: list[str], *extra: str) -> dict[str, Any]:
    from newsgraph.cli import app

    args = ["ingest", *inputs, "--db", str(db), "--outlets", str(DEMO / "outlets.yaml"), "--json"]
    args += ["--engine", "spark", "--spark-master", "local[2]", *extra]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _contents(db: Path) -> dict[str, Any]:
    with Store(db, readonly=True) as store:
        q = store.db.execute
        return {
            "articles": q(
                "select id, source, url, outlet, title, published, language, text, raw_hash, authors,"
                " provenance, repairs, warnings, removed_lines, focus_countries, annotated, story_id,"
                " duplicate_of from articles order by id"
            ).fetchall(),
            "article_sources": q(
                "select article_id, source, url, outlet, raw_hash from article_sources order by 1, 2"
            ).fetchall(),
            "mentions": q(
                "select article_id, actor_id, text, start, end, sentence, country, sector, role, how,"
                " confidence from mentions order by 1, 4, 2"
            ).fetchall(),
            "events": q("select * from events order by id").fetchall(),
            "event_actors": q("select * from event_actors order by 1, 2, 3").fetchall(),
            "quotes": q("select article_id, speaker, text, start, end from quotes order by 1, 4").fetchall(),
            "places": q("select article_id, text, start, name from places order by 1, 3").fetchall(),
            "actors": q("select id, name, kind, code, country, sector, aliases from actors order by id").fetchall(),
            "stories": q("select id, title, article_count, languages, outlets from stories order by id").fetchall(),
            "vectors": q("select article_id, model, vector from article_vectors order by 1").fetchall(),
            "inputs": q("select source, raw_hash, status, article_id, reason from inputs order by 1").fetchall(),
            "errors": q("select source, stage, severity, reason from errors order by 1, 4").fetchall(),
            "repeated_lines": q("select * from repeated_lines order by 1, 2").fetchall(),
        }  # fmt: skip


# --- the Spark runner --------------------------------------------------------------------------


def test_spark_ingest_stores_what_the_local_runner_stores(
    spark_run: tuple[Path, dict[str, Any]], local_db: Path
) -> None:
    db, summary = spark_run
    with Store(local_db, readonly=True) as store:
        local_articles = store.article_count()
    assert summary["new"] == local_articles > 20
    assert summary["failed"] >= 1 and summary["duplicate"] >= 1  # the broken file; the gzipped copy
    assert summary["files"] == len(list(expand_inputs([str(DEMO / "corpus")]))) + 3
    spark_contents, local_contents = _contents(db), _contents(local_db)
    for table, rows in local_contents.items():
        assert spark_contents[table] == rows, table
    assert any(source.endswith("_sahel-fuel.txt") for source, *_ in spark_contents["inputs"])
    assert any(s.endswith("copy-of-helicopters.txt.gz") for _, s, *_ in spark_contents["article_sources"])
    shards = sorted((db.parent / "spark.db.shards").iterdir())
    assert shards and (shards[0] / "manifest.json").is_file() and (shards[0] / "records").is_dir()
    assert not (shards[0] / "lines").exists()


def test_re_ingest_with_either_engine_changes_nothing(
    spark_run: tuple[Path, dict[str, Any]], local_db: Path, inputs: list[str], tmp_path: Path
) -> None:
    db, first = spark_run
    before = _contents(db)
    again = _cli_ingest(db, inputs)
    assert again["new"] == 0 and again["annotated"] == 0
    assert again["unchanged"] >= first["new"]
    assert _contents(db) == before
    with Store(db) as store:  # the local runner after Spark
        local_again = ingest(inputs, store, OPTIONS)
    assert local_again.new == 0 and local_again.unchanged >= first["new"]
    assert _contents(db) == before
    copied = tmp_path / "local-copy.db"  # Spark after the local runner
    shutil.copy(local_db, copied)
    local_before = _contents(copied)
    with Store(copied) as store:
        spark_again = spark_job.spark_ingest(inputs, store, OPTIONS, master="local[2]")
    assert spark_again.new == 0 and spark_again.unchanged >= first["new"]
    assert _contents(copied) == local_before


def test_shards_load_without_spark_into_any_database_and_twice_changes_nothing(
    spark_run: tuple[Path, dict[str, Any]], local_db: Path, tmp_path: Path
) -> None:
    import newsgraph.cli_spark  # noqa: F401 - registers load-shards on the app
    from newsgraph.cli import app

    db, first = spark_run
    run = sorted((db.parent / "spark.db.shards").iterdir())[0]
    fresh = tmp_path / "loaded.db"
    for attempt in (1, 2):
        result = CliRunner().invoke(app, ["load-shards", str(run), "--db", str(fresh), "--json"])
        assert result.exit_code == 0, result.output
        loaded = json.loads(result.stdout)
        assert loaded["new"] == (first["new"] if attempt == 1 else 0)
        assert loaded["files"] == first["files"]
        assert _contents(fresh) == {**_contents(local_db), "repeated_lines": []}
    bad = CliRunner().invoke(app, ["load-shards", str(tmp_path), "--db", str(fresh)])
    assert bad.exit_code != 0 and "no Spark shards" in bad.output


def test_object_store_uris_are_listed_and_read_by_spark(spark: Any, local_db: Path, tmp_path: Path) -> None:
    html = DEMO / "corpus" / "html"
    with Store(tmp_path / "uri.db") as store:
        summary = spark_job.spark_ingest([html.as_uri(), "file:///no/such/folder"], store, OPTIONS)
        sources = [r[0] for r in store.db.execute("select source from inputs")]
        ids = {r[0] for r in store.db.execute("select id from articles")}
    assert summary.files == len(list(expand_inputs([str(html)])))
    assert summary.failures and any("Spark cannot read" in r for r in summary.failures)
    assert all(source.startswith("file:/") for source in sources)
    with Store(local_db, readonly=True) as store:
        expected = {
            r[0]
            for r in store.db.execute(
                "select article_id from article_sources where source like ?", [f"{html}/%"]
            )
        }
    assert ids == expected and len(ids) >= 8


# --- reading, rows, errors (no Spark needed) ------------------------------------------------------


def test_a_file_read_from_its_bytes_gives_what_the_file_gives(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt.gz").write_bytes(gzip.compress(b"   \n"))
    (tmp_path / "broken.warc.gz").write_bytes(
        (DEMO / "corpus" / "warc" / "crawl-20251020.warc.gz").read_bytes()[:3000]
    )
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"a" * (40 * 1024 * 1024)))
    items = [i for i in expand_inputs([str(DEMO / "corpus"), str(tmp_path)]) if isinstance(i, InputFile)]
    assert len(items) > 25
    for item in items:
        data = item.path.read_bytes()
        assert list(read_data(item.source, data, OPTIONS)) == list(read_input(item, OPTIONS)), item.source
        formats = frozenset({"text", "jsonl"})
        assert list(read_data(item.source, data, OPTIONS, formats=formats)) == list(
            read_input(item, OPTIONS, formats=formats)
        )


def _full_processed() -> Processed:
    document = RawDocument(
        source="in/" + HOSTILE, container="jsonl", content_type="html", content="<p>" + HOSTILE + "</p>",
        raw_hash="ab" * 32, url="https://example.org/a?b=1", title=HOSTILE, published="2025-04-03",
        outlet="TASS", language="en", authors=("A", "B"), fetched="2025-04-04T00:00:00Z",
        warnings=("bytes replaced",),
    )  # fmt: skip
    article = Article(
        id="a1", source=document.source, url=document.url, outlet="TASS", title=HOSTILE,
        published="2025-04-03", language="en", text="Moscow held talks. " + HOSTILE, content_hash="c1",
        container="jsonl", content_type="html", raw_hash=document.raw_hash, story_id="s1",
        authors=["A"], description="d", dateline="MOSCOW", via="aggregator", fetched="f",
        provenance={"published": "text: header", "outlet": HOSTILE}, repairs=["ftfy"],
        warnings=["w"], removed_lines=3,
    )  # fmt: skip
    party = Participant(None, None, "MLI", "MIL", "gunmen " + HOSTILE)
    annotation = Annotation(
        article_id="a1", language="en", sentences=[(0, 18), (19, 40)],
        mentions=[Mention("state:RUS", "Moscow", 0, 6, 0, "RUS", "GOV", "capital", "capital", 0.75)],
        roles=[RoleEvidence("person:x", "minister", "RUS", "MID", "GOV", "the minister said", 3, 15)],
        actors=[ActorRecord("state:RUS", "Russia", "state", "RUS", "RUS", "GOV", ["Moscow", HOSTILE])],
        parsed=True, error="partial: " + HOSTILE,
        events=[
            EventRecord(
                article_id="a1", sentence=0, event="ASSAULT", mode="firearms", context=["military"],
                cameo="190", actor=[party], recipient=[Participant("state:MLI", "MLI", "MLI", "MIL", "troops")],
                modality="negated", attributed_to="group:jnim", attributed_text="the group", hedges=["allegedly"],
                date="2025-04", date_text="in April", location={"name": "Gao", "country": "MLI", "lat": 16.27, "lon": -0.04},
                evidence_start=0, evidence_end=18, trigger="attacked", trigger_start=3, trigger_end=11,
                confidence=0.125, id="a1-e0",
            )
        ],
        quotes=[Quote("we are ready", 20, 32, "person:x", "the minister", "reported", "say", 1, "mention")],
        places=[{"text": "Gao", "start": 0, "end": 3, "name": "Gao", "country": "MLI", "lat": 16.27, "lon": -0.04, "kind": "city"}],
        focus_countries=["MLI", "RUS"],
    )  # fmt: skip
    return Processed(document, article, None, annotation, b"\x00\x01vector\xff", False)


def _through_parquet(rows: list[dict[str, Any]], tmp_path: Path) -> list[dict[str, Any]]:
    ordered = [{"file_index": i, "path": "", "doc_index": 0, **row} for i, row in enumerate(rows)]
    path = tmp_path / "rows.parquet"
    pq.write_table(pa.Table.from_batches([to_batch(ordered)], schema=ROW_SCHEMA), path)
    return pq.read_table(path).to_pylist()


def test_shard_rows_round_trip_every_record_exactly(tmp_path: Path) -> None:
    full = _full_processed()
    records: list[Processed | Skipped | RawDocument] = [
        full,
        Processed(full.document, failure="no article: " + HOSTILE.replace("\ud800", "?")),
        Processed(full.document, copy=True),
        dataclasses.replace(full, annotation=None, vector=None),
    ]
    rows = [processed_row(r) for r in records if isinstance(r, Processed)]
    skipped = Skipped("in/x.gz", "corrupt gzip stream", "read", "error", "cd" * 32)
    rows += [skipped_row(skipped), stored_row(full.document)]
    back = [row_record(row) for row in _through_parquet(rows, tmp_path)]
    assert back[:4] == records
    assert back[4] == skipped
    assert back[5] == dataclasses.replace(full.document, content="")
    assert processed_row(full, keep_content=False)["document"].count("<p>") == 0


def test_shard_rows_round_trip_real_records(tmp_path: Path) -> None:
    """Records the stage code really makes (every annotation layer, a vector) survive the trip."""
    start_worker(OPTIONS)
    files = [
        InputFile(str(p), p)
        for p in sorted((DEMO / "corpus" / "html").rglob("*.html"))[:3]
        + sorted((DEMO / "corpus" / "text").rglob("*.txt"))[:2]
    ]
    documents = [d for f in files for d in read_input(f, OPTIONS) if isinstance(d, RawDocument)]
    processed = process_documents([Work(d) for d in documents])
    assert any(p.annotation and p.annotation.events and p.annotation.quotes for p in processed)
    back = [row_record(row) for row in _through_parquet([processed_row(p) for p in processed], tmp_path)]
    assert back == processed


def test_without_pyspark_the_error_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    with Store(tmp_path / "x.db") as store, pytest.raises(ConfigError, match=r"pip install '\.\[spark\]'"):
        spark_job.spark_ingest([str(DEMO / "corpus")], store, OPTIONS)


def test_without_java_the_error_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(spark_job.shutil, "which", lambda name: None)
    with pytest.raises(ConfigError, match="needs Java 17 or 21"):
        spark_job.require_java()
