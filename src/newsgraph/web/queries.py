"""What each page of the dashboard shows, as plain data: one function per page.

Every HTML page and its JSON twin call the same function here, so the two cannot disagree. The
functions read through ``Store`` (opened read-only by the app) and return dicts and lists that
serialise to JSON as they are.
"""

from __future__ import annotations

import bisect
import itertools
import json
import re
import sqlite3
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import StoreError
from ..export import event_record
from ..store import Store
from ..store.db import HIT_END, HIT_START, fts_query
from ..stories.framing import compare_story

PAGE_SIZE = 50
FACET_SAMPLE = 2000
"""Facet counts are taken over the best this-many matches (all of them when there are fewer)."""


@dataclass(slots=True, frozen=True)
class SearchFilters:
    q: str = ""
    outlet: str | None = None
    language: str | None = None
    since: str | None = None
    until: str | None = None
    actor: str | None = None
    event: str | None = None
    page: int = 1


def _where(filters: SearchFilters) -> tuple[str, list[Any]]:
    clauses, params = ["1 = 1"], []
    if filters.outlet:
        clauses.append("a.outlet = ?")
        params.append(filters.outlet)
    if filters.language:
        clauses.append("a.language = ?")
        params.append(filters.language)
    if filters.since:
        clauses.append("a.published >= ?")
        params.append(filters.since)
    if filters.until:
        clauses.append("substr(a.published, 1, length(?)) <= ?")
        params += [filters.until, filters.until]
    if filters.actor:
        clauses.append("a.id in (select article_id from mentions where actor_id = ?)")
        params.append(filters.actor)
    if filters.event:
        clauses.append("a.id in (select article_id from events where event = ?)")
        params.append(filters.event.upper())
    return " and ".join(clauses), params


def search(store: Store, filters: SearchFilters) -> dict[str, Any]:
    """Articles matching the words (full text) and the filters, with facet counts over all matches."""
    where, params = _where(filters)
    query = fts_query(filters.q) if filters.q.strip() else ""
    if query:
        base = (
            "from articles_fts join articles a on a.rowid = articles_fts.rowid"
            f" where articles_fts match ? and {where}"
        )
        params = [query, *params]
        columns = (
            f"a.id, a.title, a.outlet, a.published, a.language, a.story_id,"
            f" snippet(articles_fts, 1, '{HIT_START}', '{HIT_END}', '…', 24) as snippet"
        )
        order = "bm25(articles_fts)"
    else:
        base = f"from articles a where {where}"
        columns = (
            "a.id, a.title, a.outlet, a.published, a.language, a.story_id, substr(a.text, 1, 240) as snippet"
        )
        order = "a.published desc, a.id"
    offset = (max(1, filters.page) - 1) * PAGE_SIZE
    try:
        total = int(store.db.execute(f"select count(*) {base}", params).fetchone()[0])
        # the best FACET_SAMPLE matches, ranked once: the page comes from them, and the facets
        # count them (bounded work however broad the query)
        ranked = [
            r[0]
            for r in store.db.execute(f"select a.id {base} order by {order} limit {FACET_SAMPLE}", params)
        ]
        page_ids = ranked[offset : offset + PAGE_SIZE]
        if offset + PAGE_SIZE > len(ranked):  # a page beyond the sample
            page_ids = [r[0] for r in store.db.execute(
                f"select a.id {base} order by {order} limit ? offset ?", [*params, PAGE_SIZE, offset])]  # fmt: skip
        position = {article_id: i for i, article_id in enumerate(page_ids)}
        if query:
            rows = store.db.execute(
                f"select {columns} {base} and a.id in (select value from json_each(?))",
                [*params, json.dumps(page_ids)],
            ).fetchall()
        else:
            rows = store.db.execute(
                f"select {columns} from articles a where a.id in (select value from json_each(?))",
                [json.dumps(page_ids)],
            ).fetchall()
        rows.sort(key=lambda r: position[r[0]])
        sample = "(select value as id from json_each(?))"
        facets = {
            name: [
                {"value": value, "count": count}
                for value, count in store.db.execute(
                    f"select {expr}, count(distinct s.id) from {sample} s {join} group by 1 order by 2 desc, 1 limit 30",
                    [json.dumps(ranked)],
                )
                if value
            ]
            for name, expr, join in (
                ("outlet", "a.outlet", "join articles a on a.id = s.id"),
                ("language", "a.language", "join articles a on a.id = s.id"),
                ("year", "substr(a.published, 1, 4)", "join articles a on a.id = s.id"),
                ("event", "e.event", "join events e on e.article_id = s.id"),
                ("actor", "m.actor_id", "join mentions m on m.article_id = s.id"),
            )
        }
    except sqlite3.OperationalError as exc:
        raise StoreError(f"search failed: {exc}") from exc
    names = _actor_names(store, [f["value"] for f in facets["actor"]])
    for name, values in facets.items():
        for f in values:
            f["label"] = names.get(f["value"], f["value"]) if name == "actor" else f["value"]
    hits = [
        {"id": r[0], "title": r[1], "outlet": r[2], "published": r[3], "language": r[4], "story_id": r[5],
         "snippet": _snippet_parts(r[6] or "")}
        for r in rows
    ]  # fmt: skip
    return {"filters": _filters_dict(filters), "total": total, "page": max(1, filters.page), "page_size": PAGE_SIZE, "hits": hits,
            "facets": facets}  # fmt: skip


