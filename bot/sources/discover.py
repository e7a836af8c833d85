"""Feed discovery: from a site's address to the source worth following, and why.

The order, best first, each step taken only when the ones before found nothing usable:

1. the address itself, when it is a feed, a JSON Feed or a news sitemap; a `t.me/<name>` or
   `t.me/s/<name>` address is a Telegram channel (the `telegram` kind);
2. the page's `<link rel="alternate">` feeds (RSS, Atom, JSON Feed), in page order;
3. common feed paths at the site's root (`/feed`, `/rss.xml`, ...), up to the first that works;
4. news sitemaps: robots.txt's `Sitemap:` lines (an index is read one level down, its
   news-named sitemaps only), then common names (`/news-sitemap.xml`, ...);
5. the page itself as an `html` listing, its article links found automatically.

A candidate is usable when it answers, is what it claims (a feed link that serves HTML is
not), lists at least one item and its kind is registered here. Every candidate tried is
reported with what it would bring or why not, and the reason for the choice names the
better-ranked candidates that failed. Every request goes through the project's Fetcher:
the same address checks, caps, timeouts and User-Agent as polling.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from bot.sources.discoverparse import (
    NotReadable,
    Summary,
    channel_preview,
    feed_links,
    kind_of_body,
    robots_sitemaps,
    summarise,
    summarise_listing,
)
from bot.sources.errors import FetchError
from bot.sources.http import Fetcher, Response
from bot.sources.kinds import FEED_ACCEPT, HTML_ACCEPT, KINDS

COMMON_FEED_PATHS = ("/feed", "/rss.xml", "/atom.xml", "/feed.json", "/rss", "/feed.xml")
NEWS_SITEMAP_PATHS = ("/news-sitemap.xml", "/sitemap-news.xml", "/sitemap_news.xml")
MAX_LINKED = 6  # feed links of one page tried
MAX_ROBOTS = 4  # robots.txt sitemaps tried
MAX_CHILDREN = 3  # news sitemaps of an index read
LISTING = "html"  # the kind of the last resort: the page itself, links found automatically
RANK = {"sitemap": 1, LISTING: 2}  # any other kind (feeds, a channel) ranks 0
ANY_ACCEPT = f"{FEED_ACCEPT.replace(', */*;q=0.5', '')}, application/feed+json, {HTML_ACCEPT}"
WHAT = {
    "feed": "an RSS/Atom feed",
    "jsonfeed": "a JSON Feed",
    "sitemap": "a news sitemap",
    LISTING: "an html listing (article links found automatically)",
}


class DiscoveryError(Exception):
    """Discovery could not start; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BadAddress(DiscoveryError):
    """Not an address that can be fetched (no host, another scheme, spaces)."""


class Unreachable(DiscoveryError):
    """The address itself did not answer (no such host, refused, timeout, 4xx/5xx)."""


