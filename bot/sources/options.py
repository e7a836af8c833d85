"""A source's request options as the fetcher applies them: extra headers, a cookie and a
proxy (secrets read from the environment here, at the request, never logged: they are left
out of every repr), and a rate limit.

The rate limit serialises a source's requests (its feed, its article pages, whatever its
kind fetches) and starts each one at least `min_gap` seconds after the previous one ended,
on top of the per-host cap. It is kept per source for the fetcher's life, so it holds across
polls of one daemon or fetch cycle.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from bot.models import Source
from bot.sources.errors import FetchError


@dataclass(frozen=True)
class RequestOptions:
    key: str  # whose requests these are: the rate limit's key (the source id)
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    cookie: str | None = field(default=None, repr=False)
    proxy: str | None = field(default=None, repr=False)
    min_gap: float = 0.0

    def apply(self, headers: dict[str, str]) -> None:
        """Add the extra headers and the cookie to a request's headers."""
        headers.update(self.headers)
        if self.cookie:
            headers["Cookie"] = self.cookie


def request_options(source: Source, environ: Mapping[str, str]) -> RequestOptions | None:
    """The options of `source` (None when it has none). A variable named by the source
    and not set (the configuration checked it at load) is the source's FetchError."""
    wanted = source.headers or source.cookie_env or source.proxy or source.proxy_env
    if not wanted and not source.rate_limit:
        return None
    return RequestOptions(
        key=source.id,
        headers=source.headers,
        cookie=_env(environ, source.cookie_env, "cookie_env"),
        proxy=_env(environ, source.proxy_env, "proxy_env") or source.proxy,
        min_gap=source.rate_limit,
    )


def _env(environ: Mapping[str, str], name: str | None, key: str) -> str | None:
    if name is None:
        return None
    value = environ.get(name, "")
    if not value:
        raise FetchError(f"{key}: ${name} is not set in the environment")
    return value


class Pacer:
    """Per-source rate limits: one request of a source at a time, each starting at least
    its gap after the previous one ended (the loop's monotonic clock)."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._ended: dict[str, float] = {}

    @asynccontextmanager
    async def paced(self, key: str, gap: float) -> AsyncIterator[None]:
        if gap <= 0:
            yield
            return
        loop = asyncio.get_running_loop()
        async with self._locks.setdefault(key, asyncio.Lock()):
            ended = self._ended.get(key)
            if ended is not None:
                wait = ended + gap - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
            try:
                yield
            finally:
                self._ended[key] = loop.time()