def _filters_dict(filters: SearchFilters) -> dict[str, Any]:
    return {name: getattr(filters, name) for name in SearchFilters.__dataclass_fields__}


def _snippet_parts(snippet: str) -> list[dict[str, Any]]:
    """A snippet as [{text, hit}] pieces, so that templates mark hits without trusting markup."""
    parts = []
    for piece in re.split(f"({HIT_START}[^{HIT_END}]*{HIT_END})", snippet):
        if not piece:
            continue
        hit = piece.startswith(HIT_START)
        parts.append({"text": piece.strip(HIT_START + HIT_END), "hit": hit})
    return parts


def article(store: Store, article_id: str) -> dict[str, Any] | None:
    """An article with its text cut into spans, each span marked with what covers it."""
    row = store.get_article(article_id)
    if row is None:
        return None
    text = row["text"] or ""
    mentions = store.article_mentions(article_id)
    quotes = store.article_quotes(article_id)
    events = sorted(
        (event_record(e) for e in store.events(article=article_id, limit=10_000)),
        key=lambda e: (e["evidence"]["start"] or 0, e["id"]),
    )
    marks: list[tuple[int, int, str, str]] = []
    for m in mentions:
        marks.append((m["start"], m["end"], "actor", m["actor_id"] or ""))
    for i, e in enumerate(events):
        trigger = e.get("trigger") or {}
        if trigger.get("start") is not None and trigger.get("end") is not None:
            marks.append((trigger["start"], trigger["end"], "event", f"event-{i}"))
    return {
        "article": {
            k: row.get(k)
            for k in (
                "id",
                "title",
                "outlet",
                "published",
                "language",
                "url",
                "source",
                "story_id",
                "duplicate_of",
                "authors",
                "dateline",
                "via",
                "fetched",
                "provenance",
                "word_count",
            )
        },
        "text": text,
        "segments": _segments(
            text, marks, [(q["start"], q["end"]) for q in quotes], _sentence_starts(store, article_id)
        ),
        "mentions": mentions,
        "quotes": quotes,
        "events": events,
    }


def _sentence_starts(store: Store, article_id: str) -> list[int]:
    if "sentences" not in store.db.table_names():
        return []
    return [r[0] for r in store.db.execute("select start from sentences where article_id = ?", [article_id])]


def _segments(
    text: str, marks: list[tuple[int, int, str, str]], quotes: list[tuple[int, int]], anchors: list[int]
) -> list[dict[str, Any]]:
    """The text cut at every mark boundary and sentence start (so ``#c{start}`` links land on
    evidence sentences): [{text, start, actor, event, quote}], no overlaps."""
    cuts = {0, len(text), *(a for a in anchors if 0 <= a <= len(text))}
    for start, end, _, _ in marks:
        if 0 <= start < end <= len(text):
            cuts.update((start, end))
    for start, end in quotes:
        if 0 <= start < end <= len(text):
            cuts.update((start, end))
    bounds = sorted(cuts)
    sentence_starts = sorted(a for a in anchors if 0 <= a <= len(text))
    out = []
    for start, end in itertools.pairwise(bounds):
        piece: dict[str, Any] = {"text": text[start:end], "start": start, "actor": None, "event": None,
                                 "quote": any(s <= start and end <= e for s, e in quotes),
                                 "sentence": bisect.bisect_right(sentence_starts, start) - 1}  # fmt: skip
        for m_start, m_end, kind, ref in marks:
            if m_start <= start and end <= m_end:
                piece[kind] = ref
        out.append(piece)
    return out


def stories(store: Store, *, min_outlets: int = 1, limit: int = 200) -> list[dict[str, Any]]:
    if "stories" not in store.db.table_names():
        return []
    return store.stories(min_outlets=min_outlets, limit=limit)


def story(store: Store, story_id: str) -> dict[str, Any] | None:
    if "stories" not in store.db.table_names():
        return None
    return compare_story(store, story_id)


# PLOVER's cooperation / conflict reading of each event type, for colouring edges and scoring
# relations (a Goldstein-like sign and weight, documented in docs/dashboard.md).
EVENT_TONE = {
    "AGREE": 3, "CONSULT": 1, "SUPPORT": 3, "CONCEDE": 4, "COOPERATE": 5, "AID": 6, "RETREAT": 2,
    "REQUEST": -1, "ACCUSE": -2, "REJECT": -4, "THREATEN": -6, "PROTEST": -5, "SANCTION": -7,
    "MOBILIZE": -5, "COERCE": -8, "ASSAULT": -10,
}  # fmt: skip


