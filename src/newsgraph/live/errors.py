"""Errors of live fetching: one branch of newsgraph's exception tree, under ``InputError``.

Each error says whether it is ``transient``: worth trying again on the next round (a timeout, a
server error, a host whose robots.txt could not be read) or not (a 404, a refused address, a
body over the size limit). Reasons follow the house rule: the fixed part first, variable details
after a colon, so that the errors table groups them.
"""

from __future__ import annotations

from ..errors import InputError


class FetchError(InputError):
    """A URL could not be fetched."""

    transient: bool = False
    """True when trying again later may succeed (timeouts, 5xx, 429, network trouble)."""


class RefusedURL(FetchError):
    """The URL is not one newsgraph will request: not http(s), no host, or a refused address."""


class BlockedAddress(RefusedURL):
    """The host is, or resolves to, an address the guard refuses (private, loopback, ...)."""

    def __init__(self, reason: str, address: str) -> None:
        super().__init__(reason)
        self.address = address


class RobotsDisallowed(FetchError):
    """The site's robots.txt does not let newsgraph fetch this URL."""


class RobotsUnavailable(FetchError):
    """The site's robots.txt could not be read (server error, timeout): the host is skipped."""

    transient = True


class FetchTimeout(FetchError):
    """The request did not complete within the time limit."""

    transient = True


class NetworkError(FetchError):
    """The connection failed or broke (refused, reset, name not resolved, bad TLS)."""

    transient = True


class HTTPStatusError(FetchError):
    """The server answered with an error status (4xx, 5xx)."""

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(reason)
        self.status = status
        self.transient = status == 429 or status >= 500


class ResponseTooLarge(FetchError):
    """The response body is larger than the size limit."""


class TooManyRedirects(FetchError):
    """The URL redirects more times than allowed."""


class FetchCancelled(FetchError):
    """The run was asked to stop (Ctrl-C) before this request was made."""

    transient = True
