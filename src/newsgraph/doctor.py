"""``newsgraph doctor``: is this database whole, current and consistent?

A check-up to run after a crash, a copy between machines, or before trusting an old file. It
reads only; it never repairs (re-running ``ingest`` or ``annotate`` is the repair, and the report
says which). Each finding is a ``Check``: a name, whether it passed, and what was counted.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from .annotate import ANNOTATOR_VERSION
from .store import Store
from .store.migrations import SCHEMA_VERSION, applied_version


@dataclass(slots=True, frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    count: int = 0
    """How many rows the finding concerns (0 when it passed)."""
    fix: str | None = None
    """What to run to repair it, when something can."""
    warning: bool = False
    """A state to know about (work waiting), not damage: it does not fail the check-up."""


@dataclass(slots=True)
class Report:
    checks: list[Check] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(check.ok or check.warning for check in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "counts": self.counts,
            "checks": [
                {
                    "name": c.name,
                    "ok": c.ok,
                    "warning": c.warning,
                    "detail": c.detail,
                    "count": c.count,
                    "fix": c.fix,
                }
                for c in self.checks
            ],
        }


_ORPHANS: tuple[tuple[str, str, str], ...] = (
    # what is checked, the rows that point nowhere, the repair
    ("article sources without their article",
     "select count(*) from article_sources s where not exists (select 1 from articles a where a.id = s.article_id)", "ingest"),
    ("sentences without their article",
     "select count(*) from sentences s where not exists (select 1 from articles a where a.id = s.article_id)", "annotate --redo"),
    ("mentions without their article",
     "select count(*) from mentions m where not exists (select 1 from articles a where a.id = m.article_id)", "annotate --redo"),
    ("mentions of an unknown actor",
     "select count(*) from mentions m where not exists (select 1 from actors x where x.id = m.actor_id)", "annotate --redo"),
    ("events without their article",
     "select count(*) from events e where not exists (select 1 from articles a where a.id = e.article_id)", "annotate --redo"),
    ("event parties without their event",
     "select count(*) from event_actors p where not exists (select 1 from events e where e.id = p.event_id)", "annotate --redo"),
    ("quotes without their article",
     "select count(*) from quotes q where not exists (select 1 from articles a where a.id = q.article_id)", "annotate --redo"),
    ("articles in a story that does not exist",
     "select count(*) from articles a where a.story_id is not null and a.story_id not in (select id from stories)"
     "", "annotate"),
    ("inputs stored as an article that does not exist",
     "select count(*) from inputs i where i.article_id is not null and i.status in ('new', 'duplicate')"
     " and not exists (select 1 from articles a where a.id = i.article_id)", "ingest"),
    ("evidence outside its article's text",
     "select count(*) from events e join articles a on a.id = e.article_id"
     " where e.evidence_start < 0 or e.evidence_end > length(a.text) or e.evidence_start > e.evidence_end", "annotate --redo"),
)  # fmt: skip


def examine(store: Store) -> Report:
    """Every check, on a store opened read-only. A file too damaged to read is a failed check,
    not an exception."""
    report = Report()
    try:
        _examine(store, report)
    except sqlite3.DatabaseError as exc:
        report.checks.append(Check("readable", False, f"SQLite cannot read the file: {exc}", 1,
                                   fix="restore a backup; `sqlite3 FILE .recover` may save part of it"))  # fmt: skip
    return report


def _examine(store: Store, report: Report) -> None:
    db = store.db
    tables = set(db.table_names())
    integrity = [r[0] for r in db.execute("pragma integrity_check").fetchall()]
    report.checks.append(
        Check(
            "SQLite integrity",
            integrity == ["ok"],
            "ok" if integrity == ["ok"] else "; ".join(integrity[:5]),
            0 if integrity == ["ok"] else len(integrity),
        )
    )
    version = applied_version(db)
    report.checks.append(
        Check(
            "schema version",
            version == SCHEMA_VERSION,
            f"{version} (this newsgraph writes {SCHEMA_VERSION})",
            fix="upgrade newsgraph"
            if version > SCHEMA_VERSION
            else "any writing command (ingest) migrates it",
            warning=version < SCHEMA_VERSION,
        )
    )
    fts = db.execute("select count(*) from articles_fts").fetchone()[0] if "articles_fts" in tables else 0
    articles = store.article_count()
    report.checks.append(
        Check(
            "full-text index",
            fts == articles,
            f"{fts} indexed of {articles} articles",
            abs(fts - articles),
            fix=None if fts == articles else "newsgraph ingest (re-indexes on write)",
        )
    )
    for name, sql, fix in _ORPHANS:
        needed = {word for word in sql.replace("(", " ").split() if word in _TABLES}
        if not needed <= tables:
            continue
        count = int(db.execute(sql).fetchone()[0])
        report.checks.append(Check(name, count == 0, f"{count} row(s)" if count else "none", count,
                                   fix=f"newsgraph {fix}" if count else None))  # fmt: skip
    if "articles" in tables:
        stale = int(db.execute("select count(*) from articles where annotated is null or annotated < ?",
                               [ANNOTATOR_VERSION]).fetchone()[0])  # fmt: skip
        report.checks.append(Check("articles awaiting annotation", stale == 0, f"{stale} article(s)" if stale else "none",
                                   stale, fix="newsgraph annotate" if stale else None, warning=True))  # fmt: skip
        ungrouped = int(db.execute("select count(*) from articles where story_id is null").fetchone()[0])
        report.checks.append(Check("articles in no story", ungrouped == 0, f"{ungrouped} article(s)" if ungrouped else "none",
                                   ungrouped, fix="newsgraph annotate" if ungrouped else None, warning=True))  # fmt: skip
    for table in sorted(_TABLES & tables):
        report.counts[table] = int(db.execute(f"select count(*) from [{table}]").fetchone()[0])


_TABLES = {
    "articles", "article_sources", "inputs", "errors", "sentences", "actors", "mentions", "actor_roles",
    "events", "event_actors", "quotes", "places", "stories", "story_aliases", "article_vectors", "outlets",
}  # fmt: skip
