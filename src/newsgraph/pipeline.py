"""``ingest``: files in, clean articles stored, every failure accounted for.

Two passes over the input. The first counts, per source, the short lines its text documents
share (navigation, section labels, promos), so that the second pass can drop them as that
source's furniture whatever order the documents come in. The second pass reads, extracts and
stores. Inputs already stored unchanged are recognised by their hash and not extracted again.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .annotate import ANNOTATOR_VERSION, ArticleText
from .article import source_group
from .clean.boilerplate import repeatable_lines
from .errors import NewsgraphError
from .extract.text import prepare_text
from .meta.outlets import OutletTable, load_outlets
from .options import IngestOptions
from .processing import Processed, Work, annotate_texts, process_documents, start_worker
from .readers import read_input
from .records import Annotation, RawDocument, Skipped
from .runner import chunked, run_chunks
from .sources import InputFile, expand_inputs
from .store import Store
from .stories.embed import MODEL_NAME
from .stories.stage import StorySummary, group_stories

LOGGER = logging.getLogger(__name__)

EXTRACTOR_VERSION = 1
"""Bump when extraction changes enough that stored articles should be re-extracted."""
COMMIT_EVERY = 200
COMMIT_SECONDS = 2.0
"""Work is committed every COMMIT_EVERY documents or COMMIT_SECONDS, whichever comes first: a
killed run loses at most a couple of seconds of work, and a rerun picks up from there."""
CHUNK_SIZE = 16
"""Documents per task sent to a worker: enough to batch the parser, few enough to keep every
worker busy and memory small."""


@dataclass(slots=True)
class IngestSummary:
    files: int = 0
    read: int = 0
    """Documents read: articles stored, duplicates, and records that failed."""
    new: int = 0
    duplicate: int = 0
    unchanged: int = 0
    """Of the duplicates: inputs already ingested byte for byte, not extracted again."""
    failed: int = 0
    """Documents (or whole inputs) that could not be read or yielded no article: errors."""
    skipped: int = 0
    """Documents passed over on purpose with a warning (a feed entry holding only a summary)."""
    warnings: int = 0
    """Stored articles that needed a lossy repair (undecodable bytes replaced, ...)."""
    failures: Counter[str] = field(default_factory=Counter)
    skip_reasons: Counter[str] = field(default_factory=Counter)
    warning_reasons: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    new_ids: list[str] = field(default_factory=list)
    annotated: int = 0
    """Articles annotated (sentences, actors, events) after ingesting."""
    events: int = 0
    quotes: int = 0
    mentions: int = 0
    stories_new: int = 0
    stories_joined: int = 0
    """New articles that joined a story already stored."""
    near_duplicates: int = 0

    @property
    def ok(self) -> bool:
        """False only when nothing at all could be read."""
        return self.new + self.duplicate > 0 or self.failed == 0


ProgressCallback = Callable[[str, IngestSummary], None]


def ingest(
    paths: Iterable[str],
    store: Store,
    options: IngestOptions | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> IngestSummary:
    """Read every input under ``paths`` into ``store``; never raises for a bad input."""
    options = options or IngestOptions()
    summary = IngestSummary()
    files: list[InputFile] = []
    for item in expand_inputs(list(paths)):
        if isinstance(item, Skipped):
            summary.read += 1
            _record_problem(store, summary, item)
        else:
            files.append(item)
    summary.files = len(files)
    with store.transaction():
        _count_repeated_lines(files, store, options)
    documents = (document for item in files for document in read_input(item, options))
    return ingest_documents(documents, store, options, summary=summary, progress=progress)


def ingest_documents(
    documents: Iterable[RawDocument | Skipped],
    store: Store,
    options: IngestOptions | None = None,
    *,
    summary: IngestSummary | None = None,
    progress: ProgressCallback | None = None,
) -> IngestSummary:
    """Store the articles in ``documents`` (from files, fetched pages or feeds), then annotate
    and group them; never raises for a bad document.

    The documents are read here, in order, and those not stored already go in chunks to the
    workers (``options.workers``), which extract, annotate and embed them; their records come back
    in order and are written here. Memory stays bounded: a few chunks are in flight at a time.
    """
    options = options or IngestOptions()
    summary = summary or IngestSummary()
    workers = options.workers
    if workers > 1 and not store.path.is_file():
        summary.notes.append("an in-memory database is written by one process: --workers ignored")
        workers = 1
    if workers > 1:
        initargs: tuple[Any, ...] = (options, str(store.path))
    else:
        initargs = (options, None, lambda group: store.repeated_lines(group, options.repeated_line_min_docs))
    new_documents = _not_stored(documents, store, summary, progress)
    chunks = chunked(new_documents, CHUNK_SIZE)
    done = run_chunks(process_documents, chunks, workers=workers, initializer=start_worker, initargs=initargs)
    processed = (
        result
        for chunk in done
        for result in (
            chunk.results
            or [Processed(w.document, failure=chunk.error or "worker failed") for w in chunk.items]
        )
    )
    return write_processed(processed, store, options, summary=summary, progress=progress, workers=workers)


def write_processed(
    processed: Iterable[Processed],
    store: Store,
    options: IngestOptions | None = None,
    *,
    summary: IngestSummary | None = None,
    progress: ProgressCallback | None = None,
    workers: int = 1,
) -> IngestSummary:
    """Write what the workers (or Spark tasks) made of each document, in order, then annotate
    any stored article still waiting and group the new articles into stories."""
    options = options or IngestOptions()
    summary = summary or IngestSummary()
    outlets = load_outlets(options.outlet_files)
    failed: dict[str, str] = {}  # raw hash -> why its extraction failed, for copies of it
    committer = _Committer(store)
    with store.transaction():
        for result in processed:
            if result.copy:
                if not already_stored(result.document, store, summary):  # its original failed
                    reason = failed.get(result.document.raw_hash, "no article")
                    _store_processed(Processed(result.document, failure=reason), store, outlets, summary)
            else:
                _store_processed(result, store, outlets, summary)
                if result.failure:
                    failed[result.document.raw_hash] = result.failure
            committer.tick()
            if progress:
                progress(result.document.source, summary)
    if options.annotate:
        done_later = annotate_pending(store, options, workers=workers, finish=summary.annotated > 0)
        summary.annotated += done_later.articles
        summary.mentions += done_later.mentions
        summary.events += done_later.events
        summary.quotes += done_later.quotes
        if options.stories:
            grouped = _group_stories_safely(store)
            summary.stories_new, summary.stories_joined = grouped.new_stories, grouped.joined
            summary.near_duplicates = grouped.duplicates
            if grouped.error:
                summary.notes.append(f"stories not grouped: {grouped.error}")
    return summary


def already_stored(document: RawDocument | Skipped, store: Store, summary: IngestSummary) -> bool:
    """Account for a document that needs no extraction (a problem record, an input stored
    unchanged, a copy of stored bytes) and return True; return False for one to extract."""
    if isinstance(document, Skipped):
        if document.severity == "info":
            summary.notes.append(f"{document.source}: {document.reason}")
            return True
        summary.read += 1
        _record_problem(store, summary, document)
        if document.severity == "error":
            store.record_input(
                document.source, document.raw_hash, "failed", EXTRACTOR_VERSION, reason=document.reason
            )
    elif store.input_done(document.source, document.raw_hash, EXTRACTOR_VERSION):
        summary.read += 1
        summary.duplicate += 1
        summary.unchanged += 1
    elif (known := store.article_for_raw(document.raw_hash, EXTRACTOR_VERSION)) is not None:
        # the same bytes under another name: a copy, no need to extract it again
        summary.read += 1
        store.link_source(known, document.source, document.url, document.raw_hash)
        store.record_input(
            document.source, document.raw_hash, "duplicate", EXTRACTOR_VERSION, article_id=known
        )
        summary.duplicate += 1
    else:
        return False
    return True


def _not_stored(
    documents: Iterable[RawDocument | Skipped],
    store: Store,
    summary: IngestSummary,
    progress: ProgressCallback | None,
) -> Iterator[Work]:
    """The documents that need extracting; the others are accounted for here. Bytes seen
    earlier in this run are sent as copies: the writer links them once the first is stored."""
    sent: set[str] = set()
    for document in documents:
        if not already_stored(document, store, summary):
            assert isinstance(document, RawDocument)
            yield Work(document, copy=document.raw_hash in sent)
            sent.add(document.raw_hash)
        elif progress:
            progress(document.source, summary)


def _store_processed(
    processed: Processed, store: Store, outlets: OutletTable, summary: IngestSummary
) -> None:
    """Write what a worker made of one document: the article (or why there is none), its
    annotation and lead vector."""
    document = processed.document
    summary.read += 1
    article = processed.article
    if article is None:
        reason = processed.failure or "no article"
        _record_problem(
            store, summary, Skipped(document.source, reason, "extract", "error", document.raw_hash)
        )
        store.record_input(document.source, document.raw_hash, "failed", EXTRACTOR_VERSION, reason=reason)
        return
    status = store.add_article(article)
    store.clear_problems(document.source)
    for warning in article.warnings:
        store.add_problem(Skipped(document.source, warning, "read", "warning"))
        summary.warnings += 1
        summary.warning_reasons[warning] += 1
    store.record_input(document.source, document.raw_hash, status, EXTRACTOR_VERSION, article_id=article.id)
    profile = outlets.by_name(article.outlet)
    if profile is not None:
        store.save_outlet(dataclasses.asdict(profile))
    if status != "new":
        summary.duplicate += 1
        return
    summary.new += 1
    summary.new_ids.append(article.id)
    annotation = processed.annotation
    if annotation is not None:
        if annotation.error:
            store.add_problem(Skipped(annotation.article_id, annotation.error, "annotate", "error"))
        store.save_annotation(annotation, ANNOTATOR_VERSION)
        summary.annotated += 1
        summary.mentions += len(annotation.mentions)
        summary.events += len(annotation.events)
        summary.quotes += len(annotation.quotes)
    if processed.vector is not None:
        store.save_vector(article.id, MODEL_NAME, processed.vector)


@dataclass(slots=True)
class AnnotateSummary:
    articles: int = 0
    mentions: int = 0
    roles: int = 0
    parsed: int = 0
    """Of the articles, those in a language with a parser (the rest: knowledge-base names only)."""
    failed: int = 0
    """Articles whose annotation failed: kept, without mentions, and listed in the errors table."""
    events: int = 0
    quotes: int = 0
    shared_events: int = 0
    """Real-world events that more than one article reports (after linking all stored events)."""


def annotate_pending(
    store: Store,
    options: IngestOptions | None = None,
    *,
    redo: bool = False,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    finish: bool = False,
) -> AnnotateSummary:
    """Annotate the stored articles that need it (all of them with ``redo``), in ``workers``
    processes. Then, when anything was annotated (or ``finish``), fill people's roles and link
    the events that several articles report."""
    options = options or IngestOptions()
    workers = options.workers if workers is None else workers
    if workers > 1 and not store.path.is_file():
        workers = 1
    ids = store.articles_to_annotate(ANNOTATOR_VERSION, redo=redo)
    summary = AnnotateSummary()
    committer = _Committer(store)
    with store.transaction():
        texts = (
            [
                ArticleText(r["id"], r["text"], r["language"], r["published"])
                for r in store.article_texts(chunk)
            ]
            for chunk in chunked(ids, CHUNK_SIZE)
        )
        for done in run_chunks(
            annotate_texts, texts, workers=workers, initializer=start_worker, initargs=(options,)
        ):
            annotations = done.results or [
                Annotation(text.id, text.language, error=f"annotation failed: {done.error}")
                for text in done.items
            ]
            for annotation in annotations:
                if annotation.error:
                    summary.failed += 1
                    store.add_problem(Skipped(annotation.article_id, annotation.error, "annotate", "error"))
                store.save_annotation(annotation, ANNOTATOR_VERSION)
                summary.articles += 1
                summary.mentions += len(annotation.mentions)
                summary.roles += len(annotation.roles)
                summary.parsed += annotation.parsed
                summary.events += len(annotation.events)
                summary.quotes += len(annotation.quotes)
                committer.tick()
                if progress:
                    progress(summary.articles, len(ids))
        # also when an earlier run was stopped after storing annotations but before this step
        if summary.articles or finish or store.linking_pending():
            store.fill_person_roles()
            summary.shared_events = store.link_events()
    return summary


class _Committer:
    """Commits every COMMIT_EVERY writes or COMMIT_SECONDS, whichever comes first."""

    def __init__(self, store: Store) -> None:
        self.store, self.writes, self.since = store, 0, time.monotonic()

    def tick(self) -> None:
        self.writes += 1
        if self.writes >= COMMIT_EVERY or time.monotonic() - self.since >= COMMIT_SECONDS:
            self.store.db.conn.commit()
            self.writes, self.since = 0, time.monotonic()


def _group_stories_safely(store: Store) -> StorySummary:
    """The story stage must not take the ingest down with it: the articles are stored already."""
    try:
        return group_stories(store)
    except NewsgraphError as exc:
        return StorySummary(error=exc.reason)
    except Exception as exc:  # a bug in one stage is logged and reported, the batch stands
        LOGGER.exception("story grouping failed")
        return StorySummary(error=f"internal error while grouping stories: {type(exc).__name__}: {exc}"[:300])


def _count_repeated_lines(files: list[InputFile], store: Store, options: IngestOptions) -> None:
    for item in files:
        for document in read_input(item, options, formats=frozenset({"text", "jsonl"})):
            if isinstance(document, RawDocument) and document.content_type == "text":
                text, _ = prepare_text(document.content)
                store.count_lines(source_group(document), document.raw_hash, repeatable_lines(text))


def _record_problem(store: Store, summary: IngestSummary, skipped: Skipped) -> None:
    """Count a document that produced no article, and keep its reason in the errors table."""
    store.add_problem(skipped)
    if skipped.severity == "warning":
        summary.skipped += 1
        summary.skip_reasons[skipped.reason] += 1
    else:
        summary.failed += 1
        summary.failures[skipped.reason] += 1
    LOGGER.info("%s %s: %s", skipped.severity, skipped.source, skipped.reason)
