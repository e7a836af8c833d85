"""The one HTTP client: polite (conditional requests, caps overall and per host), and safe
against whatever a server sends. It only fetches; parsing runs in bot.sources.parsepool.

Its parts: why a fetch fails (bot.sources.errors), connections only to checked addresses
(bot.sources.addresses), a small pool per origin (bot.sources.hostpools), bodies read
within a cap (bot.sources.bodies).
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from bot.settings import FetchSection
from bot.sources.addresses import check_url
from bot.sources.bodies import drain, read_body
from bot.sources.errors import FetchError, FetchTimeout, HTTPStatusError, RedirectError
from bot.sources.hostpools import HostPools
from bot.sources.options import Pacer, RequestOptions


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


REDIRECTS = {301, 302, 303, 307, 308}


class Fetcher:
    """One shared httpx.AsyncClient with global and per-host caps. Use `async with`.

    `for_source(options)` gives a view of it (same client, caps and rate limits) that
    applies a source's request options to every request made through it: collect hands
    that view to the kind's poll and to the page reader."""

    def __init__(
        self,
        settings: FetchSettings | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = s = settings or FetchSettings()
        self._client = self._make_client(
            transport or HostPools(s.per_host, s.concurrency, s.allow_private)
        )
        self._global = asyncio.Semaphore(s.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._proxied: dict[str, httpx.AsyncClient] = {}  # one client per proxy URL
        self._pacer = Pacer()
        self._options: RequestOptions | None = None

    def _make_client(self, transport: httpx.AsyncBaseTransport) -> httpx.AsyncClient:
        s = self.settings
        return httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout, pool=s.total_timeout),
            headers={"User-Agent": s.user_agent_header, "Accept-Encoding": "gzip, deflate"},
            trust_env=False,
        )

    def for_source(self, options: RequestOptions | None) -> Fetcher:
        """This fetcher applying `options` (headers, cookie, proxy, rate limit) to every
        request; itself when there are none. The view shares everything: never close it."""
        if options is None:
            return self
        view = copy.copy(self)
        view._options = options
        return view

    def _client_for(self, proxy: str | None) -> httpx.AsyncClient:
        """The proxy's own client (made at first use). Through a proxy the connection goes
        to the proxy, which the operator chose: the target's name is resolved there, so
        only check_url's checks of the URL itself apply to it."""
        if not proxy:
            return self._client
        client = self._proxied.get(proxy)
        if client is None:
            limits = httpx.Limits(max_connections=self.settings.concurrency)
            transport = httpx.AsyncHTTPTransport(proxy=proxy, trust_env=False, limits=limits)
            client = self._proxied[proxy] = self._make_client(transport)
        return client

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
        for client in self._proxied.values():
            await client.aclose()
        self._proxied.clear()

    async def get(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = "*/*",
    ) -> Response:
        """GET with conditional headers; a 304 comes back as `not_modified=True`."""
        headers = {"Accept": accept}
        options = self._options
        if options is not None:
            options.apply(headers)
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if options is None:
            return await self._follow(url, headers)
        async with self._pacer.paced(options.key, options.min_gap):
            return await self._follow(url, headers)

    async def _follow(self, url: str, headers: dict[str, str]) -> Response:
        seen: set[str] = set()
        deadline: list[float] = []  # set when the first request gets its slot
        host = urlsplit(url).hostname
        for _ in range(self.settings.max_redirects + 1):
            check_url(url, self.settings.allow_private)
            if self._options is not None and urlsplit(url).hostname != host:
                headers = self._without_options(headers)  # the source's secrets stay home
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

    def _without_options(self, headers: dict[str, str]) -> dict[str, str]:
        assert self._options is not None
        own = {name.lower() for name, _ in self._options.headers} | {"cookie"}
        return {k: v for k, v in headers.items() if k.lower() not in own or k.lower() == "accept"}

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
                    self._client_for(self._options.proxy if self._options else None).stream(
                        "GET", url, headers=headers
                    ) as resp,
                ):
                    h = {k.lower(): v for k, v in resp.headers.items()}
                    status = resp.status_code
                    if status in REDIRECTS or status in (204, 304) or status >= 400:
                        await drain(resp, h)  # a body we do not use
                        return status, h, b""
                    body = await read_body(resp, h, self.settings.max_bytes)
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
