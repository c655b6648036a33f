"""Readers: one per input format, each turning an opened input into raw documents.

A reader is a function ``(source, opened, options) -> Iterator[RawDocument | Skipped]``. Readers
for containers (JSONL, WARC, feeds) yield one document per record and a ``Skipped`` for each
record they cannot use, then carry on: one bad record never costs the rest of the file.
Register your own with ``register_reader``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterator

from ..errors import InputError
from ..options import IngestOptions
from ..records import RawDocument, Skipped
from ..sniff import sniff_format
from ..sources import InputFile, OpenedInput, open_bytes, open_input
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
    yield from _read_opened(item.source, item.path.name, opened, options, formats)


def read_data(
    source: str,
    data: bytes,
    options: IngestOptions,
    *,
    formats: frozenset[str] | None = None,
    location: str | None = None,
) -> Iterator[RawDocument | Skipped]:
    """``read_input`` for an input given as its bytes (``source``: its path, URI or URL; the
    file name for sniffing comes from ``location`` when given, else from ``source``)."""
    try:
        opened = open_bytes(data, options.limits)
    except InputError as exc:
        yield Skipped(source, exc.reason)
        return
    name = (location or source).split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    yield from _read_opened(source, name, opened, options, formats)


def read_bytes(
    source: str, data: bytes, options: IngestOptions, *, url: str | None = None, fetched: str | None = None
) -> Iterator[RawDocument | Skipped]:
    """Every document in fetched bytes (a page or a feed), read exactly as a file with the same
    content would be; ``url`` and ``fetched`` are kept on each document that carries none."""
    for document in read_data(source, data, options, location=url):
        if isinstance(document, RawDocument) and (url or fetched):
            document = dataclasses.replace(
                document, url=document.url or url, fetched=document.fetched or fetched
            )
        yield document


def _read_opened(
    source: str, name: str, opened: OpenedInput, options: IngestOptions, formats: frozenset[str] | None
) -> Iterator[RawDocument | Skipped]:
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
