"""Files that hold one document: an HTML page or a plain-text dump."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from ..decoding import decode_bytes
from ..options import IngestOptions
from ..records import RawDocument, Skipped
from ..sources import OpenedInput, read_capped


def _read(source: str, opened: OpenedInput, options: IngestOptions, *, html: bool) -> RawDocument:
    data = read_capped(opened.stream, options.limits.max_document_bytes)
    decoded = decode_bytes(data, html=html)
    return RawDocument(
        source=source,
        container="file",
        content_type="html" if html else "text",
        content=decoded.text,
        raw_hash=hashlib.sha256(data).hexdigest(),
        warnings=(decoded.warning,) if decoded.warning else (),
    )


def read_html_file(
    source: str, opened: OpenedInput, options: IngestOptions
) -> Iterator[RawDocument | Skipped]:
    yield _read(source, opened, options, html=True)


def read_text_file(
    source: str, opened: OpenedInput, options: IngestOptions
) -> Iterator[RawDocument | Skipped]:
    yield _read(source, opened, options, html=False)
