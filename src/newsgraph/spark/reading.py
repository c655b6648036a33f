"""One input file's documents inside a Spark task, exactly as the local runner reads them.

A local file is read from its path by ``readers.read_input`` itself (streamed, so a large WARC or
JSONL dump never sits whole in memory). A file Spark listed from an object store arrives as its
bytes, which ``readers.read_data`` opens the way ``sources.open_input`` opens a file (same gzip
handling, same limits, same reasons), so that a file gives the same documents whichever way it
came.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from ..options import IngestOptions
from ..readers import read_data, read_input
from ..records import RawDocument, Skipped
from ..sources import InputFile

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
