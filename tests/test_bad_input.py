"""Bad input is normal input for news.

Every broken, hostile or merely odd input must end as a clear one-line reason, both in the ingest
summary and in the ``errors`` table, while the rest of the batch is still ingested. Each test
puts one good article beside the bad input and checks that it is stored.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import re
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsgraph import IngestOptions, IngestSummary, Limits, Store, ingest
from newsgraph.cli import app

MB = 1024 * 1024

GOOD_PARAGRAPHS = [
    "The national parliament on Tuesday approved the government's budget for the coming year "
    "after a debate that lasted more than twelve hours, with lawmakers from the ruling coalition "
    "voting in favour and the opposition walking out of the chamber in protest.",
    "The finance minister said the budget would raise spending on schools and hospitals while "
    "cutting the deficit, and promised that pensions would be protected from inflation over the "
    "next two years.",
    "Opposition leaders said the plan relied on optimistic growth forecasts and warned that taxes "
    "would have to rise if the economy slowed, calling on the president to veto the bill.",
]
GOOD_TEXT = "Parliament approves new budget after long debate\n\n" + "\n\n".join(GOOD_PARAGRAPHS) + "\n"

OTHER_PARAGRAPHS = [
    "Farmers blocked the main highway into the capital on Friday with hundreds of tractors, "
    "demanding that the agriculture ministry withdraw a plan to cut fuel subsidies that they say "
    "would drive small farms out of business within a single season.",
    "Police said the protest was peaceful but warned that drivers should expect long delays "
    "around the northern ring road until at least Sunday evening, when organisers have promised "
    "to leave.",
    "The agriculture minister told reporters that she would meet the farmers' union on Monday "
    "but insisted that the subsidy reform was needed to meet the country's climate targets.",
]
OTHER_TEXT = "Farmers block highway over fuel subsidies\n\n" + "\n\n".join(OTHER_PARAGRAPHS) + "\n"

RUSSIAN_TEXT = (
    "Парламент утвердил новый бюджет после долгих дебатов\n\n"
    "Национальный парламент во вторник утвердил бюджет правительства на следующий год после "
    "дебатов, которые продолжались более двенадцати часов. Депутаты правящей коалиции голосовали "
    "за, а оппозиция покинула зал в знак протеста.\n\n"
    "Министр финансов заявил, что бюджет увеличит расходы на школы и больницы и одновременно "
    "сократит дефицит, и пообещал защитить пенсии от инфляции в ближайшие два года.\n\n"
    "Лидеры оппозиции заявили, что план основан на слишком оптимистичных прогнозах роста, и "
    "предупредили, что налоги придется повысить, если экономика замедлится.\n"
)


# --- helpers ---------------------------------------------------------------------------------


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def make_batch(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """A folder holding one good article (good.txt) and the given files."""
    folder = tmp_path / "batch"
    write(folder / "good.txt", GOOD_TEXT)
    for name, data in files.items():
        write(folder / name, data)
    return folder


def stored_sources(store: Store) -> set[str]:
    return {a["source"] for a in store.iter_articles()}


def article_from(store: Store, source: str | Path) -> dict[str, Any]:
    matches = [a for a in store.iter_articles() if a["source"] == str(source)]
    assert matches, f"no article stored from {source}; stored: {sorted(stored_sources(store))}"
    return matches[0]


def assert_good_stored(store: Store, folder: Path) -> None:
    art = article_from(store, folder / "good.txt")
    assert GOOD_PARAGRAPHS[1] in art["text"]


def all_reasons(summary: IngestSummary) -> set[str]:
    return set(summary.failures) | set(summary.skip_reasons) | set(summary.warning_reasons)


def reason_for(store: Store, summary: IngestSummary, source: str | Path) -> str:
    """The one reason recorded for ``source``: in the errors table and in the summary, one line."""
    source = str(source)
    rows = [p for p in store.problems() if p["source"] == source]
    assert rows, f"no problem recorded for {source}; errors table: {store.problems()}"
    assert len(rows) == 1, rows
    reason = rows[0]["reason"]
    assert reason.strip() == reason and reason
    assert "\n" not in reason and "\r" not in reason
    assert len(reason) <= 300
    assert reason in all_reasons(summary), (reason, all_reasons(summary))
    return reason


def run(store: Store, *paths: Path | str, options: IngestOptions | None = None) -> IngestSummary:
    return ingest([str(p) for p in paths], store, options)


def html_page(paragraphs: list[str], title: str = "Budget approved") -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"</head><body><article><h1>{title}</h1>\n{body}</article></body></html>\n"
    )


def warc_record(uri: str, body: bytes, *, compress: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    http_headers = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
    )
    writer.write_record(
        writer.create_warc_record(
            uri,
            "response",
            payload=io.BytesIO(body),
            http_headers=http_headers,
            warc_headers_dict={"WARC-Date": "2024-05-01T10:00:00Z"},
        )
    )
    return buffer.getvalue()


def garbage(n: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


# --- files that hold nothing, or nothing we read ------------------------------------------------


def _truncated_gzip() -> bytes:
    data = gzip.compress(OTHER_TEXT.encode() * 3)
    return data[: len(data) // 2]


SIMPLE_CASES: list[tuple[str, str, bytes, str]] = [
    ("empty", "empty.txt", b"", r"^empty"),
    ("whitespace-only", "blank.txt", b"  \n\t\r\n   \n", r"empty|whitespace|blank"),
    (
        "binary",
        "random.dat",
        garbage(4000) + b"\x00\x00\x00" + garbage(100, seed=8),
        r"binary",
    ),
    ("pdf", "report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n", r"unsupported.*PDF"),
    ("zip", "archive.txt", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + garbage(200), r"unsupported.*ZIP"),
    ("truncated-gzip", "story.txt.gz", _truncated_gzip(), r"(truncated|corrupt).*gzip|gzip.*(truncated|corrupt)"),
    (
        "html-no-body",
        "nobody.html",
        b"<html><head><title>x</title></head></html>",
        r"no (article )?text",
    ),
    (
        "html-only-scripts",
        "scripts.html",
        b"<html><head><script>var config = {a: 1};</script></head><body>"
        b"<script>document.write('the minister said the budget is approved');</script>"
        b"<script src='/app.js'></script><noscript></noscript></body></html>",
        r"no (article )?text",
    ),
    (
        "too-few-words",
        "short.txt",
        b"Breaking: minister resigns.\n\nMore to follow.\n",
        r"too little text: \d+ words \(minimum 25\)",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "data", "pattern"),
    [case[1:] for case in SIMPLE_CASES],
    ids=[case[0] for case in SIMPLE_CASES],
)
def test_unreadable_file_is_reported_and_batch_continues(
    store: Store, tmp_path: Path, name: str, data: bytes, pattern: str
) -> None:
    folder = make_batch(tmp_path, {name: data})
    summary = run(store, folder)
    assert_good_stored(store, folder)
    assert summary.new == 1
    assert summary.failed == 1
    reason = reason_for(store, summary, folder / name)
    assert re.search(pattern, reason, re.I), reason
    assert summary.failures[reason] == 1
    assert stored_sources(store) == {str(folder / "good.txt")}


def test_min_words_is_the_threshold(store: Store, tmp_path: Path) -> None:
    words = " ".join(f"word{i}" for i in range(12))
    folder = make_batch(tmp_path, {"stub.txt": f"The minister spoke today about {words}.\n"})
    summary = run(store, folder)
    reason = reason_for(store, summary, folder / "stub.txt")
    assert reason == "too little text: 17 words (minimum 25)"
    relaxed = run(store, folder, options=IngestOptions(min_words=10))
    assert relaxed.new == 1
    assert str(folder / "stub.txt") in stored_sources(store)
    # once ingested, the earlier failure is forgotten
    assert [p for p in store.problems() if p["source"] == str(folder / "stub.txt")] == []


def test_json_record_without_any_text_field(store: Store, tmp_path: Path) -> None:
    record = {"title": "A headline only", "url": "https://example.com/a", "tags": ["x"]}
    folder = make_batch(tmp_path, {"items.jsonl": json.dumps(record) + "\n"})
    summary = run(store, folder)
    assert_good_stored(store, folder)
    reason = reason_for(store, summary, f"{folder / 'items.jsonl'}#1")
    assert reason.startswith("record has no text")
    assert "looked for" in reason


def test_nonexistent_path_and_empty_glob(store: Store, tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", GOOD_TEXT)
    missing = tmp_path / "no-such-file.txt"
    pattern = str(tmp_path / "*.nothing-matches")
    summary = run(store, good, missing, pattern)
    assert stored_sources(store) == {str(good)}
    assert reason_for(store, summary, missing) == "no such file or folder"
    assert reason_for(store, summary, pattern) == "nothing matched this pattern"
    assert summary.failed == 2 and summary.new == 1


def test_hidden_files_are_passed_over_and_subfolders_read(store: Store, tmp_path: Path) -> None:
    folder = make_batch(
        tmp_path,
        {
            ".hidden-article.txt": OTHER_TEXT,
            "sub/.DS_Store": b"\x00\x00\x00\x01Bud1\x00\x00\x10\x00",
            "sub/inner/story.txt": OTHER_TEXT,
        },
    )
    summary = run(store, folder)
    assert_good_stored(store, folder)
    assert stored_sources(store) == {str(folder / "good.txt"), str(folder / "sub/inner/story.txt")}
    assert summary.files == 2
    assert summary.failed == 0
    assert store.problems() == []


def test_a_hidden_file_named_explicitly_is_read(store: Store, tmp_path: Path) -> None:
    hidden = write(tmp_path / ".story.txt", OTHER_TEXT)
    summary = run(store, hidden)
    assert summary.new == 1


def test_files_inside_hidden_folders_are_passed_over(store: Store, tmp_path: Path) -> None:
    folder = make_batch(
        tmp_path,
        {
            ".git/config": "[core]\n\trepositoryformatversion = 0\n",
            ".git/description": "Unnamed repository; edit this file to name the repository.\n",
            ".cache/copy.txt": OTHER_TEXT,
        },
    )
    summary = run(store, folder)
    assert_good_stored(store, folder)
    assert stored_sources(store) == {str(folder / "good.txt")}
    assert summary.files == 1
    assert store.problems() == []


# --- gzip bombs and oversized files -------------------------------------------------------------


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    """200 MB of zeros (NUL bytes, and ASCII '0' digits) gzipped at level 9: about 200 KB each."""
    return {
        "nul": gzip.compress(b"\x00" * (200 * MB), 9),
        "digits": gzip.compress(b"0" * (200 * MB), 9),
    }


class CountingGzipFile(gzip.GzipFile):
    """Records how many bytes each gzip stream handed out."""

    inflated: ClassVar[list[int]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._slot = len(CountingGzipFile.inflated)
        CountingGzipFile.inflated.append(0)

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        CountingGzipFile.inflated[self._slot] += len(data)
        return data


@pytest.mark.parametrize(
    ("payload", "name"),
    [("nul", "bomb.txt.gz"), ("digits", "bomb.txt.gz"), ("digits", "bomb.html"), ("digits", "bomb.jsonl.gz")],
)
def test_gzip_bomb_is_refused_without_inflating_it(
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    bombs: dict[str, bytes],
    payload: str,
    name: str,
) -> None:
    data = bombs[payload]
    if name.endswith(".jsonl.gz"):
        data = gzip.compress(b'{"text": "' + b"0" * (200 * MB), 9)
    assert len(data) < 1 * MB
    folder = make_batch(tmp_path, {name: data})
    CountingGzipFile.inflated = []
    monkeypatch.setattr(gzip, "GzipFile", CountingGzipFile)
    started = time.monotonic()
    summary = run(store, folder, options=IngestOptions(limits=Limits(max_document_bytes=1 * MB)))
    elapsed = time.monotonic() - started
    assert_good_stored(store, folder)
    reason = reason_for(store, summary, folder / name)
    if payload == "digits":
        assert re.search(r"limit|too large|larger|exceeds|compression", reason), reason
    assert CountingGzipFile.inflated, "the bomb was never opened as gzip"
    assert max(CountingGzipFile.inflated) < 100 * MB  # refused long before 200 MB
    assert elapsed < 20


def test_file_larger_than_the_document_limit(store: Store, tmp_path: Path) -> None:
    """The 50 MB file from the issue, against the default 16 MB limit."""
    folder = make_batch(tmp_path, {})
    chunk = ("\n\n".join(OTHER_PARAGRAPHS) + "\n\n").encode() * 64
    big = folder / "huge.txt"
    with big.open("wb") as handle:
        for _ in range(50 * MB // len(chunk) + 1):
            handle.write(chunk)
    assert big.stat().st_size >= 50 * MB
    summary = run(store, folder)
    assert_good_stored(store, folder)
    reason = reason_for(store, summary, big)
    assert re.search(r"larger than|too large|exceeds", reason), reason
    assert "16 MB" in reason


def test_gzipped_file_larger_than_the_document_limit(store: Store, tmp_path: Path) -> None:
    chunk = ("\n\n".join(OTHER_PARAGRAPHS) + "\n\n").encode()
    data = gzip.compress(chunk * (3 * MB // len(chunk)))
    folder = make_batch(tmp_path, {"big.txt.gz": data})
    summary = run(store, folder, options=IngestOptions(limits=Limits(max_document_bytes=2 * MB)))
    assert_good_stored(store, folder)
    reason = reason_for(store, summary, folder / "big.txt.gz")
    assert "2 MB" in reason


# --- encodings -----------------------------------------------------------------------------------


def _sprinkle(data: bytes, junk: list[bytes]) -> bytes:
    """Insert ``junk`` byte strings at spaces spread through ``data``."""
    spaces = [i for i, b in enumerate(data) if b == 0x20]
    step = len(spaces) // (len(junk) + 1)
    out = bytearray(data)
    for n, piece in reversed(list(enumerate(junk, start=1))):
        at = spaces[n * step]
        out[at:at] = piece
    return bytes(out)


def test_invalid_utf8_bytes_in_ascii_article(store: Store, tmp_path: Path) -> None:
    data = _sprinkle(OTHER_TEXT.encode(), [b"\xff\xfe", b"\xff", b"\xfe"])
    folder = make_batch(tmp_path, {"damaged.txt": data})
    summary = run(store, folder)
    assert_good_stored(store, folder)
    art = article_from(store, folder / "damaged.txt")
    assert "northern ring road" in art["text"]
    reason = reason_for(store, summary, folder / "damaged.txt")
    assert re.search(r"UTF-8", reason), reason
    assert summary.warning_reasons[reason] == 1
    assert summary.failed == 0 and summary.warnings == 1
    assert art["warnings"] == [reason]
    assert store.problems("warning")[0]["source"] == str(folder / "damaged.txt")


def test_invalid_utf8_in_mostly_cyrillic_article(store: Store, tmp_path: Path) -> None:
    data = _sprinkle(RUSSIAN_TEXT.encode(), [b"\xff\xfe", b"\xff"])
    folder = make_batch(tmp_path, {"ru-damaged.txt": data})
    summary = run(store, folder)
    assert_good_stored(store, folder)
    art = article_from(store, folder / "ru-damaged.txt")
    assert "Министр финансов заявил" in art["text"]
    reason = reason_for(store, summary, folder / "ru-damaged.txt")
    assert reason.startswith("invalid UTF-8")
    assert art["warnings"] == [reason]


TYPOGRAPHIC_TEXT = (
    OTHER_TEXT.replace("farmers' union", "farmers’ union")
    .replace("country's", "country’s")
    .replace("Police said", "Police said — in a statement —")
    .replace("tractors,", "tractors — “hundreds”,")
)


def test_invalid_utf8_bytes_keep_valid_utf8_punctuation(store: Store, tmp_path: Path) -> None:
    data = _sprinkle(TYPOGRAPHIC_TEXT.encode(), [b"\xff\xfe", b"\xff"])
    folder = make_batch(tmp_path, {"damaged.txt": data})
    summary = run(store, folder)
    art = article_from(store, folder / "damaged.txt")
    reason = reason_for(store, summary, folder / "damaged.txt")
    assert "UTF-8" in reason
    # the valid UTF-8 characters survive; no mojibake such as "â€”" or "‚ÄĒ"
    assert "farmers’ union" in art["text"]
    assert "Police said — in a statement —" in art["text"]
    assert "â€" not in art["text"] and "Ä" not in art["text"]


def test_windows_1251_russian_article(store: Store, tmp_path: Path) -> None:
    folder = make_batch(tmp_path, {"ru.txt": RUSSIAN_TEXT.encode("cp1251")})
    summary = run(store, folder)
    assert_good_stored(store, folder)
    art = article_from(store, folder / "ru.txt")
    assert "Национальный парламент во вторник утвердил бюджет" in art["text"]
    assert art["language"] == "ru"
    reason = reason_for(store, summary, folder / "ru.txt")
    assert "decoded as" in reason
    assert "1251" in reason
    assert summary.warning_reasons[reason] == 1


def test_nul_bytes_after_the_sniff_window_are_removed(store: Store, tmp_path: Path) -> None:
    padding = "\n\n".join(GOOD_PARAGRAPHS[:1] * 2)  # pushes the NULs past the first 8 KB
    text = "\n\n".join([OTHER_TEXT] + [padding.replace("Tuesday", f"day {i}") for i in range(30)])
    data = text.encode() + b"\n\nThe ministry\x00 said\x00\x00 nothing more.\n"
    folder = make_batch(tmp_path, {"nul-tail.txt": data})
    run(store, folder)
    assert_good_stored(store, folder)
    art = article_from(store, folder / "nul-tail.txt")
    assert "\x00" not in art["text"]
    assert "northern ring road" in art["text"]


@pytest.mark.parametrize("name", ["nul.txt", "nul.html"])
def test_nul_bytes_inside_text_do_not_crash(store: Store, tmp_path: Path, name: str) -> None:
    if name.endswith(".html"):
        data = html_page(OTHER_PARAGRAPHS).replace("tractors", "trac\x00tors").encode()
    else:
        data = OTHER_TEXT.replace("tractors", "trac\x00tors").encode()
    folder = make_batch(tmp_path, {name: data})
    summary = run(store, folder)
    assert_good_stored(store, folder)
    source = str(folder / name)
    if source in stored_sources(store):
        assert "\x00" not in article_from(store, source)["text"]
    else:
        reason = reason_for(store, summary, source)
        assert "internal error" not in reason


def _jsonl_story(n: int, suffix: str = "", **extra: Any) -> str:
    text = OTHER_TEXT.replace("Friday", f"day {n}") + suffix
    return json.dumps({"title": f"Story {n}", "text": text, **extra})


@pytest.mark.parametrize(
    "bad_text",
    [" and a NUL \x00 in the middle", "\x01\x02\x03\x04\x05\x06\x07" * 20],
    ids=["nul", "control-bytes"],
)
def test_jsonl_record_with_nul_does_not_cost_the_rest_of_the_file(
    store: Store, tmp_path: Path, bad_text: str
) -> None:
    lines = [_jsonl_story(1), _jsonl_story(2, bad_text), _jsonl_story(3)]
    assert "\\u0000" in lines[1] or "\\u0001" in lines[1]  # JSON escapes, not raw bytes
    folder = make_batch(tmp_path, {"items.jsonl": "\n".join(lines) + "\n"})
    summary = run(store, folder)
    assert_good_stored(store, folder)
    source = folder / "items.jsonl"
    assert {f"{source}#1", f"{source}#3"} <= stored_sources(store)
    if f"{source}#2" in stored_sources(store):
        assert "\x00" not in article_from(store, f"{source}#2")["text"]
    else:
        reason_for(store, summary, f"{source}#2")
    assert [p for p in store.problems() if p["source"] == str(source)] == []


def test_lone_surrogates_in_json_text(store: Store, tmp_path: Path) -> None:
    line = _jsonl_story(1, " \udc80\ud800 end")
    assert "\\udc80" in line
    folder = make_batch(tmp_path, {"surrogates.jsonl": line + "\n"})
    summary = run(store, folder)
    assert_good_stored(store, folder)
    assert summary.failed == 0
    art = article_from(store, f"{folder / 'surrogates.jsonl'}#1")
    art["text"].encode("utf-8")  # raises on a lone surrogate
    assert not re.search("[\ud800-\udfff]", art["text"])
    assert "northern ring road" in art["text"]


@pytest.mark.parametrize("field", ["title", "outlet", "authors"])
def test_lone_surrogates_in_json_metadata(store: Store, tmp_path: Path, field: str) -> None:
    lines = [_jsonl_story(1, **{field: "Farmers \udc80 Weekly"}), _jsonl_story(2)]
    folder = make_batch(tmp_path, {"surrogates.jsonl": "\n".join(lines) + "\n"})
    summary = run(store, folder)  # must not raise
    assert_good_stored(store, folder)
    source = folder / "surrogates.jsonl"
    assert f"{source}#2" in stored_sources(store)
    if f"{source}#1" in stored_sources(store):
        art = article_from(store, f"{source}#1")
        assert "\udc80" not in json.dumps(art, ensure_ascii=False)
    else:
        reason_for(store, summary, f"{source}#1")


def test_rtl_override_characters_are_stripped(store: Store, tmp_path: Path) -> None:
    spoofed = OTHER_TEXT.replace("highway", "high\u202eyawhgih\u202cway").replace(
        "Police", "\u202dPolice\u202c"
    )
    record = {"title": "Farmers \u202eblock\u202c highway", "text": spoofed.replace("Friday", "Monday")}
    folder = make_batch(tmp_path, {"rtl.txt": spoofed, "rtl.jsonl": json.dumps(record) + "\n"})
    summary = run(store, folder)
    assert_good_stored(store, folder)
    assert summary.failed == 0
    for source in (folder / "rtl.txt", f"{folder / 'rtl.jsonl'}#1"):
        art = article_from(store, source)
        for value in (art["text"], art["title"] or ""):
            assert not re.search("[\u202a-\u202e\u2066-\u2069]", value), value
        assert "Police said" in art["text"]
    assert article_from(store, f"{folder / 'rtl.jsonl'}#1")["title"] == "Farmers block highway"


# --- hostile XML ---------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://example.com/lol</link><description>&lol9;</description></item>
</channel></rss>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>Feed</title>
<item><title>Leak</title><link>https://example.com/xxe</link><description>&xxe;</description></item>
</channel></rss>
"""


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("laughs.xml", BILLION_LAUGHS),
        ("laughs-as.html", BILLION_LAUGHS),
        ("laughs-malformed.rss", BILLION_LAUGHS.replace(b"</channel>", b"")),
        ("laughs.rss.gz", gzip.compress(BILLION_LAUGHS)),
        ("xxe.rss", XXE),
        ("xxe-malformed.rss", XXE.replace(b"</item>", b"<item>")),
    ],
)
def test_unsafe_xml_is_refused_quickly(store: Store, tmp_path: Path, name: str, data: bytes) -> None:
    folder = make_batch(tmp_path, {name: data})
    started = time.monotonic()
    summary = run(store, folder)
    assert time.monotonic() - started < 10
    assert_good_stored(store, folder)
    assert stored_sources(store) == {str(folder / "good.txt")}
    reason = reason_for(store, summary, folder / name)
    assert reason.startswith("unsafe XML refused")
    assert "root:" not in json.dumps(store.problems())  # nothing of /etc/passwd leaked


