"""robots.txt: read once per site (scheme, host and port) through the guarded client, honoured
for every request, redirect hops included.

What an answer means follows RFC 9309: a robots.txt that exists is obeyed (``urllib.robotparser``
reads it; ``Crawl-delay`` lengthens the politeness delay); one that does not (any 4xx but 429,
or more redirects than allowed) allows everything; one that cannot be read (5xx, 429, timeout,
network failure) makes the whole site off limits for the current round, with the reason recorded
for every URL skipped. Rules are kept for a day; failures only for the round.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from .errors import (
    FetchTimeout,
    HTTPStatusError,
    NetworkError,
    RobotsDisallowed,
    RobotsUnavailable,
    TooManyRedirects,
)

LOGGER = logging.getLogger(__name__)

RULES_TTL = 24 * 3600.0
"""Seconds a site's robots.txt is trusted before it is read again (RFC 9309: at most a day)."""


def origin(url: str) -> str:
    """``scheme://host:port`` of ``url``: the scope of one robots.txt."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}"


@dataclass(slots=True)
class _Rules:
    parser: RobotFileParser | None
    """None when the site has no robots.txt: everything is allowed."""
    read_at: float


class RobotsCache:
    """The robots.txt rules of every site met during a run.

    ``fetch`` takes the URL of a robots.txt and returns its bytes; it raises the fetcher's errors
    (it must not check robots.txt itself).
    """

    def __init__(
        self,
        fetch: Callable[[str], bytes],
        user_agent: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        ttl: float = RULES_TTL,
    ) -> None:
        self._fetch = fetch
        self._agent = user_agent
        self._clock = clock
        self._ttl = ttl
        self._rules: dict[str, _Rules] = {}
        self._failed: dict[str, str] = {}
        self.reads = 0
        """robots.txt files requested so far."""

    def new_round(self) -> None:
        """Forget the sites whose robots.txt could not be read: try them again."""
        self._failed.clear()

    def check(self, url: str) -> None:
        """Raise ``RobotsDisallowed`` when the site's robots.txt forbids ``url``, or
        ``RobotsUnavailable`` when it could not be read this round."""
        rules = self._rules_for(origin(url))
        if rules.parser is not None and not rules.parser.can_fetch(self._agent, url):
            raise RobotsDisallowed("disallowed by robots.txt")

    def crawl_delay(self, url: str) -> float | None:
        """The site's ``Crawl-delay`` for newsgraph, when its robots.txt has been read and sets one."""
        rules = self._rules.get(origin(url))
        if rules is None or rules.parser is None:
            return None
        delay = rules.parser.crawl_delay(self._agent)
        return float(delay) if delay is not None else None

    def _rules_for(self, site: str) -> _Rules:
        rules = self._rules.get(site)
        if rules is not None and self._clock() - rules.read_at <= self._ttl:
            return rules
        if site in self._failed:
            raise RobotsUnavailable(self._failed[site])
        try:
            rules = self._read(site)
        except RobotsUnavailable as exc:
            self._failed[site] = exc.reason
            LOGGER.info("%s/robots.txt: %s", site, exc.reason)
            raise
        self._rules[site] = rules
        return rules

    def _read(self, site: str) -> _Rules:
        self.reads += 1
        prefix = "robots.txt unavailable, site skipped this round"
        try:
            data = self._fetch(f"{site}/robots.txt")
        except HTTPStatusError as exc:
            if 400 <= exc.status < 500 and exc.status != 429:
                return _Rules(None, self._clock())  # no robots.txt: everything allowed
            raise RobotsUnavailable(f"{prefix}: HTTP {exc.status}") from exc
        except TooManyRedirects:
            return _Rules(None, self._clock())
        except (FetchTimeout, NetworkError) as exc:
            raise RobotsUnavailable(f"{prefix}: {exc.reason}") from exc
        parser = RobotFileParser()
        parser.parse(data.decode("utf-8", errors="replace").splitlines())
        return _Rules(parser, self._clock())
