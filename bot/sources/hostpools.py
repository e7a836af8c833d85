"""One small connection pool per origin, so a request's bookkeeping does not grow with the
number of connections held.

httpcore's pool looks at every connection it holds (with a socket poll for each idle one,
and once more per connection to count the idle ones) whenever a request starts or ends: over
one pool of `concurrency` connections that costs more CPU than the request itself. Here
each origin (scheme, host, port) has its own pinned pool (bot.sources.addresses: the address
checks stay where the socket is opened) of at most `per_host` connections, which the
Fetcher's per-host cap never exceeds anyway. Pools are kept in least-recently-used order:
one unused for longer than the keep-alive expiry is closed, and when `max_pools` are open
the least recently used idle one makes room, so at most `max_pools * per_host` sockets are
held however many hosts a cycle visits.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable

import httpx

from bot.sources.addresses import KEEPALIVE_EXPIRY, PinnedBackend, pinned_transport

Origin = tuple[bytes, bytes, int | None]


class _Pool:
    """An origin's transport, with its requests in progress and when it was last used."""

    __slots__ = ("busy", "transport", "used")

    def __init__(self, transport: httpx.AsyncHTTPTransport) -> None:
        self.transport = transport
        self.busy = 0
        self.used = time.monotonic()


class _Counted(httpx.AsyncByteStream):
    """A response body that gives its pool's request back when it is closed."""

    def __init__(self, inner: httpx.AsyncByteStream, done: Callable[[], None]) -> None:
        self._inner = inner
        self._done: Callable[[], None] | None = done

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._inner:
            yield part

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            if self._done is not None:
                self._done()
                self._done = None


class HostPools(httpx.AsyncBaseTransport):
    """A transport that sends each request through its origin's own pinned pool."""

    def __init__(
        self,
        per_host: int,
        max_pools: int,
        allow_private: bool,
        keepalive: float = KEEPALIVE_EXPIRY,
    ) -> None:
        self.per_host = per_host
        self.max_pools = max(1, max_pools)
        self.keepalive = keepalive
        self._ssl = httpx.create_ssl_context(trust_env=False)  # loaded once, shared
        self._backend = PinnedBackend(allow_private)
        self._pools: OrderedDict[Origin, _Pool] = OrderedDict()  # least recently used first

    @property
    def pool_count(self) -> int:
        return len(self._pools)

    @property
    def in_use(self) -> int:
        """Requests sent whose response is not closed yet, over all pools."""
        return sum(pool.busy for pool in self._pools.values())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        key = (url.raw_scheme, url.raw_host, url.port)
        pool = self._pools.get(key)
        if pool is None:
            await self._make_room()
            transport = pinned_transport(self.per_host, self._backend, self._ssl)
            pool = self._pools[key] = _Pool(transport)
        else:
            self._pools.move_to_end(key)
        pool.busy += 1
        try:
            resp = await pool.transport.handle_async_request(request)
        except BaseException:
            self._release(key, pool)
            raise
        assert isinstance(resp.stream, httpx.AsyncByteStream)
        return httpx.Response(
            resp.status_code,
            headers=resp.headers,
            stream=_Counted(resp.stream, lambda: self._release(key, pool)),
            extensions=resp.extensions,
        )

    def _release(self, key: Origin, pool: _Pool) -> None:
        pool.busy -= 1
        pool.used = time.monotonic()
        if self._pools.get(key) is pool:
            self._pools.move_to_end(key)

    async def _make_room(self) -> None:
        """Close the pools unused for longer than the keep-alive expiry (their connections
        have expired anyway), then the least recently used idle ones over the cap."""
        stale = time.monotonic() - self.keepalive
        for key, pool in list(self._pools.items()):
            if pool.busy:
                continue
            if pool.used >= stale and len(self._pools) < self.max_pools:
                break  # the rest were used more recently
            del self._pools[key]
            await pool.transport.aclose()

    async def aclose(self) -> None:
        pools = list(self._pools.values())
        self._pools.clear()
        for pool in pools:
            await pool.transport.aclose()