# --- malformed containers ----------------------------------------------------------------------

WARC_PAGE = html_page(OTHER_PARAGRAPHS, title="Farmers block highway")
WARC_URI = "https://news.example.com/farmers"


def test_warc_followed_by_garbage(store: Store, tmp_path: Path) -> None:
    data = warc_record(WARC_URI, WARC_PAGE.encode(), compress=False) + garbage(600)
    folder = make_batch(tmp_path, {"crawl.warc": data})
    summary = run(store, folder)
    assert_good_stored(store, folder)
    art = article_from(store, f"{folder / 'crawl.warc'}#{WARC_URI}")
    assert "northern ring road" in art["text"]
    reason = reason_for(store, summary, folder / "crawl.warc")
    assert reason.startswith("malformed WARC after 1 record(s)")


def test_warc_header_followed_by_garbage(store: Store, tmp_path: Path) -> None:
    data = b"WARC/1.0\r\nthis is no header\r\n\r\n" + garbage(800)
    folder = make_batch(tmp_path, {"crawl.warc": data})
    summary = run(store, folder)
    assert_good_stored(store, folder)
    reason = reason_for(store, summary, folder / "crawl.warc")
    assert "WARC" in reason


def test_warc_with_truncated_record_header(store: Store, tmp_path: Path) -> None:
    data = warc_record(WARC_URI, WARC_PAGE.encode(), compress=False) + (
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5000\r\n\r\nHTTP/1.1 200"
    )
    folder = make_batch(tmp_path, {"crawl.warc": data})
    summary = run(store, folder)
    assert_good_stored(store, folder)
    assert f"{folder / 'crawl.warc'}#{WARC_URI}" in stored_sources(store)
    reason = reason_for(store, summary, folder / "crawl.warc")
    assert "internal error" not in reason
    assert "WARC" in reason


