"""``ingest``: files in, clean articles stored, every failure accounted for.

Two passes over the input. The first counts, per source, the short lines its text documents
share (navigation, section labels, promos), so that the second pass can drop them as that
source's furniture whatever order the documents come in. The second pass reads, extracts and
stores. Inputs already stored unchanged are recognised by their hash and not extracted again.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .annotate import ANNOTATOR_VERSION, ArticleText, annotate
from .article import ArticleContext, build_article, source_group
from .clean.boilerplate import repeatable_lines
from .errors import NewsgraphError
from .extract.text import prepare_text
from .kb import load_kb
from .meta.outlets import load_outlets
from .options import IngestOptions
from .readers import read_input
from .records import RawDocument, Skipped
from .sources import InputFile, expand_inputs
from .store import Store
from .stories.stage import StorySummary, group_stories

LOGGER = logging.getLogger(__name__)

EXTRACTOR_VERSION = 1
"""Bump when extraction changes enough that stored articles should be re-extracted."""
COMMIT_EVERY = 200


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
    context = ArticleContext(options=options, outlets=load_outlets(options.outlet_files))
    pending = 0
    for item in files:
        with store.transaction():
            for document in read_input(item, options):
                _ingest_one(document, store, context, summary)
                pending += 1
                if pending >= COMMIT_EVERY:
                    store.db.conn.commit()
                    pending = 0
                if progress:
                    progress(item.source, summary)
        if progress:
            progress(item.source, summary)
    if options.annotate:
        done = annotate_pending(store, options)
        summary.annotated, summary.mentions = done.articles, done.mentions
        summary.events, summary.quotes = done.events, done.quotes
        if options.stories:
            grouped = _group_stories_safely(store)
            summary.stories_new, summary.stories_joined = grouped.new_stories, grouped.joined
            summary.near_duplicates = grouped.duplicates
            if grouped.error:
                summary.notes.append(f"stories not grouped: {grouped.error}")
    return summary


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
) -> AnnotateSummary:
    """Annotate the stored articles that need it (all of them with ``redo``)."""
    options = options or IngestOptions()
    kb = load_kb(options.kb_files)
    rows = store.articles_to_annotate(ANNOTATOR_VERSION, redo=redo)
    texts = [ArticleText(r["id"], r["text"], r["language"], r["published"]) for r in rows]
    summary = AnnotateSummary()
    with store.transaction():
        for annotation in annotate(texts, kb):
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
            if summary.articles % COMMIT_EVERY == 0:
                store.db.conn.commit()
            if progress:
                progress(summary.articles, len(texts))
        if summary.articles:
            store.fill_person_roles()
            summary.shared_events = store.link_events()
    return summary


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


def _ingest_one(
    document: RawDocument | Skipped, store: Store, context: ArticleContext, summary: IngestSummary
) -> None:
    if isinstance(document, Skipped):
        if document.severity == "info":
            summary.notes.append(f"{document.source}: {document.reason}")
            return
        summary.read += 1
        _record_problem(store, summary, document)
        if document.severity == "error":
            store.record_input(
                document.source,
                document.raw_hash,
                "failed",
                EXTRACTOR_VERSION,
                reason=document.reason,
            )
        return
    summary.read += 1
    if store.input_done(document.source, document.raw_hash, EXTRACTOR_VERSION):
        summary.duplicate += 1
        summary.unchanged += 1
        return
    known = store.article_for_raw(document.raw_hash, EXTRACTOR_VERSION)
    if known is not None:  # the same bytes under another name: a copy, no need to extract it again
        store.link_source(known, document.source, document.url, document.raw_hash)
        store.record_input(
            document.source, document.raw_hash, "duplicate", EXTRACTOR_VERSION, article_id=known
        )
        summary.duplicate += 1
        return
    group = source_group(document)
    if group not in context.repeated_lines:
        context.repeated_lines[group] = store.repeated_lines(group, context.options.repeated_line_min_docs)
    try:
        article = build_article(document, context)
        status = store.add_article(article)
    except NewsgraphError as exc:
        reason = exc.reason
    except Exception as exc:  # one broken document must not stop the batch
        LOGGER.exception("extraction failed on %s", document.source)
        reason = f"internal error while extracting: {type(exc).__name__}: {exc}"[:300]
    else:
        store.clear_problems(document.source)
        for warning in article.warnings:
            store.add_problem(Skipped(document.source, warning, "read", "warning"))
            summary.warnings += 1
            summary.warning_reasons[warning] += 1
        store.record_input(
            document.source, document.raw_hash, status, EXTRACTOR_VERSION, article_id=article.id
        )
        profile = context.outlets.by_name(article.outlet)
        if profile is not None:
            store.save_outlet(dataclasses.asdict(profile))
        if status == "new":
            summary.new += 1
            summary.new_ids.append(article.id)
        else:
            summary.duplicate += 1
        return
    failure = Skipped(document.source, reason, "extract", "error", document.raw_hash)
    _record_problem(store, summary, failure)
    store.record_input(document.source, document.raw_hash, "failed", EXTRACTOR_VERSION, reason=reason)


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
