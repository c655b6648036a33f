"""``fetch`` and ``watch``: URLs and feeds in, articles stored, every failure accounted for.

One *round* takes a list of URLs (pages or feeds, told apart by their content). For each URL:

- a page already stored is not requested again;
- otherwise it is requested, conditionally when the store holds its validators (a 304 ends
  there: nothing new);
- a page's bytes go to ``readers.read_bytes`` like a file's;
- a feed's entries that carry the whole article are taken from the feed; for the others, the
  entry's link is fetched, unless that link is stored already (or failed for good earlier).

Then everything read in the round goes to ``pipeline.ingest_documents`` in one batch (stored,
annotated, grouped into stories), and the fetch state of every URL is saved: after the ingest, so
that validators are never remembered for answers that were not stored. A feed whose entry links
could not all be fetched (a timeout, a 5xx, a site whose robots.txt could not be read) is saved
without validators, so that next round asks for it in full and tries those links again.

Failures are ``Skipped`` records in the errors table (stage ``fetch``), counted by reason in the
round's ``LiveSummary``; a failing URL never ends the round.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..options import IngestOptions
from ..pipeline import IngestSummary, ingest_documents
from ..readers import read_bytes
from ..records import RawDocument, Severity, Skipped
from ..sniff import sniff_format
from ..sources import SNIFF_BYTES
from ..store import Store
from ..store.fetch_state import (
    FetchKind,
    FetchState,
    clear_fetch_problems,
    get_fetch_state,
    is_stored,
    save_fetch_state,
)
from .client import Fetcher, FetchResult
from .errors import FetchCancelled, FetchError, HTTPStatusError, RobotsDisallowed
from .feeds import entry_links, gunzip

LOGGER = logging.getLogger(__name__)
_ENTRY = re.compile(r"#(\d+)$")


@dataclass(slots=True)
class LiveSummary:
    """What one round did. ``ingest`` is the summary of storing what was read."""

    round: int = 1
    urls: int = 0
    """URLs given (command-line arguments, or the feeds of the feeds file)."""
    answered: int = 0
    """Of those, the ones that answered (with a body or 304) or were stored already."""
    requests: int = 0
    """HTTP requests sent, robots.txt, redirect hops and retries included."""
    retries: int = 0
    robots: int = 0
    """robots.txt files requested."""
    pages: int = 0
    """Pages fetched with a body (given URLs and feed entries' links)."""
    feeds: int = 0
    """Feeds fetched with a body and read."""
    entries: int = 0
    """Entries in those feeds."""
    from_feed: int = 0
    """Of the entries, those that carried the whole article (read from the feed itself)."""
    not_modified: int = 0
    """Answers 304: not modified since the last fetch."""
    already_stored: int = 0
    """Pages and entry links not requested because they are stored already."""
    not_retried: int = 0
    """Entry links not requested because they failed for good in an earlier round."""
    disallowed: int = 0
    """URLs not fetched because robots.txt disallows them (recorded as warnings)."""
    failed: int = 0
    """URLs that could not be fetched (recorded as errors)."""
    failures: Counter[str] = field(default_factory=Counter)
    """Reasons of the failures and of the disallowed URLs, with their counts."""
    stopped: bool = False
    """The round was cut short by a stop request (Ctrl-C): what was fetched is stored."""
    started: str = ""
    seconds: float = 0.0
    ingest: IngestSummary = field(default_factory=IngestSummary)

    @property
    def ok(self) -> bool:
        """False only when none of the URLs given could be fetched, or nothing fetched could be read."""
        return (self.answered > 0 or self.urls == 0) and self.ingest.ok

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "ingest"}
        data["failures"] = dict(self.failures)
        data["ok"] = self.ok
        return data


class LiveSession:
    """What the rounds of one run share: the store, the fetcher (with its per-host clock and the
    robots.txt rules read so far) and the ingest options."""

    def __init__(self, store: Store, fetcher: Fetcher, options: IngestOptions | None = None) -> None:
        self.store = store
        self.fetcher = fetcher
        self.options = options or IngestOptions()
        if fetcher.stop is None:
            fetcher.stop = threading.Event()
        self.stop: threading.Event = fetcher.stop
        self.rounds = 0

    def round(self, urls: Sequence[str]) -> LiveSummary:
        """Fetch ``urls`` (and the links of the feeds among them), then store what came back."""
        self.rounds += 1
        return _Round(self, urls).run()