def test_warc_with_truncated_last_record(store: Store, tmp_path: Path) -> None:
    second = warc_record(
        "https://news.example.com/budget", html_page(GOOD_PARAGRAPHS[::-1]).encode(), compress=False
    )
    data = warc_record(WARC_URI, WARC_PAGE.encode(), compress=False) + second[:-250]
    folder = make_batch(tmp_path, {"crawl.warc": data})
    summary = run(store, folder)
    assert_good_stored(store, folder)
    assert f"{folder / 'crawl.warc'}#{WARC_URI}" in stored_sources(store)
    problems = [p for p in store.problems() if p["source"].startswith(str(folder / "crawl.warc"))]
    assert problems, "the truncated record was not reported"
    assert any(re.search(r"truncat|incomplete|cut short|malformed", p["reason"]) for p in problems)
    assert all(p["reason"] in all_reasons(summary) for p in problems)


@pytest.mark.parametrize("damage", ["trailing-garbage", "truncated-member"])
def test_gzipped_warc_keeps_records_before_the_damage(store: Store, tmp_path: Path, damage: str) -> None:
    first = warc_record(WARC_URI, WARC_PAGE.encode(), compress=True)
    second = warc_record(
        "https://news.example.com/other",
        html_page([p.replace("Friday", "Saturday") for p in OTHER_PARAGRAPHS]).encode(),
        compress=True,
    )
    if damage == "trailing-garbage":
        tail = b"this is not gzip at all " * 20
    else:
        tail = warc_record("https://news.example.com/cut", WARC_PAGE.encode(), compress=True)[:300]
    folder = make_batch(tmp_path, {"crawl.warc.gz": first + second + tail})
    summary = run(store, folder)
    assert_good_stored(store, folder)
    stored = stored_sources(store)
    assert f"{folder / 'crawl.warc.gz'}#{WARC_URI}" in stored
    assert f"{folder / 'crawl.warc.gz'}#https://news.example.com/other" in stored
    reason = reason_for(store, summary, folder / "crawl.warc.gz")
    assert re.search(r"malformed|truncated|corrupt", reason)


