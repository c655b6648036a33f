"""The one exception tree of newsgraph.

Library code raises these; only the CLI turns them into a one-line message and an exit code.
Every error carries a ``reason``: a short, human sentence that names what went wrong and, where
there is one, the fix. Reasons are what the ``errors`` table and the ingest summary show, so they
are written to be grouped: variable details (sizes, paths) go after a colon.
"""

from __future__ import annotations


class NewsgraphError(Exception):
    """Root of every error newsgraph raises on purpose."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- input: a file or record that cannot be read as news -------------------------------------


class InputError(NewsgraphError):
    """An input (file, container record, URL) could not be read as a news document."""


class EmptyInput(InputError):
    """The input holds no bytes, or only whitespace."""


class BinaryInput(InputError):
    """The input is binary data, not text, HTML or a known container."""


class UnsupportedFormat(InputError):
    """The input is a known format that newsgraph does not read (PDF, ZIP, images, ...)."""


class InputTooLarge(InputError):
    """The input, or what it decompresses to, is larger than the configured limit."""


class MalformedInput(InputError):
    """The input is truncated or broken (bad gzip stream, malformed WARC or JSON, ...)."""


class UnsafeInput(InputError):
    """The input tries something hostile, such as XML entity expansion."""


# --- extraction: the document was read but holds no usable article ---------------------------


class ExtractionError(NewsgraphError):
    """A document was read but no article text could be extracted from it."""


class DocumentTooSlow(ExtractionError):
    """One document took longer than the per-document time limit (``Limits.max_document_seconds``)."""


# --- store -------------------------------------------------------------------------------------


class StoreError(NewsgraphError):
    """The SQLite store cannot be opened, migrated or written."""


class SchemaTooNew(StoreError):
    """The database was written by a newer newsgraph; upgrading newsgraph is the fix."""


# --- configuration and evaluation ----------------------------------------------------------------


class ConfigError(NewsgraphError):
    """A user-supplied option or data file (field mapping, outlet table, ...) is invalid."""


class BenchmarkMissing(NewsgraphError):
    """A public benchmark needed by an evaluation command is not where it was looked for."""


class WorkerStartError(NewsgraphError):
    """Worker processes (``--workers N``) could not be started or could not set themselves up."""
