"""One input file's documents inside a Spark task, exactly as the local runner reads them.

A local file is read from its path by ``readers.read_input`` itself (streamed, so a large WARC or
JSONL dump never sits whole in memory). A file Spark listed from an object store arrives as its
bytes, which ``read_data`` opens the way ``sources.open_input`` opens a file (same gzip
handling, same limits, same reasons), so that a file gives the same documents whichever way it
came. (``readers.read_bytes`` is for fetched pages: it refuses anything larger than one
document, where a file may be a container of thousands.)
"""

from __future__ import annotations

import gzip
import io
import logging
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, cast

from ..errors import EmptyInput, InputError, MalformedInput
from ..options import IngestOptions, Limits
from ..readers import READERS, read_input
from ..records import RawDocument, Skipped
from ..sniff import sniff_format
from ..sources import GZIP_MAGIC, SNIFF_BYTES, CappedReader, InputFile, OpenedInput

LOGGER = logging.getLogger(__name__)


def read_file(
    source: str,
    *,
    local_path: str | None,
    data: bytes | None,
    options: IngestOptions,
    formats: frozenset[str] | None = None,
) -> Iterator[RawDocument | Skipped]:
    """Every document of one input: from ``local_path`` when the file is on this machine's disk,
    else from ``data``, its bytes. Problems become ``Skipped`` records, never exceptions."""
    if local_path is not None:
        yield from read_input(InputFile(source, Path(local_path)), options, formats=formats)
    else:
        yield from read_data(source, data or b"", options, formats=formats)


def read_data(
    source: str, data: bytes, options: IngestOptions, *, formats: frozenset[str] | None = None
) -> Iterator[RawDocument | Skipped]:
    """``read_input`` for a file given as its bytes (``source`` is its path or URI)."""
    name = source.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    try:
        opened = open_data(data, options.limits)
    except InputError as exc:
        yield Skipped(source, exc.reason)
        return
    try:
        fmt = sniff_format(opened.head, name.removesuffix(".gz"))
        if formats is None or fmt in formats:
            yield from READERS[fmt](source, opened, options)
    except InputError as exc:
        if formats is None:
            yield Skipped(source, exc.reason)
    except Exception as exc:  # a reader bug must not end the batch
        LOGGER.exception("reader failed on %s", source)
        yield Skipped(source, f"internal error while reading: {type(exc).__name__}: {exc}"[:300])
    finally:
        opened.stream.close()


def open_data(data: bytes, limits: Limits) -> OpenedInput:
    """``sources.open_input`` for bytes: gzip undone, the same caps, the same reasons."""
    size = len(data)
    if size == 0:
        raise EmptyInput("empty file")
    compressed = data[:2] == GZIP_MAGIC
    inner: BinaryIO = io.BytesIO(data)
    cap = limits.max_input_bytes
    if compressed:
        inner = _gzip(inner)
        cap = min(cap, max(size * limits.max_compression_ratio, limits.max_document_bytes))
    capped = CappedReader(inner, cap, "decompressed content" if compressed else "file")
    stream = io.BufferedReader(capped, buffer_size=SNIFF_BYTES)
    try:
        head = _gunzip_head(data) if compressed else stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    except InputError:
        stream.close()
        raise
    if not head.strip():
        stream.close()
        raise EmptyInput("empty file" if not compressed else "empty after decompression")
    # the WARC reader undoes a .warc.gz member by member from the file itself: give it the bytes
    path = cast(Path, _BytesFile(data)) if compressed else None
    return OpenedInput(stream=stream, head=head, compressed=compressed, size_on_disk=size, path=path)


def _gzip(raw: BinaryIO) -> BinaryIO:
    return cast(BinaryIO, gzip.GzipFile(fileobj=raw, mode="rb"))


def _gunzip_head(data: bytes) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        return inflater.decompress(data[:SNIFF_BYTES], SNIFF_BYTES)
    except zlib.error as exc:
        raise MalformedInput(f"corrupt gzip stream: {exc}") from exc


class _BytesFile:
    """Stands for a ``Path`` where a reader opens the input file again (``opened.path.open``)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self.name = ""

    def open(self, mode: str = "rb") -> BinaryIO:
        return io.BytesIO(self._data)
