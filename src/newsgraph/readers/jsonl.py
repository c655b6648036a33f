"""JSON Lines (and JSON arrays) of articles, with a configurable field mapping.

Scrapers and news APIs disagree on field names (``text`` / ``body`` / ``maintext``, ``date`` /
``published_at`` ...). Each of our fields is looked up under a list of keys, first match wins;
``--field ours=theirs`` puts the user's key first. Dotted keys reach into nested objects.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator
from typing import Any

from ..decoding import decode_bytes
from ..errors import InputTooLarge, MalformedInput
from ..meta.dates import normalise_date
from ..options import IngestOptions
from ..records import RawDocument, Skipped
from ..sniff import looks_like_html
from ..sources import OpenedInput, megabytes

_CHUNK = 1024 * 1024


def _lookup(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value: Any = record
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
            if value is None:
                break
        if value not in (None, "", [], {}):
            return value
    return None


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return "\n\n".join(str(v) for v in value if v is not None) or None
    return str(value) if not isinstance(value, dict) else None


def record_to_document(
    record: Any, source: str, raw_hash: str, options: IngestOptions
) -> RawDocument | Skipped:
    """Map one decoded JSON record to a raw document using the configured field names."""
    if not isinstance(record, dict):
        return Skipped(source, "record is not a JSON object", raw_hash=raw_hash)
    fields = options.jsonl_fields
    html = _as_text(_lookup(record, fields["html"]))
    text = _as_text(_lookup(record, fields["text"]))
    if html and html.strip():
        content, content_type = html, "html"
    elif text and text.strip():
        content = text
        content_type = "html" if looks_like_html(text) else "text"
    else:
        tried = ", ".join((*fields["text"], *fields["html"]))
        return Skipped(source, f"record has no text (looked for: {tried})", raw_hash=raw_hash)
    authors = _lookup(record, fields["authors"])
    if isinstance(authors, str):
        authors = [a.strip() for a in authors.replace(";", ",").split(",") if a.strip()]
    elif not isinstance(authors, list):
        authors = []
    return RawDocument(
        source=source,
        container="jsonl",
        content_type=content_type,  # type: ignore[arg-type]
        content=content,
        raw_hash=raw_hash,
        url=_as_text(_lookup(record, fields["url"])),
        title=_as_text(_lookup(record, fields["title"])),
        published=normalise_date(_lookup(record, fields["published"])),
        outlet=_as_text(_lookup(record, fields["outlet"])),
        language=_as_text(_lookup(record, fields["language"])),
        authors=tuple(str(a) for a in authors if isinstance(a, str | int)),
    )


def read_jsonl(source: str, opened: OpenedInput, options: IngestOptions) -> Iterator[RawDocument | Skipped]:
    if opened.head.lstrip().startswith(b"["):
        yield from _read_json_array(source, opened, options)
        return
    limit = options.limits.max_document_bytes
    number = 0
    while True:
        line = opened.stream.readline(limit + 1)
        if not line:
            return
        number += 1
        where = f"{source}#{number}"
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := opened.stream.readline(_CHUNK)) and not rest.endswith(b"\n"):
                pass  # skip the remainder of the oversized line
            yield Skipped(where, f"record is larger than the limit of {megabytes(limit)}")
            continue
        if not line.strip():
            continue
        raw_hash = hashlib.sha256(line.strip()).hexdigest()
        decoded = decode_bytes(line)
        try:
            record = json.loads(decoded.text)
        except (ValueError, RecursionError) as exc:
            yield Skipped(where, f"malformed JSON: {str(exc)[:80]}", raw_hash=raw_hash)
            continue
        document = record_to_document(record, where, raw_hash, options)
        if decoded.warning and isinstance(document, RawDocument):
            document = dataclasses.replace(document, warnings=(decoded.warning,))
        yield document


def _read_json_array(
    source: str, opened: OpenedInput, options: IngestOptions
) -> Iterator[RawDocument | Skipped]:
    limit = options.limits.max_document_bytes * 4
    data = opened.stream.read(limit + 1)
    if len(data) > limit:
        raise InputTooLarge(f"JSON array larger than {megabytes(limit)}: convert it to JSON Lines")
    try:
        records = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise MalformedInput(f"malformed JSON: {str(exc)[:80]}") from exc
    if not isinstance(records, list):
        raise MalformedInput("JSON file is neither an array of objects nor JSON Lines")
    for number, record in enumerate(records, start=1):
        raw_hash = hashlib.sha256(json.dumps(record, sort_keys=True).encode("utf-8")).hexdigest()
        yield record_to_document(record, f"{source}#{number}", raw_hash, options)
