"""Feed discovery: from a site's address to the source worth following, and why.

What to look for comes from the source-kind registry: each kind's `DiscoveryHook` (in
bot.sources.kinds) names the link types, common paths and address shapes that find it, its
rank and its label. The order, best first, each step taken only when the ones before found
nothing usable of the same or a better rank:

1. the address itself, when a kind's sniff takes it (a feed, a JSON Feed, a news sitemap);
   an address of a kind's own shape (`t.me/<name>`: the `telegram` kind) is read as that;
2. the page's `<link rel="alternate">` of the kinds' link types, in page order;
3. rank by rank (feeds, then news sitemaps): robots.txt's `Sitemap:` lines for a kind that
   reads them (an index is read one level down, its news-named sitemaps only), then the
   rank's common paths (`/feed`, `/rss.xml`, ..., `/news-sitemap.xml`, ...), each up to the
   first that works;
4. the page itself as a `page` kind (an html listing, its article links found automatically).

A candidate is usable when it answers, is what it claims (a feed link that serves HTML is
not) and lists at least one item. Every candidate tried is reported with what it would
bring or why not, and the reason for the choice names the better-ranked candidates that
failed. Every request goes through the project's Fetcher: the same address checks, caps,
timeouts and User-Agent as polling.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from bot.sources.discoverparse import (
    NotReadable,
    Summary,
    feed_links,
    robots_sitemaps,
    summarise,
)
from bot.sources.errors import FetchError
from bot.sources.http import Fetcher, Response
from bot.sources.kinds import KINDS, DiscoveryHook, KindEntry, sniff_kind

MAX_LINKED = 6  # feed links of one page tried
MAX_ROBOTS = 4  # robots.txt sitemaps tried
MAX_CHILDREN = 3  # news sitemaps of an index read


def _hooked() -> list[tuple[KindEntry, DiscoveryHook]]:
    """The kinds discovery looks for, best rank first (registry order within a rank)."""
    found = [(e, e.discovery) for e in KINDS.values() if e.discovery is not None]
    return sorted(found, key=lambda pair: pair[1].rank)


def _rank(kind: str) -> int:
    entry = KINDS.get(kind)
    return entry.discovered.rank if entry is not None else 0


def any_accept() -> str:
    """The Accept header of discovery's requests: every discoverable kind's types, best
    rank first, anything else last."""
    types: dict[str, str] = {}
    for entry, _ in _hooked():
        for part in entry.accept.split(","):
            media = part.split(";")[0].strip()
            if media and media != "*/*":
                types.setdefault(media, part.strip())
    return ", ".join([*types.values(), "*/*;q=0.5"])


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
    if next(_shaped(url), None):
        return await discover_page(fetcher, url, None)
    try:
        page = await fetcher.get(url, accept=any_accept())
    except FetchError as exc:
        raise Unreachable(f"{url}: {exc.reason}") from None
    return await discover_page(fetcher, url, page)


def _shaped(url: str) -> Iterator[tuple[str, KindEntry, DiscoveryHook]]:
    """(its URL, the kind, its hook) of each kind whose own shape `url` has."""
    for entry, hook in _hooked():
        own = hook.shape(url) if hook.shape is not None else None
        if own:
            yield own, entry, hook


async def discover_page(fetcher: Fetcher, url: str, page: Response | None) -> Discovery:
    """Discovery from the address's answer already in hand (`sources add` fetched it); an
    address of a kind's own shape (t.me/<name>) needs none."""
    shaped = next(_shaped(url), None)
    if shaped:
        own, entry, hook = shaped
        return _decide(url, [await _probe(fetcher, own, hook.shape_note, entry.name)])
    if page is None:
        raise Unreachable(f"{url}: no answer to discover from")
    sniffed = sniff_kind(page.body, page.content_type)
    if sniffed is not None:
        return _decide(url, [await _candidate(fetcher, page, sniffed, "the address itself")])
    found = [
        await _probe(fetcher, link, "<link rel=alternate>", kind)
        for link, kind in feed_links(page.body, page.url, page.headers)[:MAX_LINKED]
    ]
    root = urljoin(page.url, "/")
    for rank in sorted({hook.rank for _, hook in _hooked() if hook.paths or hook.robots}):
        if not _any(found, rank):
            found += await _common(fetcher, root, rank, found)
    for entry, hook in _hooked():
        if hook.page:
            found.append(await _candidate(fetcher, page, entry, "the page itself"))
    return _decide(url, found)


