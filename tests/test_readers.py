"""Per-format readers, end to end through ``newsgraph.ingest``, on small hand-built inputs."""

from __future__ import annotations

import gzip
import html
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsgraph import IngestOptions, IngestSummary, Store, ingest

CITIES = ["Lisbon", "Oslo", "Nairobi", "Lima", "Hanoi", "Dakar", "Quito", "Riga", "Accra", "Tunis"]


# --- input builders -------------------------------------------------------------------------


def headline(city: str) -> str:
    return f"{city} council approves new budget after a long debate"


def paragraphs(city: str) -> list[str]:
    """Three paragraphs of plain news prose, distinct for each city."""
    return [
        f"The city council of {city} on Tuesday approved the budget for the coming year after a "
        "debate that lasted more than twelve hours, with members of the ruling coalition voting "
        "in favour and the opposition walking out of the chamber in protest.",
        f"The mayor of {city} said the budget would raise spending on schools and hospitals while "
        "cutting the deficit, and promised that the pensions of municipal workers would be "
        "protected from inflation over the next two years.",
        f"Opposition leaders in {city} said the plan relied on optimistic forecasts of tax "
        "revenue and warned that local taxes would have to rise if the economy slowed, calling "
        "on the regional governor to block the decision.",
    ]


def article_text(city: str) -> str:
    return headline(city) + "\n\n" + "\n\n".join(paragraphs(city)) + "\n"


def html_page(city: str, *, head_extra: str = "", title: str | None = None) -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs(city))
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title or headline(city)}</title>{head_extra}</head>\n<body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{title or headline(city)}</h1>\n{body}</article>"
        "<footer>Copyright the publisher</footer></body></html>\n"
    )


def rss_feed(items: list[str]) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        "<channel><title>Example News</title><link>https://news.example.com/</link>"
        "<description>All the news</description>\n" + "\n".join(items) + "\n</channel></rss>\n"
    )


def rss_item(city: str, *, full: bool = True, pub: str = "Tue, 07 May 2024 09:30:00 GMT") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs(city))
    content = f"<content:encoded><![CDATA[{body}]]></content:encoded>" if full else ""
    return (
        f"<item><title>{headline(city)}</title>"
        f"<link>https://news.example.com/2024/{city.lower()}-budget</link>"
        f"<pubDate>{pub}</pubDate><dc:creator>Jane Doe</dc:creator>"
        f"<description>A short teaser about {city}.</description>{content}</item>"
    )


def atom_feed(entries: list[str]) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Atom News</title><id>urn:atom-news</id><updated>2024-05-10T08:00:00Z</updated>\n"
        + "\n".join(entries)
        + "\n</feed>\n"
    )


def atom_entry(city: str) -> str:
    body = html.escape("".join(f"<p>{p}</p>" for p in paragraphs(city)))
    return (
        f"<entry><title>{headline(city)}</title>"
        f"<link href='https://atom.example.org/{city.lower()}'/><id>urn:{city}</id>"
        "<published>2024-05-09T08:00:00Z</published><updated>2024-05-10T08:00:00Z</updated>"
        f"<author><name>John Roe</name></author><content type='html'>{body}</content></entry>"
    )


