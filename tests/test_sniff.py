"""Unit tests of format sniffing: the content decides, the file name only breaks ties."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsgraph.errors import BinaryInput, InputError, UnsupportedFormat
from newsgraph.sniff import looks_binary, sniff_format

KNOWN_FORMATS = {"html", "text", "jsonl", "warc", "feed"}

ARTICLE_TEXT = (
    "The national parliament on Tuesday approved the budget after a long debate.\n\n"
    "The finance minister said spending on schools and hospitals would rise.\n"
)
HTML_PAGE = (
    "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>Budget</title></head>"
    "<body><article><h1>Budget approved</h1><p>The national parliament approved the budget."
    "</p></article></body></html>"
)
RSS_FEED = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>News</title>'
    "<item><title>One</title><link>https://example.com/1</link></item></channel></rss>"
)
ATOM_FEED = (
    '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
    "<title>Atom</title><entry><title>One</title></entry></feed>"
)
RDF_FEED = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns="http://purl.org/rss/1.0/"><channel><title>RDF</title></channel></rdf:RDF>'
)
JSONL = (
    json.dumps({"title": "One", "text": "The parliament approved the budget."})
    + "\n"
    + json.dumps({"title": "Two", "text": "The minister resigned."})
    + "\n"
)
WARC_HEAD = b"WARC/1.0\r\nWARC-Type: warcinfo\r\nWARC-Record-ID: <urn:uuid:1>\r\nContent-Length: 0\r\n\r\n"


# --- what each format looks like ------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (HTML_PAGE.encode(), "html"),
        (b"<html><body><p>Hello</p></body></html>", "html"),
        (b"  \n\n<HTML>\n<BODY>shouting markup</BODY></HTML>", "html"),
        (b"<title>Only a title</title> and some words", "html"),
        (b"\xef\xbb\xbf" + HTML_PAGE.encode(), "html"),
        (RSS_FEED.encode(), "feed"),
        (b"<rss version='2.0'><channel><title>no xml declaration</title></channel></rss>", "feed"),
        (ATOM_FEED.encode(), "feed"),
        (b'<?xml version="1.0"?>\n' + RDF_FEED.encode(), "feed"),
        (b"\xef\xbb\xbf" + RSS_FEED.encode(), "feed"),
        (JSONL.encode(), "jsonl"),
        (b'[{"text": "one"}, {"text": "two"}]', "jsonl"),
        (b'[\n  {\n    "text": "pretty printed"\n  }\n]', "jsonl"),
        (b"[]", "jsonl"),
        (WARC_HEAD, "warc"),
        (ARTICLE_TEXT.encode(), "text"),
        ("Парламент утвердил бюджет.\n".encode(), "text"),
        ("Le Parlement a adopté le budget.\n".encode("latin-1"), "text"),
        (b"[1, 2, 3]", "text"),
        (b"{this is not json} said the minister", "text"),
        (b"a < b and c > d in the formula", "text"),
    ],
    ids=[
        "html-doctype",
        "html-minimal",
        "html-upper-case-after-blank-lines",
        "html-title-only",
        "html-utf8-bom",
        "rss",
        "rss-without-declaration",
        "atom",
        "rdf-with-declaration",
        "rss-utf8-bom",
        "jsonl",
        "json-array",
        "json-array-pretty",
        "json-array-empty",
        "warc",
        "text",
        "text-cyrillic",
        "text-latin1",
        "json-array-of-numbers-is-text",
        "braces-prose-is-text",
        "angle-brackets-prose-is-text",
    ],
)
def test_sniff_format_by_content(head: bytes, expected: str) -> None:
    assert sniff_format(head) == expected


def test_rdf_feed_without_xml_declaration_is_a_feed() -> None:
    assert sniff_format(RDF_FEED.encode()) == "feed"


def test_html_fragment_with_many_tags_is_html() -> None:
    fragment = b"".join(b"<p>Paragraph %d of the story.</p>\n" % i for i in range(6))
    assert sniff_format(fragment) == "html"


def test_html_fragment_with_few_tags_is_text_without_a_hint() -> None:
    fragment = b"The <b>minister</b> said <i>no</i>."
    assert sniff_format(fragment) == "text"
    assert sniff_format(fragment, "page.html") == "html"
    assert sniff_format(fragment, "page.HTM") == "html"


def test_broken_first_jsonl_record_still_sniffs_as_jsonl() -> None:
    """The JSONL reader reports broken lines one by one, so a plausible start is enough."""
    head = b'{"text": "a record cut short\n{"text": "the next one"}\n'
    assert sniff_format(head) == "jsonl"


def test_jsonl_first_line_longer_than_the_sniff_window() -> None:
    head = b'{"text": "' + b"word " * 20_000  # 100 KB, no newline, no closing brace
    assert sniff_format(head[: 64 * 1024]) == "jsonl"


@pytest.mark.parametrize(
    ("head", "name", "expected"),
    [
        (HTML_PAGE.encode(), "article.txt", "html"),
        (HTML_PAGE.encode(), "article.json", "html"),
        (RSS_FEED.encode(), "news.html", "feed"),
        (ATOM_FEED.encode(), "atom.txt", "feed"),
        (JSONL.encode(), "dump.dat", "jsonl"),
        (JSONL.encode(), "dump.html", "jsonl"),
        (WARC_HEAD, "crawl", "warc"),
        (WARC_HEAD, "crawl.html", "warc"),
        (ARTICLE_TEXT.encode(), "story.html", "text"),
        (ARTICLE_TEXT.encode(), "story.xml", "text"),
    ],
)
def test_extension_does_not_override_content(head: bytes, name: str, expected: str) -> None:
    assert sniff_format(head, name) == expected


def test_html_page_mentioning_a_feed_is_html() -> None:
    page = b"<html><head><title>Feeds</title></head><body><pre>&lt;rss&gt;</pre><rss ></rss>"
    assert sniff_format(page) == "html"


# --- what we refuse, and how ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "label"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "ZIP"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"GIF89a\x01\x00\x01\x00", "GIF"),
        (b"BZh91AY&SY", "bzip2"),
        (b"\xfd7zXZ\x00\x00", "xz"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04", "7-Zip"),
        (b"SQLite format 3\x00\x10\x00", "SQLite"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip"),
    ],
)
def test_known_binary_formats_are_unsupported(head: bytes, label: str) -> None:
    with pytest.raises(UnsupportedFormat) as info:
        sniff_format(head, "story.txt")
    assert label in info.value.reason
    assert info.value.reason.startswith("unsupported format")
    assert "\n" not in info.value.reason


def test_random_binary_is_refused_as_binary() -> None:
    head = bytes(range(256)) * 8 + os.urandom(1024) + b"\x00\x00"
    with pytest.raises(BinaryInput) as info:
        sniff_format(head, "story.txt")
    assert "binary" in info.value.reason


def test_utf16_text_with_bom_is_text_not_binary() -> None:
    assert sniff_format(ARTICLE_TEXT.encode("utf-16")) == "text"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le-bom", "utf-16-be-bom"])
def test_utf16_html_with_bom_is_html(encoding: str) -> None:
    if encoding == "utf-16":
        head = HTML_PAGE.encode("utf-16")
    elif encoding == "utf-16-le-bom":
        head = b"\xff\xfe" + HTML_PAGE.encode("utf-16-le")
    else:
        head = b"\xfe\xff" + HTML_PAGE.encode("utf-16-be")
    assert sniff_format(head, "page.txt") == "html"


@pytest.mark.parametrize(
    "head",
    [b'{"a": ' + b"[" * 100_000, b'{"a": ' + b'{"a": ' * 50_000],
    ids=["deep-array", "deep-object"],
)
def test_deeply_nested_json_first_line_does_not_escape_the_error_tree(head: bytes) -> None:
    try:
        result = sniff_format(head[: 64 * 1024])
    except InputError:
        return
    assert result in KNOWN_FORMATS


# --- looks_binary ---------------------------------------------------------------------------


def test_looks_binary_on_text() -> None:
    assert not looks_binary(b"")
    assert not looks_binary(ARTICLE_TEXT.encode())
    assert not looks_binary("Парламент утвердил бюджет".encode("cp1251"))
    assert not looks_binary("Le Parlement a adopté".encode("latin-1"))
    # tabs, form feeds, carriage returns and ESC are normal in text dumps
    assert not looks_binary(b"col1\tcol2\r\n\x0cpage two\x1b[0m\n" * 10)


def test_looks_binary_on_nul_and_control_bytes() -> None:
    assert looks_binary(b"plain text then a NUL \x00 here")
    assert looks_binary(b"\x01\x02\x03\x04\x05\x06" + b"abc" * 10)
    # a few control bytes in a long text are tolerated (under 5%)
    text = b"x" * 1000 + b"\x01\x02"
    assert not looks_binary(text)
    assert looks_binary(b"x" * 90 + b"\x01" * 10)


def test_utf16_bom_is_not_binary_despite_nuls() -> None:
    assert not looks_binary("News in UTF-16".encode("utf-16"))
    assert not looks_binary(b"\xfe\xff" + "News".encode("utf-16-be"))
    assert looks_binary("News in UTF-16 without a BOM".encode("utf-16-le"))


# --- never anything but a format or an InputError -------------------------------------------


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(head=st.binary(max_size=4096), name=st.sampled_from(["", "a.txt", "a.html", "a.jsonl"]))
def test_sniff_format_returns_a_format_or_raises_input_error(head: bytes, name: str) -> None:
    try:
        result = sniff_format(head, name)
    except InputError as exc:
        assert isinstance(exc.reason, str)
        assert exc.reason
    else:
        assert result in KNOWN_FORMATS


_MARKUP_PIECES = st.sampled_from(
    [
        b"<", b">", b"</", b"<html>", b"<rss ", b"<feed>", b"<?xml", b"<p>", b"{", b"}", b"[",
        b"]", b'"', b":", b",", b"\n", b" ", b"WARC/", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00",
        b"text", b"%PDF-", b"\x1f\x8b", b"\xe2\x80\x94", b"\xc3", b"\x01",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(pieces=st.lists(_MARKUP_PIECES, max_size=60))
def test_sniff_format_on_structured_noise(pieces: list[bytes]) -> None:
    """Bytes made of the very tokens the sniffer looks for, in any order."""
    head = b"".join(pieces)
    try:
        result = sniff_format(head)
    except InputError:
        return
    assert result in KNOWN_FORMATS
