"""The HTTP app behind ``newsgraph serve``: HTML pages and their JSON twins over one database.

Every page ``/X`` has a twin ``/api/X`` that returns the same data as JSON, computed by the same
function of ``queries``; lists also download as CSV or JSONL (``?format=csv``). The app only
reads: the database is opened read-only for each request (WAL mode lets ``ingest`` write at the
same time). Security: Jinja2 escapes every value, the Content-Security-Policy allows no inline
script and nothing from another origin, and a token is required whenever one is configured
(``serve`` requires one for any bind that is not loopback).
"""

import csv
import hmac
import io
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.base import BaseHTTPMiddleware

from ..errors import NewsgraphError
from ..store import Store
from ..store.db import HIT_END, HIT_START
from . import queries

CYTOSCAPE_STYLE = "'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='"
"""The one fixed stylesheet cytoscape injects into the page (no user text in it), allowed by hash."""
CSP = (
    f"default-src 'self'; script-src 'self'; style-src 'self' {CYTOSCAPE_STYLE}; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
TOKEN_COOKIE = "newsgraph_token"
MAX_QUERY = 500
"""Longest search text accepted: every word is one more term the full-text index must intersect."""
MAX_VALUE = 200
"""Longest filter value accepted (an id, a name, a code); SQLite refuses LIKE patterns past 50 KB."""
Words = Annotated[str, Query(max_length=MAX_QUERY)]
Value = Annotated[str | None, Query(max_length=MAX_VALUE)]
MinOutlets = Annotated[int, Query(ge=1, le=10_000)]


def _web_dir() -> Path:
    return Path(str(resources.files("newsgraph.web")))


class _Security(BaseHTTPMiddleware):
    """Security headers on every response; the token, when one is set, on every request; the
    Host header, when ``allowed_hosts`` is given, on every request (a page on another site whose
    name is made to resolve to 127.0.0.1, "DNS rebinding", cannot read a loopback dashboard)."""

    def __init__(self, app: Any, token: str | None, allowed_hosts: frozenset[str] | None) -> None:
        super().__init__(app)
        self.token = token
        self.allowed_hosts = allowed_hosts

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response: Response
        if self.allowed_hosts is not None and _host_name(request) not in self.allowed_hosts:
            response = PlainTextResponse("unknown host: use the address the dashboard was started on", 400)
        elif self.token and not _token_matches(request, self.token):
            response = PlainTextResponse("a valid token is required (?token=...)", status_code=401)
        else:
            response = await call_next(request)
            if self.token and request.query_params.get("token"):
                response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response


def _token_matches(request: Request, token: str) -> bool:
    given = (
        request.query_params.get("token")
        or request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        or request.cookies.get(TOKEN_COOKIE)
    )
    if not given:
        return False
    # compared as bytes: compare_digest refuses str with non-ASCII characters
    return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))


_HOST = re.compile(r"(\[[0-9a-f:.]+\]|[^:\[\]@/\\\s]+)(?::\d{1,5})?")


def _host_name(request: Request) -> str:
    """The Host header's name, without the port ("[::1]:8000" -> "[::1]"); "" when malformed."""
    match = _HOST.fullmatch(request.headers.get("host", "").strip().lower())
    return match.group(1) if match else ""