def warc_bytes(records: list[dict[str, Any]], *, compress: bool = True) -> bytes:
    """A WARC file written by warcio; each record: uri, status, content_type, body, date."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    for rec in records:
        http_headers = StatusAndHeaders(
            rec.get("status", "200 OK"),
            [("Content-Type", rec["content_type"]), ("Date", "Wed, 01 May 2024 10:00:00 GMT")],
            protocol="HTTP/1.1",
        )
        record = writer.create_warc_record(
            rec["uri"],
            "response",
            payload=io.BytesIO(rec["body"]),
            http_headers=http_headers,
            warc_headers_dict={"WARC-Date": rec.get("date", "2024-05-01T10:00:00Z")},
        )
        writer.write_record(record)
    return buffer.getvalue()


def jsonl(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def articles(store: Store) -> dict[str, dict[str, Any]]:
    """Stored articles by source."""
    return {a["source"]: a for a in store.iter_articles()}


def run(store: Store, *paths: Path | str, options: IngestOptions | None = None) -> IngestSummary:
    return ingest([str(p) for p in paths], store, options)


def no_problems(store: Store, summary: IngestSummary) -> None:
    assert not summary.failures, summary.failures
    assert store.problems("error") == []


# --- sniffing by content, not by name -------------------------------------------------------


def test_html_saved_as_txt_is_read_as_html(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "page.txt", html_page("Lisbon"))
    summary = run(store, path)
    no_problems(store, summary)
    art = articles(store)[str(path)]
    assert art["content_type"] == "html"
    assert art["title"] == headline("Lisbon")
    assert "<p>" not in art["text"] and "Copyright" not in art["text"]
    assert paragraphs("Lisbon")[1] in art["text"]


def test_feed_saved_as_html_is_read_as_feed(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "news.html", rss_feed([rss_item("Oslo"), rss_item("Lima")]))
    summary = run(store, path)
    no_problems(store, summary)
    stored = articles(store)
    assert set(stored) == {f"{path}#1", f"{path}#2"}
    assert {a["container"] for a in stored.values()} == {"feed"}


def test_jsonl_saved_as_dat_is_read_as_jsonl(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "export.dat",
        jsonl([{"title": headline(c), "text": article_text(c)} for c in ("Oslo", "Riga")]),
    )
    summary = run(store, path)
    no_problems(store, summary)
    stored = articles(store)
    assert set(stored) == {f"{path}#1", f"{path}#2"}
    assert {a["container"] for a in stored.values()} == {"jsonl"}


def test_warc_without_extension_is_read_as_warc(store: Store, tmp_path: Path) -> None:
    uri = "https://news.example.com/politics/quito-budget"
    path = write(
        tmp_path / "crawl",
        warc_bytes([{"uri": uri, "content_type": "text/html", "body": html_page("Quito").encode()}]),
    )
    summary = run(store, path)
    no_problems(store, summary)
    art = articles(store)[f"{path}#{uri}"]
    assert art["container"] == "warc"
    assert art["url"] == uri


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("html", "page.txt.gz"),
        ("feed", "news.html.gz"),
        ("jsonl", "export.dat.gz"),
        ("warc", "crawl.gz"),
        ("text", "story.txt.gz"),
        ("html", "page.bin"),  # gzip recognised by its magic bytes, not by a .gz suffix
        ("jsonl", "export"),
    ],
)
def test_gzip_of_each_format_is_undone_by_content(store: Store, tmp_path: Path, kind: str, name: str) -> None:
    city = "Dakar"
    content: bytes
    if kind == "html":
        content = html_page(city).encode()
    elif kind == "feed":
        content = rss_feed([rss_item(city)]).encode()
    elif kind == "jsonl":
        content = jsonl([{"title": headline(city), "text": article_text(city)}]).encode()
    elif kind == "warc":
        content = warc_bytes(
            [{"uri": "https://x.example/a", "content_type": "text/html", "body": html_page(city).encode()}],
            compress=False,
        )
    else:
        content = article_text(city).encode()
    path = write(tmp_path / name, gzip.compress(content))
    summary = run(store, path)
    no_problems(store, summary)
    assert summary.new == 1
    (art,) = store.iter_articles()
    expected_container = {"html": "file", "text": "file"}.get(kind, kind)
    assert art["container"] == expected_container
    assert art["content_type"] == ("html" if kind in ("html", "warc") else "text")
    assert paragraphs(city)[0] in art["text"]
    assert "<p>" not in art["text"]


def test_gzip_of_a_warc_of_gzip_members(store: Store, tmp_path: Path) -> None:
    """A .warc.gz (one gzip member per record) is the common case for crawls."""
    records = [
        {"uri": f"https://x.example/{c}", "content_type": "text/html", "body": html_page(c).encode()}
        for c in ("Accra", "Tunis")
    ]
    path = write(tmp_path / "crawl.warc.gz", warc_bytes(records, compress=True))
    summary = run(store, path)
    no_problems(store, summary)
    assert summary.new == 2
    assert set(articles(store)) == {f"{path}#https://x.example/Accra", f"{path}#https://x.example/Tunis"}


# --- JSONL and JSON ---------------------------------------------------------------------------


def test_jsonl_default_field_mapping(store: Store, tmp_path: Path) -> None:
    record = {
        "id": "abc-1",
        "title": headline("Hanoi"),
        "text": "\n\n".join(paragraphs("Hanoi")),
        "url": "https://news.example.com/asia/hanoi-budget",
        "published": "2024-05-07T10:00:00Z",
        "outlet": "Example Times",
        "language": "en",
        "authors": "Jane Doe, John Roe",
    }
    path = write(tmp_path / "items.jsonl", jsonl([record]))
    summary = run(store, path)
    no_problems(store, summary)
    art = articles(store)[f"{path}#1"]
    assert art["title"] == headline("Hanoi")
    assert art["url"] == "https://news.example.com/asia/hanoi-budget"
    assert art["published"] == "2024-05-07"
    assert art["outlet"] == "Example Times"
    assert art["language"] == "en"
    assert art["authors"] == ["Jane Doe", "John Roe"]
    assert art["text"] == "\n\n".join(paragraphs("Hanoi"))
    assert art["provenance"]["published"] == "jsonl: date field"
    assert art["provenance"]["title"] == "jsonl: title field"


def test_jsonl_alternative_default_keys(store: Store, tmp_path: Path) -> None:
    """news-please style keys are known without any mapping."""
    record = {
        "headline": headline("Lima"),
        "maintext": "\n\n".join(paragraphs("Lima")),
        "date_publish": "2024-03-02 08:15:00",
        "source_url": "https://lima.example.pe/budget",
        "byline": ["Ana Pérez", "Luis Soto"],
    }
    path = write(tmp_path / "newsplease.jsonl", jsonl([record]))
    run(store, path)
    art = articles(store)[f"{path}#1"]
    assert art["title"] == headline("Lima")
    assert art["published"] == "2024-03-02"
    assert art["url"] == "https://lima.example.pe/budget"
    assert art["authors"] == ["Ana Pérez", "Luis Soto"]


def test_jsonl_custom_mapping(store: Store, tmp_path: Path) -> None:
    record = {
        "titre": headline("Dakar"),
        "contenu": "\n\n".join(paragraphs("Dakar")),
        "text": "teaser",  # the mapped key wins over a default one
        "quand": "2024-06-01",
    }
    path = write(tmp_path / "fr.jsonl", jsonl([record]))
    options = IngestOptions().with_jsonl_mapping({"text": "contenu", "title": "titre", "published": "quand"})
    summary = run(store, path, options=options)
    no_problems(store, summary)
    art = articles(store)[f"{path}#1"]
    assert art["text"] == "\n\n".join(paragraphs("Dakar"))
    assert art["title"] == headline("Dakar")
    assert art["published"] == "2024-06-01"


def test_jsonl_unknown_keys_without_mapping_are_reported(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "fr.jsonl", jsonl([{"contenu": article_text("Dakar")}]))
    summary = run(store, path)
    assert summary.new == 0
    (reason,) = summary.failures
    assert reason.startswith("record has no text")
    assert "text" in reason and "body" in reason  # says which keys it looked for


def test_with_jsonl_mapping_keeps_defaults_as_fallbacks() -> None:
    options = IngestOptions().with_jsonl_mapping({"text": "contenu"})
    assert options.jsonl_fields["text"][0] == "contenu"
    assert "body" in options.jsonl_fields["text"]
    assert "contenu" not in IngestOptions().jsonl_fields["text"]  # the default is not mutated


def test_jsonl_nested_dotted_keys(store: Store, tmp_path: Path) -> None:
    record = {
        "data": {
            "meta": {"headline": headline("Riga"), "when": {"iso": "2024-02-11"}},
            "body": "\n\n".join(paragraphs("Riga")),
        },
        "link": "https://riga.example.lv/budget",
    }
    path = write(tmp_path / "nested.jsonl", jsonl([record]))
    options = IngestOptions().with_jsonl_mapping(
        {"text": "data.body", "title": "data.meta.headline", "published": "data.meta.when.iso"}
    )
    summary = run(store, path, options=options)
    no_problems(store, summary)
    art = articles(store)[f"{path}#1"]
    assert art["title"] == headline("Riga")
    assert art["published"] == "2024-02-11"
    assert art["url"] == "https://riga.example.lv/budget"
    assert paragraphs("Riga")[2] in art["text"]


def test_json_array_file(store: Store, tmp_path: Path) -> None:
    records = [{"title": headline(c), "body": "\n\n".join(paragraphs(c))} for c in CITIES[:3]]
    path = write(tmp_path / "array.json", json.dumps(records, indent=2))
    summary = run(store, path)
    no_problems(store, summary)
    stored = articles(store)
    assert set(stored) == {f"{path}#1", f"{path}#2", f"{path}#3"}
    assert stored[f"{path}#2"]["title"] == headline(CITIES[1])
    assert {a["container"] for a in stored.values()} == {"jsonl"}


def test_jsonl_html_field_goes_through_html_extraction(store: Store, tmp_path: Path) -> None:
    page = html_page("Accra").replace(
        "</head>", "<script>var tracking = 'SECRET-TRACKER-CODE';</script></head>"
    )
    path = write(tmp_path / "pages.jsonl", jsonl([{"url": "https://accra.example/b", "html": page}]))
    summary = run(store, path)
    no_problems(store, summary)
    art = articles(store)[f"{path}#1"]
    assert art["content_type"] == "html"
    assert art["title"] == headline("Accra")
    assert "<p>" not in art["text"]
    assert "SECRET-TRACKER-CODE" not in art["text"]
    assert paragraphs("Accra")[1] in art["text"]


def test_jsonl_text_field_holding_html_is_sniffed(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "pages.jsonl", jsonl([{"text": html_page("Tunis")}]))
    run(store, path)
    art = articles(store)[f"{path}#1"]
    assert art["content_type"] == "html"
    assert "<p>" not in art["text"]


# --- RSS and Atom -----------------------------------------------------------------------------


def test_rss_content_encoded_entries_become_articles(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "feed.xml", rss_feed([rss_item("Oslo")]))
    summary = run(store, path)
    no_problems(store, summary)
    art = articles(store)[f"{path}#1"]
    assert art["container"] == "feed"
    assert art["title"] == headline("Oslo")
    assert art["url"] == "https://news.example.com/2024/oslo-budget"
    assert art["published"] == "2024-05-07"
    assert art["authors"] == ["Jane Doe"]
    assert "<p>" not in art["text"]
    for paragraph in paragraphs("Oslo"):
        assert paragraph in art["text"]
    assert "teaser" not in art["text"]  # the full content, not the description


def test_atom_html_content(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "atom.xml", atom_feed([atom_entry("Nairobi")]))
    summary = run(store, path)
    no_problems(store, summary)
    art = articles(store)[f"{path}#1"]
    assert art["title"] == headline("Nairobi")
    assert art["url"] == "https://atom.example.org/nairobi"
    assert art["published"] == "2024-05-09"  # <published>, not <updated>
    assert art["authors"] == ["John Roe"]
    assert "<p>" not in art["text"] and "&lt;" not in art["text"]
    assert paragraphs("Nairobi")[0] in art["text"]


def test_summary_only_entry_is_skipped_with_a_warning(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "feed.rss", rss_feed([rss_item("Oslo"), rss_item("Lima", full=False)]))
    summary = run(store, path)
    assert summary.new == 1
    assert summary.failed == 0
    assert summary.skipped == 1
    (reason,) = summary.skip_reasons
    assert "only a summary" in reason
    problems = store.problems()
    assert [(p["source"], p["severity"]) for p in problems] == [(f"{path}#2", "warning")]
    assert problems[0]["reason"] == reason
    assert set(articles(store)) == {f"{path}#1"}


# --- WARC ----------------------------------------------------------------------------------------


def test_warc_only_html_pages_become_articles(store: Store, tmp_path: Path) -> None:
    dated = html_page(
        "Lisbon",
        head_extra='<meta property="article:published_time" content="2024-04-20T07:00:00Z">',
    )
    records = [
        {
            "uri": "https://news.example.com/politics/lisbon-budget",
            "content_type": "text/html; charset=utf-8",
            "body": dated.encode(),
            "date": "2024-05-01T10:00:00Z",
        },
        {
            "uri": "https://news.example.com/politics/missing",
            "status": "404 Not Found",
            "content_type": "text/html",
            "body": html_page("Oslo").encode(),  # a full page, but an error page
        },
        {
            "uri": "https://news.example.com/img/photo.jpg",
            "content_type": "image/jpeg",
            "body": b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(range(256)) * 4,
        },
        {
            "uri": "https://news.example.com/politics/quito-budget",
            "content_type": "text/html",
            "body": html_page("Quito").encode(),
            "date": "2024-05-02T11:30:00Z",
        },
    ]
    path = write(tmp_path / "crawl.warc.gz", warc_bytes(records))
    summary = run(store, path)
    no_problems(store, summary)
    assert summary.new == 2
    stored = articles(store)
    assert set(stored) == {
        f"{path}#https://news.example.com/politics/lisbon-budget",
        f"{path}#https://news.example.com/politics/quito-budget",
    }
    lisbon = stored[f"{path}#https://news.example.com/politics/lisbon-budget"]
    assert lisbon["container"] == "warc"
    assert lisbon["fetched"] == "2024-05-01T10:00:00Z"
    assert lisbon["published"] == "2024-04-20"
    quito = stored[f"{path}#https://news.example.com/politics/quito-budget"]
    assert quito["fetched"] == "2024-05-02T11:30:00Z"
    assert quito["published"] is None  # the crawl date is never a publication date
    assert any("2 WARC record(s) ignored" in note for note in summary.notes)


# --- folders, globs, duplicates ------------------------------------------------------------


def test_folders_recurse(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write(root / "a.txt", article_text("Lisbon"))
    write(root / "2024" / "05" / "b.html", html_page("Oslo"))
    write(root / "2024" / "06" / "deeper" / "c.jsonl", jsonl([{"text": article_text("Lima")}]))
    summary = run(store, root)
    no_problems(store, summary)
    assert summary.files == 3
    assert set(articles(store)) == {
        str(root / "a.txt"),
        str(root / "2024" / "05" / "b.html"),
        str(root / "2024" / "06" / "deeper" / "c.jsonl") + "#1",
    }


def test_globs(store: Store, tmp_path: Path) -> None:
    write(tmp_path / "a.txt", article_text("Lisbon"))
    write(tmp_path / "sub" / "b.txt", article_text("Oslo"))
    write(tmp_path / "sub" / "c.html", html_page("Lima"))
    write(tmp_path / "other" / "d.txt", article_text("Riga"))
    summary = run(store, str(tmp_path / "**" / "*.txt"))
    no_problems(store, summary)
    assert set(articles(store)) == {
        str(tmp_path / "a.txt"),
        str(tmp_path / "sub" / "b.txt"),
        str(tmp_path / "other" / "d.txt"),
    }


def test_glob_matching_a_folder_recurses_into_it(store: Store, tmp_path: Path) -> None:
    write(tmp_path / "day1" / "a.txt", article_text("Lisbon"))
    write(tmp_path / "day2" / "b.txt", article_text("Oslo"))
    write(tmp_path / "other" / "c.txt", article_text("Lima"))
    summary = run(store, str(tmp_path / "day*"))
    no_problems(store, summary)
    assert set(articles(store)) == {str(tmp_path / "day1" / "a.txt"), str(tmp_path / "day2" / "b.txt")}


def test_a_file_named_twice_is_read_once(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    path = write(folder / "a.txt", article_text("Lisbon"))
    summary = run(store, path, folder, str(folder / "*.txt"), str(path.resolve()))
    assert summary.files == 1
    assert summary.read == 1 and summary.new == 1


def test_duplicate_content_in_two_files(store: Store, tmp_path: Path) -> None:
    first = write(tmp_path / "outlet-a" / "story.txt", article_text("Hanoi"))
    # a syndicated copy: same words, different line breaks and spacing
    copy = article_text("Hanoi").replace("\n\n", "\n\n\n").replace(". ", ".  ")
    second = write(tmp_path / "outlet-b" / "story.txt", copy)
    summary = run(store, first, second)
    assert summary.new == 1
    assert summary.duplicate == 1
    assert summary.unchanged == 0
    assert store.article_count() == 1
    (art,) = store.iter_articles()
    rows = store.db.execute(
        "select source from article_sources where article_id = ? order by source", [art["id"]]
    ).fetchall()
    assert [r[0] for r in rows] == [str(first), str(second)]
    statuses = dict(store.db.execute("select source, status from inputs").fetchall())
    assert statuses == {str(first): "new", str(second): "duplicate"}


# --- idempotence ------------------------------------------------------------------------------

_TIMESTAMP_COLUMNS = {"seen_at", "ingested_at", "applied_at"}


def dump(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, without the columns that hold wall-clock times."""
    conn = sqlite3.connect(db_path)
    try:
        tables = [
            r[0] for r in conn.execute("select name from sqlite_master where type = 'table' order by name")
        ]
        out: dict[str, list[tuple[Any, ...]]] = {}
        for table in tables:
            columns = [r[1] for r in conn.execute(f"pragma table_info('{table}')")]
            keep = [c for c in columns if c not in _TIMESTAMP_COLUMNS]
            if not keep:
                continue
            select = ", ".join(f'"{c}"' for c in keep)
            rows = conn.execute(f'select {select} from "{table}"').fetchall()
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        conn.close()