class _Round:
    def __init__(self, session: LiveSession, urls: Sequence[str]) -> None:
        self.session = session
        self.store = session.store
        self.fetcher = session.fetcher
        self.options = session.options
        self.urls = list(dict.fromkeys(urls))
        self.summary = LiveSummary(round=session.rounds, urls=len(self.urls))
        self.documents: list[RawDocument | Skipped] = []
        self.states: list[FetchState] = []
        self.problems: list[Skipped] = []
        self.seen: set[str] = set()

    @property
    def stopping(self) -> bool:
        return self.session.stop.is_set()

    def run(self) -> LiveSummary:
        began = time.monotonic()
        self.summary.started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        stats = self.fetcher.stats
        before = (stats.requests, stats.retries, stats.robots)
        self.fetcher.robots.new_round()
        for url in self.urls:
            if self.stopping:
                self.summary.stopped = True
                break
            try:
                self._target(url)
            except Exception as exc:  # a bug must not end the round
                self._internal_error(url, exc)
        if self.documents:
            self.summary.ingest = ingest_documents(self.documents, self.store, self.options)
        self.summary.ingest.files = self.summary.pages + self.summary.feeds
        with self.store.transaction():
            for state in self.states:
                save_fetch_state(self.store, state)
                if state.last_error is None:
                    clear_fetch_problems(self.store, state.url)
            for problem in self.problems:
                self.store.add_problem(problem)
        self.summary.requests = stats.requests - before[0]
        self.summary.retries = stats.retries - before[1]
        self.summary.robots = stats.robots - before[2]
        self.summary.stopped = self.summary.stopped or self.stopping
        self.summary.seconds = round(time.monotonic() - began, 3)
        return self.summary

    # --- one given URL ------------------------------------------------------------------------

    def _target(self, url: str) -> None:
        self.seen.add(url)
        if is_stored(self.store, url):
            self.summary.already_stored += 1
            self.summary.answered += 1
            return
        state = get_fetch_state(self.store, url)
        kind: FetchKind = state.kind if state else "page"
        try:
            result = self.fetcher.get(
                url,
                etag=state.etag if state else None,
                last_modified=state.last_modified if state else None,
            )
        except FetchError as exc:
            self._failed(url, exc, state, kind)
            return
        self.summary.answered += 1
        if result.not_modified:
            self.summary.not_modified += 1
            self._save(url, kind, result, state=state)
            return
        try:
            data = gunzip(result.content, self.options.limits.max_document_bytes)
            is_feed = sniff_format(data[:SNIFF_BYTES], url.rsplit("/", 1)[-1]) == "feed"
        except InputError:  # not a feed: read_bytes reports what is wrong with it
            is_feed = False
        if not is_feed:
            self._page(url, result)
            return
        complete = self._feed(url, data, result)
        if complete is not None:
            self._save(url, "feed", result, validators=complete)

    def _page(self, url: str, result: FetchResult) -> None:
        self.summary.pages += 1
        self.documents.extend(
            read_bytes(url, result.content, self.options, url=result.final_url, fetched=result.fetched)
        )
        self._save(url, "page", result)

    def _feed(self, url: str, data: bytes, result: FetchResult) -> bool | None:
        """Read a feed: its full-content entries as documents, the other entries' links fetched.
        Return False when some link failed in a way worth retrying (or the round was stopped),
        None when the feed itself cannot be read (recorded as a failure)."""
        try:
            links = entry_links(data, result.final_url)
        except InputError as exc:
            self._failed(url, exc, None, "feed")
            return None
        self.summary.feeds += 1
        self.summary.entries += len(links)
        complete = True
        for document in read_bytes(url, data, self.options, fetched=result.fetched):
            match = _ENTRY.search(document.source) if document.source.startswith(url + "#") else None
            number = int(match.group(1)) if match else 0
            link = links[number - 1] if 0 < number <= len(links) else None
            if link is None:
                self.documents.append(document)  # a whole-feed problem, or an entry without a link
            elif link in self.seen:
                continue
            elif isinstance(document, RawDocument):
                self.seen.add(link)
                if is_stored(self.store, link, include_failed=True):
                    self.summary.already_stored += 1
                else:
                    self.summary.from_feed += 1
                    self.documents.append(dataclasses.replace(document, source=link))
            elif self.stopping:
                complete = False
            else:
                self.seen.add(link)
                try:
                    complete = self._link(link) and complete
                except Exception as exc:  # a bug must not end the feed
                    self._internal_error(link, exc)
        return complete

    def _link(self, link: str) -> bool:
        """Fetch the page an entry links to; False when it failed but may work next round."""
        if is_stored(self.store, link, include_failed=True):
            self.summary.already_stored += 1
            return True
        state = get_fetch_state(self.store, link)
        if state is not None and state.error_kind == "permanent":
            self.summary.not_retried += 1
            return True
        try:
            result = self.fetcher.get(link)
        except FetchError as exc:
            self._failed(link, exc, state, "page")
            return not exc.transient
        if result.not_modified:  # not asked for: nothing to read
            self.summary.not_modified += 1
            return True
        self._page(link, result)
        return True

    # --- bookkeeping --------------------------------------------------------------------------

    def _save(
        self,
        url: str,
        kind: FetchKind,
        result: FetchResult,
        *,
        state: FetchState | None = None,
        validators: bool = True,
    ) -> None:
        """Remember a successful answer (304 included: ``state`` then holds the validators)."""
        if result.not_modified and state is not None:
            etag, last_modified, changed = state.etag, state.last_modified, state.last_changed
            final = state.final_url or result.final_url
        else:
            etag, last_modified = result.etag, result.last_modified
            changed, final = result.fetched, result.final_url
        self.states.append(
            FetchState(
                url=url,
                kind=kind,
                final_url=final,
                etag=etag if validators else None,
                last_modified=last_modified if validators else None,
                last_status=result.status,
                last_fetched=result.fetched,
                last_changed=changed,
            )
        )

    def _internal_error(self, url: str, exc: Exception) -> None:
        LOGGER.exception("fetching %s failed", url)
        reason = f"internal error while fetching: {type(exc).__name__}: {exc}"[:300]
        self._failed(url, InputError(reason), None, "page")

    def _failed(self, url: str, exc: InputError, state: FetchState | None, kind: FetchKind) -> None:
        """Count, log and record a URL that gave nothing, and remember why."""
        if isinstance(exc, FetchCancelled):
            self.summary.stopped = True
            return
        disallowed = isinstance(exc, RobotsDisallowed)
        if disallowed:
            self.summary.disallowed += 1
        else:
            self.summary.failed += 1
        self.summary.failures[exc.reason] += 1
        severity: Severity = "warning" if disallowed else "error"
        LOGGER.info("%s %s: %s", severity, url, exc.reason)
        self.problems.append(Skipped(url, exc.reason, stage="fetch", severity=severity))
        transient = isinstance(exc, FetchError) and exc.transient
        self.states.append(
            FetchState(
                url=url,
                kind=kind,
                final_url=state.final_url if state else None,
                etag=state.etag if state else None,
                last_modified=state.last_modified if state else None,
                last_status=exc.status if isinstance(exc, HTTPStatusError) else None,
                last_fetched=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                last_changed=state.last_changed if state else None,
                last_error=exc.reason,
                error_kind="transient" if transient or disallowed else "permanent",
                failures=(state.failures if state else 0) + 1,
            )
        )


