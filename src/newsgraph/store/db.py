"""Reading and writing the newsgraph SQLite file.

Writes go through plain SQL inside explicit transactions (one commit per batch, not per row);
the schema, full-text index and migrations go through sqlite-utils. The file runs in WAL mode so
that readers (``search``, ``serve``) keep working while ``ingest`` writes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from ..errors import StoreError
from ..records import ActorRecord, Annotation, Article, Skipped
from .migrations import migrate
from .stories import StoryQueries

_JSON_FIELDS = ("authors", "provenance", "repairs", "warnings")
_ANNOTATION_JSON_FIELDS = ("focus_countries",)
"""JSON columns the annotation stage fills (absent from a freshly extracted article)."""
_ARTICLE_COLUMNS = (
    "id", "content_hash", "source", "url", "outlet", "title", "published", "language", "text",
    "story_id", "container", "content_type", "raw_hash", "authors", "description", "dateline",
    "via", "fetched", "provenance", "repairs", "warnings", "removed_lines", "word_count",
    "ingested_at",
)  # fmt: skip
HIT_START, HIT_END = "\x02", "\x03"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(slots=True, frozen=True)
class SearchHit:
    id: str
    title: str | None
    outlet: str | None
    published: str | None
    language: str | None
    snippet: str
    """Matching words are wrapped in ``HIT_START`` / ``HIT_END`` so any front end can mark them."""
    score: float


def contains_pattern(text: str) -> str:
    """A LIKE pattern (with ``escape '\\'``) matching values that contain ``text`` as typed: its
    % and _ are literal, and a NUL, which SQLite would read as the end of the pattern (so matching
    everything), is searched as U+FFFD, the mark of an unreadable character."""
    escaped = text.replace("\x00", "\ufffd").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts_query(text: str) -> str:
    """Turn what a user typed into a safe FTS5 query: words are ANDed, "quoted phrases" kept,
    a trailing * keeps prefix search; FTS5 operators in the input are treated as words."""
    parts: list[str] = []
    for phrase, word in re.findall(r'"([^"]*)"|(\S+)', text):
        if phrase.strip():
            tokens = re.findall(r"\w+", phrase)
            if tokens:
                parts.append('"' + " ".join(tokens) + '"')
            continue
        prefix = word.endswith("*")
        tokens = re.findall(r"\w+", word)
        for i, token in enumerate(tokens):
            star = "*" if prefix and i == len(tokens) - 1 else ""
            parts.append(f'"{token}"{star}')
    return " ".join(parts[:MAX_SEARCH_TERMS])


MAX_SEARCH_TERMS = 64
"""Search terms kept from what a user typed: each is one more posting list the index intersects."""


class Store(StoryQueries):
    """One newsgraph database file."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        if readonly and not self.path.exists():
            raise StoreError(f"no database at {self.path}")
        try:
            if readonly:
                # as a file: URI, so a ? or # in the path is part of the name, not a URI parameter
                uri = f"{self.path.resolve().as_uri()}?mode=ro"
                conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, check_same_thread=False)
            conn.execute("pragma busy_timeout = 30000")
            self.db = sqlite_utils.Database(conn)
            if not readonly:
                self.db.execute("pragma journal_mode = wal")
                self.db.execute("pragma synchronous = normal")
                self.migrations_applied = migrate(self.db)
            self.db.execute("pragma foreign_keys = on")
            if readonly and "articles" not in self.db.table_names():
                raise StoreError(f"{self.path} is not a newsgraph database")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes into one commit; roll all of them back if the block fails."""
        try:
            yield
            self.db.conn.commit()
        except BaseException:
            self.db.conn.rollback()
            raise

    # --- inputs ------------------------------------------------------------------------------

    def input_done(self, source: str, raw_hash: str, extractor_version: int) -> bool:
        """True when this exact input was already ingested by this extractor version."""
        row = self.db.execute(
            "select 1 from inputs where source = ? and raw_hash = ? and extractor_version = ?"
            " and status in ('new', 'duplicate')",
            [source, raw_hash, extractor_version],
        ).fetchone()
        return row is not None

    def article_for_raw(self, raw_hash: str, extractor_version: int) -> str | None:
        """The article already made from these exact bytes (under any source name), if any."""
        row = self.db.execute(
            "select article_id from inputs where raw_hash = ? and extractor_version = ?"
            " and status in ('new', 'duplicate') and article_id is not null limit 1",
            [raw_hash, extractor_version],
        ).fetchone()
        return str(row[0]) if row else None

    def link_source(self, article_id: str, source: str, url: str | None, raw_hash: str) -> None:
        """Remember ``source`` as one more input that carried the stored article."""
        self.db.execute(
            "insert or ignore into article_sources (article_id, source, url, outlet, raw_hash, seen_at)"
            " select ?, ?, ?, outlet, ?, ? from articles where id = ?",
            [article_id, source, url, raw_hash, _now(), article_id],
        )

    def record_input(
        self,
        source: str,
        raw_hash: str | None,
        status: str,
        extractor_version: int,
        *,
        article_id: str | None = None,
        reason: str | None = None,
    ) -> None:
        self.db.execute(
            "insert into inputs (source, raw_hash, status, article_id, reason, extractor_version, seen_at)"
            " values (?, ?, ?, ?, ?, ?, ?) on conflict(source) do update set raw_hash = excluded.raw_hash,"
            " status = excluded.status, article_id = excluded.article_id, reason = excluded.reason,"
            " extractor_version = excluded.extractor_version",
            [source, raw_hash, status, article_id, reason, extractor_version, _now()],
        )

    # --- articles ----------------------------------------------------------------------------

    def add_article(self, article: Article) -> str:
        """Store ``article`` unless the same text is stored already; return 'new' or 'duplicate'.

        Either way the input is linked to the stored article in ``article_sources``, so a
        syndicated copy is remembered as another source of the same article.
        """
        exists = self.db.execute("select 1 from articles where id = ?", [article.id]).fetchone()
        status = "duplicate" if exists else "new"
        if not exists:
            row = article.to_dict()
            for name in _JSON_FIELDS:
                row[name] = json.dumps(row[name], ensure_ascii=False)
            row["word_count"] = len(article.text.split())
            row["ingested_at"] = _now()
            columns = [c for c in _ARTICLE_COLUMNS if c in row]
            self.db.execute(
                f"insert into articles ({', '.join(columns)}) values ({', '.join('?' for _ in columns)})",
                [row[c] for c in columns],
            )
        self.db.execute(
            "insert or ignore into article_sources (article_id, source, url, outlet, raw_hash, seen_at)"
            " values (?, ?, ?, ?, ?, ?)",
            [article.id, article.source, article.url, article.outlet, article.raw_hash, _now()],
        )
        return status

    def get_article(self, article_id: str) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from articles where id = ?", [article_id]))
        return _decode_article(rows[0]) if rows else None

    def iter_articles(self) -> Iterator[dict[str, Any]]:
        for row in self.db.query("select * from articles order by coalesce(published, ''), id"):
            yield _decode_article(row)

    def article_count(self) -> int:
        return int(self.db.execute("select count(*) from articles").fetchone()[0])

    # --- errors ------------------------------------------------------------------------------

    def add_problem(self, skipped: Skipped) -> None:
        self.db.execute(
            "insert or ignore into errors (source, stage, severity, reason, seen_at) values (?, ?, ?, ?, ?)",
            [skipped.source, skipped.stage, skipped.severity, skipped.reason, _now()],
        )

    def clear_problems(self, source: str) -> None:
        """Forget earlier problems of an input that has now been ingested."""
        self.db.execute("delete from errors where source = ?", [source])

    def problems(self, severity: str | None = None) -> list[dict[str, Any]]:
        sql = "select source, stage, severity, reason, seen_at from errors"
        params: list[Any] = []
        if severity:
            sql += " where severity = ?"
            params.append(severity)
        return list(self.db.query(sql + " order by source", params))

    # --- furniture lines repeated across a source's documents ----------------------------------

    def count_lines(self, group: str, raw_hash: str, line_hashes: set[str]) -> None:
        """Count a document's short lines for its source group, once per document."""
        cursor = self.db.execute(
            "insert or ignore into repeated_line_docs (group_key, raw_hash) values (?, ?)",
            [group, raw_hash],
        )
        if cursor.rowcount == 0:
            return
        self.db.conn.executemany(
            "insert into repeated_lines (group_key, line_hash, doc_count) values (?, ?, 1)"
            " on conflict(group_key, line_hash) do update set doc_count = doc_count + 1",
            [(group, h) for h in line_hashes],
        )

    def repeated_lines(self, group: str, min_docs: int) -> set[str]:
        rows = self.db.execute(
            "select line_hash from repeated_lines where group_key = ? and doc_count >= ?",
            [group, min_docs],
        )
        return {row[0] for row in rows}

    # --- annotations ---------------------------------------------------------------------------

    def articles_to_annotate(self, version: int, *, redo: bool = False) -> list[str]:
        """Ids of the articles not yet annotated by annotator ``version`` (all with ``redo``):
        ids only, so that a large backlog is read a chunk of texts at a time."""
        sql = "select id from articles"
        if redo:
            return [r[0] for r in self.db.execute(sql + " order by id")]
        return [
            r[0]
            for r in self.db.execute(sql + " where annotated is null or annotated < ? order by id", [version])
        ]

    def article_texts(self, ids: list[str]) -> list[dict[str, Any]]:
        """Id, text, language and publication date of these articles, in the order given."""
        rows = {
            r["id"]: r
            for r in self.db.query(
                "select id, text, language, published from articles where id in (select value from json_each(?))",
                [json.dumps(ids)],
            )
        }
        return [rows[i] for i in ids if i in rows]

    def save_annotation(self, annotation: Annotation, version: int) -> None:
        """Replace an article's sentences, mentions and roles; merge the actors it names."""
        article = annotation.article_id
        for table in ("sentences", "mentions", "actor_roles"):
            self.db.execute(f"delete from {table} where article_id = ?", [article])
        self.db.conn.executemany(
            "insert into sentences (article_id, idx, start, end) values (?, ?, ?, ?)",
            [(article, i, start, end) for i, (start, end) in enumerate(annotation.sentences)],
        )
        for actor in annotation.actors:
            self._merge_actor(actor)
        self.db.conn.executemany(
            "insert into mentions (article_id, actor_id, text, start, end, sentence, country, sector, role,"
            " how, confidence) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    article,
                    m.actor_id,
                    m.text,
                    m.start,
                    m.end,
                    m.sentence,
                    m.country,
                    m.sector,
                    m.role,
                    m.how,
                    m.confidence,
                )
                for m in annotation.mentions
            ],
        )
        self.db.conn.executemany(
            "insert into actor_roles (actor_id, title, country, organization, sector, article_id, evidence,"
            " start, end) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    r.actor_id,
                    r.title,
                    r.country,
                    r.organization,
                    r.sector,
                    article,
                    r.evidence,
                    r.start,
                    r.end,
                )
                for r in annotation.roles
            ],
        )
        self._save_events(annotation)
        self.db.execute(
            "update articles set annotated = ?, focus_countries = ? where id = ?",
            [version, json.dumps(annotation.focus_countries), article],
        )

    def _save_events(self, annotation: Annotation) -> None:
        """Replace an article's events, their parties, quotes and places."""
        article = annotation.article_id
        self.db.execute(
            "delete from event_actors where event_id in (select id from events where article_id = ?)",
            [article],
        )
        for table in ("events", "quotes", "places"):
            self.db.execute(f"delete from {table} where article_id = ?", [article])
        for event in annotation.events:
            record = event.to_dict()
            for name in ("context", "actor", "recipient", "hedges", "location"):
                record[name] = (
                    json.dumps(record[name], ensure_ascii=False) if record[name] is not None else None
                )
            record["actor_codes"] = " ".join(sorted({p.code for p in event.actor if p.code}))
            record["recipient_codes"] = " ".join(sorted({p.code for p in event.recipient if p.code}))
            record["report_group"] = None
            self.db.table("events").insert(record, replace=True)
            parties = {(event.id, p.actor_id, "actor") for p in event.actor if p.actor_id}
            parties |= {(event.id, p.actor_id, "recipient") for p in event.recipient if p.actor_id}
            self.db.conn.executemany(
                "insert or ignore into event_actors (event_id, actor_id, role) values (?, ?, ?)",
                sorted(parties),
            )
        self.db.conn.executemany(
            "insert into quotes (article_id, speaker, speaker_text, text, start, end, kind, cue, sentence)"
            " values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(article, q.speaker, q.speaker_text, q.text, q.start, q.end, q.kind, q.cue, q.sentence)
             for q in annotation.quotes],
        )  # fmt: skip
        self.db.conn.executemany(
            "insert into places (article_id, text, start, end, name, country, lat, lon, kind)"
            " values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(article, p["text"], p["start"], p["end"], p["name"], p["country"], p["lat"], p["lon"], p["kind"])
             for p in annotation.places],
        )  # fmt: skip

    def linking_pending(self) -> bool:
        """Whether events were stored but not yet linked (a run stopped between the two)."""
        return (
            self.db.execute("select 1 from events where report_group is null limit 1").fetchone() is not None
        )

    def link_events(self, window_days: int = 1) -> int:
        """Give the event records that report one real-world event one ``report_group``: same
        type, modality, actor and recipient codes, and dates no more than ``window_days`` apart
        (chained). Records without any coded party stay on their own. Returns the number of
        groups reported by more than one article. Idempotent: groups are recomputed whole."""
        rows = self.db.execute(
            "select id, article_id, event, modality, actor_codes, recipient_codes, date from events"
            " order by event, modality, actor_codes, recipient_codes, date, id"
        ).fetchall()
        groups: dict[str, str] = {}
        shared = 0
        previous: tuple[str, ...] | None = None
        last_day: dt.date | None = None
        group_id = ""
        articles: set[str] = set()
        for event_id, article_id, kind, modality, actors, recipients, date in rows:
            key = (kind, modality, actors or "", recipients or "")
            day = _day(date)
            if not (actors or recipients) or day is None:
                groups[event_id] = "rg-" + event_id[3:]
                continue
            if key != previous or last_day is None or (day - last_day).days > window_days:
                shared += len(articles) > 1
                group_id = "rg-" + hashlib.sha1("|".join((*key, date)).encode("utf-8")).hexdigest()[:16]
                articles = set()
            groups[event_id] = group_id
            articles.add(article_id)
            previous, last_day = key, day
        shared += len(articles) > 1
        self.db.conn.executemany(
            "update events set report_group = ? where id = ?", [(g, e) for e, g in groups.items()]
        )
        return shared

    def iter_events(self) -> Iterator[dict[str, Any]]:
        """Every event in article and text order, as ``events`` gives them."""
        for row in self.db.query(_EVENTS_SQL + " order by e.article_id, e.evidence_start, e.id"):
            yield _decode_event(row)

    def events(
        self,
        *,
        actor: str | None = None,
        event: str | None = None,
        since: str | None = None,
        until: str | None = None,
        outlet: str | None = None,
        modality: str | None = None,
        story: str | None = None,
        article: str | None = None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        """Events matching every filter given, newest first, each with its article's outlet and
        title and how many outlets reported the same real-world event. ``actor`` matches an actor
        id, a code (``RUS``) or part of an actor's name."""
        sql = [_EVENTS_BASE_SQL, " where 1 = 1"]
        params: list[Any] = []
        if actor:
            # an actor id, or the actors a code or name stands for; a party to many events is
            # checked while walking the events newest first (the walk stops at ``limit``), a
            # party to few has its events looked up first
            ids = [actor] if ":" in actor else [
                r[0]
                for r in self.db.execute(
                    "select id from actors where code = ? or country = ? or name like ? escape '\\'",
                    [actor.upper(), actor.upper(), contains_pattern(actor)],
                )
            ]  # fmt: skip
            parties = "select event_id from event_actors where actor_id in (select value from json_each(?))"
            if self.walk_in_order(parties, [json.dumps(ids)], limit=limit, table="events"):
                sql[0] = _EVENTS_BASE_SQL.replace(" join articles", " cross join articles")
                sql.append(
                    " and exists (select 1 from event_actors p where p.event_id = e.id"
                    " and +p.actor_id in (select value from json_each(?)))"  # one seek per event, not per actor
                )
            else:
                sql.append(f" and e.id in ({parties})")
            params.append(json.dumps(ids))
        if event:
            sql.append(" and e.event = ?")
            params.append(event.upper())
        if modality:
            sql.append(" and e.modality = ?")
            params.append(modality)
        if story:
            sql.append(" and a.story_id = ?")
            params.append(story)
        if article:
            sql.append(" and e.article_id = ?")
            params.append(article)
        if since:
            sql.append(" and e.date >= ?")
            params.append(since)
        if until:
            sql.append(" and substr(e.date, 1, length(?)) <= ?")
            params += [until, until]
        if outlet:
            sql.append(" and a.outlet like ? escape '\\'")
            params.append(contains_pattern(outlet))
        sql.append(" order by e.date desc, e.article_id, e.evidence_start, e.id limit ?")
        params.append(limit)
        rows = [_decode_event(row) for row in self.db.query("".join(sql), params)]
        self._count_reporting_outlets(rows)
        return rows

    def _count_reporting_outlets(self, rows: list[dict[str, Any]]) -> None:
        """Fill each event's ``reported_by`` with one grouped query for the whole page."""
        groups = sorted({r["report_group"] for r in rows if r.get("report_group")})
        counts: dict[str, int] = dict(
            self.db.execute(
                "select g.report_group, count(distinct coalesce(x.outlet, x.id)) from events g"
                " join articles x on x.id = g.article_id"
                " where g.report_group in (select value from json_each(?)) group by g.report_group",
                [json.dumps(groups)],
            ).fetchall()
        )
        for row in rows:
            row["reported_by"] = counts.get(row.get("report_group") or "", 1)

    def _merge_actor(self, actor: ActorRecord) -> None:
        row = self.db.execute("select aliases from actors where id = ?", [actor.id]).fetchone()
        if row is None:
            self.db.execute(
                "insert into actors (id, name, kind, code, country, sector, aliases, first_seen)"
                " values (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    actor.id,
                    actor.name,
                    actor.kind,
                    actor.code,
                    actor.country,
                    actor.sector,
                    json.dumps(sorted(set(actor.aliases)), ensure_ascii=False),
                    _now(),
                ],
            )
            return
        aliases = sorted(set(json.loads(row[0] or "[]")) | set(actor.aliases))
        self.db.execute(
            "update actors set aliases = ?, code = coalesce(code, ?), country = coalesce(country, ?),"
            " sector = coalesce(sector, ?) where id = ?",
            [json.dumps(aliases, ensure_ascii=False), actor.code, actor.country, actor.sector, actor.id],
        )

    def fill_person_roles(self) -> int:
        """Give person mentions without a country or sector those of a role the same person is
        given in another article, the one nearest in date (a role stated in the article itself
        was already used). Returns how many mentions were filled."""
        rows = self.db.execute(
            "select m.id, m.actor_id, a.published from mentions m join actors p on p.id = m.actor_id"
            " join articles a on a.id = m.article_id"
            " where p.kind = 'person' and m.country is null and m.sector is null"
        ).fetchall()
        filled = 0
        for mention_id, actor_id, published in rows:
            role = self.db.execute(
                "select r.title, r.country, r.sector from actor_roles r join articles a on a.id = r.article_id"
                " where r.actor_id = ? and (r.country is not null or r.sector is not null)"
                " order by abs(julianday(coalesce(a.published, '2000-01-01'))"
                " - julianday(coalesce(?, '2000-01-01'))) limit 1",
                [actor_id, published],
            ).fetchone()
            if role:
                self.db.execute(
                    "update mentions set role = ?, country = ?, sector = ? where id = ?",
                    [role[0], role[1], role[2], mention_id],
                )
                filled += 1
        return filled

    def actor(self, actor_id: str) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from actors where id = ?", [actor_id]))
        if not rows:
            return None
        actor = dict(rows[0])
        actor["aliases"] = json.loads(actor["aliases"] or "[]")
        return actor

    def actor_roles(self, actor_id: str) -> list[dict[str, Any]]:
        """Roles the texts give an actor, newest article first."""
        return list(
            self.db.query(
                "select r.title, r.country, r.organization, r.sector, r.article_id, r.evidence, r.start, r.end,"
                " a.published, a.outlet, a.title as article_title from actor_roles r"
                " join articles a on a.id = r.article_id where r.actor_id = ?"
                " order by coalesce(a.published, '') desc, r.article_id, r.start",
                [actor_id],
            )
        )

    def actor_mentions(self, actor_id: str, *, limit: int | None = None) -> list[dict[str, Any]]:
        """Where an actor is mentioned, newest first (undated last): one row per article, with its
        mentions' count and first span."""
        # the page of articles is chosen first (walking the date index when the actor is common),
        # so that only its rows count their mentions
        listed = "select article_id from mentions where actor_id = ?"
        if self.walk_in_order(listed, [actor_id], limit=limit or 10**9, table="articles"):
            mentioning = "exists (select 1 from mentions m where m.actor_id = ? and m.article_id = a.id)"
        else:
            mentioning = f"a.id in ({listed})"
        page = (
            f"select a.id, a.title, a.outlet, a.published, a.rowid as row from articles a where {mentioning}"
            " order by a.published desc, a.rowid desc" + (" limit ?" if limit else "")
        )
        return list(
            self.db.query(
                "select p.id as article_id, p.title, p.outlet, p.published, count(*) as mentions,"
                " min(m.start) as start,"
                " (select text from mentions x where x.article_id = p.id and x.actor_id = ? order by x.start limit 1) as text"
                f" from ({page}) p join mentions m on m.article_id = p.id and m.actor_id = ?"
                " group by p.id order by p.published desc, p.row desc",
                [actor_id, actor_id, *([limit] if limit else []), actor_id],
            )
        )

    def walk_in_order(self, matching_sql: str, params: list[Any], *, limit: int, table: str) -> bool:
        """Whether a filter whose matching rows ``matching_sql`` lists is best checked row by row
        while walking ``table`` in result order (stopping at ``limit``), rather than looked up
        first and sorted. The walk reads about limit × rows / matches rows, the lookup sorts the
        matches: walk when the matches outnumber the square root of limit × rows. Counting stops
        at that threshold, so the choice costs little either way."""
        rows = self.db.execute(f"select max(rowid) from {table}").fetchone()[0] or 0
        threshold = math.isqrt(limit * rows) + 1
        found = self.db.execute(
            f"select count(*) from ({matching_sql} limit {threshold})", params
        ).fetchone()[0]
        return int(found) >= threshold

    def find_actors(self, name: str | None = None, *, limit: int = 50) -> list[dict[str, Any]]:
        """Actors by number of mentions; with ``name``, those whose name or alias contains it."""
        sql = (
            "select a.*, count(m.id) as mentions, count(distinct m.article_id) as articles"
            " from actors a left join mentions m on m.actor_id = a.id"
        )
        params: list[Any] = []
        if name:
            sql += (
                " where a.name like ? escape '\\' or a.aliases like ? escape '\\' or a.id = ? or a.code = ?"
            )
            params += [contains_pattern(name), contains_pattern(name), name, name]
        sql += " group by a.id order by mentions desc, a.name limit ?"
        params.append(limit)
        rows = []
        for row in self.db.query(sql, params):
            record = dict(row)
            record["aliases"] = json.loads(record["aliases"] or "[]")
            rows.append(record)
        return rows

    # --- reading -----------------------------------------------------------------------------

    def search(self, text: str, *, limit: int = 20) -> list[SearchHit]:
        query = fts_query(text)
        if not query:
            return []
        sql = (
            "select a.id, a.title, a.outlet, a.published, a.language,"
            f" snippet(articles_fts, 1, '{HIT_START}', '{HIT_END}', '…', 16) as snippet,"
            " bm25(articles_fts) as score"
            " from articles_fts join articles a on a.rowid = articles_fts.rowid"
            " where articles_fts match ? order by score limit ?"
        )
        try:
            rows = self.db.execute(sql, [query, limit]).fetchall()
        except sqlite3.OperationalError as exc:
            raise StoreError(f"search failed: {exc}") from exc
        return [SearchHit(*row) for row in rows]

    def stats(self) -> dict[str, Any]:
        def grouped(column: str) -> list[tuple[str | None, int]]:
            rows = self.db.execute(
                f"select {column}, count(*) from articles group by {column} order by count(*) desc, {column}"
            )
            return [(r[0], r[1]) for r in rows]

        first, last = self.db.execute("select min(published), max(published) from articles").fetchone()
        problems = self.db.execute(
            "select severity, reason, count(*) from errors group by severity, reason"
            " order by severity, count(*) desc"
        ).fetchall()
        return {
            "articles": self.article_count(),
            "sources": int(self.db.execute("select count(*) from article_sources").fetchone()[0]),
            "words": int(self.db.execute("select coalesce(sum(word_count), 0) from articles").fetchone()[0]),
            "with_date": int(
                self.db.execute("select count(*) from articles where published is not null").fetchone()[0]
            ),
            "with_outlet": int(
                self.db.execute("select count(*) from articles where outlet is not null").fetchone()[0]
            ),
            "first_published": first,
            "last_published": last,
            "outlets": grouped("outlet"),
            "languages": grouped("language"),
            "containers": grouped("container"),
            "problems": [{"severity": s, "reason": r, "count": c} for s, r, c in problems],
        }


