"""Loading a Spark run's shards into the store: pyarrow only, no Spark needed.

The shards of a run are Parquet files, one (or a few) per Spark task, each sorted in input order.
They are merged back into one stream in input order, a batch at a time per file (memory is
bounded by the number of files, not their size), and handed to ``pipeline.write_processed``, the
local runner's writer: articles, annotations, vectors and stories come out the same. Loading is
idempotent: documents the store holds already are only accounted for, as ``ingest`` does.
"""

from __future__ import annotations

import dataclasses
import heapq
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ..errors import ConfigError
from ..options import IngestOptions
from ..pipeline import IngestSummary, ProgressCallback, already_stored, write_processed
from ..processing import Processed
from ..records import RawDocument
from ..store import Store
from .rows import ORDER_COLUMNS, row_record

MANIFEST = "manifest.json"
RECORDS = "records"
BATCH_ROWS = 64
READ_BUFFER = 1 << 20
"""Bytes buffered per shard file while reading: pages are read as needed, not whole row groups."""

NOT_IN_STORE = (
    "the Spark job passed it over as stored already, but this database does not hold it: ingest it again"
)


def load_shards(
    shard_dir: Path,
    store: Store,
    options: IngestOptions | None = None,
    *,
    summary: IngestSummary | None = None,
    progress: ProgressCallback | None = None,
) -> IngestSummary:
    """Write the records of a Spark run (``shard_dir``: the run's folder, or its ``records``
    folder) into ``store``, in input order; then annotate what waits and group stories.

    ``options`` defaults to those the job ran with (recorded in the run's manifest): the outlet
    and knowledge-base files, and whether to annotate and group stories.
    """
    manifest = read_manifest(shard_dir)
    options = options or options_from_manifest(manifest)
    summary = summary or IngestSummary(files=int(manifest.get("files", 0)))
    records = _records_dir(shard_dir)
    rows = merged_rows(shard_files(records))
    return write_processed(
        _to_write(rows, store, summary, progress), store, options, summary=summary, progress=progress
    )


def shard_files(records: Path) -> list[Path]:
    """The Parquet files of a records folder (Spark's ``_SUCCESS`` and hidden files left out)."""
    if not records.is_dir():
        raise ConfigError(f"no Spark shards at {records}: give the folder of one run")
    files = sorted(
        p for p in records.iterdir() if p.suffix == ".parquet" and not p.name.startswith(("_", "."))
    )
    if not files and not (records / "_SUCCESS").exists():
        raise ConfigError(f"no Spark shards at {records}: give the folder of one run")
    return files


def merged_rows(files: list[Path]) -> Iterator[dict[str, Any]]:
    """The rows of every shard file in input order: each file is sorted, so a merge suffices."""
    return heapq.merge(*(_file_rows(f) for f in files), key=_order)


def _order(row: dict[str, Any]) -> tuple[int, str, int]:
    return (row["file_index"], row["path"] or "", row["doc_index"])


def _file_rows(path: Path) -> Iterator[dict[str, Any]]:
    shard = pq.ParquetFile(path, buffer_size=READ_BUFFER, pre_buffer=False)
    try:
        for batch in shard.iter_batches(batch_size=BATCH_ROWS):
            yield from batch.to_pylist()
    finally:
        shard.close()


def _to_write(
    rows: Iterable[dict[str, Any]],
    store: Store,
    summary: IngestSummary,
    progress: ProgressCallback | None,
) -> Iterator[Processed]:
    """What the writer must write, in order; the rest is accounted for here, as the local runner
    does before its workers: problem records, inputs stored unchanged, copies of stored bytes.
    Bytes seen earlier in this run become copies, as ``pipeline._not_stored`` sends them."""
    sent: set[str] = set()
    for row in rows:
        record = row_record(row)
        document = record.document if isinstance(record, Processed) else record
        if already_stored(document, store, summary):
            if progress:
                progress(document.source, summary)
            continue
        assert isinstance(document, RawDocument)
        if not isinstance(record, Processed):  # passed over by the job, yet not in this store
            yield Processed(document, failure=NOT_IN_STORE)
        elif document.raw_hash in sent:
            yield Processed(document, copy=True)
        else:
            sent.add(document.raw_hash)
            yield record


# --- the run's manifest ------------------------------------------------------------------------


def write_manifest(run_dir: Path, manifest: dict[str, Any]) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    temporary = run_dir / f".{MANIFEST}.tmp"
    temporary.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    temporary.replace(run_dir / MANIFEST)


def read_manifest(shard_dir: Path) -> dict[str, Any]:
    for folder in (shard_dir, shard_dir.parent):
        path = folder / MANIFEST
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise ConfigError(f"unreadable shard manifest {path}: {exc}") from exc
            return data if isinstance(data, dict) else {}
    return {}


def manifest_options(options: IngestOptions) -> dict[str, Any]:
    """What the loader needs of the job's options (the rest only matters for reading input)."""
    return {
        "outlet_files": [str(p.resolve()) for p in options.outlet_files],
        "kb_files": [str(p.resolve()) for p in options.kb_files],
        "annotate": options.annotate,
        "stories": options.stories,
    }


def options_from_manifest(manifest: dict[str, Any]) -> IngestOptions:
    recorded = manifest.get("options") or {}
    return dataclasses.replace(
        IngestOptions(),
        outlet_files=tuple(Path(p) for p in recorded.get("outlet_files", [])),
        kb_files=tuple(Path(p) for p in recorded.get("kb_files", [])),
        annotate=bool(recorded.get("annotate", True)),
        stories=bool(recorded.get("stories", True)),
    )


def _records_dir(shard_dir: Path) -> Path:
    nested = shard_dir / RECORDS
    return nested if nested.is_dir() else shard_dir


__all__ = ["ORDER_COLUMNS", "load_shards"]
