"""``newsgraph bench serve``: latency of every JSON route of the dashboard on a large database.

Figures, not tests. The database is generated: the demo corpus is ingested for real (extraction,
annotation, stories), then its rows (articles with their full-text index, sentences, mentions,
events, event parties, quotes, places, stories) are copied under new ids until the database
holds ``articles`` articles; copies are spread over the years so that date filters select.
Each route is then called ``repeat`` times in process (the ASGI app with its read-only store,
no network) and the 50th and 95th percentiles of the wall time are reported.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .options import IngestOptions
from .pipeline import ingest
from .store import Store

# table -> (columns whose value gets the copy's suffix, other columns copied as they are)
_COPIED = {
    "sentences": (("article_id",), ("idx", "start", "end")),
    "mentions": (("article_id",), ("actor_id", "text", "start", "end", "sentence", "country", "sector", "role",
                                   "how", "confidence")),
    "events": (("id", "article_id", "report_group"), ("sentence", "event", "mode", "context", "cameo", "actor",
               "recipient", "actor_codes", "recipient_codes", "modality", "attributed_to", "attributed_text",
               "hedges", "date", "date_text", "location", "evidence_start", "evidence_end", "trigger",
               "trigger_start", "trigger_end", "confidence")),
    "event_actors": (("event_id",), ("actor_id", "role")),
    "quotes": (("article_id",), ("speaker", "speaker_text", "text", "start", "end", "kind", "cue", "sentence")),
    "places": (("article_id",), ("text", "start", "end", "name", "country", "lat", "lon", "kind")),
    "stories": (("id",), ("title", "first_published", "last_published", "languages", "outlets", "article_count",
                "first_day", "last_day", "created_at", "updated_at")),
}  # fmt: skip
_ARTICLE_SUFFIXED = ("id", "content_hash", "source", "story_id", "raw_hash")


@dataclass(slots=True, frozen=True)
class RouteLatency:
    route: str
    p50_ms: float
    p95_ms: float
    calls: int
    status: int
    first_ms: float
    """The first call, before the page cache and the app's result cache are warm."""


def _shift(column: str, copy: int) -> str:
    """A date column moved back ``copy`` weeks (copies spread over time), kept at its precision."""
    return (
        f"case when length({column}) = 10 then date({column}, '-{7 * copy} days')"
        f" when length({column}) = 7 then substr(date({column} || '-01', '-{7 * copy} days'), 1, 7)"
        f" else {column} end"
    )


def build_database(path: Path, articles: int) -> int:
    """Ingest the demo corpus at ``path`` and copy it until it holds ``articles``; return the count."""
    demo = resources.files("newsgraph.demo")
    with resources.as_file(demo) as demo_dir, Store(path) as store:
        ingest(
            [str(Path(demo_dir) / "corpus")],
            store,
            IngestOptions(outlet_files=(Path(demo_dir) / "outlets.yaml",)),
        )
        columns = [c for c in store.db.table("articles").columns_dict if c != "rowid"]
        tables = [t for t in _COPIED if t in store.db.table_names()]
        for table in ["articles", *tables]:  # the originals, apart: copying must not rescan the copies
            store.db.execute(f"create temp table base_{table} as select * from {table}")
        copy = 0
        while store.article_count() < articles:
            copy += 1
            suffix = f"~{copy}"
            with store.transaction():
                select = ", ".join(
                    f"{c} || '{suffix}'"
                    if c in _ARTICLE_SUFFIXED
                    else (_shift(c, copy) if c == "published" else c)
                    for c in columns
                )
                store.db.execute(
                    f"insert into articles ({', '.join(columns)}) select {select} from base_articles"
                    f" limit {articles - store.article_count()}"
                )
                for table in tables:
                    suffixed, plain = _COPIED[table]
                    cols = [*suffixed, *plain]
                    values = [f"{c} || '{suffix}'" for c in suffixed] + [
                        _shift(c, copy) if c in ("date", "first_day", "last_day", "first_published", "last_published")
                        else c for c in plain
                    ]  # fmt: skip
                    store.db.execute(
                        f"insert or ignore into {table} ({', '.join(f'[{c}]' for c in cols)})"
                        f" select {', '.join(values)} from base_{table}"
                    )
        store.db.execute("analyze")
        return store.article_count()


def routes(store: Store) -> list[str]:
    """One call of every JSON route, with realistic arguments taken from the database."""
    story = store.db.execute("select id from stories order by article_count desc limit 1").fetchone()[0]
    article = store.db.execute("select id from articles where annotated is not null limit 1").fetchone()[0]
    return [
        "/api/search?q=Wagner",
        '/api/search?q="Africa Corps"&language=en',
        "/api/search?outlet=Northwire&since=2024",
        "/api/search?actor=state:RUS",
        f"/api/articles/{article}",
        "/api/stories?min_outlets=3",
        f"/api/stories/{story}",
        "/api/actors",
        "/api/actors?name=Lavrov",
        "/api/actors/state:RUS",
        "/api/actors/person:sergey-lavrov",
        "/api/events",
        "/api/events?actor=RUS&type=SANCTION",
        "/api/events?since=2025-01&until=2025-06",
        "/api/timeline?type=ASSAULT",
        "/api/map",
        "/api/network",
    ]


def bench_serve(
    articles: int = 100_000, repeat: int = 20, db: Path | None = None
) -> tuple[int, list[RouteLatency]]:
    from fastapi.testclient import TestClient

    from .web.app import create_app
    from .web.queries import warm_up

    with tempfile.TemporaryDirectory(prefix="newsgraph-bench-serve-") as tmp:
        path = db or Path(tmp) / "bench.db"
        if path.exists():
            with Store(path) as store:  # migrated, like any database newsgraph opens for writing
                total = store.article_count()
        else:
            total = build_database(path, articles)
        client = TestClient(create_app(path))
        warm_up()  # as `newsgraph serve` does before it listens
        with Store(path, readonly=True) as store:
            paths = routes(store)
        rows = []
        for route in paths:
            start = time.perf_counter()
            status = client.get(route).status_code  # the first call also warms the caches
            first = (time.perf_counter() - start) * 1000
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                client.get(route)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            rows.append(RouteLatency(route, statistics.median(times), p95, repeat, status, first))
    return total, rows
