"""Deciding what an input is from its first bytes, not from its name.

News archives are full of ``.txt`` files holding HTML and ``.html`` files holding feeds, so the
extension is only a tie-breaker.
"""

from __future__ import annotations

import json
import re
from typing import Literal

from .errors import BinaryInput, UnsupportedFormat

Format = Literal["html", "text", "jsonl", "warc", "feed"]

_KNOWN_BINARY: list[tuple[bytes, str]] = [
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP archive (unpack it first)"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"BZh", "bzip2 archive (decompress it first)"),
    (b"\xfd7zXZ", "xz archive (decompress it first)"),
    (b"7z\xbc\xaf", "7-Zip archive (unpack it first)"),
    (b"SQLite format 3", "SQLite database"),
    (b"\x1f\x8b", "gzip stream inside a gzip stream"),
]

_FEED = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.I)
_HTML = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<title>", re.I)
_TAG = re.compile(rb"</?(p|div|span|a|br|article|section|h[1-6]|table|li|ul|img)\b[^>]*>", re.I)
_UTF_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def sniff_format(head: bytes, name: str = "") -> Format:
    """Return the format of a document whose first bytes are ``head``.

    Raises ``UnsupportedFormat`` for recognised formats we do not read and ``BinaryInput`` for
    anything that is not text.
    """
    for magic, label in _KNOWN_BINARY:
        if head.startswith(magic):
            raise UnsupportedFormat(f"unsupported format: {label}")
    if head.startswith(b"WARC/"):
        return "warc"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 with a byte-order mark: sniff its text, not its interleaved zero bytes
        head = head[: len(head) // 2 * 2].decode("utf-16", errors="replace").encode("utf-8")
    if looks_binary(head):
        raise BinaryInput("binary data, not text")
    sample = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    lowered = sample[:4096].lower()
    if lowered.startswith((b"<?xml", b"<rss", b"<feed")) and _FEED.search(sample[:8192]):
        return "feed"
    if _FEED.match(sample):  # a document whose root is <rss>, <feed> or <rdf:RDF>
        return "feed"
    if sample.startswith((b"{", b"[")) and _looks_like_json_records(sample):
        return "jsonl"
    if _HTML.search(sample[:8192]):
        return "html"
    if len(_TAG.findall(sample[:16384])) >= 5:
        return "html"
    if name.lower().endswith((".html", ".htm", ".xhtml")) and b"<" in sample[:1024]:
        return "html"
    return "text"


def looks_like_html(text: str) -> bool:
    """For text found inside another container (a JSONL field): is it HTML markup?"""
    sample = text[:16384].encode("utf-8", errors="replace")
    return bool(_HTML.search(sample[:8192])) or len(_TAG.findall(sample)) >= 5


def looks_binary(head: bytes) -> bool:
    """True when the bytes are not text in any encoding we read (NULs or many control bytes).

    UTF-16 with a byte-order mark is text even though it is full of NULs.
    """
    if head.startswith(_UTF_BOMS[1:]):
        return False
    sample = head[:8192]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control / len(sample) > 0.05


def _looks_like_json_records(sample: bytes) -> bool:
    """A JSON array of objects, or lines of JSON objects (the first line decides)."""
    text = sample.decode("utf-8", errors="replace")
    if text.startswith("["):
        return bool(re.match(r"\[\s*(\{|\])", text))
    first = text.split("\n", 1)[0].strip()
    try:
        return isinstance(json.loads(first), dict)
    except (ValueError, RecursionError):
        # a first line longer than the sniff window, or a broken record: the JSONL reader
        # reports broken lines one by one, so a plausible start is enough here
        return first.startswith('{"')
