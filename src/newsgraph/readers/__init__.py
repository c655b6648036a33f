"""Readers: one per input format, each turning an opened input into raw documents.

A reader is a function ``(source, opened, options) -> Iterator[RawDocument | Skipped]``. Readers
for containers (JSONL, WARC, feeds) yield one document per record and a ``Skipped`` for each
record they cannot use, then carry on: one bad record never costs the rest of the file.
Register your own with ``register_reader``.
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import logging
import zlib
from collections.abc import Callable, Iterator
from typing import BinaryIO

from ..errors import InputError
from ..options import IngestOptions
from ..records import RawDocument, Skipped
from ..sniff import sniff_format
from ..sources import GZIP_MAGIC, SNIFF_BYTES, CappedReader, InputFile, OpenedInput, open_input
from .feed import read_feed
from .jsonl import read_jsonl
from .single import read_html_file, read_text_file
from .warc import read_warc

LOGGER = logging.getLogger(__name__)

Reader = Callable[[str, OpenedInput, IngestOptions], Iterator[RawDocument | Skipped]]

READERS: dict[str, Reader] = {
    "html": read_html_file,
    "text": read_text_file,
    "jsonl": read_jsonl,
    "warc": read_warc,
    "feed": read_feed,
}


def register_reader(name: str, reader: Reader) -> None:
    """Make ``reader`` handle inputs that ``sniff_format`` calls ``name``."""
    READERS[name] = reader


def read_input(
    item: InputFile, options: IngestOptions, *, formats: frozenset[str] | None = None
) -> Iterator[RawDocument | Skipped]:
    """Every document in one input file; problems become ``Skipped`` records, never exceptions.

    With ``formats``, inputs of other formats are passed over silently (for cheap pre-passes).
    """
    try:
        opened = open_input(item.path, options.limits)
    except InputError as exc:
        yield Skipped(item.source, exc.reason)
        return
    try:
        fmt = sniff_format(opened.head, item.path.name.removesuffix(".gz"))
        if formats is None or fmt in formats:
            yield from READERS[fmt](item.source, opened, options)
    except InputError as exc:
        if formats is None:
            yield Skipped(item.source, exc.reason)
    except Exception as exc:  # a reader bug must not end the batch
        LOGGER.exception("reader failed on %s", item.source)
        yield Skipped(item.source, f"internal error while reading: {type(exc).__name__}: {exc}"[:300])
    finally:
        opened.stream.close()


def read_bytes(
    source: str, data: bytes, options: IngestOptions, *, url: str | None = None, fetched: str | None = None
) -> Iterator[RawDocument | Skipped]:
    """Every document in bytes that came from elsewhere than a file (a fetched page or feed),
    read exactly as a file with the same content would be; ``url`` and ``fetched`` (when the
    bytes were fetched) are kept on each document that does not carry its own."""
    if not data.strip():
        yield Skipped(source, "empty response")
        return
    if len(data) > options.limits.max_document_bytes and not data.startswith(GZIP_MAGIC):
        yield Skipped(source, "response exceeds the document size limit")
        return
    stream: BinaryIO = io.BytesIO(data)
    try:
        if data.startswith(GZIP_MAGIC):
            cap = min(options.limits.max_input_bytes, len(data) * options.limits.max_compression_ratio)
            inflated = gzip.GzipFile(fileobj=stream, mode="rb")
            buffered = io.BufferedReader(CappedReader(inflated, cap, "decompressed content"))  # type: ignore[arg-type]
            head = buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES]
            stream = buffered
        else:
            head = data[:SNIFF_BYTES]
        opened = OpenedInput(
            stream=stream, head=head, compressed=data.startswith(GZIP_MAGIC), size_on_disk=len(data)
        )
        name = (url or source).split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1].removesuffix(".gz")
        fmt = sniff_format(head, name)
        for document in READERS[fmt](source, opened, options):
            if isinstance(document, RawDocument) and (url or fetched):
                document = dataclasses.replace(
                    document, url=document.url or url, fetched=document.fetched or fetched
                )
            yield document
    except InputError as exc:
        yield Skipped(source, exc.reason)
    except (OSError, EOFError, zlib.error) as exc:
        yield Skipped(source, f"corrupt compressed response: {exc}"[:300])
    except Exception as exc:  # a reader bug must not end the batch
        LOGGER.exception("reader failed on %s", source)
        yield Skipped(source, f"internal error while reading: {type(exc).__name__}: {exc}"[:300])
    finally:
        stream.close()
