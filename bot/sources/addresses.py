"""Address-checked connections: no request reaches a private or local address.

Private addresses are refused where the socket is opened (`PinnedBackend`): the host is
resolved once, every address is checked, and the connection goes to a checked address. A
check on a lookup of its own, before httpx's lookup, could be answered with a public address
and the connection with a private one (DNS rebinding).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx
from httpcore._utils import is_socket_readable

from bot.sources.errors import AddressError, FetchError


def blocked(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return blocked(ip.ipv4_mapped)
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


async def _resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise FetchError(f"cannot resolve {host}: {exc.strerror or exc}") from None
    ips = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    return list(dict.fromkeys(ips))


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend with the address check where the connection is made: one
    lookup, all of its addresses checked, then a connection to one of those very addresses
    (TLS still verifies and sends SNI for the host name, which httpcore passes separately)."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        ips = await _resolve(host, port)
        if not ips or (not self.allow_private and any(blocked(ip) for ip in ips)):
            raise AddressError(f"{host} resolves to a private or local address")
        failure: httpcore.ConnectError | None = None
        for ip in ips:
            try:
                return _Stream(
                    await self._inner.connect_tcp(
                        str(ip), port, timeout, local_address, socket_options
                    )
                )
            except httpcore.ConnectError as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise AddressError("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _Stream(httpcore.AsyncNetworkStream):
    """A connection whose socket is looked up once. Before each reuse httpcore asks whether
    an idle connection is readable (the server closed it); anyio answers by building its
    whole attribute table, a getpeername call included, each time: with hundreds of
    requests a second, more CPU than the answer (a zero-timeout poll of the socket)."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and self._socket is not None:
            return is_socket_readable(self._socket)
        return self._inner.get_extra_info(info)


KEEPALIVE_EXPIRY = 5.0  # seconds an idle connection is kept (httpx's default)


def pinned_transport(
    connections: int, backend: PinnedBackend, ctx: ssl.SSLContext
) -> httpx.AsyncHTTPTransport:
    """httpx's transport over a connection pool of at most `connections` that uses
    `backend`. httpx 0.28 takes no network backend, so its pool is replaced by an equal one
    that has it (a test fetches through it, so an httpx that stops fitting fails there). The
    SSL context is shared by every pool (loading the CA bundle costs milliseconds)."""
    transport = httpx.AsyncHTTPTransport(verify=ctx, trust_env=False)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=ctx,
        max_connections=connections,
        max_keepalive_connections=connections,
        keepalive_expiry=KEEPALIVE_EXPIRY,
        network_backend=backend,
    )
    return transport


def check_url(url: str, allow_private: bool) -> None:
    """Refuse what can be refused from the URL alone (scheme, a private IP literal) before
    waiting for a slot; names are resolved and checked as they are connected to."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"not an http(s) URL: {url[:80]}")
    if allow_private:
        return
    try:
        ip = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return
    if blocked(ip):
        raise AddressError(f"{parts.hostname} is a private or local address")
