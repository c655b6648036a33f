"""The guarded HTTP client: one GET at a time, polite, bounded, and retried only when it helps.

Each ``Fetcher.get`` call:

- checks the URL (``guard.check_url``) and the site's robots.txt, for every redirect hop;
- waits until ``delay`` seconds (or the site's ``Crawl-delay``, up to ``max_crawl_delay``) have
  passed since the last request to the same host;
- sends ``If-None-Match`` / ``If-Modified-Since`` when validators are given (304: not modified);
- follows up to ``max_redirects`` redirects itself, so that every hop goes through the guard;
- streams the body and stops once it passes ``max_bytes`` (after decompression);
- gives each attempt ``timeout`` seconds in all (connecting, sending, every wait for data);
- retries timeouts, network failures, 5xx and 429 answers ``retries`` times with exponential
  backoff and jitter (a short ``Retry-After`` is honoured, a long one ends the attempts); never a
  4xx.

Every failure is raised as a ``FetchError`` with a reason; nothing is printed.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from .. import __version__
from ..options import MB
from ..sources import megabytes
from .errors import (
    FetchCancelled,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    NetworkError,
    RefusedURL,
    ResponseTooLarge,
    TooManyRedirects,
)
from .guard import AddressPolicy, GuardedTransport, Resolver, check_url, deadline
from .robots import RobotsCache

DEFAULT_USER_AGENT = f"newsgraph/{__version__} (news research crawler)"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"
)
LOGGER = logging.getLogger(__name__)
ROBOTS_MAX_BYTES = 512 * 1024
"""robots.txt is read up to this size (RFC 9309 asks for at least 500 KiB); the rest is ignored."""


@dataclass(slots=True)
class FetchOptions:
    """How live sources are fetched: the guard, politeness and limits."""

    allow_private: bool = False
    """Connect to private, loopback and other non-public addresses too (``--allow-private``)."""
    allowed_networks: tuple[str, ...] = ()
    """Networks (CIDR) let through the guard although not public, while the rest stays guarded."""
    delay: float = 1.0
    """Seconds between two requests to the same host."""
    max_crawl_delay: float = 30.0
    """A site's ``Crawl-delay`` is honoured up to this many seconds."""
    timeout: float = 30.0
    """Seconds one attempt may take in all."""
    max_bytes: int = 16 * MB
    """Largest body read (after decompression)."""
    user_agent: str = DEFAULT_USER_AGENT
    retries: int = 2
    """Further attempts after a timeout, network failure, 5xx or 429."""
    backoff: float = 1.0
    """Seconds before the first retry; doubled for each further one, plus up to half again of jitter."""
    max_backoff: float = 60.0
    max_retry_after: float = 30.0
    """A ``Retry-After`` up to this many seconds is waited out; a longer one ends the attempts."""
    max_redirects: int = 5


@dataclass(slots=True, frozen=True)
class FetchResult:
    """What one ``get`` brought back."""

    url: str
    """The URL asked for."""
    final_url: str
    """Where the redirects ended."""
    status: int
    """200-299, or 304 (not modified: ``content`` is empty)."""
    content: bytes
    etag: str | None
    last_modified: str | None
    content_type: str | None
    fetched: str
    """When the answer came (ISO 8601, UTC)."""
    redirects: tuple[str, ...] = ()
    """The URLs that redirected, in order."""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(slots=True)
class FetchStats:
    requests: int = 0
    """HTTP requests sent (robots.txt, redirect hops and retries included)."""
    retries: int = 0
    robots: int = 0
    """robots.txt files requested."""


@dataclass(slots=True)
class _Answer:
    status: int
    headers: httpx.Headers
    content: bytes = b""


class Politeness:
    """Keeps requests to one host at least ``delay`` seconds apart (end of one to start of next)."""

    def __init__(self, delay: float, clock: Callable[[], float], pause: Callable[[float], None]) -> None:
        self.delay = delay
        self._clock = clock
        self._pause = pause
        self._last: dict[str, float] = {}
        self._extra: dict[str, float] = {}

    def set_host_delay(self, host: str, seconds: float) -> None:
        """A longer delay for one host (its robots.txt ``Crawl-delay``)."""
        self._extra[host] = seconds

    def wait(self, host: str) -> None:
        last = self._last.get(host)
        if last is None:
            return
        remaining = last + max(self.delay, self._extra.get(host, 0.0)) - self._clock()
        if remaining > 0:
            self._pause(remaining)

    def done(self, host: str) -> None:
        self._last[host] = self._clock()


