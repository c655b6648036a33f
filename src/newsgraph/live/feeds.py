"""Feeds seen from the fetcher's side: the feeds file of ``watch``, and the links of a feed's
entries (the articles to fetch).

Feed bytes come from strangers: ``readers.feed.check_xml_safety`` refuses entity declarations
and external references before feedparser sees them, exactly as for a feed read from a file.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from ..errors import ConfigError, InputTooLarge, MalformedInput
from ..readers.feed import check_xml_safety
from ..sources import GZIP_MAGIC, megabytes
from .guard import SCHEMES

_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", re.S | re.I)
_COMMENT = re.compile(r"(^|\s)#.*$")


def read_feeds_file(path: Path) -> list[str]:
    """The feed URLs listed in ``path``: one per line; blank lines and ``#`` comments (a whole
    line, or after a space) are ignored; a URL listed twice is kept once."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the feeds file {path}: {exc}") from exc
    urls: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _COMMENT.sub("", raw).strip()
        if not line:
            continue
        parts = urlsplit(line)
        if parts.scheme.lower() not in SCHEMES or not parts.netloc or " " in line:
            raise ConfigError(f"{path}, line {number}: not an http(s) URL: {line[:200]!r}")
        if line not in urls:
            urls.append(line)
    if not urls:
        raise ConfigError(f"no feed URL in {path}: list one http(s) URL per line")
    return urls


def gunzip(data: bytes, limit: int) -> bytes:
    """``data`` itself, or what it decompresses to when it is gzip (never more than ``limit``)."""
    if not data.startswith(GZIP_MAGIC):
        return data
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise MalformedInput(f"corrupt compressed response: {exc}") from exc
    if len(out) > limit:
        raise InputTooLarge(f"decompressed response exceeds the limit of {megabytes(limit)}")
    return out


def entry_links(data: bytes, base_url: str) -> list[str | None]:
    """The link of each entry of the feed in ``data``, in the order the feed reader numbers them
    (``source#1``, ``source#2``, ...); relative links are resolved against ``base_url``; None for
    an entry without a link. Raises ``UnsafeInput`` for hostile XML."""
    check_xml_safety(data)
    parsed: Any = feedparser.parse(_DOCTYPE.sub(b"", data), sanitize_html=False, resolve_relative_uris=False)
    links: list[str | None] = []
    for entry in parsed.get("entries") or []:
        link = _entry_link(entry)
        links.append(urljoin(base_url, link) if link else None)
    return links


def _entry_link(entry: Any) -> str | None:
    link = (entry.get("link") or "").strip()
    if link:
        return str(link)
    for candidate in entry.get("links") or []:
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            return str(candidate["href"]).strip()
    return None
