"""The story tables: which story each article belongs to, the vectors clustering compares,
the outlet profiles that label coverage, and the per-story summary rows.

A mixin of ``Store`` (it uses only ``self.db``), kept apart so that ``db.py`` stays about
articles and annotations.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlite_utils

_NAMED_KINDS = ("person", "organization", "armed_group")
_IDS = "(select value from json_each(?))"
"""A list of ids passed as one JSON parameter: no limit on how many, one statement."""
_ARTICLE_IDS = (
    "(select json_group_array(id) from (select id from articles x where x.story_id = s.id"
    " order by coalesce(x.published, '9999'), x.id)) as article_ids"
)
"""A story's member ids in publication order, read with the story row."""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class StoryQueries:
    db: sqlite_utils.Database

    # --- outlets ---------------------------------------------------------------------------

    def save_outlet(self, profile: dict[str, Any]) -> None:
        """Remember an outlet's profile (country, ownership, kind) as of this ingest."""
        self.db.execute(
            "insert into outlets (name, country, ownership, kind, languages, hosts) values (?, ?, ?, ?, ?, ?)"
            " on conflict(name) do update set country = excluded.country, ownership = excluded.ownership,"
            " kind = excluded.kind, languages = excluded.languages, hosts = excluded.hosts",
            [
                profile["name"], profile.get("country"), profile.get("ownership"), profile.get("kind"),
                json.dumps(list(profile.get("languages") or [])), json.dumps(list(profile.get("hosts") or [])),
            ],
        )  # fmt: skip

    def outlet_profiles(self) -> dict[str, dict[str, Any]]:
        out = {}
        for row in self.db.query("select * from outlets"):
            row["languages"] = json.loads(row["languages"] or "[]")
            row["hosts"] = json.loads(row["hosts"] or "[]")
            out[row["name"]] = row
        return out

    # --- what clustering reads -------------------------------------------------------------

    def articles_without_story(self) -> list[str]:
        """Ids of the articles in no story yet, oldest first (undated last)."""
        return [
            r[0]
            for r in self.db.execute(
                "select id from articles where story_id is null order by coalesce(published, '9999'), id"
            )
        ]

    def story_rows(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """What the story stage reads of these articles, in the order given."""
        rows = {
            r["id"]: r
            for r in self.db.query(
                f"select id, title, text, published, language, outlet from articles where id in {_IDS}",
                [json.dumps(list(ids))],
            )
        }
        return [rows[i] for i in ids if i in rows]

    def vectors(self, ids: Sequence[str], model: str) -> dict[str, bytes]:
        return dict(
            self.db.execute(
                f"select article_id, vector from article_vectors where model = ? and article_id in {_IDS}",
                [model, json.dumps(list(ids))],
            ).fetchall()
        )

    def save_vector(self, article_id: str, model: str, blob: bytes) -> None:
        self.db.execute(
            "insert or replace into article_vectors (article_id, model, vector) values (?, ?, ?)",
            [article_id, model, blob],
        )

    def named_actors(self, ids: Sequence[str]) -> dict[str, set[str]]:
        """Per article, the people, organisations and armed groups it mentions."""
        out: dict[str, set[str]] = defaultdict(set)
        kinds = ",".join(f"'{k}'" for k in _NAMED_KINDS)
        for article_id, actor_id in self.db.execute(
            f"select distinct m.article_id, m.actor_id from mentions m join actors a on a.id = m.actor_id"
            f" where a.kind in ({kinds}) and m.article_id in {_IDS}",
            [json.dumps(list(ids))],
        ):
            out[article_id].add(actor_id)
        return out

    def event_days(self, ids: Sequence[str]) -> dict[str, list[str]]:
        """Per article, the day-precision dates of its asserted events (a day for undated ones)."""
        out: dict[str, list[str]] = defaultdict(list)
        for article_id, date in self.db.execute(
            f"select article_id, date from events where length(date) = 10 and modality = 'asserted'"
            f" and article_id in {_IDS}",
            [json.dumps(list(ids))],
        ):
            out[article_id].append(date)
        return out

    def event_signatures(self, ids: Sequence[str]) -> dict[str, set[str]]:
        """Per article, its events as "TYPE|actor codes>recipient codes|day", for events with a
        day and at least one coded party (an uncoded "attack" on an unknown day says little)."""
        out: dict[str, set[str]] = defaultdict(set)
        for article_id, event, actors, recipients, date in self.db.execute(
            f"select article_id, event, coalesce(actor_codes, ''), coalesce(recipient_codes, ''), date"
            f" from events where length(date) = 10 and modality != 'negated' and article_id in {_IDS}"
            f" and (coalesce(actor_codes, '') != '' or coalesce(recipient_codes, '') != '')",
            [json.dumps(list(ids))],
        ):
            parties = " ".join(sorted(actors.split())) + ">" + " ".join(sorted(recipients.split()))
            out[article_id].add(f"{event}|{parties}|{date}")
        return out

    def story_members(self, first_day: str | None, last_day: str | None) -> list[dict[str, Any]]:
        """Articles of the stories whose days overlap [first_day, last_day] (all if both None)."""
        sql = (
            "select a.id, a.title, a.text, a.published, a.language, a.outlet, a.story_id, s.first_day,"
            " s.last_day from articles a join stories s on s.id = a.story_id"
        )
        args: list[Any] = []
        if first_day and last_day:
            sql += " where s.last_day >= ? and s.first_day <= ?"
            args = [first_day, last_day]
        return list(self.db.query(sql + " order by a.story_id, a.id", args))

    def latest_story_members(self, limit: int) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "select a.id, a.title, a.text, a.published, a.language, a.outlet, a.story_id, s.first_day,"
                " s.last_day from articles a join stories s on s.id = a.story_id where s.id in"
                " (select id from stories order by coalesce(last_day, '') desc limit ?) order by a.story_id, a.id",
                [limit],
            )
        )

    # --- what clustering writes ------------------------------------------------------------

    def assign_story(self, article_id: str, story_id: str, score: float, duplicate_of: str | None) -> None:
        self.db.execute(
            "update articles set story_id = ?, story_score = ?, duplicate_of = ? where id = ?",
            [story_id, score, duplicate_of, article_id],
        )

    def save_story(
        self, story_id: str, title: str | None, first_day: str | None, last_day: str | None
    ) -> None:
        """Write a story's row, its counts and dates recomputed from its member articles."""
        published = self.db.execute(
            "select min(published), max(published), count(*) from articles where story_id = ?", [story_id]
        ).fetchone()
        languages = [
            r[0]
            for r in self.db.execute(
                "select language from articles where story_id = ? and language is not null"
                " group by language order by count(*) desc, language",
                [story_id],
            )
        ]
        outlets = [
            r[0]
            for r in self.db.execute(
                "select outlet from articles where story_id = ? and outlet is not null"
                " group by outlet order by min(coalesce(published, '9999')), outlet",
                [story_id],
            )
        ]
        now = _now()
        self.db.execute(
            "insert into stories (id, title, first_published, last_published, languages, outlets,"
            " article_count, first_day, last_day, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " on conflict(id) do update set title = excluded.title, first_published = excluded.first_published,"
            " last_published = excluded.last_published, languages = excluded.languages,"
            " outlets = excluded.outlets, article_count = excluded.article_count,"
            " first_day = excluded.first_day, last_day = excluded.last_day, updated_at = excluded.updated_at",
            [
                story_id, title, published[0], published[1], json.dumps(languages), json.dumps(outlets),
                published[2], first_day, last_day, now, now,
            ],
        )  # fmt: skip

    def merge_story(self, old: str, into: str) -> None:
        """Move every article of story ``old`` to ``into``; ``old`` stays resolvable as an alias."""
        self.db.execute("update articles set story_id = ? where story_id = ?", [into, old])
        self.db.execute("delete from stories where id = ?", [old])
        self.db.execute("update story_aliases set merged_into = ? where merged_into = ?", [into, old])
        self.db.execute(
            "insert or replace into story_aliases (id, merged_into, merged_at) values (?, ?, ?)",
            [old, into, _now()],
        )

    def resolve_story_id(self, story_id: str) -> str:
        """The current id of a story (ids of stories merged into another lead to it)."""
        if "story_aliases" not in self.db.table_names():
            return story_id
        row = self.db.execute("select merged_into from story_aliases where id = ?", [story_id]).fetchone()
        return str(row[0]) if row else story_id

    def clear_stories(self) -> None:
        """Forget every story (for ``stories --rebuild``); vectors are kept."""
        self.db.execute("update articles set story_id = null, story_score = null, duplicate_of = null")
        self.db.execute("delete from stories")
        self.db.execute("delete from story_aliases")

    # --- what readers read -----------------------------------------------------------------

    def stories(
        self, *, limit: int | None = None, min_outlets: int = 1, newest_first: bool = False
    ) -> list[dict[str, Any]]:
        """Stories oldest (or newest) first, undated last, each with its article ids (in
        publication order)."""
        direction = "desc" if newest_first else "asc"
        order = f"first_day is null, first_day {direction}, first_published {direction}, id"
        # the page of stories is chosen first, so that only its rows gather their article ids
        sql = f"select * from stories where json_array_length(outlets) >= ? order by {order}"
        args: list[Any] = [min_outlets]
        if limit:
            sql += " limit ?"
            args.append(limit)
        sql = f"select s.*, {_ARTICLE_IDS} from ({sql}) s order by {order}"
        return [_decode_story(row) for row in self.db.query(sql, args)]

    def story(self, story_id: str) -> dict[str, Any] | None:
        """A story by id (or by the id of a story since merged into it)."""
        rows = list(
            self.db.query(
                f"select s.*, {_ARTICLE_IDS} from stories s where id = ?", [self.resolve_story_id(story_id)]
            )
        )
        return _decode_story(rows[0]) if rows else None

    def story_articles(self, story_id: str) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "select id, title, outlet, published, language, url, source, text, duplicate_of, story_score"
                " from articles where story_id = ? order by coalesce(published, '9999'), id",
                [story_id],
            )
        )

    def story_mentions(self, story_id: str) -> list[dict[str, Any]]:
        """Every actor mention in the story's articles, with the actor's name and kind."""
        return self._mentions("a.story_id = ?", story_id)

    def article_mentions(self, article_id: str) -> list[dict[str, Any]]:
        return self._mentions("m.article_id = ?", article_id)

    def _mentions(self, where: str, value: str) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "select m.article_id, m.actor_id, m.text, m.start, m.end, m.sentence, n.name, n.kind"
                " from mentions m join articles a on a.id = m.article_id join actors n on n.id = m.actor_id"
                f" where {where} order by m.article_id, m.start",
                [value],
            )
        )

    def story_quotes(self, story_id: str) -> list[dict[str, Any]]:
        """Every quote in the story's articles, with its speaker's name."""
        return self._quotes("a.story_id = ?", story_id)

    def article_quotes(self, article_id: str) -> list[dict[str, Any]]:
        return self._quotes("q.article_id = ?", article_id)

    def _quotes(self, where: str, value: str) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "select q.article_id, q.speaker, q.speaker_text, q.text, q.start, q.end, q.kind, n.name as speaker_name"
                " from quotes q join articles a on a.id = q.article_id left join actors n on n.id = q.speaker"
                f" where {where} order by q.article_id, q.start",
                [value],
            )
        )

    def story_sentences(self, story_id: str) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "select s.article_id, s.idx, s.start, s.end from sentences s join articles a on a.id = s.article_id"
                " where a.story_id = ? order by s.article_id, s.idx",
                [story_id],
            )
        )

    def story_count(self) -> int:
        return int(self.db.execute("select count(*) from stories").fetchone()[0])


def _decode_story(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["languages"] = json.loads(row["languages"] or "[]")
    out["outlets"] = json.loads(row["outlets"] or "[]")
    out["article_ids"] = json.loads(row["article_ids"] or "[]")
    return out
