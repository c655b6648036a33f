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
from ..events.lexicon import load_lexicons
from ..export import event_record
from ..kb import load_kb
from ..store import Store
from ..store.db import HIT_END, HIT_START, fts_query
from ..stories.framing import compare_story, load_framing_lexicon

PAGE_SIZE = 50
FACET_SAMPLE = 2000
"""Facet counts are taken over the best this-many matches (all of them when there are fewer)."""
COUNT_CAP = 10_000
"""Totals are counted exactly up to this many; beyond it a page says "10,000+" (a broad query
would otherwise spend most of its time counting rows nobody will page through)."""


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

    @property
    def narrowed(self) -> bool:
        return any((self.outlet, self.language, self.since, self.until, self.actor, self.event))


def _where(store: Store, filters: SearchFilters) -> tuple[str, list[Any]]:
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
    # an actor or event filter: a rare one lists its articles, a common one is checked per article
    for value, rows, check in (
        (filters.actor, "select article_id from mentions where actor_id = ?",
         "exists (select 1 from mentions m where m.actor_id = ? and m.article_id = a.id)"),
        (filters.event and filters.event.upper(), "select article_id from events where event = ?",
         "exists (select 1 from events e where e.event = ? and e.article_id = a.id)"),
    ):  # fmt: skip
        if not value:
            continue
        common = store.walk_in_order(rows, [value], limit=FACET_SAMPLE, table="articles")
        clauses.append(check if common else f"a.id in ({rows})")
        params.append(value)
    return " and ".join(clauses), params


def _ranked(store: Store, query: str, filters: SearchFilters) -> tuple[list[str], int, bool]:
    """The best FACET_SAMPLE matching article ids in result order, the total (exact up to
    COUNT_CAP) and whether the total is only a lower bound."""
    if query and not filters.narrowed:  # the full-text index alone answers: no join
        rowids = [r[0] for r in store.db.execute(
            f"select rowid from articles_fts where articles_fts match ? order by rank limit {FACET_SAMPLE}", [query])]  # fmt: skip
        ids = dict(store.db.execute(
            "select rowid, id from articles where rowid in (select value from json_each(?))", [json.dumps(rowids)]).fetchall())  # fmt: skip
        total = int(
            store.db.execute(
                "select count(*) from articles_fts where articles_fts match ?", [query]
            ).fetchone()[0]
        )
        return [ids[r] for r in rowids if r in ids], total, False
    base, params, order = _matching(store, query, filters)
    ranked = [
        r[0] for r in store.db.execute(f"select a.id {base} order by {order} limit {FACET_SAMPLE}", params)
    ]
    if len(ranked) < FACET_SAMPLE:
        return ranked, len(ranked), False
    counted = int(
        store.db.execute(f"select count(*) from (select 1 {base} limit {COUNT_CAP})", params).fetchone()[0]
    )
    return ranked, counted, counted >= COUNT_CAP


def _matching(store: Store, query: str, filters: SearchFilters) -> tuple[str, list[Any], str]:
    """The matching articles as ``from ... where`` SQL with its parameters, and their order: best
    match first with words, newest first without."""
    where, params = _where(store, filters)
    if query:
        base = f"from articles_fts join articles a on a.rowid = articles_fts.rowid where articles_fts match ? and {where}"
        return base, [query, *params], "articles_fts.rank"
    return f"from articles a where {where}", params, "a.published desc, a.rowid desc"


def _page_ids(store: Store, query: str, filters: SearchFilters, ranked: list[str]) -> list[str]:
    offset = (max(1, filters.page) - 1) * PAGE_SIZE
    if offset + PAGE_SIZE <= len(ranked) or len(ranked) < FACET_SAMPLE:
        return ranked[offset : offset + PAGE_SIZE]
    # a page beyond the sample: rank again, further
    base, params, order = _matching(store, query, filters)
    sql = f"select a.id {base} order by {order} limit ? offset ?"
    return [r[0] for r in store.db.execute(sql, [*params, PAGE_SIZE, offset])]