def _day(value: str | None) -> dt.date | None:
    """A date string at any precision as the first day it covers (None if unreadable)."""
    if not value:
        return None
    parts = (value + "-01-01")[:10]
    try:
        return dt.date.fromisoformat(parts)
    except ValueError:
        return None


_EVENTS_SQL = (
    "select e.*, a.outlet, a.title, a.published, a.story_id,"
    " substr(a.text, e.evidence_start + 1, e.evidence_end - e.evidence_start) as evidence_text,"
    " (select count(distinct coalesce(x.outlet, x.id)) from events g join articles x on x.id = g.article_id"
    "  where g.report_group = e.report_group) as reported_by"
    " from events e join articles a on a.id = e.article_id"
)
"""An event with what readers want beside it: its article's outlet, title and date, the words of
its evidence sentence, and how many outlets reported the same real-world event."""

_EVENTS_BASE_SQL = (
    "select e.*, a.outlet, a.title, a.published, a.story_id,"
    " substr(a.text, e.evidence_start + 1, e.evidence_end - e.evidence_start) as evidence_text"
    " from events e join articles a on a.id = e.article_id"
)
"""The same without the outlet count, which ``events`` fills for a page of rows at once."""


def _decode_event(row: dict[str, Any]) -> dict[str, Any]:
    for name in ("context", "actor", "recipient", "hedges", "location"):
        value = row.get(name)
        row[name] = json.loads(value) if isinstance(value, str) else value
    return row


def _decode_article(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for name in (*_JSON_FIELDS, *_ANNOTATION_JSON_FIELDS):
        value = out.get(name)
        out[name] = (
            json.loads(value) if isinstance(value, str) and value else ([] if name != "provenance" else {})
        )
    return out