def test_jsonl_malformed_lines_are_reported_with_their_line_number(store: Store, tmp_path: Path) -> None:
    def good(n: int) -> str:
        return json.dumps({"title": f"Story {n}", "text": OTHER_TEXT.replace("Friday", f"day {n}")})

    lines = [good(1), '{"text": "a record cut short', good(3), "", "not json at all", good(6)]
    folder = make_batch(tmp_path, {"items.jsonl": "\n".join(lines) + "\n"})
    summary = run(store, folder)
    assert_good_stored(store, folder)
    source = folder / "items.jsonl"
    assert stored_sources(store) == {str(folder / "good.txt")} | {f"{source}#{n}" for n in (1, 3, 6)}
    for n in (2, 5):
        reason = reason_for(store, summary, f"{source}#{n}")
        assert reason.startswith("malformed JSON")
    assert summary.failed == 2


def test_truncated_gzipped_jsonl_keeps_lines_before_the_cut(store: Store, tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": f"Story {n}", "text": OTHER_TEXT.replace("Friday", f"day {n}")})
        for n in range(400)
    ]
    data = gzip.compress(("\n".join(lines) + "\n").encode())
    folder = make_batch(tmp_path, {"items.jsonl.gz": data[: int(len(data) * 0.7)]})
    summary = run(store, folder)
    assert_good_stored(store, folder)
    assert len(stored_sources(store)) > 50
    reason = reason_for(store, summary, folder / "items.jsonl.gz")
    assert "truncated" in reason


