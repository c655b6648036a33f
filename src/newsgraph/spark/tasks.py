"""What runs inside a Spark task (``DataFrame.mapInArrow``): Arrow batches of input files in,
Arrow batches of shard rows out. No pyspark import: a task sees only pyarrow batches and the
values of the job's broadcasts (anything with a ``.value``).

Input batches carry one file a row: ``file_index``, ``path`` (the URI Spark listed, or "" for a
local file the driver listed), ``source`` (as the local runner records it), ``local_path`` (set
when the task reads the file from disk) and ``content`` (the bytes, when it does not).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import pyarrow as pa

from ..article import source_group
from ..clean.boilerplate import repeatable_lines
from ..extract.text import prepare_text
from ..options import IngestOptions
from ..processing import Processed, Work, process_documents, start_worker
from ..records import RawDocument, Skipped
from .reading import read_file
from .rows import processed_row, skipped_row, spark_ddl, stored_row, to_batch

LOGGER = logging.getLogger(__name__)

CHUNK_SIZE = 16
"""Documents handed to ``process_documents`` at a time (as ``pipeline.CHUNK_SIZE``)."""

LINES_SCHEMA = pa.schema(
    [
        pa.field("group_key", pa.string()),
        pa.field("raw_hash", pa.string()),
        pa.field("lines", pa.list_(pa.string())),
    ]
)
LINES_SPARK_SCHEMA = spark_ddl(LINES_SCHEMA)

_V = TypeVar("_V", covariant=True)


class Shared(Protocol, Generic[_V]):
    """A value shipped once to every executor: a Spark ``Broadcast``."""

    @property
    def value(self) -> _V: ...


@dataclass(frozen=True, slots=True)
class TaskSpec:
    """Everything a task needs, pickled into its closure."""

    run_id: str
    options: IngestOptions
    repeated_lines: Shared[dict[str, set[str]]] | None = None
    """Each source group's furniture lines, counted by the job's first pass."""
    stored: Shared[frozenset[str]] | None = None
    """Raw hashes of the inputs the store holds already: their documents are not extracted."""
    keep_content: bool = False


_STARTED: str | None = None
"""The run whose worker set-up this Python process holds (Spark reuses its Python workers
across tasks, and across jobs of one session)."""


def _ensure_worker(spec: TaskSpec) -> None:
    global _STARTED
    if spec.run_id == _STARTED:
        return
    shared = spec.repeated_lines

    def lines(group: str) -> set[str]:
        return shared.value.get(group, set()) if shared is not None else set()

    start_worker(spec.options, None, repeated_lines=lines)
    _STARTED = spec.run_id


def _files(batches: Iterator[pa.RecordBatch]) -> Iterator[dict[str, Any]]:
    """The input files of a task's batches, one at a time (a file's bytes are taken out of the
    batch only when its turn comes)."""
    for batch in batches:
        columns = batch.schema.names
        for i in range(batch.num_rows):
            yield {name: batch.column(name)[i].as_py() for name in columns}


def _documents(
    file: dict[str, Any], options: IngestOptions, formats: frozenset[str] | None = None
) -> Iterator[RawDocument | Skipped]:
    try:
        yield from read_file(
            file["source"],
            local_path=file.get("local_path"),
            data=file.get("content"),
            options=options,
            formats=formats,
        )
    except Exception as exc:  # a bug here must cost one file, not the task
        LOGGER.exception("reading failed on %s", file["source"])
        yield Skipped(file["source"], f"internal error while reading: {type(exc).__name__}: {exc}"[:300])


def count_lines_task(spec: TaskSpec, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The first pass: each text document's short lines, for the driver to count per source
    (``pipeline._count_repeated_lines`` as a Spark job)."""
    rows: list[dict[str, Any]] = []
    for file in _files(batches):
        for document in _documents(file, spec.options, frozenset({"text", "jsonl"})):
            if isinstance(document, RawDocument) and document.content_type == "text":
                text, _ = prepare_text(document.content)
                rows.append(
                    {
                        "group_key": source_group(document),
                        "raw_hash": document.raw_hash,
                        "lines": sorted(repeatable_lines(text)),
                    }
                )
            if len(rows) >= 256:
                yield pa.RecordBatch.from_pylist(rows, schema=LINES_SCHEMA)
                rows = []
    if rows:
        yield pa.RecordBatch.from_pylist(rows, schema=LINES_SCHEMA)


def process_task(spec: TaskSpec, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The second pass: read each file, extract, annotate and embed its new documents (the
    local runner's ``process_documents``), and emit one row per document. The worker is set up
    on the first document to process: a re-ingest of stored input needs none."""
    stored = spec.stored.value if spec.stored is not None else frozenset()
    rows: list[dict[str, Any]] = []
    pending: list[tuple[dict[str, Any], Work]] = []
    for file in _files(batches):
        order = {"file_index": file["file_index"], "path": file["path"]}
        for doc_index, document in enumerate(_documents(file, spec.options)):
            at = {**order, "doc_index": doc_index}
            if isinstance(document, Skipped):
                rows.append({**at, **skipped_row(document)})
            elif document.raw_hash in stored:
                rows.append({**at, **stored_row(document)})
            else:
                pending.append((at, Work(document)))
                if len(pending) >= CHUNK_SIZE:
                    rows.extend(_process(pending, spec))
                    pending = []
            if len(rows) >= CHUNK_SIZE:
                yield to_batch(rows)
                rows = []
    rows.extend(_process(pending, spec))
    if rows:
        yield to_batch(rows)


def _process(pending: list[tuple[dict[str, Any], Work]], spec: TaskSpec) -> list[dict[str, Any]]:
    if not pending:
        return []
    _ensure_worker(spec)  # a bad outlet table or knowledge base fails the job, as it fails ingest
    work = [w for _, w in pending]
    results: list[Processed]
    try:
        results = process_documents(work)
    except Exception as exc:  # as the local runner reports a chunk whose task raised
        LOGGER.exception("a chunk of %d document(s) failed", len(work))
        reason = f"{type(exc).__name__}: {exc}"[:300]
        results = [Processed(w.document, failure=reason) for w in work]
    return [
        {**at, **processed_row(result, keep_content=spec.keep_content)}
        for (at, _), result in zip(pending, results, strict=True)
    ]