async def _common(
    fetcher: Fetcher, root: str, rank: int, tried: Sequence[Candidate]
) -> list[Candidate]:
    """One rank's robots.txt lines (for the kinds that read them), then its common paths;
    each up to the first usable one (each costs the site a request)."""
    hooked = [(e, h) for e, h in _hooked() if h.rank == rank]
    found: list[Candidate] = []
    robots = [e.name for e, h in hooked if h.robots]
    if robots:
        try:
            answer = await fetcher.get(urljoin(root, "/robots.txt"), accept="text/plain")
            listed = robots_sitemaps(answer.body.decode("utf-8", "replace"), answer.url)
        except FetchError:
            listed = []
        for link in listed[:MAX_ROBOTS]:
            found.append(await _probe(fetcher, link, "robots.txt", robots[0]))
            if found[-1].usable:
                return found
    done = {c.url for c in [*tried, *found]}
    for entry, hook in hooked:
        for url in (urljoin(root, p) for p in hook.paths):
            if url not in done:
                found.append(await _probe(fetcher, url, "a common path", entry.name))
                if found[-1].usable:
                    return found
    return found


async def _probe(
    fetcher: Fetcher, url: str, found_by: str, expected: str, nested: bool = False
) -> Candidate:
    """Fetch one candidate (of the `expected` kind) and read what it would bring."""
    try:
        resp = await fetcher.get(url, accept=any_accept())
    except FetchError as exc:
        return Candidate(url, expected, found_by, error=exc.reason)
    kind = sniff_kind(resp.body, resp.content_type)
    if kind is None:
        what = resp.content_type or "no content type"
        return Candidate(url, expected, found_by, error=f"not a {expected}: the answer is {what}")
    return await _candidate(fetcher, resp, kind, found_by, nested)


async def _candidate(
    fetcher: Fetcher, resp: Response, kind: KindEntry, found_by: str, nested: bool = False
) -> Candidate:
    base = Candidate(resp.url, kind.name, found_by)
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
    parts = [await _probe(fetcher, child, base.found_by, base.kind, nested=True) for child in news]
    read = [p for p in parts if p.usable]
    if not read:
        return replace(base, error=f"its news sitemaps failed: {parts[0].error}")
    dates = [p.newest for p in read if p.newest]
    return _with(base, Summary(sum(p.items for p in read), max(dates, default=None), read[0].lang))


def _with(base: Candidate, s: Summary) -> Candidate:
    error = None
    if not s.items:
        page = base.kind in KINDS and KINDS[base.kind].discovered.page
        error = "no article links found" if page else "lists no items"
    return replace(base, items=s.items, newest=s.newest, lang=s.lang, title=s.title, error=error)


def _any(found: Sequence[Candidate], rank: int) -> bool:
    return any(c.usable and _rank(c.kind) <= rank for c in found)


def _decide(url: str, tried: Sequence[Candidate]) -> Discovery:
    found = [
        c
        if not c.usable or c.kind in KINDS
        else replace(c, error=f"this newswatch has no {c.kind} kind")
        for c in tried
    ]
    usable = [c for c in found if c.usable]
    chosen = min(usable, key=lambda c: _rank(c.kind), default=None)
    if chosen is None:
        why = "; ".join(f"{c.url} ({c.found_by}): {c.error}" for c in found)
        return Discovery(url, tuple(found), None, f"nothing to follow: {why}")
    rank = _rank(chosen.kind)
    reason = f"{KINDS[chosen.kind].discovered.label}, found by {chosen.found_by}"
    lacking = dict.fromkeys(h.lacking for _, h in _hooked() if h.rank < rank and h.lacking)
    if lacking:
        reason += f", as the site offers no working {' nor '.join(lacking)}"
    passed = [c for c in found if not c.usable and _rank(c.kind) <= rank]
    if passed:
        reason += "; passed over " + "; ".join(f"{c.url} ({c.error})" for c in passed)
    return Discovery(url, tuple(found), chosen, reason)
