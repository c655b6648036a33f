"""The story stage: give every stored article without a story one, reading and writing the store.

Runs after annotation (it uses the actors each article mentions and, for undated articles,
the days of the events they report). Incremental: only articles without a story are placed,
against the stories whose days lie near theirs, so a new day's news joins old stories without
reclustering the archive.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..store import Store
from .cluster import ClusterParams, Story, StoryArticle, assign, shingles, story_title
from .embed import MODEL_NAME, EmbeddingError, embed, from_blob, lead_text, to_blob

LOGGER = logging.getLogger(__name__)

STORY_BATCH = 1000
"""New articles grouped at a time: memory holds one batch of texts, shingles and vectors."""

UNDATED_SCOPE = 5000
"""An undated article is compared with the latest this-many stories (it has no window)."""


@dataclass(slots=True)
class StorySummary:
    articles: int = 0
    """Articles placed in a story by this run."""
    new_stories: int = 0
    joined: int = 0
    """Of the articles, those that joined a story that already existed before this run."""
    duplicates: int = 0
    merged: int = 0
    """Stories merged into another because a new article bridged them."""
    embedded: int = 0
    failed: int = 0
    error: str | None = None


def _day(published: str | None, event_days: list[str]) -> dt.date | None:
    """The article's day: its publication date, else the day its events most often fall on."""
    candidates = [published] if published and len(published) == 10 else []
    for value in candidates + [day for day, _ in Counter(event_days).most_common()]:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            continue
    return None


def _vectors(store: Store, rows: list[dict[str, Any]], summary: StorySummary) -> dict[str, np.ndarray]:
    ids = [r["id"] for r in rows]
    stored: dict[str, np.ndarray] = {}
    for article_id, blob in store.vectors(ids, MODEL_NAME).items():
        try:
            stored[article_id] = from_blob(blob)
        except EmbeddingError:  # a damaged row: embed the article again rather than fail
            LOGGER.warning("stories: stored vector of %s is damaged; embedding it again", article_id)
    missing = [r for r in rows if r["id"] not in stored]
    if missing:
        fresh = embed([lead_text(r["title"], r["text"] or "") for r in missing])
        for row, vector in zip(missing, fresh, strict=True):
            store.save_vector(row["id"], MODEL_NAME, to_blob(vector))
            stored[row["id"]] = from_blob(to_blob(vector))  # the precision it is stored at
        summary.embedded += len(missing)
    return stored


def _articles(store: Store, rows: list[dict[str, Any]], summary: StorySummary) -> list[StoryArticle]:
    ids = [r["id"] for r in rows]
    vectors = _vectors(store, rows, summary)
    actors = store.named_actors(ids)
    days = store.event_days(ids)
    events = store.event_signatures(ids)
    return [
        StoryArticle(
            article_id=r["id"],
            day=_day(r["published"], days.get(r["id"], [])),
            language=r["language"],
            outlet=r["outlet"],
            title=r["title"],
            vector=vectors[r["id"]],
            actors=frozenset(actors.get(r["id"], ())),
            shingles=shingles(r["text"] or ""),
            events=frozenset(events.get(r["id"], ())),
            lead=lead_text(r["title"], r["text"] or ""),
        )
        for r in rows
    ]


def _existing_stories(store: Store, new: list[StoryArticle], params: ClusterParams) -> list[Story]:
    days = [a.day for a in new if a.day is not None]
    rows: dict[str, dict[str, Any]] = {}
    if days:
        span = dt.timedelta(days=params.window_days)
        first, last = (min(days) - span).isoformat(), (max(days) + span).isoformat()
        rows.update((r["id"], r) for r in store.story_members(first, last))
    if len(days) < len(new):
        rows.update((r["id"], r) for r in store.latest_story_members(UNDATED_SCOPE))
    if not rows:
        return []
    members = _articles(store, list(rows.values()), StorySummary())
    stories: dict[str, Story] = {}
    for member in members:
        row = rows[member.article_id]
        story = stories.setdefault(row["story_id"], Story(row["story_id"]))
        story.add(member)
        for bound in (row["first_day"], row["last_day"]):  # days that came from undated members
            if bound:
                story.add_day(dt.date.fromisoformat(bound))
    return list(stories.values())


def group_stories(
    store: Store, params: ClusterParams | None = None, *, rebuild: bool = False
) -> StorySummary:
    """Place every article without a story (all articles with ``rebuild``) into one."""
    params = params or ClusterParams()
    summary = StorySummary()
    with store.transaction():
        if rebuild:
            store.clear_stories()
        waiting = store.articles_without_story()
        # oldest first, a batch at a time: each batch finds the stories the earlier ones made
        # (they are in the store by then), and memory holds one batch, however many arrive
        for start in range(0, len(waiting), STORY_BATCH):
            rows = store.story_rows(waiting[start : start + STORY_BATCH])
            try:
                new = _articles(store, rows, summary)
            except EmbeddingError as exc:
                LOGGER.error("stories: %s", exc)
                summary.failed, summary.error = len(waiting) - start, str(exc)
                return summary
            _group_batch(store, new, params, summary)
    return summary


def _group_batch(store: Store, new: list[StoryArticle], params: ClusterParams, summary: StorySummary) -> None:
    """Place one batch of new articles among the stories near them in time."""
    stories = _existing_stories(store, new, params)
    known = {s.id for s in stories}
    grouping = assign(new, stories, params)
    for old, new_id in grouping.merges.items():
        store.merge_story(old, new_id)
    summary.merged += len(grouping.merges)
    for assignment in grouping.assignments:
        store.assign_story(
            assignment.article_id, assignment.story_id, assignment.score, assignment.duplicate_of
        )
        summary.articles += 1
        summary.joined += assignment.story_id in known
        summary.duplicates += assignment.duplicate_of is not None
    touched = {a.article_id for a in new}
    for story in stories:
        if not any(m.article_id in touched for m in story.members):
            continue
        summary.new_stories += story.id not in known
        store.save_story(
            story.id,
            story_title(story),
            story.first_day.isoformat() if story.first_day else None,
            story.last_day.isoformat() if story.last_day else None,
        )