@dataclass(frozen=True)
class Candidate:
    url: str
    kind: str
    found_by: str  # how discovery came to it: "<link rel=alternate>", "robots.txt", ...
    items: int = 0
    newest: datetime | None = None
    lang: str | None = None
    title: str = ""
    error: str | None = None  # why it cannot be followed

    @property
    def usable(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Discovery:
    address: str
    candidates: tuple[Candidate, ...]
    chosen: Candidate | None
    reason: str


def normalise_address(address: str) -> str:
    """An http(s) URL from what a user typed (`site.example` becomes https://site.example/)."""
    text = address.strip()
    if not text or any(c.isspace() for c in text):
        raise BadAddress(f"not an address: {address!r}")
    if "://" not in text and not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:(?!\d)", text):
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https"):
        raise BadAddress(f"not an http(s) address: {address!r}")
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    if parts.username is not None:
        raise BadAddress(f"an address with a user name or password: {address!r}")
    if not parts.hostname or not port_ok:
        raise BadAddress(f"no host name in {address!r}")
    return text if parts.path else text + "/"


async def discover(fetcher: Fetcher, address: str) -> Discovery:
    """The candidates of `address`, best first as tried, and the one chosen."""
    url = normalise_address(address)
    if channel_preview(url):
        return await discover_page(fetcher, url, None)
    try:
        page = await fetcher.get(url, accept=ANY_ACCEPT)
    except FetchError as exc:
        raise Unreachable(f"{url}: {exc.reason}") from None
    return await discover_page(fetcher, url, page)


async def discover_page(fetcher: Fetcher, url: str, page: Response | None) -> Discovery:
    """Discovery from the address's answer already in hand (`sources add` fetched it); a
    t.me address needs none."""
    preview = channel_preview(url)
    if preview:
        return _decide(url, [await _probe(fetcher, preview, "a t.me address", "channel")])
    if page is None:
        raise Unreachable(f"{url}: no answer to discover from")
    own = kind_of_body(page.body, page.content_type)
    if own is not None:
        return _decide(url, [await _candidate(fetcher, page, own, "the address itself")])
    found = [
        await _probe(fetcher, link, "<link rel=alternate>", kind)
        for link, kind in feed_links(page.body, page.url, page.headers)[:MAX_LINKED]
    ]
    root = urljoin(page.url, "/")
    if not _any(found, 0):
        found += await _first_usable(fetcher, [urljoin(root, p) for p in COMMON_FEED_PATHS], found)
    if not _any(found, 0):
        found += await _sitemaps(fetcher, root, found)
    listing = await asyncio.to_thread(summarise_listing, page.body, page.url, page.headers)
    found.append(_with(Candidate(page.url, LISTING, "the page itself"), listing))
    return _decide(url, found)


async def _sitemaps(fetcher: Fetcher, root: str, tried: Sequence[Candidate]) -> list[Candidate]:
    found: list[Candidate] = []
    try:
        robots = await fetcher.get(urljoin(root, "/robots.txt"), accept="text/plain")
        listed = robots_sitemaps(robots.body.decode("utf-8", "replace"), robots.url)
    except FetchError:
        listed = []
    for link in listed[:MAX_ROBOTS]:
        found.append(await _probe(fetcher, link, "robots.txt", "sitemap"))
        if found[-1].usable:
            return found
    paths = [urljoin(root, p) for p in NEWS_SITEMAP_PATHS]
    return found + await _first_usable(fetcher, paths, [*tried, *found], "sitemap")


async def _first_usable(
    fetcher: Fetcher, urls: Sequence[str], tried: Sequence[Candidate], kind: str = "feed"
) -> list[Candidate]:
    """Common paths, tried in order up to the first usable one (each costs the site a request)."""
    done = {c.url for c in tried}
    found: list[Candidate] = []
    for url in urls:
        if url not in done:
            found.append(await _probe(fetcher, url, "a common path", kind))
            if found[-1].usable:
                break
    return found


async def _probe(
    fetcher: Fetcher, url: str, found_by: str, expected: str, nested: bool = False
) -> Candidate:
    """Fetch one candidate and read what it would bring."""
    try:
        resp = await fetcher.get(url, accept=ANY_ACCEPT)
    except FetchError as exc:
        return Candidate(url, expected, found_by, error=exc.reason)
    kind = kind_of_body(resp.body, resp.content_type)
    if kind is None:
        what = resp.content_type or "no content type"
        return Candidate(url, expected, found_by, error=f"not a {expected}: the answer is {what}")
    return await _candidate(fetcher, resp, kind, found_by, nested)


async def _candidate(
    fetcher: Fetcher, resp: Response, kind: str, found_by: str, nested: bool = False
) -> Candidate:
    base = Candidate(resp.url, kind, found_by)
    try:
        summary = await asyncio.to_thread(summarise, kind, resp.body, resp.url, resp.headers)
    except NotReadable as exc:
        return replace(base, error=str(exc))
    if summary.children and nested:
        return replace(base, error="a sitemap index inside an index (read one level only)")
    if summary.children:
        return await _index(fetcher, base, summary.children)
    return _with(base, summary)


async def _index(fetcher: Fetcher, base: Candidate, children: Sequence[str]) -> Candidate:
    """A sitemap index: its news-named sitemaps, read one level down, summed."""
    news = [c for c in children if "news" in c.lower()][:MAX_CHILDREN]
    if not news:
        return replace(base, error=f"a sitemap index of {len(children)} sitemaps, none of news")
    parts = [await _probe(fetcher, child, base.found_by, "sitemap", nested=True) for child in news]
    read = [p for p in parts if p.usable]
    if not read:
        return replace(base, error=f"its news sitemaps failed: {parts[0].error}")
    dates = [p.newest for p in read if p.newest]
    return _with(base, Summary(sum(p.items for p in read), max(dates, default=None), read[0].lang))


def _with(base: Candidate, s: Summary) -> Candidate:
    error = None
    if not s.items:
        error = "no article links found" if base.kind == LISTING else "lists no items"
    return replace(base, items=s.items, newest=s.newest, lang=s.lang, title=s.title, error=error)


def _any(found: Sequence[Candidate], rank: int) -> bool:
    return any(c.usable and RANK.get(c.kind, 0) <= rank for c in found)


def _decide(url: str, tried: Sequence[Candidate]) -> Discovery:
    found = [
        c
        if not c.usable or c.kind in KINDS
        else replace(c, error=f"this newswatch has no {c.kind} kind")
        for c in tried
    ]
    usable = [c for c in found if c.usable]
    chosen = min(usable, key=lambda c: RANK.get(c.kind, 0), default=None)
    if chosen is None:
        why = "; ".join(f"{c.url} ({c.found_by}): {c.error}" for c in found)
        return Discovery(url, tuple(found), None, f"nothing to follow: {why}")
    reason = f"{WHAT.get(chosen.kind, chosen.kind)}, found by {chosen.found_by}"
    rank = RANK.get(chosen.kind, 0)
    reason += (
        "",
        ", as the site offers no working feed",
        ", as the site offers no working feed nor news sitemap",
    )[rank]
    passed = [c for c in found if not c.usable and RANK.get(c.kind, 0) <= rank]
    if passed:
        reason += "; passed over " + "; ".join(f"{c.url} ({c.error})" for c in passed)
    return Discovery(url, tuple(found), chosen, reason)
