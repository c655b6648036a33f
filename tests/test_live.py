"""Live sources (``newsgraph fetch`` / ``watch``) against a real HTTP server on 127.0.0.1.

The server is ``http.server`` in a thread, with routes each test controls; every request it
receives is logged, so tests check what was (and was not) asked for. No other network is used:
the guard's tests use literal addresses, and name resolution only ever sees ``localhost``.
"""

from __future__ import annotations

import html
import ipaddress
import itertools
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpcore
import pytest
from typer.testing import CliRunner

from newsgraph import ConfigError, IngestOptions, Store
from newsgraph.cli import app
from newsgraph.live import (
    AddressPolicy,
    BlockedAddress,
    Fetcher,
    FetchOptions,
    FetchTimeout,
    HTTPStatusError,
    LiveSession,
    RefusedURL,
    ResponseTooLarge,
    RobotsDisallowed,
    RobotsUnavailable,
    TooManyRedirects,
    address_problem,
    check_url,
    fetch_urls,
    read_feeds_file,
    watch_feeds,
)
from newsgraph.live.client import Politeness
from newsgraph.live.guard import GuardedBackend, GuardedTransport
from newsgraph.store.fetch_state import fetch_states, get_fetch_state, is_stored
from newsgraph.store.migrations import MIGRATIONS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NO_ANNOTATION = IngestOptions(annotate=False)

# --- our own news texts (written for these tests) --------------------------------------------

MALI = (
    "Russian instructors arrive in Ségou as Mali widens army training",
    [
        "BAMAKO — A second group of Russian military instructors arrived in the central Malian town "
        "of Ségou on Tuesday, the transitional government said, as Mali widens a training programme "
        "for its armed forces that began last year.",
        "A spokesman for the Malian army told reporters that the instructors would train two "
        "battalions to use the armoured vehicles and surveillance drones that Moscow delivered in "
        "the spring. He declined to say how many Russians had arrived or how long they would stay.",
        "The Russian embassy in Bamako said in a statement that the mission was part of a defence "
        "cooperation agreement signed by the two governments and that its personnel would not take "
        "part in combat operations.",
        "Opposition politicians in exile criticised the growing Russian presence, saying it had not "
        "stopped attacks on villages by armed groups in the centre and north of the country.",
    ],
)
NIGER = (
    "Niger receives first Russian wheat shipment under aid pledge",
    [
        "NIAMEY — The first convoy of trucks carrying Russian wheat reached Niamey on Monday, the "
        "ministry of trade said, two months after Moscow promised twenty-five thousand tonnes of "
        "grain to Niger at a meeting of agriculture ministers.",
        "The wheat was unloaded at the port of Lomé in Togo and driven north through Burkina Faso, a "
        "journey of more than a thousand kilometres that took eleven days because of checkpoints "
        "and the poor state of the roads.",
        "Officials said the grain would be sold at subsidised prices in markets across the country, "
        "where the price of flour has almost doubled since the borders with Benin were closed.",
    ],
)
BURKINA = (
    "Russia reopens its embassy in Ouagadougou after three decades",
    [
        "OUAGADOUGOU — Russia formally reopened its embassy in Burkina Faso on Thursday, more than "
        "thirty years after closing it, in a ceremony attended by the foreign ministers of both "
        "countries and several members of the transitional government.",
        "The Russian minister said Moscow intended to expand cooperation in security, energy and "
        "education, and announced that two hundred scholarships would be offered to students from "
        "Burkina Faso at Russian universities from next September.",
        "Burkina Faso's foreign minister thanked Russia for its support and said the reopening "
        "marked a new chapter in relations between the two countries, which had been limited to "
        "trade in grain and fertiliser for many years.",
    ],
)
GOLD = (
    "Mali and Russia agree to build a gold refinery near Bamako",
    [
        "BAMAKO — Mali and a Russian company signed an agreement on Friday to build a gold refinery "
        "near the capital, the ministry of mines said, as the military-led government seeks a "
        "larger share of revenue from the country's largest export.",
        "The refinery would process up to two hundred tonnes of gold a year, according to the "
        "ministry, which said construction would begin within six months and create several hundred "
        "jobs for Malian engineers and technicians.",
        "Mining companies operating in Mali have been asked to send part of their production to the "
        "new plant once it is finished, a requirement some foreign firms have said they are studying.",
    ],
)
MEMO = ("Internal memo", ["This page is behind a path that robots.txt disallows; it must never be fetched."])


def article_page(story: tuple[str, list[str]], date: str = "2025-03-04") -> bytes:
    title, paragraphs = story
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><meta property='og:site_name' content='Sahel Observer'>"
        f"<meta property='article:published_time' content='{date}'></head>\n<body>"
        "<nav><a href='/'>Home</a> <a href='/africa'>Africa</a></nav>"
        f"<article><h1>{html.escape(title)}</h1>\n{body}</article>"
        "<footer>Sahel Observer, all rights reserved</footer></body></html>\n"
    ).encode()


