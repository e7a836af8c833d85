"""Per-source request options over real loopback HTTP: extra headers and a cookie on every
request of the source (its feed and its article pages) and never across hosts, a proxy that
its requests (and only its) go through, and a rate limit that spaces them."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import pytest
from aiohttp import web

from bot.models import Source
from bot.sources.collect import SourceOutcome, collect
from bot.sources.http import Fetcher
from tests.loopback import serving
from tests.servers.proxy import proxying
from tests.sources.conftest import TEST_SETTINGS

NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
COOKIE = "session=harbour-7f3a9c"  # an invented secret


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    arrived: float
    ended: float = 0.0


@dataclass
class Recorder:
    """A site with a teaser feed of three items and their article pages; records each
    request as it arrived (time.monotonic), and when its answer was ready."""

    seen: list[Seen] = field(default_factory=list)
    base: str = ""
    elsewhere: str = ""  # a redirect target on another host name

    def feed(self, first: int) -> str:
        items = "".join(
            f"<item><title>Harbour note {n}</title><link>{self.base}/a/{n}.html</link>"
            f"<guid>note-{n}</guid><description>Short.</description></item>"
            for n in range(first, first + 3)
        )
        head = '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        return f"{head}{items}</channel></rss>"

    async def handle(self, request: web.Request) -> web.Response:
        seen = Seen(request.path_qs, dict(request.headers), time.monotonic())
        self.seen.append(seen)
        if request.path == "/moved":
            raise web.HTTPFound(f"{self.elsewhere}/feed.xml")
        if request.path.startswith("/feed"):
            first = int(request.query.get("from", "1"))
            answer = web.Response(text=self.feed(first), content_type="application/rss+xml")
        else:
            answer = web.Response(
                text="<html><body><article><h1>Note</h1><p>A note.</p></article></body></html>",
                content_type="text/html",
            )
        seen.ended = time.monotonic()  # the answer goes out after this
        return answer


@asynccontextmanager
async def site() -> AsyncIterator[Recorder]:
    rec = Recorder()
    app = web.Application()
    app.router.add_get("/{tail:.*}", rec.handle)
    async with serving(app) as base:
        rec.base = base
        rec.elsewhere = base.replace("127.0.0.1", "localhost")
        yield rec


async def poll(fetcher: Fetcher, source: Source) -> SourceOutcome:
    outcome = await collect(fetcher, source, None, None, NOW, lambda _: False)
    assert outcome.error is None, outcome.error
    return outcome


async def test_headers_and_cookie_go_with_every_request_of_the_source(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NW_TEST_COOKIE", COOKIE)
    async with site() as rec, Fetcher(TEST_SETTINGS) as fetcher:
        source = Source(
            id="harbour",
            url=f"{rec.base}/feed.xml",
            headers=(("X-Desk", "analysts"), ("Accept-Language", "ar")),
            cookie_env="NW_TEST_COOKIE",
        )
        outcome = await poll(fetcher, source)
        plain = await poll(fetcher, Source(id="plain", url=f"{rec.base}/feed.xml?from=4"))
    assert len(outcome.items) == 3 and len(plain.items) == 3
    own, other = rec.seen[:4], rec.seen[4:]
    assert sorted(s.path for s in own) == ["/a/1.html", "/a/2.html", "/a/3.html", "/feed.xml"]
    for s in own:
        assert s.headers["X-Desk"] == "analysts" and s.headers["Accept-Language"] == "ar"
        assert s.headers["Cookie"] == COOKIE
        assert s.headers["User-Agent"].startswith("newswatch/")
    assert len(other) == 4
    assert all("Cookie" not in s.headers and "X-Desk" not in s.headers for s in other)


async def test_a_redirect_to_another_host_leaves_the_secrets_behind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NW_TEST_COOKIE", COOKIE)
    async with site() as rec, Fetcher(TEST_SETTINGS) as fetcher:
        source = Source(
            id="moved",
            url=f"{rec.base}/moved",
            headers=(("X-Desk", "a"),),
            cookie_env="NW_TEST_COOKIE",
        )
        await poll(fetcher, source)
    first, moved = rec.seen[0], rec.seen[1]
    assert first.path == "/moved" and first.headers["Cookie"] == COOKIE
    assert moved.path == "/feed.xml" and moved.headers["Host"].startswith("localhost")
    assert "Cookie" not in moved.headers and "X-Desk" not in moved.headers


async def test_an_unset_cookie_variable_is_the_sources_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NW_TEST_COOKIE", raising=False)
    async with site() as rec, Fetcher(TEST_SETTINGS) as fetcher:
        source = Source(id="h", url=f"{rec.base}/feed.xml", cookie_env="NW_TEST_COOKIE")
        outcome = await collect(fetcher, source, None, None, NOW, lambda _: False)
    assert outcome.error == "cookie_env: $NW_TEST_COOKIE is not set in the environment"
    assert rec.seen == []


async def test_a_sources_requests_and_only_its_go_through_its_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with site() as rec, proxying() as (proxy_url, proxy), Fetcher(TEST_SETTINGS) as fetcher:
        monkeypatch.setenv("NW_TEST_PROXY", proxy_url)
        by_url = Source(id="p1", url=f"{rec.base}/feed.xml", proxy=proxy_url)
        by_env = Source(id="p2", url=f"{rec.base}/feed.xml?from=4", proxy_env="NW_TEST_PROXY")
        direct = Source(id="p3", url=f"{rec.base}/feed.xml?from=7")
        outcomes = [await poll(fetcher, s) for s in (by_url, by_env, direct)]
    assert [len(o.items) for o in outcomes] == [3, 3, 3]
    assert len(proxy.seen) == 8  # two feeds and their six pages; none of the third source
    assert all(u.startswith(rec.base) for u in proxy.seen)
    assert not any("from=7" in u or "/a/7.html" in u for u in proxy.seen)
    assert len(rec.seen) == 12  # every request reached the site, through the proxy or not


async def test_a_rate_limit_spaces_the_sources_requests_across_polls() -> None:
    gap = 0.3
    async with site() as rec, Fetcher(TEST_SETTINGS) as fetcher:
        source = Source(id="slow", url=f"{rec.base}/feed.xml", rate_limit=gap)
        await poll(fetcher, source)
        await poll(fetcher, replace(source, url=f"{rec.base}/feed.xml?from=4"))
    assert len(rec.seen) == 8  # per poll: the feed and its three pages
    # Each request arrived at least `gap` after the previous answer was ready: the fetcher
    # waits from the answer's arrival, which comes after it was ready (so whatever the load).
    for before, after in zip(rec.seen, rec.seen[1:], strict=False):
        assert after.arrived >= before.ended + gap - 1e-3, (before, after)
