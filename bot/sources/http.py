"""The one HTTP client: polite, capped, and safe against whatever a server sends.

Exceptions (every one carries a short `reason` fit for `sources list`)::

    FetchError
     ├── AddressError       the target resolves to a private/loopback/link-local address
     ├── FetchTimeout       connect, read or total timeout
     ├── TooLarge           body over the cap, compressed or while inflating
     ├── RedirectError      too many redirects, a loop, or a redirect to a non-http URL
     └── HTTPStatusError    4xx/5xx; `retry_after` set from 429/503 Retry-After

Bodies are read raw and inflated here with a bounded zlib decompressor, because httpx's own
decoder can inflate tens of megabytes out of one small read of a gzip bomb before any check
between chunks could see it.

Private addresses are refused where the socket is opened (`_PinnedBackend`): the host is
resolved once, every address is checked, and the connection goes to a checked address. A
check on a lookup of its own, before httpx's lookup, could be answered with a public address
and the connection with a private one (DNS rebinding).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import multiprocessing
import socket
import zlib
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from bot.settings import FetchSection

T = TypeVar("T")


class FetchError(Exception):
    """A fetch failed; `reason` is a short phrase for logs and `sources list`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AddressError(FetchError):
    pass


class FetchTimeout(FetchError):
    pass


class TooLarge(FetchError):
    pass


class RedirectError(FetchError):
    pass


class HTTPStatusError(FetchError):
    def __init__(self, status: int, retry_after: int | None = None) -> None:
        wait = f", retry after {retry_after}s" if retry_after else ""
        super().__init__(f"HTTP {status}{wait}")
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class FetchSettings:
    concurrency: int = 32
    per_host: int = 4
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    user_agent: str = "newswatch/0.1"
    contact: str = ""
    allow_private: bool = False
    parse_workers: int = 0

    @classmethod
    def from_settings(cls, s: FetchSection) -> FetchSettings:
        return cls(
            concurrency=s.concurrency,
            per_host=s.per_host,
            connect_timeout=s.connect_timeout,
            read_timeout=s.read_timeout,
            total_timeout=s.total_timeout,
            max_bytes=s.max_bytes,
            max_redirects=s.max_redirects,
            user_agent=s.user_agent,
            contact=s.contact,
            allow_private=s.allow_private,
            parse_workers=s.parse_workers,
        )

    @property
    def user_agent_header(self) -> str:
        return f"{self.user_agent} (+{self.contact})" if self.contact else self.user_agent


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    max_age: int | None = None  # Cache-Control max-age, a floor for the next check
    not_modified: bool = False
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def parse_retry_after(value: str | None, now: datetime) -> int | None:
    """Seconds from a Retry-After of delta-seconds or an HTTP date; None if unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, int((when - now).total_seconds()))


def parse_max_age(value: str | None) -> int | None:
    if not value:
        return None
    directives = [d.strip().lower() for d in value.split(",")]
    if "no-store" in directives or "no-cache" in directives:
        return None
    for d in directives:
        if d.startswith("max-age="):
            digits = d[8:].strip('"')
            return int(digits) if digits.isdigit() else None
    return None


def _blocked(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return _blocked(ip.ipv4_mapped)
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


class _PinnedBackend(httpcore.AsyncNetworkBackend):
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
        if not ips or (not self.allow_private and any(_blocked(ip) for ip in ips)):
            raise AddressError(f"{host} resolves to a private or local address")
        failure: httpcore.ConnectError | None = None
        for ip in ips:
            try:
                return await self._inner.connect_tcp(
                    str(ip), port, timeout, local_address, socket_options
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


def _pinned_transport(s: FetchSettings) -> httpx.AsyncHTTPTransport:
    """httpx's transport over a connection pool that uses _PinnedBackend. httpx 0.28 takes
    no network backend, so its pool is replaced by an equal one that has it (a test fetches
    through it, so an httpx that stops fitting fails there)."""
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=s.concurrency,
        max_keepalive_connections=s.concurrency,
        keepalive_expiry=5.0,  # httpx's default
        network_backend=_PinnedBackend(s.allow_private),
    )
    return transport


class _Inflater:
    """Bounded decoding of one Content-Encoding: output never exceeds `limit` bytes."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []
        self.encoding = encoding
        self._d: zlib._Decompress | None = None
        if encoding in ("gzip", "x-gzip"):
            self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._d = zlib.decompressobj(zlib.MAX_WBITS)
        elif encoding not in ("", "identity"):
            raise FetchError(f"unsupported content-encoding {encoding!r}")
        self._first = True

    def feed(self, chunk: bytes) -> None:
        if self._d is None:
            self._add(chunk)
            return
        data = chunk
        while data:
            try:
                out = self._d.decompress(data, self.limit - self.size + 1)
            except zlib.error:
                if self.encoding == "deflate" and self._first:  # raw deflate, no zlib header
                    self._d, self._first = zlib.decompressobj(-zlib.MAX_WBITS), False
                    continue
                raise FetchError(f"corrupt {self.encoding} body") from None
            self._first = False
            self._add(out)
            data = self._d.unconsumed_tail
            if self._d.eof and self._d.unused_data.strip(b"\0"):  # concatenated gzip members
                data = self._d.unused_data
                self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def _add(self, out: bytes) -> None:
        self.size += len(out)
        if self.size > self.limit:
            raise TooLarge(f"body over {self.limit} bytes once decompressed")
        self.parts.append(out)

    def body(self) -> bytes:
        if self._d is not None:
            self._add(self._d.flush())
        return b"".join(self.parts)