class Fetcher:
    """A guarded, polite HTTP client for one run (``fetch``) or many rounds (``watch``).

    ``transport`` replaces the guarded transport (tests of code above the network only: the
    URL checks still apply, the connection-time checks do not); ``resolver`` replaces the
    system's name resolution; ``sleep``, ``clock`` and ``rng`` make timing testable; ``stop``
    (set on Ctrl-C) cuts waits short and makes further requests fail with ``FetchCancelled``.
    """

    def __init__(
        self,
        options: FetchOptions | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        resolver: Resolver | None = None,
        stop: threading.Event | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.options = options or FetchOptions()
        self.policy = AddressPolicy.build(self.options.allow_private, self.options.allowed_networks)
        self.stop = stop
        self.stats = FetchStats()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._client = httpx.Client(
            transport=transport or GuardedTransport(self.policy, resolver),
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(self.options.timeout),
            headers={
                "User-Agent": self.options.user_agent,
                "Accept": ACCEPT,
                "Accept-Encoding": "gzip, deflate",
            },
        )
        self.politeness = Politeness(self.options.delay, clock, self.pause)
        self.robots = RobotsCache(self._read_robots, self.options.user_agent, clock=clock)

    # --- life cycle ---------------------------------------------------------------------------

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def pause(self, seconds: float) -> None:
        """Wait ``seconds``, or less when the run is stopped (then raise ``FetchCancelled``)."""
        if self.stop is not None and self.stop.is_set():
            raise FetchCancelled("not fetched: the run was stopped")
        if self._sleep is not None:
            self._sleep(seconds)
        elif self.stop is not None:
            if self.stop.wait(seconds):
                raise FetchCancelled("not fetched: the run was stopped")
        else:
            time.sleep(seconds)

    # --- requests -----------------------------------------------------------------------------

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET ``url`` (conditionally, with validators) under every rule of this module."""
        return self._get(url, etag=etag, last_modified=last_modified, robots=True)

    def _read_robots(self, url: str) -> bytes:
        self.stats.robots += 1
        return self._get(url, robots=False, max_bytes=ROBOTS_MAX_BYTES, truncate=True).content

    def _get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        robots: bool,
        max_bytes: int | None = None,
        truncate: bool = False,
    ) -> FetchResult:
        limit = self.options.max_bytes if max_bytes is None else max_bytes
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = _without_fragment(url)
        hops: list[str] = []
        while True:
            parts = check_url(current, self.policy)
            if robots:
                self.robots.check(current)
                delay = self.robots.crawl_delay(current)
                if delay is not None:
                    self.politeness.set_host_delay(
                        parts.hostname or "", min(delay, self.options.max_crawl_delay)
                    )
            answer = self._attempts(current, parts.hostname or "", headers, limit, truncate)
            location = answer.headers.get("location")
            if answer.status in REDIRECTS and location:
                if len(hops) >= self.options.max_redirects:
                    raise TooManyRedirects(f"too many redirects: more than {self.options.max_redirects}")
                hops.append(current)
                current = _without_fragment(urljoin(current, location.strip()))
                continue
            if answer.status == 304 or 200 <= answer.status < 300:
                return FetchResult(
                    url=url,
                    final_url=current,
                    status=answer.status,
                    content=answer.content,
                    etag=answer.headers.get("etag"),
                    last_modified=answer.headers.get("last-modified"),
                    content_type=answer.headers.get("content-type"),
                    fetched=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    redirects=tuple(hops),
                )
            raise _status_error(answer.status)

    def _attempts(self, url: str, host: str, headers: dict[str, str], limit: int, truncate: bool) -> _Answer:
        """One request with its retries."""
        options = self.options
        for attempt in range(options.retries + 1):
            wait = 0.0
            try:
                self.politeness.wait(host)
                answer = self._send(url, host, headers, limit, truncate)
            except (FetchTimeout, NetworkError) as exc:
                if attempt == options.retries:
                    raise
                LOGGER.info("%s: %s; retrying", url, exc.reason)
            else:
                if answer.status != 429 and answer.status < 500:
                    return answer
                retry_after = _retry_after(answer.headers.get("retry-after"))
                if attempt == options.retries:
                    raise _status_error(answer.status, attempts=attempt + 1)
                if retry_after is not None and retry_after > options.max_retry_after:
                    raise _status_error(answer.status, retry_after=retry_after)
                wait = retry_after or 0.0
            self.stats.retries += 1
            self.pause(max(wait, self._backoff(attempt)))
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int) -> float:
        base = min(self.options.max_backoff, self.options.backoff * 2.0**attempt)
        return base + self._rng.uniform(0, base / 2)

    def _send(self, url: str, host: str, headers: dict[str, str], limit: int, truncate: bool) -> _Answer:
        if self.stop is not None and self.stop.is_set():
            raise FetchCancelled("not fetched: the run was stopped")
        self.stats.requests += 1
        timeout = self.options.timeout
        try:
            with deadline(timeout), self._client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if not 200 <= status < 300:
                    return _Answer(status, response.headers)
                length = response.headers.get("content-length", "")
                if not truncate and length.isdigit() and int(length) > limit:
                    raise ResponseTooLarge(f"response larger than the size limit: {megabytes(limit)}")
                return _Answer(status, response.headers, _read_body(response.iter_bytes(), limit, truncate))
        except httpx.TimeoutException as exc:
            raise FetchTimeout(f"request timed out: limit {timeout:g} s") from exc
        except httpx.UnsupportedProtocol as exc:
            raise RefusedURL(f"only http and https URLs are fetched: {exc}") from exc
        except httpx.InvalidURL as exc:
            raise RefusedURL(f"malformed URL: {exc}") from exc
        except httpx.RemoteProtocolError as exc:
            if str(exc).startswith("Invalid URL in location header"):
                # httpx reads the Location header itself and refuses what it cannot parse (an
                # octal address, say): a refused redirect, not a network fault worth retrying
                raise RefusedURL(f"redirect to a malformed URL: {exc}"[:300]) from exc
            raise NetworkError(f"network error: RemoteProtocolError: {exc}"[:300]) from exc
        except httpx.HTTPError as exc:
            detail = str(exc).splitlines()[0] if str(exc) else ""
            raise NetworkError(f"network error: {type(exc).__name__}: {detail}"[:300]) from exc
        finally:
            self.politeness.done(host)


def _read_body(chunks: Iterable[bytes], limit: int, truncate: bool) -> bytes:
    """Read a streamed body up to ``limit`` bytes: past it, stop and refuse (or keep the
    first ``limit`` bytes with ``truncate``)."""
    parts: list[bytes] = []
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            if not truncate:
                raise ResponseTooLarge(f"response larger than the size limit: {megabytes(limit)}")
            parts.append(chunk[: len(chunk) - (total - limit)])
            break
        parts.append(chunk)
    return b"".join(parts)


def _status_error(status: int, *, attempts: int = 1, retry_after: float | None = None) -> FetchError:
    phrase = httpx.codes.get_reason_phrase(status)
    label = f"{status} {phrase}".strip()
    if retry_after is not None:
        return HTTPStatusError(
            f"HTTP error, server asks to retry much later: {label}, {retry_after:g} s", status
        )
    if status in REDIRECTS:
        return HTTPStatusError(f"redirect without a Location header: {label}", status)
    if attempts > 1:
        return HTTPStatusError(f"HTTP error after {attempts} attempts: {label}", status)
    return HTTPStatusError(f"HTTP error: {label}", status)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delay-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, float((when - dt.datetime.now(dt.UTC)).total_seconds()))


def _without_fragment(url: str) -> str:
    parts = urlsplit(url.strip())
    return urlunsplit(parts._replace(fragment=""))
