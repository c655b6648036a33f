"""WARC archives (web crawls): each archived HTML or text response is a document.

The WARC-Date of a record is when the crawler fetched the page; it is kept as ``fetched`` and
never used as the publication date.
"""

from __future__ import annotations

import hashlib
import io
import logging
import zlib
from collections.abc import Iterator
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..decoding import decode_bytes
from ..errors import InputError
from ..options import IngestOptions
from ..records import RawDocument, Skipped
from ..sources import OpenedInput, megabytes

LOGGER = logging.getLogger(__name__)
_DOCUMENT_TYPES = ("text/html", "application/xhtml", "text/plain")


def read_warc(source: str, opened: OpenedInput, options: IngestOptions) -> Iterator[RawDocument | Skipped]:
    limit = options.limits.max_document_bytes
    number = 0
    records = 0
    ignored = 0
    # warcio undoes a .warc.gz member by member, so damage in one member costs only what follows
    raw_file = _GzipWatch(opened.path.open("rb")) if opened.compressed and opened.path is not None else None
    stream: Any = raw_file if raw_file is not None else opened.stream
    try:
        for record in ArchiveIterator(stream):
            records += 1
            if not record.rec_type:
                yield Skipped(source, f"malformed WARC: unreadable record header after {number} record(s)")
                return
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
                yield Skipped(where, f"record is larger than the limit of {megabytes(limit)}")
                continue
            missing = getattr(record.raw_stream, "limit", 0)
            truncated = (
                f"WARC record truncated: {missing} byte(s) short of its declared length"
                if isinstance(missing, int) and missing > 0
                else None
            )
            if not data.strip():
                yield Skipped(where, truncated or "empty WARC record")
                continue
            is_html = "html" in content_type
            decoded = decode_bytes(data, html=is_html)
            warnings = [w for w in (decoded.warning, truncated) if w]
            yield RawDocument(
                source=where,
                container="warc",
                content_type="html" if is_html else "text",
                content=decoded.text,
                raw_hash=hashlib.sha256(data).hexdigest(),
                url=uri,
                fetched=record.rec_headers.get_header("WARC-Date"),
                warnings=tuple(warnings),
            )
    except (ArchiveLoadFailed, InputError, ValueError, EOFError, OSError, zlib.error) as exc:
        yield Skipped(source, f"malformed WARC after {number} record(s): {_first_line(exc)}")
    except Exception as exc:  # warcio fails in many ways on damaged headers
        yield Skipped(
            source, f"malformed WARC after {number} record(s): {type(exc).__name__}: {_first_line(exc)}"
        )
    else:
        if records == 0:
            yield Skipped(source, "malformed WARC: no readable record")
        elif raw_file is not None and not raw_file.complete:
            yield Skipped(
                source, f"malformed WARC after {number} record(s): the last gzip member is truncated"
            )
    finally:
        if raw_file is not None:
            raw_file.close()
    if ignored:
        yield Skipped(source, f"{ignored} WARC record(s) ignored: not an HTML or text page", severity="info")


class _GzipWatch:
    """A file wrapper that follows the gzip members passing through it, to tell at the end whether
    the last one was complete (warcio stops quietly at a member cut short)."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._damaged = False

    def read(self, size: int = -1) -> bytes:
        data: bytes = self._raw.read(size)
        self._follow(data)
        return data

    def _follow(self, data: bytes) -> None:
        while data and not self._damaged:
            if self._inflater.eof:  # the previous member ended: this data starts the next one
                self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                self._inflater.decompress(data, 1 << 20)  # the output is not needed, only the state
            except zlib.error:
                self._damaged = True
                return
            data = self._inflater.unconsumed_tail or (
                self._inflater.unused_data if self._inflater.eof else b""
            )

    def readline(self, size: int = -1) -> bytes:
        raise io.UnsupportedOperation("readline")

    def tell(self) -> int:
        return int(self._raw.tell())

    def close(self) -> None:
        self._raw.close()

    @property
    def complete(self) -> bool:
        return not self._damaged and self._inflater.eof


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0].strip() if str(exc).strip() else type(exc).__name__
    return "".join(ch if ch.isprintable() else "?" for ch in text)[:100].strip()


def _content_type(record: Any) -> str:
    headers = getattr(record, "http_headers", None)
    value = headers.get_header("Content-Type") if headers is not None else None
    if not value:
        value = record.rec_headers.get_header("Content-Type") or ""
    return str(value).split(";", 1)[0].strip().lower()
