"""What a worker does to each new document: extract the article, annotate it, embed its lead.

This is the heavy part of ``ingest`` (HTML extraction, the language pipeline, the embedding
model), so it is the part that runs in worker processes (``--workers N``, ``runner.py``) or in
Spark tasks (``newsgraph.spark``). It reads nothing but its inputs and the database's repeated
lines (read-only), writes nothing, and returns plain records: the process that owns the store
writes them, in order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .annotate import ArticleText, annotate
from .article import ArticleContext, build_article, source_group
from .errors import NewsgraphError
from .kb import load_kb
from .kb.model import KnowledgeBase
from .meta.outlets import load_outlets
from .options import IngestOptions
from .records import Annotation, Article, RawDocument
from .time_limit import time_limit

LOGGER = logging.getLogger(__name__)


@dataclass(slots=True, frozen=True)
class Processed:
    """One document after the worker: an article with its annotation and lead vector, or the
    reason extraction failed."""

    document: RawDocument
    article: Article | None = None
    failure: str | None = None
    annotation: Annotation | None = None
    vector: bytes | None = None
    """The lead's embedding as stored (``stories.embed.to_blob``), when stories are grouped."""
    copy: bool = False
    """Not extracted: the same bytes as an earlier document of this run, still in flight."""


@dataclass(slots=True, frozen=True)
class Work:
    """One document for a worker; a ``copy`` (same bytes as an earlier one) is passed through
    unextracted, so that the writer links it to the article the earlier one becomes."""

    document: RawDocument
    copy: bool = False


@dataclass(slots=True)
class _Worker:
    options: IngestOptions
    context: ArticleContext
    repeated_lines: Callable[[str], set[str]]
    kb: KnowledgeBase | None


_WORKER: _Worker | None = None


def start_worker(
    options: IngestOptions,
    db_path: str | None = None,
    repeated_lines: Callable[[str], set[str]] | None = None,
) -> None:
    """Set this process up once: outlet table, knowledge base, and where repeated lines come from
    (a read-only connection to ``db_path``, or ``repeated_lines`` when running in the process
    that owns the store)."""
    global _WORKER
    if repeated_lines is None:
        repeated_lines = _read_only_lines(db_path, options) if db_path else (lambda group: set())
    _WORKER = _Worker(
        options=options,
        context=ArticleContext(options=options, outlets=load_outlets(options.outlet_files)),
        repeated_lines=repeated_lines,
        kb=load_kb(options.kb_files) if options.annotate else None,
    )


def _read_only_lines(db_path: str, options: IngestOptions) -> Callable[[str], set[str]]:
    from .store import Store

    store = Store(Path(db_path), readonly=True)
    return lambda group: store.repeated_lines(group, options.repeated_line_min_docs)


def process_documents(chunk: list[Work]) -> list[Processed]:
    """Extract, annotate and embed a chunk of documents (one result per document, in order)."""
    if _WORKER is None:
        raise RuntimeError("start_worker() was not called in this process")
    worker = _WORKER
    built: list[Processed] = []
    for work in chunk:
        document = work.document
        if work.copy:
            built.append(Processed(document, copy=True))
            continue
        group = source_group(document)
        if group not in worker.context.repeated_lines:
            worker.context.repeated_lines[group] = worker.repeated_lines(group)
        try:
            with time_limit(worker.options.limits.max_document_seconds):
                article = build_article(document, worker.context)
            built.append(Processed(document, article=article))
        except NewsgraphError as exc:
            built.append(Processed(document, failure=exc.reason))
        except Exception as exc:  # one broken document must not stop the batch
            LOGGER.exception("extraction failed on %s", document.source)
            built.append(Processed(document, failure=f"internal error while extracting: {type(exc).__name__}: {exc}"[:300]))  # fmt: skip
    articles = [p.article for p in built if p.article is not None]
    if not articles or worker.kb is None:
        return built
    annotations = {
        a.article_id: a
        for a in annotate((ArticleText(a.id, a.text, a.language, a.published) for a in articles), worker.kb)
    }
    vectors = _vectors(articles) if worker.options.stories else {}
    return [
        Processed(p.document, p.article, None, annotations.get(p.article.id), vectors.get(p.article.id))
        if p.article is not None
        else p
        for p in built
    ]


def annotate_texts(texts: list[ArticleText]) -> list[Annotation]:
    """Annotate a chunk of stored articles' texts (``annotate`` and ``annotate --redo``)."""
    if _WORKER is None or _WORKER.kb is None:
        raise RuntimeError("start_worker() was not called in this process, or without annotation")
    return list(annotate(texts, _WORKER.kb))


def _vectors(articles: list[Article]) -> dict[str, bytes]:
    """Lead vectors, or none when the model cannot run (the story stage embeds them later)."""
    from .stories.embed import EmbeddingError, embed, lead_text, to_blob

    try:
        vectors = embed([lead_text(a.title, a.text) for a in articles])
    except EmbeddingError as exc:
        LOGGER.warning("lead vectors left to the story stage: %s", exc.reason)
        return {}
    return {a.id: to_blob(v) for a, v in zip(articles, vectors, strict=True)}
