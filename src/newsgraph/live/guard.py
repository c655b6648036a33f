"""The address guard: newsgraph fetches from public internet addresses only.

A feed entry or a redirect can point a fetcher at ``http://169.254.169.254/`` (cloud metadata),
``http://localhost:6379/`` or a machine on the office network (server-side request forgery).
The guard refuses every address that is not public: private, loopback, link-local, multicast,
reserved, unspecified, shared (carrier-grade NAT) and documentation ranges, in IPv4 and IPv6,
looking inside IPv4-mapped (``::ffff:127.0.0.1``) and 6to4 (``2002:7f00:1::``) IPv6 addresses.

It works at two points:

1. Before each request (every redirect hop included), on the URL: only ``http`` and ``https``,
   a host is required, credentials in the URL are refused, and a host written as an IP address
   is checked at once, so a redirect to ``http://10.0.0.1/`` is refused without a connection.
2. When connecting (``GuardedBackend``): the host name is resolved once, *every* address it
   resolves to is checked, and the socket is connected to one of those checked addresses, never
   to a name resolved a second time; the peer address of the connected socket is checked once
   more. A name that resolves to a public address when checked and to a private one when
   connecting (DNS rebinding) cannot slip through.

Proxies named in the environment (``HTTP_PROXY`` ...) are not used: through a proxy, the address
connected to would be the proxy's. ``allow_private`` (``--allow-private``) turns the address
checks off; ``allowed`` lets chosen networks through while the rest stays guarded.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit

import httpcore
import httpx

from .errors import BlockedAddress, RefusedURL

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]
"""``(host, port) -> addresses``, in the order to try them."""

SCHEMES = frozenset({"http", "https"})
_CHECKS: tuple[tuple[str, str], ...] = (
    ("unspecified", "is_unspecified"),
    ("loopback", "is_loopback"),
    ("link-local", "is_link_local"),
    ("multicast", "is_multicast"),
    ("private", "is_private"),
    ("reserved", "is_reserved"),
)


def address_problem(address: str | IPAddress) -> str | None:
    """Why ``address`` is not a public internet address (``"loopback"``, ``"private"``, ...), or
    None when it is one. Raises ``ValueError`` for a string that is not an IP address."""
    ip = address if not isinstance(address, str) else ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            inner = address_problem(ip.ipv4_mapped)
            return f"IPv4-mapped {inner}" if inner else None
        if ip.sixtofour is not None:
            inner = address_problem(ip.sixtofour)
            if inner:
                return f"6to4 {inner}"
    for name, attribute in _CHECKS:
        if getattr(ip, attribute):
            return name
    if not ip.is_global:
        return "non-global"  # shared address space (100.64.0.0/10) and the like
    return None


@dataclass(slots=True, frozen=True)
class AddressPolicy:
    """Which addresses may be connected to."""

    allow_private: bool = False
    """Let every address through (``--allow-private``): for a crawler inside a trusted network."""
    allowed: tuple[IPNetwork, ...] = ()
    """Networks let through even though they are not public (one intranet server, a test server)."""

    @classmethod
    def build(cls, allow_private: bool = False, allowed: Iterable[str] = ()) -> AddressPolicy:
        return cls(allow_private, tuple(ipaddress.ip_network(n, strict=False) for n in allowed))

    def check(self, address: str) -> None:
        """Raise ``BlockedAddress`` unless ``address`` may be connected to."""
        if self.allow_private:
            return
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if any(ip in network for network in self.allowed):
            return
        problem = address_problem(ip)
        if problem:
            raise BlockedAddress(f"refused {problem} address: {address} (--allow-private allows it)", address)


def check_url(url: str, policy: AddressPolicy) -> SplitResult:
    """Refuse a URL newsgraph must not request; return it split. Host names are checked when
    connecting; a host written as an IP address is checked here."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise RefusedURL(f"malformed URL: {exc}") from exc
    if parts.scheme.lower() not in SCHEMES:
        raise RefusedURL(f"only http and https URLs are fetched: {parts.scheme or 'no scheme'}")
    host = parts.hostname
    if not host:
        raise RefusedURL("URL without a host")
    if parts.username is not None or parts.password is not None:
        raise RefusedURL("URLs with credentials are refused")
    if port == 0:
        raise RefusedURL("URL with port 0")
    with contextlib.suppress(ValueError):  # not an IP literal: a name, checked when connecting
        ipaddress.ip_address(host.split("%", 1)[0])
        policy.check(host)
    return parts


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, each once, in the system's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


# --- the time limit of one request ----------------------------------------------------------------

_DEADLINE: ContextVar[float | None] = ContextVar("newsgraph_fetch_deadline", default=None)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Bound everything a request does on the network inside the block (connecting, sending,
    every wait for data) to ``seconds`` in total: a server trickling its answer one byte at a
    time cannot hold a request past it."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _bounded(timeout: float | None, error: type[Exception]) -> float | None:
    end = _DEADLINE.get()
    if end is None:
        return timeout
    remaining = end - time.monotonic()
    if remaining <= 0:
        raise error("time limit of the request reached")
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose reads and writes never wait past the current request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        tls = self._inner.start_tls(ssl_context, server_hostname, _bounded(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(tls)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's network layer with the guard: resolve once, check every address, connect to a
    checked address, check the peer, bound every operation by the request's deadline."""

    def __init__(
        self,
        policy: AddressPolicy,
        resolver: Resolver | None = None,
        inner: httpcore.NetworkBackend | None = None,
    ) -> None:
        self.policy = policy
        self._resolve = resolver or system_resolver
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _bounded(timeout, httpcore.ConnectTimeout)
        try:
            addresses = self._resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise httpcore.ConnectError(f"cannot resolve {host}: no address")
        for address in addresses:  # all of them, before any connection
            self.policy.check(address)
        failure: Exception | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    address, port, _bounded(timeout, httpcore.ConnectTimeout), local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            peer = stream.get_extra_info("server_addr")
            if isinstance(peer, tuple) and peer:
                try:
                    self.policy.check(str(peer[0]))
                except BlockedAddress:
                    stream.close()
                    raise
            return _DeadlineStream(stream)
        assert failure is not None
        raise failure

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by newsgraph's fetcher")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport on top of ``GuardedBackend``: no proxies, no retries of its own."""

    def __init__(self, policy: AddressPolicy, resolver: Resolver | None = None) -> None:
        super().__init__(trust_env=False, retries=0)
        # httpx builds its connection pool without a way to pass the network backend: replace
        # the pool with one that connects through the guard (pinned by tests/test_live.py).
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=20,
            max_keepalive_connections=10,
            keepalive_expiry=5.0,
            network_backend=GuardedBackend(policy, resolver),
        )
