"""Schema migrations, applied in order and recorded in the database itself.

A database written by an older newsgraph is brought up to date on open; one written by a newer
newsgraph is refused rather than misread. Never edit a released migration: add a new one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlite_utils

from ..errors import SchemaTooNew

Migration = tuple[int, str, Callable[[sqlite_utils.Database], None]]


def _initial(db: sqlite_utils.Database) -> None:
    # Every step is written to be safe to repeat: SQLite commits DDL statement by statement, so a
    # migration cut short by a crash is completed, not failed, on the next open.
    db.table("articles").create(
        {
            "id": str,
            "content_hash": str,
            "source": str,
            "url": str,
            "outlet": str,
            "title": str,
            "published": str,
            "language": str,
            "text": str,
            "story_id": str,
            "container": str,
            "content_type": str,
            "raw_hash": str,
            "authors": str,
            "description": str,
            "dateline": str,
            "via": str,
            "fetched": str,
            "provenance": str,
            "repairs": str,
            "warnings": str,
            "removed_lines": int,
            "word_count": int,
            "ingested_at": str,
        },
        pk="id",
        not_null={"content_hash", "source", "text"},
        if_not_exists=True,
    )
    db.table("articles").create_index(["content_hash"], unique=True, if_not_exists=True)
    db.table("articles").create_index(["outlet"], if_not_exists=True)
    db.table("articles").create_index(["published"], if_not_exists=True)
    db.table("articles").create_index(["language"], if_not_exists=True)
    if not db.table("articles").detect_fts():
        db.table("articles").enable_fts(
            ["title", "text"], create_triggers=True, tokenize="unicode61 remove_diacritics 2"
        )
    db.table("article_sources").create(
        {
            "article_id": str,
            "source": str,
            "url": str,
            "outlet": str,
            "raw_hash": str,
            "seen_at": str,
        },
        pk=("article_id", "source"),
        foreign_keys=[("article_id", "articles", "id")],
        if_not_exists=True,
    )
    db.table("inputs").create(
        {
            "source": str,
            "raw_hash": str,
            "status": str,
            "article_id": str,
            "reason": str,
            "extractor_version": int,
            "seen_at": str,
        },
        pk="source",
        if_not_exists=True,
    )
    db.table("errors").create(
        {"id": int, "source": str, "stage": str, "severity": str, "reason": str, "seen_at": str},
        pk="id",
        if_not_exists=True,
    )
    db.table("errors").create_index(["source", "reason"], unique=True, if_not_exists=True)
    db.table("repeated_lines").create(
        {"group_key": str, "line_hash": str, "doc_count": int},
        pk=("group_key", "line_hash"),
        if_not_exists=True,
    )
    db.table("repeated_line_docs").create(
        {"group_key": str, "raw_hash": str}, pk=("group_key", "raw_hash"), if_not_exists=True
    )


def _raw_hash_index(db: sqlite_utils.Database) -> None:
    db.table("inputs").create_index(["raw_hash"], if_not_exists=True)


def _annotations(db: sqlite_utils.Database) -> None:
    if "annotated" not in db.table("articles").columns_dict:
        db.table("articles").add_column("annotated", int)
    db.table("sentences").create(
        {"article_id": str, "idx": int, "start": int, "end": int},
        pk=("article_id", "idx"),
        if_not_exists=True,
    )
    db.table("actors").create(
        {
            "id": str,
            "name": str,
            "kind": str,
            "code": str,
            "country": str,
            "sector": str,
            "aliases": str,
            "first_seen": str,
        },
        pk="id",
        if_not_exists=True,
    )
    db.table("actors").create_index(["name"], if_not_exists=True)
    db.table("mentions").create(
        {
            "id": int,
            "article_id": str,
            "actor_id": str,
            "text": str,
            "start": int,
            "end": int,
            "sentence": int,
            "country": str,
            "sector": str,
            "role": str,
            "how": str,
            "confidence": float,
        },
        pk="id",
        if_not_exists=True,
    )
    db.table("mentions").create_index(["article_id"], if_not_exists=True)
    db.table("mentions").create_index(["actor_id"], if_not_exists=True)
    db.table("actor_roles").create(
        {
            "id": int,
            "actor_id": str,
            "title": str,
            "country": str,
            "organization": str,
            "sector": str,
            "article_id": str,
            "evidence": str,
            "start": int,
            "end": int,
        },
        pk="id",
        if_not_exists=True,
    )
    db.table("actor_roles").create_index(["actor_id"], if_not_exists=True)
    db.table("actor_roles").create_index(["article_id"], if_not_exists=True)


def _events(db: sqlite_utils.Database) -> None:
    """Events, quotes and places of each article; ``report_group`` links the records of one
    real-world event across articles."""
    db.table("events").create(
        {
            "id": str, "article_id": str, "sentence": int, "event": str, "mode": str, "context": str,
            "cameo": str, "actor": str, "recipient": str, "actor_codes": str, "recipient_codes": str,
            "modality": str, "attributed_to": str, "attributed_text": str, "hedges": str, "date": str, "date_text": str,
            "location": str, "evidence_start": int, "evidence_end": int, "trigger": str,
            "trigger_start": int, "trigger_end": int, "confidence": float, "report_group": str,
        },
        pk="id",
        if_not_exists=True,
    )  # fmt: skip
    for columns in (["article_id"], ["event"], ["date"], ["report_group"]):
        db.table("events").create_index(columns, if_not_exists=True)
    db.table("event_actors").create(
        {"event_id": str, "actor_id": str, "role": str},
        pk=("event_id", "actor_id", "role"),
        if_not_exists=True,
    )
    db.table("event_actors").create_index(["actor_id"], if_not_exists=True)
    db.table("quotes").create(
        {
            "id": int, "article_id": str, "speaker": str, "speaker_text": str, "text": str, "start": int,
            "end": int, "kind": str, "cue": str, "sentence": int,
        },
        pk="id",
        if_not_exists=True,
    )  # fmt: skip
    db.table("quotes").create_index(["article_id"], if_not_exists=True)
    db.table("quotes").create_index(["speaker"], if_not_exists=True)
    db.table("places").create(
        {
            "id": int, "article_id": str, "text": str, "start": int, "end": int, "name": str, "country": str,
            "lat": float, "lon": float, "kind": str,
        },
        pk="id",
        if_not_exists=True,
    )  # fmt: skip
    db.table("places").create_index(["article_id"], if_not_exists=True)
    if "focus_countries" not in db.table("articles").columns_dict:
        db.table("articles").add_column("focus_countries", str)


def _stories(db: sqlite_utils.Database) -> None:
    """Stories (one real-world story across outlets and languages), each article's story and
    the copy it duplicates, the vectors clustering compares, and the outlet profiles seen."""
    db.table("stories").create(
        {
            "id": str, "title": str, "first_published": str, "last_published": str, "languages": str,
            "outlets": str, "article_count": int, "first_day": str, "last_day": str, "created_at": str,
            "updated_at": str,
        },
        pk="id",
        if_not_exists=True,
    )  # fmt: skip
    articles = db.table("articles")
    for column in ("duplicate_of", "story_score"):
        if column not in articles.columns_dict:
            articles.add_column(column, float if column == "story_score" else str)
    articles.create_index(["story_id"], if_not_exists=True)
    db.table("story_aliases").create(
        {"id": str, "merged_into": str, "merged_at": str}, pk="id", if_not_exists=True
    )
    db.table("article_vectors").create(
        {"article_id": str, "model": str, "vector": bytes}, pk="article_id", if_not_exists=True
    )
    db.table("outlets").create(
        {
            "name": str, "country": str, "ownership": str, "kind": str, "languages": str, "hosts": str,
        },
        pk="name",
        if_not_exists=True,
    )  # fmt: skip


def _reading_indexes(db: sqlite_utils.Database) -> None:
    """Indexes the dashboard's lists and filters read through on large databases."""
    for table, columns in (
        ("articles", ["published"]),
        ("articles", ["outlet"]),
        ("articles", ["language"]),
        ("events", ["event", "date"]),
        ("mentions", ["actor_id", "article_id"]),
    ):
        db.table(table).create_index(columns, if_not_exists=True)


