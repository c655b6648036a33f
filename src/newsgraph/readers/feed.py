"""RSS and Atom feeds whose entries carry the full article.

Feeds are XML from strangers, so entity declarations are refused before any parser sees the bytes
(defusedxml): a "billion laughs" feed is a one-line error, not an exhausted machine. Entries that
carry only a summary are reported, not passed off as articles.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import ParseError

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring

from ..errors import UnsafeInput
from ..extract.html import html_to_text
from ..meta.dates import normalise_date
from ..options import IngestOptions
from ..records import RawDocument, Skipped
from ..sources import OpenedInput, read_capped

_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", re.S | re.I)
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")
_FULL_CONTENT_WORDS = 80


def check_xml_safety(data: bytes) -> None:
    """Refuse XML that declares entities or fetches external resources."""
    try:
        defused_fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnsafeInput(
            f"unsafe XML refused: {type(exc).__name__} (entity expansion or external reference)"
        ) from exc
    except (ParseError, ValueError):
        # not well-formed: feedparser's lenient parser will try, but never with a DTD
        if re.search(rb"<!ENTITY", data[:65536], re.I):
            raise UnsafeInput("unsafe XML refused: entity declarations in a malformed feed") from None


def read_feed(source: str, opened: OpenedInput, options: IngestOptions) -> Iterator[RawDocument | Skipped]:
    data = read_capped(opened.stream, options.limits.max_document_bytes, "feed")
    check_xml_safety(data)
    data = _CHAR_REF.sub(_valid_char_ref, _DOCTYPE.sub(b"", data))
    parsed: Any = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    entries = parsed.get("entries") or []
    if not entries:
        problem = parsed.get("bozo_exception")
        reason = f"feed has no entries{': ' + str(problem).splitlines()[0][:100] if problem else ''}"
        yield Skipped(source, reason)
        return
    for number, entry in enumerate(entries, start=1):
        yield _entry_document(entry, f"{source}#{number}")


def _valid_char_ref(match: re.Match[bytes]) -> bytes:
    """A character reference to no character (a lone surrogate, past U+10FFFF) becomes U+FFFD:
    feedparser's lenient parser crashes on one, which would cost the whole feed."""
    hex_digits, digits = match.groups()
    number = (hex_digits or digits).lstrip(b"0")
    code = int(number or b"0", 16 if hex_digits else 10) if len(number) <= 8 else 0x110000
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return b"&#xFFFD;"
    return match.group(0)


def _entry_document(entry: Any, where: str) -> RawDocument | Skipped:
    body, is_html = _entry_body(entry)
    link = entry.get("link")
    raw_hash = hashlib.sha256((link or "").encode() + body.encode("utf-8", "replace")).hexdigest()
    text = html_to_text(f"<html><body>{body}</body></html>") if is_html else body
    words = len(text.split())
    if words < _FULL_CONTENT_WORDS and not entry.get("content"):
        return Skipped(
            where,
            f"feed entry has only a summary ({words} words); fetch its link for the article",
            severity="warning",
            raw_hash=raw_hash,
        )
    authors = tuple(a.get("name", "") for a in entry.get("authors", []) if a.get("name"))
    return RawDocument(
        source=where,
        container="feed",
        content_type="text",
        content=text,
        raw_hash=raw_hash,
        url=link,
        title=entry.get("title"),
        published=_entry_date(entry),
        language=(entry.get("language") or None),
        authors=authors,
    )


def _entry_body(entry: Any) -> tuple[str, bool]:
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if value.strip():
            return value, "html" in (content.get("type") or "html")
    summary = entry.get("summary") or ""
    detail = entry.get("summary_detail") or {}
    return summary, "html" in (detail.get("type") or "html")


def _entry_date(entry: Any) -> str | None:
    for key in ("published_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            return normalise_date(time.strftime("%Y-%m-%d", value))
    for key in ("published", "dc_date", "date"):
        if entry.get(key):
            return normalise_date(entry[key])
    return None
