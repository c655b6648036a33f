"""WARC archives (web crawls): each archived HTML or text response is a document.

The WARC-Date of a record is when the crawler fetched the page; it is kept as ``fetched`` and
never used as the publication date.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..decoding import decode_bytes
from ..options import IngestOptions
from ..records import RawDocument, Skipped
from ..sources import OpenedInput

LOGGER = logging.getLogger(__name__)
_DOCUMENT_TYPES = ("text/html", "application/xhtml", "text/plain")


def read_warc(source: str, opened: OpenedInput, options: IngestOptions) -> Iterator[RawDocument | Skipped]:
    limit = options.limits.max_document_bytes
    number = 0
    ignored = 0
    try:
        for record in ArchiveIterator(opened.stream, arc2warc=True):
            if record.rec_type not in ("response", "resource", "conversion"):
                continue
            number += 1
            uri = record.rec_headers.get_header("WARC-Target-URI")
            where = f"{source}#{uri or number}"
            content_type = _content_type(record)
            if record.http_headers is not None:
                status = record.http_headers.get_statuscode()
                if status and not status.startswith("2"):
                    ignored += 1
                    continue
            if not content_type.startswith(_DOCUMENT_TYPES):
                ignored += 1
                continue
            data = record.content_stream().read(limit + 1)
            if len(data) > limit:
                yield Skipped(where, f"record is larger than the limit of {limit // (1024 * 1024)} MB")
                continue
            if not data.strip():
                yield Skipped(where, "empty WARC record")
                continue
            is_html = "html" in content_type
            decoded = decode_bytes(data, html=is_html)
            yield RawDocument(
                source=where,
                container="warc",
                content_type="html" if is_html else "text",
                content=decoded.text,
                raw_hash=hashlib.sha256(data).hexdigest(),
                url=uri,
                fetched=record.rec_headers.get_header("WARC-Date"),
                warnings=(decoded.warning,) if decoded.warning else (),
            )
    except (ArchiveLoadFailed, ValueError, EOFError, OSError) as exc:
        yield Skipped(source, f"malformed WARC after {number} record(s): {str(exc).splitlines()[0][:120]}")
    if ignored:
        yield Skipped(source, f"{ignored} WARC record(s) ignored: not an HTML or text page", severity="info")


def _content_type(record: Any) -> str:
    headers = getattr(record, "http_headers", None)
    value = headers.get_header("Content-Type") if headers is not None else None
    if not value:
        value = record.rec_headers.get_header("Content-Type") or ""
    return str(value).split(";", 1)[0].strip().lower()