def _covering_indexes(db: sqlite_utils.Database) -> None:
    """Search facets count the actors and event types of 2,000 articles at a time: indexes that
    hold the counted column answer without reading the rows. They supersede the one-column
    article indexes."""
    db.table("mentions").create_index(["article_id", "actor_id"], if_not_exists=True)
    db.table("events").create_index(["article_id", "event"], if_not_exists=True)
    db.execute("drop index if exists idx_mentions_article_id")
    db.execute("drop index if exists idx_events_article_id")


def _fetch_state(db: sqlite_utils.Database) -> None:
    """Live sources: what was last fetched from each URL (validators for conditional GET, status,
    last error), and indexes that answer "is this URL stored already?" without a table scan."""
    db.table("fetch_state").create(
        {
            "url": str, "kind": str, "final_url": str, "etag": str, "last_modified": str,
            "last_status": int, "last_fetched": str, "last_changed": str, "last_error": str,
            "error_kind": str, "failures": int,
        },
        pk="url",
        if_not_exists=True,
    )  # fmt: skip
    db.table("articles").create_index(["url"], if_not_exists=True)
    db.table("article_sources").create_index(["source"], if_not_exists=True)
    db.table("article_sources").create_index(["url"], if_not_exists=True)


MIGRATIONS: list[Migration] = [
    (1, "initial: articles with full-text search, sources, inputs, errors, repeated lines", _initial),
    (
        2,
        "index inputs by raw hash: identical bytes under another name are not extracted again",
        _raw_hash_index,
    ),
    (3, "annotations: sentences, actors, mentions, actor roles", _annotations),
    (4, "events, event parties, quotes, places, focus countries", _events),
    (5, "stories, near-duplicates, article vectors, outlet profiles", _stories),
    (
        6,
        "indexes for the dashboard: dates, outlets, languages, event types by date, actors' articles",
        _reading_indexes,
    ),
    (7, "covering indexes for search facets: actors and event types by article", _covering_indexes),
    (8, "live sources: fetch state per URL, indexes to find stored URLs", _fetch_state),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def applied_version(db: sqlite_utils.Database) -> int:
    if "_migrations" not in db.table_names():
        return 0
    row = db.execute("select max(id) from _migrations").fetchone()
    return int(row[0] or 0)


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply every migration the database lacks; return the names of those applied."""
    current = applied_version(db)
    if current > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"database schema version {current} is newer than this newsgraph knows ({SCHEMA_VERSION}): "
            "upgrade newsgraph"
        )
    applied = []
    db.table("_migrations").create({"id": int, "name": str, "applied_at": str}, pk="id", if_not_exists=True)
    for number, name, step in MIGRATIONS:
        if number <= current:
            continue
        step(db)
        with db.conn:
            db.table("_migrations").insert(
                {
                    "id": number,
                    "name": name,
                    "applied_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                }
            )
        applied.append(name)
    return applied
