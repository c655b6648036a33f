"""Writing the contract's JSONL files (see docs/export-format.md).

Files are written under a temporary name and renamed into place, so a reader never sees half a
file and an interrupted export leaves the previous one intact. Tables of stages that have not run
(actors, events, ...) give empty files, so tools can rely on all files being there.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .store import Store

EXPORT_FILES = ("articles", "actors", "mentions", "events", "quotes", "stories")

ARTICLE_FIELDS = (
    "id",
    "source",
    "url",
    "outlet",
    "title",
    "published",
    "language",
    "text",
    "story_id",
)
"""The contract's fields, in order; the extra fields below follow them."""
ARTICLE_EXTRA_FIELDS = (
    "authors",
    "description",
    "dateline",
    "via",
    "content_hash",
    "provenance",
    "sources",
    "focus_countries",
    "duplicate_of",
)


def article_record(row: dict[str, Any], sources: list[str]) -> dict[str, Any]:
    record = {name: row.get(name) for name in ARTICLE_FIELDS}
    for name in ARTICLE_EXTRA_FIELDS:
        record[name] = sources if name == "sources" else row.get(name)
    return record


def _articles(store: Store) -> Iterator[dict[str, Any]]:
    sources: dict[str, list[str]] = {}
    for article_id, source in store.db.execute(
        "select article_id, source from article_sources order by source"
    ):
        sources.setdefault(article_id, []).append(source)
    for row in store.iter_articles():
        yield article_record(row, sources.get(row["id"], [row["source"]]))


MENTION_FIELDS = ("article_id", "actor_id", "text", "start", "end")
MENTION_EXTRA_FIELDS = ("sentence", "country", "sector", "role", "how", "confidence")
ACTOR_FIELDS = ("id", "name", "kind", "code", "country", "sector", "aliases", "roles")


def _actors(store: Store) -> Iterator[dict[str, Any]]:
    if "actors" not in store.db.table_names():
        return
    roles: dict[str, list[dict[str, Any]]] = {}
    for row in store.db.query(
        "select actor_id, title, country, organization, article_id, evidence from actor_roles order by id"
    ):
        roles.setdefault(row["actor_id"], []).append(
            {k: row[k] for k in ("title", "country", "organization", "article_id", "evidence")}
        )
    for row in store.db.query("select * from actors order by id"):
        record = {name: row.get(name) for name in ACTOR_FIELDS[:6]}
        record["aliases"] = json.loads(row.get("aliases") or "[]")
        record["roles"] = roles.get(row["id"], [])
        if record["kind"] == "person" and record["roles"] and not record["country"]:
            stated = next((r for r in record["roles"] if r["country"]), None)
            record["country"] = stated["country"] if stated else None
        yield record


def _mentions(store: Store) -> Iterator[dict[str, Any]]:
    if "mentions" not in store.db.table_names():
        return
    for row in store.db.query("select * from mentions order by article_id, start, end, actor_id"):
        yield {name: row.get(name) for name in (*MENTION_FIELDS, *MENTION_EXTRA_FIELDS)}


PARTY_FIELDS = ("actor_id", "code", "country", "sector", "text")
EVENT_FIELDS = (
    "id", "article_id", "story_id", "event", "mode", "context", "cameo", "actor", "recipient", "date",
    "date_text", "location", "modality", "attributed_to", "evidence", "confidence", "attributed_text", "hedges", "trigger",
    "report_group", "reported_by", "outlet", "published",
)  # fmt: skip
"""The contract's fields, in order, then newsgraph's; ``event_record`` writes exactly these."""


def event_record(row: dict[str, Any]) -> dict[str, Any]:
    """A stored event (JSON columns decoded) as the contract's events.jsonl object, followed by
    newsgraph's extra fields."""
    start, end = int(row["evidence_start"]), int(row["evidence_end"])
    location = row.get("location")
    return {
        "id": row["id"],
        "article_id": row["article_id"],
        "story_id": row.get("story_id"),
        "event": row["event"],
        "mode": row.get("mode"),
        "context": row.get("context") or [],
        "cameo": row.get("cameo"),
        "actor": [{k: p.get(k) for k in PARTY_FIELDS} for p in row.get("actor") or []],
        "recipient": [{k: p.get(k) for k in PARTY_FIELDS} for p in row.get("recipient") or []],
        "date": row.get("date"),
        "date_text": row.get("date_text"),
        "location": {k: location.get(k) for k in ("name", "country", "lat", "lon")} if location else None,
        "modality": row["modality"],
        "attributed_to": row.get("attributed_to"),
        "evidence": {"text": row["evidence_text"], "start": start, "end": end},
        "confidence": row.get("confidence"),
        "attributed_text": row.get("attributed_text"),
        "hedges": row.get("hedges") or [],
        "trigger": {
            "text": row.get("trigger"),
            "start": row.get("trigger_start"),
            "end": row.get("trigger_end"),
        },
        "report_group": row.get("report_group"),
        "reported_by": row.get("reported_by"),
        "outlet": row.get("outlet"),
        "published": row.get("published"),
    }


def _events(store: Store) -> Iterator[dict[str, Any]]:
    if "events" not in store.db.table_names():
        return
    for row in store.iter_events():
        yield event_record(row)


QUOTE_FIELDS = ("article_id", "speaker", "text", "start", "end")
QUOTE_EXTRA_FIELDS = ("speaker_text", "kind", "cue", "sentence")


def _quotes(store: Store) -> Iterator[dict[str, Any]]:
    if "quotes" not in store.db.table_names():
        return
    for row in store.db.query("select * from quotes order by article_id, start, id"):
        yield {name: row.get(name) for name in (*QUOTE_FIELDS, *QUOTE_EXTRA_FIELDS)}


STORY_FIELDS = ("id", "title", "article_ids", "first_published", "last_published", "languages")
STORY_EXTRA_FIELDS = ("outlets", "first_day", "last_day")


def story_record(story: dict[str, Any]) -> dict[str, Any]:
    """A story as ``stories.jsonl`` holds it: the contract's fields, then ours."""
    return {name: story.get(name) for name in (*STORY_FIELDS, *STORY_EXTRA_FIELDS)}


def _stories(store: Store) -> Iterator[dict[str, Any]]:
    if "stories" not in store.db.table_names():
        return
    for story in store.stories():
        yield story_record(story)


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """Write ``records`` to ``path`` atomically; return how many were written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False, sort_keys=False))
                handle.write("\n")
                count += 1
        Path(tmp_name).replace(path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return count


def export(store: Store, out_dir: Path) -> dict[str, int]:
    """Write every contract file to ``out_dir``; return the number of records per file."""
    return {
        "articles": write_jsonl(out_dir / "articles.jsonl", _articles(store)),
        "actors": write_jsonl(out_dir / "actors.jsonl", _actors(store)),
        "mentions": write_jsonl(out_dir / "mentions.jsonl", _mentions(store)),
        "events": write_jsonl(out_dir / "events.jsonl", _events(store)),
        "quotes": write_jsonl(out_dir / "quotes.jsonl", _quotes(store)),
        "stories": write_jsonl(out_dir / "stories.jsonl", _stories(store)),
    }