def test_jsonl_line_longer_than_the_limit(store: Store, tmp_path: Path) -> None:
    long_line = json.dumps({"text": "word " * (300 * 1024)})  # 1.5 MB
    lines = [
        json.dumps({"text": OTHER_TEXT}),
        long_line,
        json.dumps({"text": OTHER_TEXT.replace("Friday", "Sunday")}),
    ]
    folder = make_batch(tmp_path, {"items.jsonl": "\n".join(lines) + "\n"})
    summary = run(store, folder, options=IngestOptions(limits=Limits(max_document_bytes=1 * MB)))
    assert_good_stored(store, folder)
    source = folder / "items.jsonl"
    assert {f"{source}#1", f"{source}#3"} <= stored_sources(store)
    reason = reason_for(store, summary, f"{source}#2")
    assert reason == "record is larger than the limit of 1 MB"


def test_size_reason_states_a_limit_below_one_mb(store: Store, tmp_path: Path) -> None:
    lines = [json.dumps({"text": OTHER_TEXT}), json.dumps({"text": "word " * 100_000})]
    folder = make_batch(tmp_path, {"items.jsonl": "\n".join(lines) + "\n"})
    options = IngestOptions(limits=Limits(max_document_bytes=256 * 1024))
    summary = run(store, folder, options=options)
    reason = reason_for(store, summary, f"{folder / 'items.jsonl'}#2")
    assert "limit" in reason
    assert not re.search(r"\b0 MB", reason), reason