def fetch_urls(
    urls: Sequence[str],
    store: Store,
    options: IngestOptions | None = None,
    fetcher: Fetcher | None = None,
) -> LiveSummary:
    """One round over ``urls``: pages and feeds fetched, read and stored (``newsgraph fetch``)."""
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    try:
        return LiveSession(store, fetcher, options).round(urls)
    finally:
        if own:
            fetcher.close()


def watch_feeds(
    feeds: Sequence[str],
    store: Store,
    options: IngestOptions | None = None,
    fetcher: Fetcher | None = None,
    *,
    interval: float = 900.0,
    rounds: int | None = None,
    on_round: Callable[[LiveSummary], None] | None = None,
) -> list[LiveSummary]:
    """Poll ``feeds`` every ``interval`` seconds (from the start of one round to the start of the
    next) until ``rounds`` rounds are done or the fetcher's ``stop`` event is set
    (``newsgraph watch``). Each round's summary goes to ``on_round`` as soon as it is done."""
    own = fetcher is None
    fetcher = fetcher or Fetcher(stop=threading.Event())
    session = LiveSession(store, fetcher, options)
    done: list[LiveSummary] = []
    try:
        while True:
            began = time.monotonic()
            summary = session.round(feeds)
            done.append(summary)
            if on_round:
                on_round(summary)
            if summary.stopped or (rounds is not None and len(done) >= rounds):
                break
            if session.stop.wait(max(0.0, interval - (time.monotonic() - began))):
                break
    finally:
        if own:
            fetcher.close()
    return done
