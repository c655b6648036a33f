"""Live sources: ``newsgraph fetch`` and ``newsgraph watch`` (docs/live.md).

Pages and RSS/Atom feeds fetched over HTTP through a guarded client (public addresses only,
robots.txt, per-host politeness, size and time limits, retries with backoff), read exactly as
files are read, and stored through the ingest pipeline. What each URL last answered is kept in
the store (``store.fetch_state``) for conditional GETs.
"""

from .client import DEFAULT_USER_AGENT, Fetcher, FetchOptions, FetchResult, FetchStats
from .errors import (
    BlockedAddress,
    FetchCancelled,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    NetworkError,
    RefusedURL,
    ResponseTooLarge,
    RobotsDisallowed,
    RobotsUnavailable,
    TooManyRedirects,
)
from .feeds import entry_links, read_feeds_file
from .guard import AddressPolicy, address_problem, check_url
from .run import LiveSession, LiveSummary, fetch_urls, watch_feeds

__all__ = [
    "DEFAULT_USER_AGENT",
    "AddressPolicy",
    "BlockedAddress",
    "FetchCancelled",
    "FetchError",
    "FetchOptions",
    "FetchResult",
    "FetchStats",
    "FetchTimeout",
    "Fetcher",
    "HTTPStatusError",
    "LiveSession",
    "LiveSummary",
    "NetworkError",
    "RefusedURL",
    "ResponseTooLarge",
    "RobotsDisallowed",
    "RobotsUnavailable",
    "TooManyRedirects",
    "address_problem",
    "check_url",
    "entry_links",
    "fetch_urls",
    "read_feeds_file",
    "watch_feeds",
]