def mixed_batch(root: Path) -> None:
    write(root / "a.txt", article_text("Lisbon"))
    write(root / "b.html", html_page("Oslo"))
    write(root / "c.jsonl", jsonl([{"text": article_text(c)} for c in ("Lima", "Riga")]))
    write(root / "d.rss", rss_feed([rss_item("Hanoi"), rss_item("Dakar", full=False)]))
    write(
        root / "e.warc.gz",
        warc_bytes(
            [{"uri": "https://q.example/a", "content_type": "text/html", "body": html_page("Quito").encode()}]
        ),
    )
    write(root / "f.txt.gz", gzip.compress(article_text("Accra").encode()))
    write(root / "copy-of-a.txt", article_text("Lisbon"))
    write(root / "broken.pdf", b"%PDF-1.4 not news")
    write(root / "short.txt", "Too short to be news.")


def test_reingesting_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "batch"
    mixed_batch(root)
    db_path = tmp_path / "store.db"
    with Store(db_path) as store:
        first = ingest([str(root)], store)
    assert first.new == 7
    assert first.duplicate == 1
    assert first.failed == 2 and first.skipped == 1
    before = dump(db_path)
    assert before["articles"] and before["inputs"] and before["errors"]

    with Store(db_path) as store:
        second = ingest([str(root)], store)
    after = dump(db_path)
    assert after == before
    assert second.new == 0
    assert second.unchanged == first.new + first.duplicate
    assert second.duplicate == second.unchanged
    assert second.failures == first.failures
    assert second.skip_reasons == first.skip_reasons


def test_reingesting_a_changed_file_updates_it(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", article_text("Lisbon"))
    db_path = tmp_path / "store.db"
    with Store(db_path) as store:
        ingest([str(path)], store)
    write(path, article_text("Oslo"))
    with Store(db_path) as store:
        summary = ingest([str(path)], store)
        assert summary.new == 1 and summary.unchanged == 0
        assert store.article_count() == 2