def rss(items: list[dict[str, str]]) -> bytes:
    parts = []
    for item in items:
        content = (
            f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>" if "content" in item else ""
        )
        parts.append(
            f"<item><title>{html.escape(item['title'])}</title><link>{html.escape(item['link'])}</link>"
            f"<description>{html.escape(item.get('summary', 'Read the full story on our site.'))}</description>"
            f"<pubDate>Tue, 04 Mar 2025 10:00:00 GMT</pubDate>{content}</item>"
        )
    return (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        "<rss version='2.0' xmlns:content='http://purl.org/rss/1.0/modules/content/'><channel>"
        "<title>Sahel Observer</title><link>http://sahel.example/</link><description>News</description>"
        + "".join(parts)
        + "</channel></rss>\n"
    ).encode()


# --- the test server --------------------------------------------------------------------------

Route = Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    server: Site.Server

    def do_GET(self) -> None:
        site = self.server.site
        path = self.path.split("?", 1)[0]
        with site.lock:
            site.log.append((time.monotonic(), path, {k.lower(): v for k, v in self.headers.items()}))
        route = site.routes.get(path)
        try:
            if route is None:
                send(self, 404, b"not found", "text/plain")
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    content_type: str = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


class Site:
    """A small news site on 127.0.0.1 with an ephemeral port."""

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        block_on_close = False
        site: Site

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[tuple[float, str, dict[str, str]]] = []
        self.lock = threading.Lock()
        self.server = Site.Server(("127.0.0.1", 0), Handler)
        self.server.site = self
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def hits(self, path: str) -> int:
        with self.lock:
            return sum(1 for _, p, _ in self.log if p == path)

    def requests(self, path: str) -> list[dict[str, str]]:
        with self.lock:
            return [h for _, p, h in self.log if p == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # route builders

    def page(
        self,
        path: str,
        body: bytes,
        *,
        content_type: str = "text/html; charset=utf-8",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        def route(handler: Handler) -> None:
            if etag and handler.headers.get("If-None-Match") == etag:
                send(handler, 304, headers={"ETag": etag})
                return
            if last_modified and handler.headers.get("If-Modified-Since") == last_modified:
                send(handler, 304, headers={"Last-Modified": last_modified})
                return
            extra = {"ETag": etag} if etag else {}
            if last_modified:
                extra["Last-Modified"] = last_modified
            send(handler, 200, body, content_type, extra)

        self.routes[path] = route

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.routes[path] = lambda h: send(h, status, b"", headers={"Location": location})

    def status(self, path: str, status: int, headers: dict[str, str] | None = None) -> None:
        self.routes[path] = lambda h: send(h, status, b"error page", "text/plain", headers)

    def flaky(self, path: str, body: bytes, failures: int = 1, status: int = 503) -> None:
        """``failures`` answers ``status``, then the page."""
        count = {"n": 0}

        def route(handler: Handler) -> None:
            count["n"] += 1
            if count["n"] <= failures:
                send(handler, status, b"try later", "text/plain")
            else:
                send(handler, 200, body)

        self.routes[path] = route

    def slow(self, path: str, seconds: float) -> None:
        def route(handler: Handler) -> None:
            time.sleep(seconds)
            send(handler, 200, article_page(MALI))

        self.routes[path] = route

    def trickle(self, path: str, seconds: float) -> None:
        """Headers at once, then one byte every 50 ms for ``seconds``."""

        def route(handler: Handler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html")
            handler.end_headers()
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                handler.wfile.write(b"x")
                handler.wfile.flush()
                time.sleep(0.05)

        self.routes[path] = route

    def huge(self, path: str, size: int, *, declared: bool) -> None:
        def route(handler: Handler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html")
            if declared:
                handler.send_header("Content-Length", str(size))
            handler.end_headers()
            chunk = b"<p>" + b"a" * 65530 + b"</p>"
            sent = 0
            while sent < size:
                handler.wfile.write(chunk)
                sent += len(chunk)

        self.routes[path] = route


ROBOTS = b"User-agent: *\nDisallow: /private/\n"


@pytest.fixture
def site() -> Iterator[Site]:
    server = Site()
    server.page("/robots.txt", ROBOTS, content_type="text/plain")
    yield server
    server.close()


def fetcher(**options: Any) -> Fetcher:
    settings: dict[str, Any] = {
        "allow_private": True,
        "delay": 0.0,
        "timeout": 2.0,
        "retries": 1,
        "backoff": 0.01,
    }
    settings.update(options)
    return Fetcher(FetchOptions(**settings))


def news_site(site: Site, *, feed_etag: str = '"feed-v1"') -> None:
    """Two article pages, a disallowed one, and an RSS feed linking to them plus a full-content entry."""
    site.page("/news/mali-instructors", article_page(MALI))
    site.page("/news/niger-wheat", article_page(NIGER))
    site.page("/private/memo", article_page(MEMO))
    site.page("/news/burkina-embassy", article_page(BURKINA))
    full = "".join(f"<p>{html.escape(p)}</p>" for p in BURKINA[1])
    site.page(
        "/feed.xml",
        rss(
            [
                {"title": MALI[0], "link": site.url("/news/mali-instructors")},
                {"title": NIGER[0], "link": "/news/niger-wheat"},  # relative: resolved against the feed
                {"title": MEMO[0], "link": site.url("/private/memo")},
                {"title": BURKINA[0], "link": site.url("/news/burkina-embassy"), "content": full},
            ]
        ),
        content_type="application/rss+xml",
        etag=feed_etag,
    )


def table(store: Store, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in store.db.execute(sql).fetchall()]


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    return {
        "articles": table(store, "select id, url, source, title from articles order by id"),
        "sources": table(store, "select article_id, source from article_sources order by 1, 2"),
        "inputs": table(store, "select source, raw_hash, status from inputs order by source"),
        "errors": table(store, "select source, stage, severity, reason from errors order by 1, 4"),
    }


# --- the address guard -----------------------------------------------------------------------

REFUSED = [
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.5.4", "private"),
    ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"),
    ("0.0.0.0", "unspecified"),
    ("100.64.0.1", "non-global"),
    ("224.0.0.1", "multicast"),
    ("255.255.255.255", "private"),
    ("240.0.0.1", "private"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fe80::1", "link-local"),
    ("fe80::1%1", "link-local"),
    ("fc00::1", "private"),
    ("ff02::1", "multicast"),
    ("::ffff:127.0.0.1", "IPv4-mapped loopback"),
    ("::ffff:10.0.0.1", "IPv4-mapped private"),
    ("::ffff:169.254.169.254", "IPv4-mapped link-local"),
    ("2002:7f00:1::", "6to4 loopback"),
    ("2001:db8::1", "private"),
    ("64:ff9b::7f00:1", "reserved"),
]


@pytest.mark.parametrize(("address", "problem"), REFUSED)
def test_guard_refuses_every_non_public_address(address: str, problem: str) -> None:
    assert address_problem(address) == problem
    with pytest.raises(BlockedAddress) as caught:
        AddressPolicy().check(address)
    assert caught.value.address == address
    assert "--allow-private" in caught.value.reason
    AddressPolicy(allow_private=True).check(address)  # the switch lets everything through


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "196.200.1.1", "2606:4700::1111", "::ffff:8.8.8.8"]
)
def test_guard_lets_public_addresses_through(address: str) -> None:
    assert address_problem(address) is None
    AddressPolicy().check(address)


def test_guard_allows_only_the_chosen_networks() -> None:
    policy = AddressPolicy.build(allowed=["127.0.0.1/32", "fd00::/8"])
    policy.check("127.0.0.1")
    policy.check("fd12::5")
    for address in ("127.0.0.2", "10.0.0.1", "::1"):
        with pytest.raises(BlockedAddress):
            policy.check(address)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://example.com/feed.xml", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("gopher://example.com/", "only http and https"),
        ("http:///no-host", "without a host"),
        ("http://user:secret@example.com/", "credentials"),
        ("http://127.0.0.1/admin", "refused loopback address: 127.0.0.1"),
        ("http://10.0.0.7:8080/", "refused private address"),
        ("http://169.254.169.254/latest/meta-data/", "refused link-local address"),
        ("http://[::1]:8000/", "refused loopback address: ::1"),
        ("http://[::ffff:127.0.0.1]/", "IPv4-mapped loopback"),
        ("http://[fe80::1]/", "link-local"),
        ("http://example.com:99999/", "malformed URL"),
    ],
)
def test_check_url_refuses_what_must_not_be_requested(url: str, words: str) -> None:
    with pytest.raises(RefusedURL) as caught:
        check_url(url, AddressPolicy())
    assert words in caught.value.reason


def test_check_url_accepts_public_urls_and_leaves_names_to_the_connection() -> None:
    assert check_url("https://news.example.org/a?b=1", AddressPolicy()).hostname == "news.example.org"
    assert check_url("http://8.8.8.8/", AddressPolicy()).hostname == "8.8.8.8"
    assert check_url("http://127.0.0.1/", AddressPolicy(allow_private=True)).port is None


class RecordingBackend(httpcore.NetworkBackend):
    """Refuses every connection, remembering what it was asked to connect to."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def connect_tcp(self, host: str, port: int, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        self.calls.append(host)
        raise httpcore.ConnectError("connection refused (test)")


def test_connection_guard_checks_every_resolved_address_before_connecting() -> None:
    inner = RecordingBackend()
    backend = GuardedBackend(
        AddressPolicy(), resolver=lambda host, port: ["93.184.216.34", "10.0.0.7"], inner=inner
    )
    with pytest.raises(BlockedAddress) as caught:
        backend.connect_tcp("rebinding.example", 80)
    assert caught.value.address == "10.0.0.7"
    assert inner.calls == []  # nothing was connected to


def test_connection_guard_connects_to_the_checked_address_not_the_name() -> None:
    inner = RecordingBackend()
    backend = GuardedBackend(
        AddressPolicy(), resolver=lambda host, port: ["93.184.216.34", "2606:2800::1"], inner=inner
    )
    with pytest.raises(httpcore.ConnectError):
        backend.connect_tcp("news.example", 80)
    assert inner.calls == ["93.184.216.34", "2606:2800::1"]  # literal addresses, tried in order


def test_a_name_resolving_to_loopback_is_refused_at_connection_time(site: Site) -> None:
    news_site(site)
    with fetcher(allow_private=False) as client, pytest.raises(BlockedAddress) as caught:
        client.get(site.url("/news/mali-instructors", host="localhost"))
    assert ipaddress.ip_address(caught.value.address).is_loopback
    assert site.log == []  # refused before any byte was sent
    assert isinstance(client._client._transport, GuardedTransport)


@pytest.mark.parametrize("url", ["http://2130706433/", "http://127.1/", "http://0x7f.0.0.1/", "http://0/"])
def test_numeric_host_forms_are_resolved_and_refused(url: str) -> None:
    with fetcher(allow_private=False) as client, pytest.raises(BlockedAddress) as caught:
        client.get(url)
    assert caught.value.address in ("127.0.0.1", "0.0.0.0")


def test_redirects_are_followed_and_every_hop_is_guarded(site: Site) -> None:
    news_site(site)
    site.redirect("/r1", "/r2", 301)
    site.redirect("/r2", site.url("/r3"), 302)
    site.redirect("/r3", "/news/mali-instructors#top", 307)
    for path, target in (
        ("/to-metadata", "http://169.254.169.254/latest/meta-data/"),
        ("/to-private", "http://10.0.0.1/admin"),
        ("/to-ipv6-loopback", f"http://[::1]:{site.port}/news/mali-instructors"),
        ("/to-mapped", f"http://[::ffff:127.0.0.1]:{site.port}/news/mali-instructors"),
        ("/to-ftp", "ftp://example.com/file"),
    ):
        site.redirect(path, target)
    for n in range(7):
        site.redirect(f"/loop{n}", f"/loop{n + 1}")
    # only the test server's own address is let through; everything else is guarded as usual
    with fetcher(allow_private=False, allowed_networks=("127.0.0.1/32",)) as client:
        result = client.get(site.url("/r1"))
        assert result.final_url == site.url("/news/mali-instructors")
        assert result.redirects == (site.url("/r1"), site.url("/r2"), site.url("/r3"))
        assert b"Russian instructors" in result.content
        for path, words in (
            ("/to-metadata", "refused link-local address: 169.254.169.254"),
            ("/to-private", "refused private address: 10.0.0.1"),
            ("/to-ipv6-loopback", "refused loopback address: ::1"),
            ("/to-mapped", "refused IPv4-mapped loopback address"),
            ("/to-ftp", "only http and https"),
        ):
            with pytest.raises(RefusedURL) as caught:
                client.get(site.url(path))
            assert words in caught.value.reason, path
        with pytest.raises(TooManyRedirects):
            client.get(site.url("/loop0"))
        assert site.hits("/loop5") == 1 and site.hits("/loop6") == 0  # five redirects followed, no more
        site.page("/loop5", article_page(GOLD))
        assert client.get(site.url("/loop0")).final_url == site.url("/loop5")


# --- limits, retries, politeness ----------------------------------------------------------------


def test_bodies_past_the_size_limit_are_refused(site: Site) -> None:
    site.huge("/huge", 3_000_000, declared=False)
    site.huge("/huge-declared", 3_000_000, declared=True)
    site.page("/small", article_page(MALI))
    with fetcher(max_bytes=1024 * 1024, retries=2) as client:
        for path in ("/huge", "/huge-declared"):
            began = time.monotonic()
            with pytest.raises(ResponseTooLarge) as caught:
                client.get(site.url(path))
            assert caught.value.reason == "response larger than the size limit: 1 MB"
            assert time.monotonic() - began < 2
            assert site.hits(path) == 1  # too large is not retried
        assert client.get(site.url("/small")).status == 200


def test_each_request_has_a_total_time_limit(site: Site) -> None:
    site.slow("/slow", 3.0)
    site.trickle("/trickle", 4.0)
    with fetcher(timeout=0.4, retries=0) as client:
        for path in ("/slow", "/trickle"):
            began = time.monotonic()
            with pytest.raises(FetchTimeout) as caught:
                client.get(site.url(path))
            assert time.monotonic() - began < 1.2, path
            assert caught.value.reason == "request timed out: limit 0.4 s"


def test_server_errors_and_timeouts_are_retried_with_backoff_but_4xx_never(site: Site) -> None:
    site.flaky("/flaky", article_page(NIGER), failures=1)
    site.status("/missing", 404)
    site.status("/gone", 410)
    site.status("/down", 503)
    site.flaky("/busy", article_page(GOLD), failures=1, status=429)
    site.routes["/busy"] = _with_retry_after(site.routes["/busy"], "2")
    site.status("/busy-long", 429, {"Retry-After": "3600"})
    site.slow("/slow", 2.0)
    pauses: list[float] = []
    client = Fetcher(
        FetchOptions(allow_private=True, delay=0, timeout=0.3, retries=2, backoff=0.5), sleep=pauses.append
    )
    with client:
        assert b"wheat" in client.get(site.url("/flaky")).content
        assert site.hits("/flaky") == 2
        assert 0.5 <= pauses[-1] <= 0.75  # first backoff: 0.5 s plus up to half again of jitter
        for path, status in (("/missing", 404), ("/gone", 410)):
            with pytest.raises(HTTPStatusError) as caught:
                client.get(site.url(path))
            assert caught.value.status == status and not caught.value.transient
            assert site.hits(path) == 1
        pauses.clear()
        with pytest.raises(HTTPStatusError) as caught:
            client.get(site.url("/down"))
        assert caught.value.reason == "HTTP error after 3 attempts: 503 Service Unavailable"
        assert site.hits("/down") == 3
        assert 0.5 <= pauses[0] <= 0.75 and 1.0 <= pauses[1] <= 1.5  # exponential
        pauses.clear()
        assert client.get(site.url("/busy")).status == 200
        assert pauses == [2.0]  # a short Retry-After is honoured (it beats the backoff)
        with pytest.raises(HTTPStatusError) as caught:
            client.get(site.url("/busy-long"))
        assert "retry much later" in caught.value.reason and site.hits("/busy-long") == 1
        with pytest.raises(FetchTimeout):
            client.get(site.url("/slow"))
        assert site.hits("/slow") == 3  # timeouts are retried
        assert client.stats.retries == 1 + 2 + 1 + 2


def _with_retry_after(route: Route, value: str) -> Route:
    def wrapped(handler: Handler) -> None:
        original = handler.send_response

        def send_response(code: int, message: str | None = None) -> None:
            original(code, message)
            if code == 429:
                handler.send_header("Retry-After", value)

        handler.send_response = send_response  # type: ignore[method-assign]
        route(handler)

    return wrapped


def test_requests_to_one_host_are_spaced_by_the_delay(site: Site) -> None:
    news_site(site)
    with fetcher(delay=0.25) as client:
        for path in ("/news/mali-instructors", "/news/niger-wheat", "/news/burkina-embassy"):
            client.get(site.url(path))
    times = [t for t, _, _ in site.log]
    assert [p for _, p, _ in site.log] == [
        "/robots.txt",
        "/news/mali-instructors",
        "/news/niger-wheat",
        "/news/burkina-embassy",
    ]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.23, gaps


def test_politeness_waits_only_for_the_same_host_and_honours_a_crawl_delay() -> None:
    now = [100.0]
    waits: list[float] = []
    polite = Politeness(1.0, lambda: now[0], waits.append)
    polite.wait("a.example")
    polite.done("a.example")
    polite.wait("b.example")  # another host: no wait
    now[0] += 0.4
    polite.wait("a.example")
    polite.set_host_delay("a.example", 5.0)
    polite.wait("a.example")
    assert waits == [pytest.approx(0.6), pytest.approx(4.6)]


# --- robots.txt -----------------------------------------------------------------------------


def test_robots_txt_is_read_once_per_site_and_honoured(site: Site) -> None:
    news_site(site)
    with fetcher() as client:
        with pytest.raises(RobotsDisallowed):
            client.get(site.url("/private/memo"))
        client.get(site.url("/news/mali-instructors"))
        site.redirect("/sneaky", "/private/memo")
        with pytest.raises(RobotsDisallowed):  # a redirect hop is checked too
            client.get(site.url("/sneaky"))
    assert site.hits("/private/memo") == 0
    assert site.hits("/robots.txt") == 1
    assert site.requests("/robots.txt")[0]["user-agent"].startswith("newsgraph/")


def test_robots_txt_missing_allows_everything_and_unreadable_skips_the_site(site: Site) -> None:
    site.page("/private/memo", article_page(GOLD))
    site.routes.pop("/robots.txt")  # 404: no rules
    with fetcher() as client:
        assert client.get(site.url("/private/memo")).status == 200
    site.status("/robots.txt", 503)
    with fetcher(retries=0) as client:
        for path in ("/private/memo", "/news/anything"):
            with pytest.raises(RobotsUnavailable) as caught:
                client.get(site.url(path))
            assert caught.value.reason == "robots.txt unavailable, site skipped this round: HTTP 503"
        assert site.hits("/robots.txt") == 2  # once for the 404 run, once (not per URL) for this round
        client.robots.new_round()  # next round: read again, and now obeyed
        site.page("/robots.txt", ROBOTS, content_type="text/plain")
        with pytest.raises(RobotsDisallowed):
            client.get(site.url("/private/memo"))
    assert site.hits("/robots.txt") == 3 and site.hits("/private/memo") == 1


# --- fetch and watch: the store -----------------------------------------------------------------


def test_fetching_a_page_stores_it_and_fetching_again_changes_nothing(site: Site, store: Store) -> None:
    news_site(site)
    url = site.url("/news/mali-instructors")
    first = fetch_urls([url], store, NO_ANNOTATION, fetcher())
    assert (first.pages, first.ingest.new, first.failed) == (1, 1, 0)
    [row] = store.db.execute("select source, url, title, fetched from articles").fetchall()
    assert row[0] == url and row[1] == url and row[2] == MALI[0] and row[3]
    before = snapshot(store)
    requests = len(site.log)
    again = fetch_urls([url], store, NO_ANNOTATION, fetcher())
    assert (again.already_stored, again.requests, again.ingest.read) == (1, 0, 0)
    assert len(site.log) == requests  # not even robots.txt
    assert snapshot(store) == before


def test_feed_entries_links_are_fetched_once_robots_honoured_and_full_entries_read(
    site: Site, store: Store
) -> None:
    news_site(site)
    feed = site.url("/feed.xml")
    session = LiveSession(store, fetcher(), NO_ANNOTATION)
    first = session.round([feed])
    assert (first.feeds, first.entries, first.pages, first.from_feed, first.disallowed) == (1, 4, 2, 1, 1)
    assert first.ingest.new == 3 and first.failed == 0
    assert site.hits("/private/memo") == 0 and site.hits("/news/burkina-embassy") == 0
    urls = {r[0] for r in store.db.execute("select url from articles")}
    assert urls == {
        site.url(p) for p in ("/news/mali-instructors", "/news/niger-wheat", "/news/burkina-embassy")
    }
    assert is_stored(store, site.url("/news/burkina-embassy"))  # full-content entry, sourced by its link
    warning = store.db.execute(
        "select stage, severity, reason from errors where source = ?", [site.url("/private/memo")]
    ).fetchone()
    assert tuple(warning) == ("fetch", "warning", "disallowed by robots.txt")
    state = get_fetch_state(store, feed)
    assert state is not None and (state.kind, state.etag, state.last_status) == ("feed", '"feed-v1"', 200)

    before, hits = snapshot(store), len(site.log)
    second = session.round([feed])  # the feed answers 304: nothing else is asked
    assert (second.not_modified, second.requests, second.pages, second.ingest.read) == (1, 1, 0, 0)
    assert site.requests("/feed.xml")[-1]["if-none-match"] == '"feed-v1"'
    assert len(site.log) == hits + 1 and snapshot(store) == before

    # the feed changes: only the new entry's link is fetched
    site.page("/news/gold-refinery", article_page(GOLD))
    news_site(site, feed_etag='"feed-v2"')
    items = rss(
        [
            {"title": GOLD[0], "link": site.url("/news/gold-refinery")},
            {"title": MALI[0], "link": site.url("/news/mali-instructors")},
            {"title": NIGER[0], "link": site.url("/news/niger-wheat")},
        ]
    )
    site.page("/feed.xml", items, content_type="application/rss+xml", etag='"feed-v2"')
    third = session.round([feed])
    assert (third.pages, third.already_stored, third.ingest.new) == (1, 2, 1)
    assert site.hits("/news/mali-instructors") == 1 and site.hits("/news/niger-wheat") == 1
    assert site.hits("/news/gold-refinery") == 1


def test_last_modified_feeds_are_fetched_conditionally(site: Site, store: Store) -> None:
    stamp = "Tue, 04 Mar 2025 10:00:00 GMT"
    site.page("/news/gold-refinery", article_page(GOLD))
    feed = (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'><title>Observer</title>"
        f"<entry><title>{GOLD[0]}</title><link href='{site.url('/news/gold-refinery')}'/>"
        "<id>urn:gold</id><updated>2025-03-04T10:00:00Z</updated><summary>Short.</summary></entry></feed>"
    ).encode()
    site.page("/atom.xml", feed, content_type="application/atom+xml", last_modified=stamp)
    session = LiveSession(store, fetcher(), NO_ANNOTATION)
    assert session.round([site.url("/atom.xml")]).ingest.new == 1
    again = session.round([site.url("/atom.xml")])
    assert again.not_modified == 1
    assert site.requests("/atom.xml")[-1]["if-modified-since"] == stamp


def test_a_page_that_gave_no_article_is_asked_for_conditionally(site: Site, store: Store) -> None:
    site.page("/brief", article_page(("Brief", ["Too short to be an article."])), etag='"b1"')
    first = fetch_urls([site.url("/brief")], store, NO_ANNOTATION, fetcher())
    assert first.ingest.failed == 1 and first.ingest.new == 0
    second = fetch_urls([site.url("/brief")], store, NO_ANNOTATION, fetcher())
    assert second.not_modified == 1 and site.requests("/brief")[-1]["if-none-match"] == '"b1"'


def test_failures_are_counted_recorded_and_never_end_the_batch(site: Site, store: Store) -> None:
    news_site(site)
    site.status("/missing", 404)
    site.huge("/huge", 3_000_000, declared=False)
    site.slow("/slow", 2.0)
    unsafe = b"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;'>]><rss><channel><item><title>&b;</title></item></channel></rss>"
    site.page("/unsafe.xml", unsafe, content_type="application/rss+xml")
    urls = [site.url(p) for p in ("/missing", "/huge", "/slow", "/unsafe.xml", "/news/niger-wheat")]
    urls.append(site.url("/x", host="10.0.0.1"))
    client = fetcher(
        allow_private=False, allowed_networks=("127.0.0.1/32",), max_bytes=1024 * 1024, timeout=0.3, retries=0
    )
    summary = fetch_urls(urls, store, NO_ANNOTATION, client)
    assert summary.ingest.new == 1 and summary.failed == 5 and summary.ok
    assert summary.failures == {
        "HTTP error: 404 Not Found": 1,
        "response larger than the size limit: 1 MB": 1,
        "request timed out: limit 0.3 s": 1,
        "unsafe XML refused: EntitiesForbidden (entity expansion or external reference)": 1,
        "refused private address: 10.0.0.1 (--allow-private allows it)": 1,
    }
    errors = {r[0]: (r[1], r[2]) for r in store.db.execute("select source, stage, severity from errors")}
    assert {u for u in urls if "niger" not in u} == set(errors)
    assert set(errors.values()) == {("fetch", "error")}
    kinds = {s.url: s.error_kind for s in fetch_states(store) if s.last_error}
    assert kinds[site.url("/slow")] == "transient" and kinds[site.url("/missing")] == "permanent"


def test_a_feed_with_a_link_that_failed_for_now_is_read_in_full_next_round(site: Site, store: Store) -> None:
    site.flaky("/news/niger-wheat", article_page(NIGER), failures=1)
    site.status("/news/dead", 404)
    site.page(
        "/feed.xml",
        rss([{"title": NIGER[0], "link": "/news/niger-wheat"}, {"title": "Dead", "link": "/news/dead"}]),
        content_type="application/rss+xml",
        etag='"v1"',
    )
    session = LiveSession(store, fetcher(retries=0), NO_ANNOTATION)
    first = session.round([site.url("/feed.xml")])
    assert first.failed == 2 and first.ingest.new == 0
    state = get_fetch_state(store, site.url("/feed.xml"))
    assert state is not None and state.etag is None  # validators withheld: a link must be retried
    second = session.round([site.url("/feed.xml")])
    assert second.not_modified == 0 and second.ingest.new == 1
    assert second.not_retried == 1 and site.hits("/news/dead") == 1  # a 404 is not asked again
    third = session.round([site.url("/feed.xml")])
    assert third.not_modified == 1 and third.requests == 1


def test_a_url_that_answers_again_loses_its_fetch_error(site: Site, store: Store) -> None:
    news_site(site)
    site.flaky("/feed.xml", rss([{"title": MALI[0], "link": "/news/mali-instructors"}]), failures=1)
    session = LiveSession(store, fetcher(retries=0), NO_ANNOTATION)
    feed = site.url("/feed.xml")
    assert session.round([feed]).failures == {"HTTP error: 503 Service Unavailable": 1}
    assert store.db.execute("select count(*) from errors where source = ?", [feed]).fetchone() == (1,)
    assert session.round([feed]).ingest.new == 1
    assert store.db.execute("select count(*) from errors where source = ?", [feed]).fetchone() == (0,)


def test_a_bug_while_fetching_one_url_is_recorded_and_the_round_goes_on(
    site: Site, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    news_site(site)

    def broken(data: bytes, base_url: str) -> list[str | None]:
        raise RuntimeError("boom")

    monkeypatch.setattr("newsgraph.live.run.entry_links", broken)
    summary = fetch_urls(
        [site.url("/feed.xml"), site.url("/news/niger-wheat")], store, NO_ANNOTATION, fetcher()
    )
    assert summary.failures == {"internal error while fetching: RuntimeError: boom": 1}
    assert summary.ingest.new == 1 and summary.ok


def test_the_public_surface_is_pinned() -> None:
    import newsgraph.live

    assert set(newsgraph.live.__all__) == {
        "DEFAULT_USER_AGENT", "AddressPolicy", "BlockedAddress", "FetchCancelled", "FetchError",
        "FetchOptions", "FetchResult", "FetchStats", "FetchTimeout", "Fetcher", "HTTPStatusError",
        "LiveSession", "LiveSummary", "NetworkError", "RefusedURL", "ResponseTooLarge",
        "RobotsDisallowed", "RobotsUnavailable", "TooManyRedirects", "address_problem", "check_url",
        "entry_links", "fetch_urls", "read_feeds_file", "watch_feeds",
    }  # fmt: skip
    assert issubclass(newsgraph.live.FetchError, newsgraph.InputError)


def test_watch_polls_until_told_to_stop(site: Site, store: Store) -> None:
    news_site(site)
    client = fetcher()
    assert client.stop is None
    seen: list[int] = []

    def on_round(summary: Any) -> None:
        seen.append(summary.round)
        if summary.round == 3:
            assert client.stop is not None
            client.stop.set()

    began = time.monotonic()
    rounds = watch_feeds(
        [site.url("/feed.xml")], store, NO_ANNOTATION, client, interval=0.05, on_round=on_round
    )
    assert seen == [1, 2, 3] and len(rounds) == 3 and time.monotonic() - began < 10
    assert rounds[0].ingest.new == 3 and rounds[1].not_modified == 1 and rounds[2].not_modified == 1
    assert site.hits("/robots.txt") == 1  # robots.txt rules are kept between rounds


def test_feeds_file_lines_comments_and_mistakes(tmp_path: Path) -> None:
    path = tmp_path / "feeds.txt"
    path.write_text(
        "# Sahel feeds\n\nhttps://a.example/rss.xml\n  http://b.example/feed#frag  # Niger desk\n"
        "https://a.example/rss.xml\n",
        encoding="utf-8",
    )
    assert read_feeds_file(path) == ["https://a.example/rss.xml", "http://b.example/feed#frag"]
    path.write_text("https://a.example/rss.xml\nnot a url\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 2: not an http"):
        read_feeds_file(path)
    path.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no feed URL"):
        read_feeds_file(path)
    with pytest.raises(ConfigError, match="cannot read"):
        read_feeds_file(tmp_path / "absent.txt")


def test_migration_8_is_safe_to_repeat(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        number, _, step = MIGRATIONS[-1]
        assert number == 8
        step(store.db)  # again, on a database that has it
        assert "fetch_state" in store.db.table_names()
        names = {r[0] for r in store.db.execute("select name from sqlite_master where type = 'index'")}
        assert {"idx_articles_url", "idx_article_sources_source", "idx_article_sources_url"} <= names


# --- the command line ---------------------------------------------------------------------------


def run_cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_cli_fetch_refuses_local_addresses_unless_allowed(site: Site, tmp_path: Path) -> None:
    news_site(site)
    db = str(tmp_path / "news.db")
    url = site.url("/news/mali-instructors")
    refused = run_cli("fetch", url, "--db", db, "--delay", "0", "--no-annotate")
    assert refused.exit_code == 1, refused.output
    assert "refused loopback address: 127.0.0.1" in refused.output
    assert site.log == []
    with sqlite3.connect(db) as conn:
        assert conn.execute("select stage, severity from errors where source = ?", [url]).fetchone() == (
            "fetch",
            "error",
        )
    allowed = run_cli("fetch", url, "--db", db, "--delay", "0", "--no-annotate", "--allow-private")
    assert allowed.exit_code == 0, allowed.output
    assert "1 new" in allowed.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from errors where source = ?", [url]).fetchone() == (0,)


def test_cli_fetch_json_then_nothing_new(site: Site, tmp_path: Path) -> None:
    news_site(site)
    db = str(tmp_path / "news.db")
    args = ["fetch", site.url("/feed.xml"), site.url("/news/gold"), "--db", db, "--allow-private",
            "--delay", "0", "--no-annotate", "--timeout", "2", "--max-mb", "2", "--retries", "0",
            "--user-agent", "newsgraph-test/1.0", "--json"]  # fmt: skip
    first = run_cli(*args)
    assert first.exit_code == 0, first.output
    data = json.loads(first.output)
    assert data["fetch"]["feeds"] == 1 and data["fetch"]["disallowed"] == 1
    assert data["fetch"]["failures"] == {"HTTP error: 404 Not Found": 1, "disallowed by robots.txt": 1}
    assert data["ingest"]["new"] == 3
    assert site.requests("/feed.xml")[0]["user-agent"] == "newsgraph-test/1.0"
    second = json.loads(run_cli(*args).output)
    assert second["fetch"]["not_modified"] == 1 and second["ingest"]["new"] == 0
    assert second["fetch"]["requests"] == 3  # robots.txt, the feed (304), the 404 tried again


def test_cli_watch_once_then_nothing_new(site: Site, tmp_path: Path) -> None:
    news_site(site)
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# our test feed\n{site.url('/feed.xml')}\n", encoding="utf-8")
    db = str(tmp_path / "news.db")
    args = ["watch", str(feeds), "--db", db, "--once", "--allow-private", "--delay", "0", "--no-annotate"]
    first = run_cli(*args)
    assert first.exit_code == 0, first.output
    assert "watching 1 feed(s)" in first.output and "round 1" in first.output
    assert "3 new" in first.output
    with Store(db) as store:
        before = snapshot(store)
    second = run_cli(*args, "--interval", "5", "--json")
    assert second.exit_code == 0, second.output
    [line] = second.output.splitlines()  # one line of JSON per round
    data = json.loads(line)
    assert data["fetch"]["round"] == 1 and data["fetch"]["not_modified"] == 1 and data["ingest"]["read"] == 0
    with Store(db) as store:
        assert snapshot(store) == before
    assert run_cli("watch", str(tmp_path / "none.txt"), "--db", db, "--once").exit_code == 2


def test_cli_fetch_end_to_end_with_annotation(site: Site, tmp_path: Path) -> None:
    news_site(site)
    db = str(tmp_path / "news.db")
    result = run_cli(
        "fetch", site.url("/news/mali-instructors"), "--db", db, "--allow-private", "--delay", "0"
    )
    assert result.exit_code == 0, result.output
    assert "annotated 1 article(s)" in result.output
    with Store(db) as store:
        actors = {r[0] for r in store.db.execute("select distinct actor_id from mentions")}
        assert {"state:MLI", "state:RUS"} <= actors
        assert store.db.execute("select count(*) from articles where story_id is not null").fetchone() == (1,)


def test_watch_stops_cleanly_on_ctrl_c(site: Site, tmp_path: Path) -> None:
    news_site(site)
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(site.url("/feed.xml") + "\n", encoding="utf-8")
    db = tmp_path / "news.db"
    command = [sys.executable, "-m", "newsgraph", "watch", str(feeds), "--db", str(db), "--allow-private",
               "--delay", "0", "--no-annotate", "--interval", "600"]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    deadline = time.monotonic() + 40
    while not any(line.startswith("round 1") for line in lines) and time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0
    reader.join(timeout=5)
    assert any("stopped after 1 round(s)" in line for line in lines), lines
    with Store(db) as store:
        assert store.article_count() == 3
