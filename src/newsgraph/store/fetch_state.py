"""What live fetching remembers per URL, and whether a URL is stored already.

Plain functions taking a ``Store`` (the ``fetch_state`` table comes from migration 8): the
validators a server gave (``ETag``, ``Last-Modified``) for the next conditional GET, the last
status and error, and whether that error is worth retrying.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from .db import Store

FetchKind = Literal["page", "feed"]
ErrorKind = Literal["transient", "permanent"]

_COLUMNS = ("url", "kind", "final_url", "etag", "last_modified", "last_status", "last_fetched",
            "last_changed", "last_error", "error_kind", "failures")  # fmt: skip


@dataclass(slots=True)
class FetchState:
    """One row of ``fetch_state``: what happened the last time ``url`` was requested."""

    url: str
    """The URL as requested (a command-line argument, a feeds-file line, a feed entry's link)."""
    kind: FetchKind = "page"
    final_url: str | None = None
    """Where the redirects ended, when the last request succeeded."""
    etag: str | None = None
    last_modified: str | None = None
    """The validators of the last full answer, sent back as If-None-Match / If-Modified-Since."""
    last_status: int | None = None
    """HTTP status of the last answer (200, 304, 404, ...), None when no answer came."""
    last_fetched: str | None = None
    """When it was last requested (ISO 8601, UTC)."""
    last_changed: str | None = None
    """When it last answered with a body (not 304)."""
    last_error: str | None = None
    """Why the last request failed, or None when it succeeded."""
    error_kind: ErrorKind | None = None
    """``transient`` (timeout, 5xx, robots.txt unreadable: tried again next round) or
    ``permanent`` (4xx, refused address, too large: a feed entry's link is not tried again)."""
    failures: int = 0
    """Consecutive failed requests."""

    def to_row(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def get_fetch_state(store: Store, url: str) -> FetchState | None:
    row = store.db.execute(f"select {', '.join(_COLUMNS)} from fetch_state where url = ?", [url]).fetchone()
    if row is None:
        return None
    values = dict(zip(_COLUMNS, row, strict=True))
    values["failures"] = values["failures"] or 0
    return FetchState(**values)


def save_fetch_state(store: Store, state: FetchState) -> None:
    """Insert or replace the row of ``state.url`` (inside the caller's transaction)."""
    row = state.to_row()
    store.db.execute(
        f"insert or replace into fetch_state ({', '.join(_COLUMNS)}) values ({', '.join('?' for _ in _COLUMNS)})",
        [row[c] for c in _COLUMNS],
    )


def fetch_states(store: Store) -> list[FetchState]:
    """Every remembered URL, in URL order."""
    rows = store.db.execute(f"select {', '.join(_COLUMNS)} from fetch_state order by url").fetchall()
    return [FetchState(**{**dict(zip(_COLUMNS, r, strict=True)), "failures": r[-1] or 0}) for r in rows]


def is_stored(store: Store, url: str, *, include_failed: bool = False) -> bool:
    """True when ``url`` was ingested already: it is an article's URL, the source or URL of a
    stored copy, or an input read before. With ``include_failed``, an input that was read but
    gave no article (too short, not an article) counts too: fetching it again would not help."""
    statuses = "" if include_failed else " and status in ('new', 'duplicate')"
    row = store.db.execute(
        "select 1 from articles where url = :u"
        " union all select 1 from article_sources where source = :u or url = :u"
        f" union all select 1 from inputs where source = :u{statuses} limit 1",
        {"u": url},
    ).fetchone()
    return row is not None


def clear_fetch_problems(store: Store, url: str) -> None:
    """Forget the fetch failures recorded for ``url`` (it has answered since)."""
    store.db.execute("delete from errors where source = ? and stage = 'fetch'", [url])