REDIRECTS = {301, 302, 303, 307, 308}
DRAIN_BYTES = 65_536
DRAIN_SECONDS = 2.0


async def _drain(resp: httpx.Response, h: Mapping[str, str]) -> None:
    """Read the small body of an answer we do not use (304, redirect, error page) so that its
    connection goes back to the pool: closing a response with unread bytes closes the socket,
    and an all-304 cycle would then pay a new connection for every feed. Bodies that are
    large, of unknown length or slow are not waited for: the connection is dropped instead."""
    declared = h.get("content-length", "")
    if resp.status_code not in (204, 304) and not (
        declared.isdigit() and int(declared) <= DRAIN_BYTES
    ):
        return
    with contextlib.suppress(httpx.HTTPError, TimeoutError):
        async with asyncio.timeout(DRAIN_SECONDS):
            async for _ in resp.aiter_raw():
                pass


class Fetcher:
    """One shared httpx.AsyncClient with global and per-host caps. Use `async with`."""

    def __init__(
        self,
        settings: FetchSettings | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = s = settings or FetchSettings()
        self._client = httpx.AsyncClient(
            transport=transport or _pinned_transport(s),
            follow_redirects=False,
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout, pool=s.total_timeout),
            headers={"User-Agent": s.user_agent_header, "Accept-Encoding": "gzip, deflate"},
            trust_env=False,
        )
        # Parsing what was fetched is CPU work; with parse_workers > 0 it runs in a process
        # pool (spawned, never forked from a threaded process) so it can use every core.
        self.parse_pool: Executor | None = self._new_pool()
        self._global = asyncio.Semaphore(s.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()
        if self.parse_pool is not None:
            self.parse_pool.shutdown(wait=True, cancel_futures=True)

    def _new_pool(self) -> Executor | None:
        if self.settings.parse_workers <= 0:
            return None
        ctx = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(self.settings.parse_workers, mp_context=ctx)

    async def run_parser(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a parser on fetched bytes off the event loop (thread, or the process pool).
        A pool whose worker died (killed, out of memory) refuses all work from then on: the
        call that finds it so fails, and a new pool takes the next ones, so a long-lived
        fetcher (the daemon's) keeps working."""
        loop = asyncio.get_running_loop()
        pool = self.parse_pool
        try:
            return await loop.run_in_executor(pool, functools.partial(fn, *args))
        except BrokenProcessPool:
            if pool is self.parse_pool and pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
                self.parse_pool = self._new_pool()
            raise

    async def get(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = "*/*",
    ) -> Response:
        """GET with conditional headers; a 304 comes back as `not_modified=True`."""
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return await self._follow(url, headers)

    async def _follow(self, url: str, headers: dict[str, str]) -> Response:
        seen: set[str] = set()
        deadline: list[float] = []  # set when the first request gets its slot
        for _ in range(self.settings.max_redirects + 1):
            await self._check_address(url)
            seen.add(url)
            status, resp_headers, body = await self._one(url, headers, deadline)
            if status in REDIRECTS and "location" in resp_headers:
                target = urljoin(url, resp_headers["location"].strip())
                if urlsplit(target).scheme not in ("http", "https"):
                    raise RedirectError(f"redirect to a non-http URL: {target[:80]}")
                if target in seen:
                    raise RedirectError("redirect loop")
                url = target
                continue
            return self._response(url, status, resp_headers, body, headers)
        raise RedirectError(f"more than {self.settings.max_redirects} redirects")

    def _response(
        self, url: str, status: int, h: Mapping[str, str], body: bytes, sent: Mapping[str, str]
    ) -> Response:
        now = datetime.now(UTC)
        if status == 304:
            return Response(
                url,
                status,
                h,
                etag=h.get("etag") or sent.get("If-None-Match"),
                last_modified=h.get("last-modified") or sent.get("If-Modified-Since"),
                max_age=parse_max_age(h.get("cache-control")),
                not_modified=True,
                fetched_at=now,
            )
        if status >= 400 or status < 200:
            retry = parse_retry_after(h.get("retry-after"), now) if status in (429, 503) else None
            raise HTTPStatusError(status, retry)
        return Response(
            url,
            status,
            h,
            body,
            etag=h.get("etag"),
            last_modified=h.get("last-modified"),
            max_age=parse_max_age(h.get("cache-control")),
            fetched_at=now,
        )

    async def _one(
        self, url: str, headers: dict[str, str], deadline: list[float]
    ) -> tuple[int, dict[str, str], bytes]:
        """One request. The total timeout runs from the moment the first request of a fetch
        holds its slots: time spent queued behind the caps is not the server's fault."""
        host = (urlsplit(url).hostname or "").lower()
        sem = self._hosts.setdefault(host, asyncio.Semaphore(self.settings.per_host))
        async with self._global, sem:
            if not deadline:
                deadline.append(asyncio.get_running_loop().time() + self.settings.total_timeout)
            try:
                async with (
                    asyncio.timeout_at(deadline[0]),
                    self._client.stream("GET", url, headers=headers) as resp,
                ):
                    h = {k.lower(): v for k, v in resp.headers.items()}
                    status = resp.status_code
                    if status in REDIRECTS or status in (204, 304) or status >= 400:
                        await _drain(resp, h)  # a body we do not use
                        return status, h, b""
                    body = await self._read(resp, h)
                    return resp.status_code, h, body
            except TimeoutError:
                total = self.settings.total_timeout
                raise FetchTimeout(f"no complete answer within {total:g}s") from None
            except httpx.TimeoutException as exc:
                raise FetchTimeout(f"{type(exc).__name__} after waiting") from None
            except httpx.InvalidURL as exc:
                raise FetchError(f"invalid URL: {exc}") from None
            except httpx.HTTPError as exc:
                raise FetchError(f"{type(exc).__name__}: {exc}"[:200]) from None

    async def _read(self, resp: httpx.Response, h: Mapping[str, str]) -> bytes:
        limit = self.settings.max_bytes
        declared = h.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise TooLarge(f"declared length {declared} over {limit} bytes")
        encodings = [e.strip().lower() for e in h.get("content-encoding", "").split(",")]
        encodings = [e for e in encodings if e and e != "identity"]
        if len(encodings) > 1:
            raise FetchError("stacked content-encodings refused")
        inflater = _Inflater(encodings[0] if encodings else "", limit)
        raw = 0
        async for chunk in resp.aiter_raw():
            raw += len(chunk)
            if raw > limit:
                raise TooLarge(f"body over {limit} bytes")
            inflater.feed(chunk)
        return inflater.body()

    async def _check_address(self, url: str) -> None:
        """Refuse what can be refused from the URL alone (scheme, a private IP literal) before
        waiting for a slot; names are resolved and checked as they are connected to."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"not an http(s) URL: {url[:80]}")
        if self.settings.allow_private:
            return
        try:
            ip = ipaddress.ip_address(parts.hostname)
        except ValueError:
            return
        if _blocked(ip):
            raise AddressError(f"{parts.hostname} is a private or local address")
