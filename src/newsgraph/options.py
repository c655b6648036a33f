"""Options that travel as one object through the pipeline, rather than as many keyword flags."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

MB = 1024 * 1024
DEFAULT_DOCUMENT_SECONDS = 60.0

DEFAULT_JSONL_FIELDS: dict[str, tuple[str, ...]] = {
    # our field: record keys tried in order (dotted keys reach into nested objects)
    "text": ("text", "body", "content", "maintext", "article", "full_text", "story"),
    "html": ("html", "raw_html", "content_html", "page", "raw_content"),
    "url": ("url", "link", "canonical_url", "source_url", "uri"),
    "title": ("title", "headline", "heading"),
    "published": (
        "published",
        "date",
        "date_publish",
        "publish_date",
        "published_at",
        "pubdate",
        "publication_date",
        "datetime",
    ),
    "outlet": ("outlet", "source_name", "publisher", "site_name", "sitename", "media", "source"),
    "language": ("language", "lang"),
    "authors": ("authors", "author", "byline"),
    "id": ("id", "guid", "uuid"),
}


@dataclass(slots=True)
class Limits:
    """Bounds that keep one hostile or oversized input from stalling or exhausting a batch."""

    max_document_bytes: int = 16 * MB
    """A single document (HTML page, text file, JSONL line, WARC record) larger than this is
    refused with a reason; a container may be far larger, since it is streamed."""
    max_input_bytes: int = 4096 * MB
    """Decompressed bytes read from one input file in all."""
    max_compression_ratio: int = 200
    """A gzip stream expanding more than this many times past ``max_document_bytes`` is a bomb."""
    max_document_seconds: float = DEFAULT_DOCUMENT_SECONDS
    """Extracting one document may take this long before it is refused with a reason (0: no
    limit); see ``time_limit`` for what the limit can and cannot cut short."""


@dataclass(slots=True)
class IngestOptions:
    limits: Limits = field(default_factory=Limits)
    jsonl_fields: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_JSONL_FIELDS))
    outlet_files: tuple[Path, ...] = ()
    """User outlet tables (YAML or CSV) that extend or override the shipped one."""
    kb_files: tuple[Path, ...] = ()
    """User knowledge-base files (YAML, the shapes of ``newsgraph/data/kb``) that extend ours."""
    annotate: bool = True
    """Run the annotation stage (sentences, actors) on the new articles after ingesting them."""
    stories: bool = True
    """Group the new articles into stories after annotating them (needs ``annotate``)."""
    min_words: int = 25
    """Articles whose clean text has fewer words are refused: a headline or a stub is not news."""
    repeated_line_min_docs: int = 3
    """A short line seen in at least this many documents of one source is that source's furniture."""
    workers: int = 1
    """Processes that extract, annotate and embed (one language pipeline each); 1 runs them in
    this process. The process that owns the store reads the input and writes, in order."""

    def with_jsonl_mapping(self, mapping: dict[str, str]) -> IngestOptions:
        """Return a copy whose JSONL field names come first from ``mapping`` (field -> key)."""
        fields = dict(self.jsonl_fields)
        for ours, theirs in mapping.items():
            fields[ours] = (theirs, *[k for k in fields.get(ours, ()) if k != theirs])
        return dataclasses.replace(self, jsonl_fields=fields)