def _bracketed(host: str) -> str:
    """IPv6 addresses as the Host header writes them: "::1" -> "[::1]"."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def create_app(db: Path, *, token: str | None = None, allowed_hosts: Iterable[str] | None = None) -> FastAPI:
    """The dashboard over the database at ``db`` (which must exist). With ``allowed_hosts``
    (names and addresses, without ports), requests naming another host are refused."""
    Store(db, readonly=True).close()  # fail now, with a clear error, rather than on each request
    app = FastAPI(title="newsgraph", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    hosts = None if allowed_hosts is None else frozenset(_bracketed(h.strip().lower()) for h in allowed_hosts)
    app.add_middleware(_Security, token=token, allowed_hosts=hosts)
    app.mount("/static", StaticFiles(directory=_web_dir() / "static"), name="static")
    templates = Jinja2Templates(directory=_web_dir() / "templates")
    cache = queries.ResultCache()
    templates.env.globals["HIT_START"], templates.env.globals["HIT_END"] = HIT_START, HIT_END

    def open_store() -> Iterator[Store]:
        try:
            store = Store(db, readonly=True)
        except NewsgraphError as exc:
            raise HTTPException(503, exc.reason) from exc
        try:
            yield store
        finally:
            store.close()

    StoreDep = Annotated[Store, Depends(open_store)]

    def page(request: Request, template: str, data: Any, title: str) -> HTMLResponse:
        return templates.TemplateResponse(request, template, {"data": data, "title": title})

    def found(value: Any, what: str) -> Any:
        if value is None:
            raise HTTPException(404, f"no such {what}")
        return value

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    def api_page(request: Request) -> HTMLResponse:
        spec = app.openapi()
        routes = [
            {"path": path, "summary": op.get("summary", ""),
             "params": [p["name"] for p in op.get("parameters", [])]}
            for path, ops in spec["paths"].items() for op in ops.values()
        ]  # fmt: skip
        return page(request, "api.html", routes, "API")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response((_web_dir() / "static" / "favicon.svg").read_bytes(), media_type="image/svg+xml")

    # --- search --------------------------------------------------------------------------

    def search_args(
        q: Words = "",
        outlet: Value = None,
        language: Value = None,
        since: Annotated[str | None, Query(pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")] = None,
        until: Annotated[str | None, Query(pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")] = None,
        actor: Value = None,
        event: Value = None,
        page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    ) -> queries.SearchFilters:
        return queries.SearchFilters(q, outlet or None, language or None, since or None, until or None,
                                     actor or None, event or None, page)  # fmt: skip

    Filters = Annotated[queries.SearchFilters, Depends(search_args)]

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, store: StoreDep, filters: Filters) -> HTMLResponse:
        return page(request, "search.html", queries.search(store, filters), "Search")

    @app.get("/api/search", summary="Full-text search with facets (JSON, CSV or JSONL)")
    def search_api(store: StoreDep, filters: Filters, format: str = "json") -> Response:
        data = queries.search(store, filters)
        rows = [{**h, "snippet": "".join(p["text"] for p in h["snippet"])} for h in data["hits"]]
        return _as(format, data, rows, "search")

    # --- articles ------------------------------------------------------------------------

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, store: StoreDep, article_id: str) -> HTMLResponse:
        data = found(queries.article(store, article_id), "article")
        return page(request, "article.html", data, data["article"]["title"] or article_id)

    @app.get("/api/articles/{article_id}", summary="One article with its actors, events and quotes")
    def article_api(store: StoreDep, article_id: str) -> Any:
        return found(queries.article(store, article_id), "article")

    # --- stories -------------------------------------------------------------------------

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(request: Request, store: StoreDep, min_outlets: MinOutlets = 1) -> HTMLResponse:
        return page(request, "stories.html", queries.stories(store, min_outlets=min_outlets), "Stories")

    @app.get("/api/stories", summary="Stories, oldest first (JSON, CSV or JSONL)")
    def stories_api(store: StoreDep, min_outlets: MinOutlets = 1, format: str = "json") -> Response:
        data = queries.stories(store, min_outlets=min_outlets)
        return _as(format, data, data, "stories")

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, store: StoreDep, story_id: str) -> HTMLResponse:
        data = found(cache.get(store, ("story", story_id), lambda: queries.story(store, story_id)), "story")
        return page(request, "story.html", data, data["story"]["title"] or story_id)

    @app.get("/api/stories/{story_id}", summary="How each outlet tells one story")
    def story_api(store: StoreDep, story_id: str) -> Any:
        return found(cache.get(store, ("story", story_id), lambda: queries.story(store, story_id)), "story")

    # --- actors --------------------------------------------------------------------------

    @app.get("/actors", response_class=HTMLResponse, include_in_schema=False)
    def actors_page(request: Request, store: StoreDep, name: Value = None) -> HTMLResponse:
        return page(
            request,
            "actors.html",
            {
                "name": name or "",
                "actors": cache.get(store, ("actors", name), lambda: queries.actors(store, name)),
            },
            "Actors",
        )

    @app.get("/api/actors", summary="Actors by mentions (JSON, CSV or JSONL)")
    def actors_api(store: StoreDep, name: Value = None, format: str = "json") -> Response:
        data = cache.get(store, ("actors", name), lambda: queries.actors(store, name))
        return _as(format, data, data, "actors")

    @app.get("/actors/{actor_id}", response_class=HTMLResponse, include_in_schema=False)
    def actor_page(request: Request, store: StoreDep, actor_id: str) -> HTMLResponse:
        data = found(cache.get(store, ("actor", actor_id), lambda: queries.actor(store, actor_id)), "actor")
        return page(request, "actor.html", data, data["actor"]["name"])

    @app.get("/api/actors/{actor_id}", summary="One actor: roles, mentions over time, events, relations")
    def actor_api(store: StoreDep, actor_id: str) -> Any:
        return found(cache.get(store, ("actor", actor_id), lambda: queries.actor(store, actor_id)), "actor")

    # --- events --------------------------------------------------------------------------

    def event_filters(
        actor: Value = None,
        type: Value = None,
        since: Annotated[str | None, Query(pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")] = None,
        until: Annotated[str | None, Query(pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")] = None,
        outlet: Value = None,
        modality: Value = None,
        story: Value = None,
        limit: Annotated[int, Query(ge=1, le=100_000)] = 200,
    ) -> dict[str, Any]:
        return {"actor": actor or None, "event": type or None, "since": since or None, "until": until or None,
                "outlet": outlet or None, "modality": modality or None, "story": story or None, "limit": limit}  # fmt: skip

    EventArgs = Annotated[dict[str, Any], Depends(event_filters)]

    @app.get("/events", response_class=HTMLResponse, include_in_schema=False)
    def events_page(request: Request, store: StoreDep, filters: EventArgs) -> HTMLResponse:
        return page(
            request, "events.html", {"filters": filters, "events": queries.events(store, **filters)}, "Events"
        )

    @app.get("/api/events", summary="Events with their evidence (JSON, CSV or JSONL)")
    def events_api(store: StoreDep, filters: EventArgs, format: str = "json") -> Response:
        data = queries.events(store, **filters)
        return _as(format, data, data, "events")

    @app.get("/network", response_class=HTMLResponse, include_in_schema=False)
    def network_page(request: Request) -> HTMLResponse:
        return page(request, "network.html", None, "Network")

    @app.get("/timeline", response_class=HTMLResponse, include_in_schema=False)
    def timeline_page(request: Request) -> HTMLResponse:
        return page(request, "timeline.html", {"tones": queries.EVENT_TONE}, "Timeline")

    @app.get("/map", response_class=HTMLResponse, include_in_schema=False)
    def map_page(request: Request) -> HTMLResponse:
        return page(request, "map.html", None, "Map")

    @app.get("/api/timeline", summary="Dated events for the timeline (the events list)")
    def timeline_api(store: StoreDep, filters: EventArgs, format: str = "json") -> Response:
        data = queries.events(store, **filters)
        return _as(format, data, data, "timeline")

    @app.get("/api/map", summary="Event locations with their events (JSON, CSV or JSONL)")
    def map_api(store: StoreDep, filters: EventArgs, format: str = "json") -> Response:
        data = cache.get(
            store, ("map", *sorted(filters.items())), lambda: queries.map_points(store, **filters)
        )
        return _as(format, data, data, "map")

    @app.get("/api/network", summary="Actors and the events between them")
    def network_api(store: StoreDep, filters: EventArgs) -> Any:
        def compute() -> Any:
            return queries.network(
                store,
                actor=filters["actor"],
                since=filters["since"],
                until=filters["until"],
                event=filters["event"],
            )

        return cache.get(store, ("network", *sorted(filters.items())), compute)

    @app.exception_handler(NewsgraphError)
    def _library_error(request: Request, exc: NewsgraphError) -> Response:
        return JSONResponse({"detail": exc.reason}, status_code=400)

    return app


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _flat(value: Any) -> Any:
    """One CSV cell. Text a spreadsheet would run as a formula (a headline starting "=HYPERLINK(",
    say) gets a leading apostrophe, the usual mark for "this is text"; numbers stay numbers."""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _as(format: str, data: Any, rows: list[dict[str, Any]], name: str) -> Response:
    """``data`` as JSON, or ``rows`` as a CSV or JSONL download."""
    if format == "json":
        return JSONResponse(data)
    if format == "jsonl":
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        return Response(body, media_type="application/x-ndjson",
                        headers={"Content-Disposition": f'attachment; filename="{name}.jsonl"'})  # fmt: skip
    if format == "csv":
        out = io.StringIO()
        columns = list(dict.fromkeys(k for r in rows for k in r))
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        for r in rows:
            writer.writerow({k: _flat(v) for k, v in r.items()})
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})  # fmt: skip
    raise HTTPException(400, "format is json, jsonl or csv")