# --- markup that is merely odd -----------------------------------------------------------------


def test_deeply_nested_html_does_not_crash(store: Store, tmp_path: Path) -> None:
    depth = 5000
    article = "".join(f"<p>{p}</p>" for p in OTHER_PARAGRAPHS)
    deep = "<html><body>" + "<div>" * depth + article + "</div>" * depth + "</body></html>"
    folder = make_batch(tmp_path, {"deep.html": deep})
    summary = run(store, folder)
    assert_good_stored(store, folder)
    source = str(folder / "deep.html")
    if source not in stored_sources(store):
        reason = reason_for(store, summary, source)
        assert "internal error" not in reason


def test_deeply_nested_junk_after_the_article(store: Store, tmp_path: Path) -> None:
    article = "".join(f"<p>{p}</p>" for p in OTHER_PARAGRAPHS)
    page = "<html><body><article>" + article + "</article>" + "<div>" * 5000 + "x"
    folder = make_batch(tmp_path, {"deep.html": page + "</div>" * 5000 + "</body></html>"})
    run(store, folder)
    assert_good_stored(store, folder)
    assert "northern ring road" in article_from(store, folder / "deep.html")["text"]


def test_article_inside_deeply_nested_html_is_extracted_or_explained(store: Store, tmp_path: Path) -> None:
    depth = 5000
    article = "".join(f"<p>{p}</p>" for p in OTHER_PARAGRAPHS)
    deep = "<html><body>" + "<div>" * depth + article + "</div>" * depth + "</body></html>"
    folder = make_batch(tmp_path, {"deep.html": deep})
    summary = run(store, folder)
    source = str(folder / "deep.html")
    if source in stored_sources(store):
        assert "northern ring road" in article_from(store, source)["text"]
    else:
        reason = reason_for(store, summary, source)
        assert re.search(r"nest|deep", reason), reason


