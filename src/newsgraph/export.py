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


def _table_rows(store: Store, table: str) -> Iterator[dict[str, Any]]:
    if table not in store.db.table_names():
        return
    yield from store.db.query(f"select * from [{table}] order by rowid")


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
    counts = {
        "articles": write_jsonl(out_dir / "articles.jsonl", _articles(store)),
        "actors": write_jsonl(out_dir / "actors.jsonl", _actors(store)),
        "mentions": write_jsonl(out_dir / "mentions.jsonl", _mentions(store)),
    }
    for name in EXPORT_FILES[3:]:
        counts[name] = write_jsonl(out_dir / f"{name}.jsonl", _table_rows(store, name))
    return counts