def _facets(store: Store, ranked: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Outlet, language, year, event-type and actor counts over the ranked sample."""
    sample = json.dumps(ranked)
    counts: dict[str, Counter[str]] = {name: Counter() for name in ("outlet", "language", "year")}
    for outlet, language, published in store.db.execute(
        "select a.outlet, a.language, a.published from articles a where a.id in (select value from json_each(?))",
        [sample],
    ):
        counts["outlet"][outlet] += 1
        counts["language"][language] += 1
        counts["year"][(published or "")[:4]] += 1
    for name, table, column in (("event", "events", "event"), ("actor", "mentions", "actor_id")):
        counts[name] = Counter(dict(store.db.execute(
            f"select {column}, count(distinct article_id) from {table}"
            f" where article_id in (select value from json_each(?)) group by 1", [sample]).fetchall()))  # fmt: skip
    names = _actor_names(store, [value for value, _ in counts["actor"].most_common(30)])
    return {
        name: [
            {"value": value, "count": count, "label": names.get(value, value) if name == "actor" else value}
            for value, count in sorted(counter.items(), key=lambda vc: (-vc[1], vc[0]))[:30]
            if value
        ]
        for name, counter in counts.items()
    }


def search(store: Store, filters: SearchFilters) -> dict[str, Any]:
    """Articles matching the words (full text) and the filters, best first (newest first without
    words), with facet counts over the best FACET_SAMPLE matches."""
    query = fts_query(filters.q) if filters.q.strip() else ""
    try:
        ranked, total, total_is_lower_bound = _ranked(store, query, filters)
        page_ids = _page_ids(store, query, filters, ranked)
        if query:  # the snippet needs the match: only for this page's rows
            rows = store.db.execute(
                "select a.id, a.title, a.outlet, a.published, a.language, a.story_id,"
                f" snippet(articles_fts, 1, '{HIT_START}', '{HIT_END}', '…', 24)"
                " from articles_fts join articles a on a.rowid = articles_fts.rowid where articles_fts match ?"
                " and articles_fts.rowid in (select rowid from articles where id in (select value from json_each(?)))",
                [query, json.dumps(page_ids)],
            ).fetchall()
        else:
            rows = store.db.execute(
                "select a.id, a.title, a.outlet, a.published, a.language, a.story_id, substr(a.text, 1, 240)"
                " from articles a where a.id in (select value from json_each(?))",
                [json.dumps(page_ids)],
            ).fetchall()
        facets = _facets(store, ranked)
    except sqlite3.OperationalError as exc:
        raise StoreError(f"search failed: {exc}") from exc
    position = {article_id: i for i, article_id in enumerate(page_ids)}
    rows.sort(key=lambda r: position[r[0]])
    hits = [
        {"id": r[0], "title": r[1], "outlet": r[2], "published": r[3], "language": r[4], "story_id": r[5],
         "snippet": _snippet_parts(r[6] or "")}
        for r in rows
    ]  # fmt: skip
    return {"filters": _filters_dict(filters), "total": total, "total_is_lower_bound": total_is_lower_bound,
            "page": max(1, filters.page), "page_size": PAGE_SIZE, "hits": hits, "facets": facets}  # fmt: skip


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
    return store.stories(min_outlets=min_outlets, limit=limit, newest_first=True)


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
    by_month = dict(
        store.db.execute(
            "select substr(a.published, 1, 7), count(*) from articles a where a.published is not null"
            " and a.id in (select article_id from mentions where actor_id = ?) group by 1 order by 1",
            [actor_id],
        ).fetchall()
    )
    events = [event_record(e) for e in store.events(actor=actor_id, limit=500)]
    as_actor = [e for e in events if any(p.get("actor_id") == actor_id for p in e["actor"])]
    as_recipient = [e for e in events if any(p.get("actor_id") == actor_id for p in e["recipient"])]
    relations = _relations(store, actor_id)
    names = _actor_names(store, list(relations))
    ranked = sorted(
        (
            {"actor_id": other, "name": names.get(other, other), "events": rel["events"], "score": rel["score"],
             "by_month": dict(sorted(rel["by_month"].items()))}
            for other, rel in relations.items()
        ),
        key=lambda r: (-r["events"], r["actor_id"]),
    )  # fmt: skip
    return {
        "actor": record,
        "roles": store.actor_roles(actor_id),
        "articles_by_month": by_month,
        "articles": store.actor_mentions(actor_id, limit=100),
        "as_actor": as_actor,
        "as_recipient": as_recipient,
        "relations": ranked,
        "relations_over_time": _relations_over_time(ranked[:RELATION_ROWS]),
    }


RELATION_ROWS = 10
"""How many partners the relations-over-time chart draws (the most frequent)."""
RELATION_MONTHS = 120
"""How many months (the latest) the chart spans at most."""


def _relations_over_time(relations: list[dict[str, Any]]) -> dict[str, Any]:
    """A partner-by-month grid for the chart: every month from the first to the last in which
    any of these partners shares an event with the actor, with empty months kept (a gap in the
    record is information)."""
    months = sorted({m for r in relations for m in r["by_month"]})
    if not months:
        return {"months": [], "rows": [], "peak": 0}
    span = []
    year, month = int(months[0][:4]), int(months[0][5:])
    while (stamp := f"{year:04d}-{month:02d}") <= months[-1]:
        span.append(stamp)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    span = span[-RELATION_MONTHS:]
    empty = {"events": 0, "score": 0}
    rows = [
        {"actor_id": r["actor_id"], "name": r["name"], "cells": [r["by_month"].get(m, empty) for m in span]}
        for r in relations
    ]
    peak = max(abs(c["score"]) for row in rows for c in row["cells"])
    return {"months": span, "rows": rows, "peak": peak}


def _relations(store: Store, actor_id: str) -> dict[str, dict[str, Any]]:
    """Every actor sharing an event with this one (on either side), over all their events: how
    many, the summed cooperation/conflict score, and both per month."""
    relations: dict[str, dict[str, Any]] = defaultdict(lambda: {"events": 0, "score": 0, "by_month": {}})
    rows = store.db.execute(
        "select other.actor_id, substr(e.date, 1, 7), e.event, count(distinct e.id)"
        " from event_actors mine join event_actors other"
        " on other.event_id = mine.event_id and other.actor_id != mine.actor_id"
        " join events e on e.id = mine.event_id where mine.actor_id = ? group by 1, 2, 3",
        [actor_id],
    )
    for other, month, event, count in rows:
        rel, tone = relations[other], EVENT_TONE.get(event, 0) * count
        rel["events"] += count
        rel["score"] += tone
        if month and len(month) == 7:  # a year-only date counts in the totals, not in a month
            at = rel["by_month"].setdefault(month, {"events": 0, "score": 0})
            at["events"] += count
            at["score"] += tone
    return relations


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


def warm_up() -> None:
    """Load the knowledge base and the lexicons a story page reads (about a second), so that the
    first visitor does not wait for them."""
    load_kb(())
    load_framing_lexicon()
    load_lexicons()