# --- the command line ----------------------------------------------------------------------------


def cli(*args: str) -> Any:
    return CliRunner().invoke(app, ["ingest", *args, "--quiet"])


def test_cli_prints_one_line_per_reason_and_exits_0(tmp_path: Path) -> None:
    folder = make_batch(
        tmp_path,
        {
            "empty.txt": b"",
            "report.pdf": b"%PDF-1.4\n",
            "ru.txt": RUSSIAN_TEXT.encode("cp1251"),
            "items.jsonl": json.dumps({"title": "no text"}) + "\n{broken\n",
            "feed.rss": (
                '<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><item>'
                "<title>T</title><link>https://e.example/1</link>"
                "<description>Only a teaser.</description></item></channel></rss>"
            ),
        },
    )
    db = tmp_path / "cli.db"
    result = cli(str(folder), str(tmp_path / "missing.txt"), "--db", str(db))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("read ")
    assert "2 new" in lines[0]
    with Store(db, readonly=True) as store:
        reasons = {p["reason"] for p in store.problems()}
        assert str(folder / "good.txt") in stored_sources(store)
    assert len(reasons) == 7
    for reason in reasons:
        matching = [line for line in lines if line.endswith(f"× {reason}")]
        assert len(matching) == 1, (reason, lines)


def test_cli_exits_1_when_nothing_could_be_read(tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.txt", b"")
    pdf = write(tmp_path / "doc.pdf", b"%PDF-1.4\n")
    result = cli(str(empty), str(pdf), str(tmp_path / "missing"), "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 1, result.output
    assert "0 new" in result.output
    assert "1 × empty file" in result.output
    assert "1 × unsupported format: PDF" in result.output
    assert "1 × no such file or folder" in result.output


def test_cli_exits_0_on_a_rerun_with_only_unchanged_inputs(tmp_path: Path) -> None:
    good = write(tmp_path / "in" / "good.txt", GOOD_TEXT)
    db = str(tmp_path / "x.db")
    assert cli(str(good), "--db", db).exit_code == 0
    again = cli(str(good), "--db", db)
    assert again.exit_code == 0, again.output
    assert "1 unchanged" in again.output


@pytest.mark.parametrize(
    "field",
    ["textbody", "=body", "text=", "nosuchfield=body"],
)
def test_cli_exits_2_on_bad_field_syntax(tmp_path: Path, field: str) -> None:
    good = write(tmp_path / "good.txt", GOOD_TEXT)
    db = tmp_path / "x.db"
    result = cli(str(good), "--field", field, "--db", str(db))
    assert result.exit_code == 2, result.output
    assert "error:" in result.output
    assert "--field" in result.output
    assert not db.exists()  # nothing was ingested


def test_cli_field_mapping_is_used(tmp_path: Path) -> None:
    path = write(tmp_path / "in" / "fr.jsonl", json.dumps({"contenu": OTHER_TEXT}) + "\n")
    db = tmp_path / "x.db"
    result = cli(str(path), "--field", "text=contenu", "--db", str(db))
    assert result.exit_code == 0, result.output
    with Store(db, readonly=True) as store:
        assert stored_sources(store) == {f"{path}#1"}


def test_cli_error_is_one_line(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", GOOD_TEXT)
    result = cli(str(good), "--field", "nosuchfield=body", "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 2
    error_lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(error_lines) == 1, error_lines
    assert error_lines[0].startswith("error: unknown field 'nosuchfield'")


# --- the per-document time limit ------------------------------------------------------------------


def test_the_time_limit_cuts_a_python_loop_short() -> None:
    from newsgraph.errors import DocumentTooSlow
    from newsgraph.time_limit import time_limit

    started = time.monotonic()
    with pytest.raises(DocumentTooSlow, match=r"time limit of 0\.2 s"), time_limit(0.2):
        while True:
            sum(range(1000))
    assert time.monotonic() - started < 30  # it did stop (the limit, not this bound, is the test)
    with time_limit(0.5):  # a block that ends in time is untouched, and the timer is cleared
        pass
    time.sleep(0.6)  # no stray alarm fires after the block


def test_a_document_too_slow_to_extract_is_refused_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsgraph.processing as processing

    real = processing.build_article

    def slow_on_marker(document: Any, context: Any) -> Any:
        while "tarpit" in document.content:  # a page built to be slow: loops until stopped
            time.sleep(0.01)
        return real(document, context)

    monkeypatch.setattr(processing, "build_article", slow_on_marker)
    text = "The army said on Tuesday that the convoy had reached the northern town after a long march. "
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "slow.txt").write_text("tarpit " + text * 3, encoding="utf-8")
    (inputs / "fine.txt").write_text(text * 3, encoding="utf-8")
    with Store(tmp_path / "warm-up.db") as store:  # the first extraction loads models: not timed here
        ingest([str(inputs / "fine.txt")], store, IngestOptions(annotate=False))
    options = IngestOptions(annotate=False, limits=Limits(max_document_seconds=1))
    with Store(tmp_path / "news.db") as store:
        summary = ingest([str(inputs)], store, options)
        reasons = [r[0] for r in store.db.execute("select reason from errors where severity = 'error'")]
    assert summary.new == 1 and summary.failed == 1, summary.failures
    assert reasons == ["extraction took longer than the time limit of 1 s"]
