"""Turning what the user typed (files, folders, globs, URLs) into byte streams we can sniff.

Compression is undone here, once, so that readers see plain bytes whatever the extension says.
Every stream is capped: a gzip bomb or a 10 GB "article" stops with a reason instead of filling
memory.
"""

from __future__ import annotations

import glob
import gzip
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from .errors import EmptyInput, InputError, InputTooLarge, MalformedInput
from .options import Limits
from .records import Skipped

GZIP_MAGIC = b"\x1f\x8b"
MB = 1024 * 1024


def megabytes(size: int) -> str:
    """A byte count for messages: "16 MB", "0.5 MB"."""
    return f"{size / MB:.3g} MB"


SNIFF_BYTES = 64 * 1024


@dataclass(slots=True, frozen=True)
class InputFile:
    """One file to read; ``source`` is how the user named it, kept for provenance."""

    source: str
    path: Path


def expand_inputs(patterns: list[str]) -> Iterator[InputFile | Skipped]:
    """Yield every file named by ``patterns``: files, folders (recursively) and globs.

    A pattern that matches nothing yields a ``Skipped`` with the reason, rather than passing
    silently. Files are
    yielded in sorted order so that runs are reproducible.
    """
    seen: set[Path] = set()
    for pattern in patterns:
        candidates: list[Path]
        path = Path(pattern)
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden_below(p, path))
        elif path.is_file():
            candidates = [path]
        elif glob.has_magic(pattern):
            candidates = []
            for match in sorted(glob.glob(pattern, recursive=True)):  # noqa: PTH207 - absolute patterns
                m = Path(match)
                if m.is_dir():
                    candidates.extend(
                        sorted(p for p in m.rglob("*") if p.is_file() and not _hidden_below(p, m))
                    )
                else:
                    candidates.append(m)
        elif re.match(r"^[a-z][a-z0-9+.-]*://", pattern, re.I):
            yield Skipped(pattern, "URLs are not fetched by ingest: save the page or feed to a file first")
            continue
        else:
            yield Skipped(pattern, "no such file or folder")
            continue
        if not candidates and not path.is_file():
            yield Skipped(pattern, "nothing matched this pattern")
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            yield InputFile(source=str(candidate), path=candidate)


def _hidden_below(path: Path, root: Path) -> bool:
    """Hidden files and folders found inside a folder (.git/, .DS_Store) are not news; a hidden
    file named on the command line is read."""
    return any(part.startswith(".") for part in path.relative_to(root).parts)


class CappedReader(io.RawIOBase):
    """A read-only stream that raises ``InputTooLarge`` once more than ``cap`` bytes went by."""

    def __init__(self, inner: BinaryIO, cap: int, what: str) -> None:
        self._inner = inner
        self._cap = cap
        self._what = what
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            data = self._inner.read(len(buffer))
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise MalformedInput(f"truncated or corrupt gzip stream: {exc}") from exc
        n = len(data)
        self.consumed += n
        if self.consumed > self._cap:
            raise InputTooLarge(f"{self._what} exceeds the limit of {megabytes(self._cap)}")
        buffer[:n] = data
        return n


@dataclass(slots=True)
class OpenedInput:
    """A byte stream positioned at the start of the (decompressed) content, plus its first bytes."""

    stream: BinaryIO
    head: bytes
    compressed: bool
    size_on_disk: int
    path: Path | None = None
    """The file itself, for readers that undo compression record by record (WARC)."""


def open_input(path: Path, limits: Limits) -> OpenedInput:
    """Open ``path``, undo gzip if the bytes say so, and return a capped stream and its head."""
    try:
        size = path.stat().st_size
        raw = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot open file: {exc.strerror or exc}") from exc
    first = raw.read(SNIFF_BYTES)
    raw.seek(0)
    return _open(raw, size, first, limits, path)


def open_bytes(data: bytes, limits: Limits) -> OpenedInput:
    """``open_input`` for an input given as its bytes (fetched, or listed by Spark from an object
    store): the same gzip handling, caps and reasons, so an input reads the same either way."""
    path = cast(Path, _BytesFile(data)) if data[:2] == GZIP_MAGIC else None
    return _open(io.BytesIO(data), len(data), data[:SNIFF_BYTES], limits, path)


def _open(raw: BinaryIO, size: int, first: bytes, limits: Limits, path: Path | None) -> OpenedInput:
    if size == 0:
        raw.close()
        raise EmptyInput("empty file")
    compressed = first[:2] == GZIP_MAGIC
    inner: BinaryIO = raw
    cap = limits.max_input_bytes
    if compressed:
        inner = gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
        # a stream that inflates far past its own size is refused before it fills memory
        cap = min(cap, max(size * limits.max_compression_ratio, limits.max_document_bytes))
    capped = CappedReader(inner, cap, "decompressed content" if compressed else "file")
    stream = io.BufferedReader(capped, buffer_size=SNIFF_BYTES)
    try:
        # the head of a gzip stream is inflated on the side, tolerating damage further on, so that
        # a container broken near its end is still sniffed and read up to the damage
        head = _gunzip_head(first) if compressed else stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    except InputError:
        stream.close()
        raise
    if not head.strip():
        stream.close()
        raise EmptyInput("empty file" if not compressed else "empty after decompression")
    return OpenedInput(stream=stream, head=head, compressed=compressed, size_on_disk=size, path=path)


def _gunzip_head(compressed: bytes) -> bytes:
    """The first ``SNIFF_BYTES`` of a gzip stream's content, as far as the stream is sound."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        return inflater.decompress(compressed[:SNIFF_BYTES], SNIFF_BYTES)
    except zlib.error as exc:
        raise MalformedInput(f"corrupt gzip stream: {exc}") from exc


class _BytesFile:
    """Stands for a ``Path`` where a reader opens the input again (``opened.path.open``: the WARC
    reader undoes a .warc.gz member by member from the file itself)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self.name = ""

    def open(self, mode: str = "rb") -> BinaryIO:
        return io.BytesIO(self._data)


def read_capped(stream: BinaryIO, limit: int, what: str = "document") -> bytes:
    """Read a whole single-document stream, refusing anything larger than ``limit`` bytes."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputTooLarge(f"{what} is larger than the limit of {megabytes(limit)}")
    return data