def actor(store: Store, actor_id: str) -> dict[str, Any] | None:
    record = store.actor(actor_id)
    if record is None:
        return None
    by_month: Counter[str] = Counter()
    for (month,) in store.db.execute(
        "select substr(a.published, 1, 7) from mentions m join articles a on a.id = m.article_id"
        " where m.actor_id = ? and a.published is not null",
        [actor_id],
    ):
        by_month[month] += 1
    events = [event_record(e) for e in store.events(actor=actor_id, limit=500)]
    as_actor = [e for e in events if any(p.get("actor_id") == actor_id for p in e["actor"])]
    as_recipient = [e for e in events if any(p.get("actor_id") == actor_id for p in e["recipient"])]
    relations: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"events": 0, "score": 0, "by_month": Counter()}
    )
    for e in events:
        others = {p.get("actor_id") for p in e["actor"] + e["recipient"]} - {actor_id, None}
        for other in others:
            rel = relations[other]
            rel["events"] += 1
            rel["score"] += EVENT_TONE.get(e["event"], 0)
            rel["by_month"][(e["date"] or "")[:7]] += EVENT_TONE.get(e["event"], 0)
    names = _actor_names(store, list(relations))
    return {
        "actor": record,
        "roles": store.actor_roles(actor_id),
        "mentions_by_month": dict(sorted(by_month.items())),
        "articles": store.actor_mentions(actor_id)[:100],
        "as_actor": as_actor,
        "as_recipient": as_recipient,
        "relations": sorted(
            (
                {
                    "actor_id": other,
                    "name": names.get(other, other),
                    "events": rel["events"],
                    "score": rel["score"],
                    "by_month": dict(sorted(rel["by_month"].items())),
                }
                for other, rel in relations.items()
            ),
            key=lambda r: (-r["events"], r["actor_id"]),
        ),
    }


def _actor_names(store: Store, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    marks = ",".join("?" for _ in ids)
    return dict(store.db.execute(f"select id, name from actors where id in ({marks})", ids).fetchall())


def actors(store: Store, name: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    if "actors" not in store.db.table_names():
        return []
    return store.find_actors(name, limit=limit)


def events(store: Store, **filters: Any) -> list[dict[str, Any]]:
    if "events" not in store.db.table_names():
        return []
    return [event_record(e) for e in store.events(**filters)]


def network(store: Store, *, actor: str | None = None, since: str | None = None, until: str | None = None,
            event: str | None = None, limit: int = 2000) -> dict[str, Any]:  # fmt: skip
    """Actors as nodes, events between them as edges (summed per pair and direction)."""
    rows = events(store, actor=actor, since=since, until=until, event=event, limit=limit)
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    nodes: Counter[str] = Counter()
    for e in rows:
        for a in e["actor"]:
            for r in e["recipient"]:
                if not a.get("actor_id") or not r.get("actor_id") or a["actor_id"] == r["actor_id"]:
                    continue
                key = (a["actor_id"], r["actor_id"])
                edge = edges.setdefault(key, {"source": key[0], "target": key[1], "events": 0, "score": 0,
                                              "types": Counter()})  # fmt: skip
                edge["events"] += 1
                edge["score"] += EVENT_TONE.get(e["event"], 0)
                edge["types"][e["event"]] += 1
                nodes[key[0]] += 1
                nodes[key[1]] += 1
    names = _actor_names(store, list(nodes))
    return {
        "nodes": [{"id": n, "name": names.get(n, n), "events": c} for n, c in nodes.most_common()],
        "edges": [{**e, "types": dict(e["types"])} for e in edges.values()],
    }


def map_points(store: Store, **filters: Any) -> list[dict[str, Any]]:
    """Event locations, one point per place, with how many events happened there and of what type."""
    points: dict[tuple[float, float, str], dict[str, Any]] = {}
    for e in events(store, **filters):
        where = e.get("location") or {}
        if where.get("lat") is None or where.get("lon") is None:
            continue
        key = (round(where["lat"], 3), round(where["lon"], 3), where.get("name") or "")
        point = points.setdefault(key, {"name": where.get("name"), "country": where.get("country"),
                                        "lat": where["lat"], "lon": where["lon"], "events": 0,
                                        "types": Counter(), "examples": []})  # fmt: skip
        point["events"] += 1
        point["types"][e["event"]] += 1
        if len(point["examples"]) < 5:
            point["examples"].append({"event": e["event"], "date": e["date"], "article_id": e["article_id"],
                                      "evidence": e["evidence"]})  # fmt: skip
    return [{**p, "types": dict(p["types"])} for p in sorted(points.values(), key=lambda p: -p["events"])]


class ResultCache:
    """Results of the costly aggregate pages (actor lists, an actor's history, the network),
    kept until the database changes: the key holds the size and modification time of the file
    and of its write-ahead log, so an ingest that writes makes every entry stale at once."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    def get(self, store: Store, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        full = (str(store.path), _stamp(store.path), *key)
        if full in self.entries:
            self.entries.move_to_end(full)
            return self.entries[full]
        value = compute()
        self.entries[full] = value
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return value


def _stamp(path: Path) -> tuple[int, ...]:
    stamp: list[int] = []
    for candidate in (path, path.with_name(path.name + "-wal")):
        try:
            info = candidate.stat()
        except OSError:
            stamp += [0, 0]
        else:
            stamp += [info.st_mtime_ns, info.st_size]
    return tuple(stamp)
