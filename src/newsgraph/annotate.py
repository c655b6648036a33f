"""The second stage: clean articles become annotated articles.

For each article: sentences, and every mention of a person, organisation, state or armed group
resolved to a canonical actor, with the roles the text gives people. Articles are parsed in
batches per language (spaCy's ``nlp.pipe``); what crosses back out of this module is plain data
(``records.Annotation``), never a spaCy ``Doc``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .actors import resolve_actors
from .events.code import code_events
from .events.dates import find_dates
from .events.quotes import find_quotes
from .kb import KnowledgeBase
from .nlp import SUPPORTED, parse
from .places.resolve import find_place_spans, focus_countries, resolve_places
from .records import Annotation

LOGGER = logging.getLogger(__name__)
ANNOTATOR_VERSION = 5
"""Bump when annotation changes enough that stored annotations should be redone."""
_SENTENCE_END = re.compile(r"(?<=[.!?…»”\"])\s+(?=[«“\"A-ZÀ-ÖØ-ÞА-ЯЁ0-9])|\n\s*\n")


@dataclass(slots=True, frozen=True)
class ArticleText:
    """What annotation needs of an article."""

    id: str
    text: str
    language: str | None
    published: str | None


def sentences_of(text: str, doc: Any) -> list[tuple[int, int]]:
    """Sentence spans, trimmed of surrounding whitespace: from the parse when there is one, else
    split at sentence punctuation and paragraph breaks."""
    spans: list[tuple[int, int]] = []
    if doc is not None:
        raw = [(s.start_char, s.end_char) for s in doc.sents]
        if raw and raw[-1][1] < len(text):  # the parse stopped short (very long text)
            raw.append((raw[-1][1], len(text)))
    else:
        raw, start = [], 0
        for m in _SENTENCE_END.finditer(text):
            raw.append((start, m.start()))
            start = m.end()
        raw.append((start, len(text)))
    for start, end in raw:
        segment = text[start:end]
        left = len(segment) - len(segment.lstrip())
        right = len(segment.rstrip())
        if right > left:
            spans.append((start + left, start + right))
    return spans


def annotate(
    articles: Iterable[ArticleText], kb: KnowledgeBase, *, batch_size: int = 32
) -> Iterator[Annotation]:
    """Annotate ``articles``, parsing each language's texts in batches."""
    batch: list[ArticleText] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= batch_size:
            yield from _annotate_batch(batch, kb)
            batch = []
    if batch:
        yield from _annotate_batch(batch, kb)


def _annotate_batch(batch: list[ArticleText], kb: KnowledgeBase) -> Iterator[Annotation]:
    by_language: dict[str | None, list[ArticleText]] = {}
    for article in batch:
        language = article.language if article.language in SUPPORTED else None
        by_language.setdefault(language, []).append(article)
    results: dict[str, Annotation] = {}
    for language, group in by_language.items():
        docs = _parse_each(group, language) if language else [None] * len(group)
        for article, doc in zip(group, docs, strict=True):
            try:
                results[article.id] = annotate_one(article, doc, kb)
            except Exception as exc:  # one bad article must not end the batch: it is reported
                LOGGER.exception("annotating %s failed", article.id)
                results[article.id] = Annotation(
                    article.id, article.language, error=f"annotation failed: {exc!r}"[:300]
                )
    for article in batch:
        yield results[article.id]


def _parse_each(group: list[ArticleText], language: str) -> list[Any]:
    """Parse a batch; if the parser fails on it, parse one by one so that only the text that
    breaks it goes without a parse (it still gets knowledge-base mentions)."""
    try:
        return parse([a.text for a in group], language)
    except Exception:
        LOGGER.exception("parsing a batch of %d %s texts failed: parsing one by one", len(group), language)
    docs: list[Any] = []
    for article in group:
        try:
            docs.extend(parse([article.text], language))
        except Exception:
            LOGGER.exception("parsing %s failed: knowledge-base mentions only", article.id)
            docs.append(None)
    return docs


def annotate_one(article: ArticleText, doc: Any, kb: KnowledgeBase) -> Annotation:
    """Sentences, actors, places, dates, quotes and events of one article, in that order: each
    step reads what the ones before it found."""
    sentences = sentences_of(article.text, doc)
    mentions, roles, actors = resolve_actors(
        article.text, doc, kb, sentences, article.published, article.language
    )
    places = resolve_places(article.text, find_place_spans(doc), article.language) if doc is not None else []
    dates = find_dates(article.text, article.published, article.language)
    quotes = find_quotes(article.text, doc, sentences, mentions, article.language)
    events = code_events(
        article.id,
        article.text,
        doc,
        sentences,
        mentions,
        actors,
        article.language,
        published=article.published,
        dates=dates,
        places=places,
        quotes=quotes,
    )
    actor_countries = [m.country for m in mentions if m.country]
    return Annotation(
        article_id=article.id,
        language=article.language,
        sentences=sentences,
        mentions=mentions,
        roles=roles,
        actors=actors,
        parsed=doc is not None,
        events=events,
        quotes=quotes,
        places=[
            {
                "text": p.text,
                "start": p.start,
                "end": p.end,
                "name": p.place.name,
                "country": p.place.country,
                "lat": p.place.lat,
                "lon": p.place.lon,
                "kind": p.place.kind,
            }
            for p in places
        ],
        focus_countries=focus_countries(places, actor_countries),
    )
