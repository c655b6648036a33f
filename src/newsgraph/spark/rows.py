"""Shard rows: what a Spark task made of one document, as plain Parquet columns, and back.

A row holds one record of the ``ingest`` stream: a ``Processed`` document (the article, its
annotation and lead vector, or why extraction failed), a ``Skipped`` one (a reader's problem
record), or a ``stored`` one (an input the store already holds, passed over without extraction).
Records travel as JSON text columns beside a few plain ones kept for reading the shards with any
Parquet tool (``source``, ``raw_hash``, ``failure``). The JSON is the truth the loader rebuilds
from; the round trip is exact (``row_record(processed_row(p)) == p``).

Nothing here needs Spark: the loader reads shards with pyarrow alone.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Literal, TypeVar

import pyarrow as pa

from ..events.quotes import Quote
from ..processing import Processed
from ..records import (
    ActorRecord,
    Annotation,
    Article,
    EventRecord,
    Mention,
    Participant,
    RawDocument,
    RoleEvidence,
    Skipped,
)

Kind = Literal["processed", "skipped", "stored"]

ORDER_COLUMNS = ("file_index", "path", "doc_index")
"""Input order: the file's place among the inputs (then its URI, for files Spark listed), then
the document's place in its file. Shards are sorted by it within each file."""

ROW_SCHEMA = pa.schema(
    [
        pa.field("file_index", pa.int64()),
        pa.field("path", pa.string()),
        pa.field("doc_index", pa.int64()),
        pa.field("kind", pa.string()),
        pa.field("source", pa.string()),
        pa.field("raw_hash", pa.string()),
        pa.field("document", pa.string()),
        pa.field("article", pa.string()),
        pa.field("annotation", pa.string()),
        pa.field("vector", pa.binary()),
        pa.field("failure", pa.string()),
        pa.field("copy", pa.bool_()),
        pa.field("skipped", pa.string()),
    ]
)


def spark_ddl(schema: pa.Schema) -> str:
    """An Arrow schema in Spark's DDL, for ``DataFrame.mapInArrow`` (the types shards use)."""
    return ", ".join(f"{field.name} {_spark_type(field.type)}" for field in schema)


def _spark_type(kind: pa.DataType) -> str:
    if pa.types.is_list(kind):
        return f"array<{_spark_type(kind.value_type)}>"
    return {pa.int64(): "long", pa.string(): "string", pa.binary(): "binary", pa.bool_(): "boolean"}[kind]


SPARK_SCHEMA = spark_ddl(ROW_SCHEMA)

_T = TypeVar("_T")


# --- records to rows ---------------------------------------------------------------------------


def processed_row(processed: Processed, *, keep_content: bool = True) -> dict[str, Any]:
    """One processed document as a row (without order columns). ``keep_content=False`` drops
    the document's raw content, which the writer never reads (the article holds the text)."""
    document = processed.document
    return _row(
        "processed",
        document.source,
        document.raw_hash,
        document=_dumps(document_dict(document, keep_content=keep_content)),
        article=_dumps(processed.article.to_dict()) if processed.article is not None else None,
        annotation=_dumps(annotation_dict(processed.annotation)) if processed.annotation else None,
        vector=processed.vector,
        failure=_printable(processed.failure) if processed.failure is not None else None,
        copy=processed.copy,
    )


def skipped_row(skipped: Skipped) -> dict[str, Any]:
    return _row(
        "skipped",
        skipped.source,
        skipped.raw_hash,
        failure=_printable(skipped.reason),
        skipped=_dumps(dataclasses.asdict(skipped)),
    )


def stored_row(document: RawDocument) -> dict[str, Any]:
    """A document whose bytes the store holds already: the writer only accounts for it."""
    return _row(
        "stored",
        document.source,
        document.raw_hash,
        document=_dumps(document_dict(document, keep_content=False)),
    )


def _row(kind: Kind, source: str, raw_hash: str | None, **columns: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(ROW_SCHEMA.names)
    row.update(kind=kind, source=_printable(source), raw_hash=raw_hash, copy=False)
    row.update(columns)
    for name in ORDER_COLUMNS:
        del row[name]
    return row


def to_batch(rows: list[dict[str, Any]]) -> pa.RecordBatch:
    """Rows (with their order columns) as one Arrow batch of ``ROW_SCHEMA``."""
    return pa.RecordBatch.from_pylist(rows, schema=ROW_SCHEMA)


# --- rows to records ---------------------------------------------------------------------------


def row_record(row: dict[str, Any]) -> Processed | Skipped | RawDocument:
    """The record a row holds: ``Processed``, ``Skipped``, or for a ``stored`` row the document
    (without content) that needs no extraction."""
    kind = row["kind"]
    if kind == "skipped":
        return _build(Skipped, json.loads(row["skipped"]))
    document = document_from_dict(json.loads(row["document"]))
    if kind == "stored":
        return document
    if kind != "processed":
        raise ValueError(f"unknown shard row kind {kind!r}")
    return Processed(
        document=document,
        article=Article.from_dict(json.loads(row["article"])) if row["article"] is not None else None,
        failure=row["failure"],
        annotation=annotation_from_dict(json.loads(row["annotation"])) if row["annotation"] else None,
        vector=row["vector"],
        copy=bool(row["copy"]),
    )


# --- the records' dictionaries -----------------------------------------------------------------


def document_dict(document: RawDocument, *, keep_content: bool = True) -> dict[str, Any]:
    data = dataclasses.asdict(document)
    if not keep_content:
        data["content"] = ""
    return data


def document_from_dict(data: dict[str, Any]) -> RawDocument:
    data = _known(RawDocument, data)
    for name in ("authors", "warnings"):
        data[name] = tuple(data.get(name) or ())
    return RawDocument(**data)


def annotation_dict(annotation: Annotation) -> dict[str, Any]:
    return dataclasses.asdict(annotation)


def annotation_from_dict(data: dict[str, Any]) -> Annotation:
    data = _known(Annotation, data)
    data["sentences"] = [(int(start), int(end)) for start, end in data.get("sentences", [])]
    data["mentions"] = [_build(Mention, m) for m in data.get("mentions", [])]
    data["roles"] = [_build(RoleEvidence, r) for r in data.get("roles", [])]
    data["actors"] = [_build(ActorRecord, a) for a in data.get("actors", [])]
    data["events"] = [_event(e) for e in data.get("events", [])]
    data["quotes"] = [_build(Quote, q) for q in data.get("quotes", [])]
    return Annotation(**data)


def _event(data: dict[str, Any]) -> EventRecord:
    data = _known(EventRecord, data)
    for side in ("actor", "recipient"):
        data[side] = [_build(Participant, p) for p in data.get(side, [])]
    return EventRecord(**data)


def _build(cls: type[_T], data: dict[str, Any]) -> _T:
    return cls(**_known(cls, data))


def _known(cls: type[Any], data: dict[str, Any]) -> dict[str, Any]:
    """The keys of ``data`` that ``cls`` has as fields (shards written by a later version may
    carry more)."""
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def _dumps(value: Any) -> str:
    """JSON text; escaped to ASCII only when the value holds what UTF-8 cannot carry (a lone
    surrogate from a JSON input), so that it survives Parquet and comes back the same."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value)
    return text


def _printable(text: str) -> str:
    """``text`` as UTF-8 can carry it: a lone surrogate (from a JSON input or an undecodable file
    name) becomes U+FFFD, which SQLite can store too. JSON columns keep the exact text."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
