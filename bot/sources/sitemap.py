"""News sitemaps (Google's `xmlns:news` extension of sitemaps.org) → the articles they list.

Many Arabic and Persian outlets publish a news sitemap and no feed. Each `<url>` gives the
article's `<loc>`, and in `<news:news>` its `news:title`, `news:publication_date` and
`news:language` (a plain sitemap's `<lastmod>` stands in for the date). Only URLs dated
within `WINDOW` of the poll are taken (a news sitemap lists two days; a plain one may list
years), undated ones never; each waits for its page, read as an html article (pages.py),
like a listing's links. A sitemap index is followed one level: its newest child sitemaps, at
most `MAX_CHILDREN`, fetched with the same fetcher (same limits) at every poll, since an
index often stays the same while its children change; an index inside an index is not
followed. A gzipped sitemap file (`.xml.gz`) is inflated within the fetch size cap. A
sitemap is read up to `MAX_URLS` entries (the news sitemap limit), the rest named in
`bozo`. An HTML page (a soft error page) or other XML is a FeedError.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from lxml import etree

from bot.core.identity import item_key
from bot.models import RawItem, Source, WaitingItem
from bot.sources.collect import KnownKeys, SourceOutcome, new_items
from bot.sources.errors import FetchError
from bot.sources.feeds import FeedError
from bot.sources.http import Fetcher, Response
from bot.sources.kinds import SITEMAP_ACCEPT
from bot.sources.pagemeta import parse_iso
from bot.sources.parsepool import ParsePool

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
WINDOW = timedelta(days=2)  # a news sitemap's own span: older URLs are not news
MAX_URLS = 1000  # entries read from one sitemap (the news sitemap limit)
MAX_CHILDREN = 5  # child sitemaps of an index fetched at one poll, newest first
_S = f"{{{SITEMAP_NS}}}"
_N = f"{{{NEWS_NS}}}"
_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass(frozen=True)
class Entry:
    url: str
    title: str
    published: datetime | None
    lang: str | None


@dataclass(frozen=True)
class Sitemap:
    entries: tuple[Entry, ...]  # a urlset's URLs, in document order
    children: tuple[Entry, ...]  # an index's sitemaps (title "")
    bozo: str | None = None  # what was left out, when something was
    is_index: bool = False


def _head(body: bytes) -> bytes:
    return body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()


def is_sitemap(body: bytes) -> bool:
    """A sitemap or sitemap index (sitemaps.org namespace), by its first bytes."""
    head = body[:4096]
    return SITEMAP_NS.encode() in head and (b"<urlset" in head or b"<sitemapindex" in head)


def is_news_sitemap(body: bytes) -> bool:
    """A news sitemap: a urlset declaring Google's news namespace (feed discovery uses it)."""
    return is_sitemap(body) and NEWS_NS.encode() in body[:4096] and b"<urlset" in body[:4096]


def looks_like_sitemap(body: bytes, content_type: str) -> bool:
    return is_sitemap(body)


def gunzip(body: bytes, limit: int) -> bytes:
    """A gzipped sitemap file (`sitemap.xml.gz`, served as it is, not Content-Encoding)
    inflated up to `limit` bytes; other bodies as they are."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflate.decompress(body, limit + 1)
    except zlib.error as exc:
        raise FeedError(f"not a sitemap: broken gzip data: {exc}") from None
    if len(out) > limit:
        raise FeedError(f"sitemap over {limit} bytes once decompressed")
    return out


def parse_sitemap(body: bytes, limit: int = 5_000_000) -> Sitemap:
    """The entries of a urlset or the children of an index (gzipped or not, inflated up
    to `limit` bytes). Raises FeedError otherwise."""
    body = gunzip(body, limit)
    head = _head(body)
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]:
        raise FeedError("not a sitemap: an HTML page (an error page?)")
    try:
        root = etree.fromstring(body, _XML)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise FeedError(f"not a sitemap: not well-formed XML: {exc}"[:200]) from None
    if root.tag == f"{_S}sitemapindex":
        children = [_entry(el, news=False) for el in root.iterchildren(f"{_S}sitemap")]
        found = [c for c in children if c is not None]
        return Sitemap((), tuple(found), _capped(len(found), "sitemaps"), True)
    if root.tag != f"{_S}urlset":
        raise FeedError(f"not a sitemap: the document is <{etree.QName(root).localname}>")
    entries: list[Entry] = []
    total = 0
    for el in root.iterchildren(f"{_S}url"):
        total += 1
        if total <= MAX_URLS and (entry := _entry(el, news=True)) is not None:
            entries.append(entry)
    return Sitemap(tuple(entries), (), _capped(total, "URLs"))


def _capped(total: int, what: str) -> str | None:
    if total <= MAX_URLS:
        return None
    return f"the sitemap lists {total} {what}; read the first {MAX_URLS}"


def _texts(el: Any) -> dict[str, str]:
    """Tag → text of an element's children (one pass: path lookups cost more per entry)."""
    return {child.tag: child.text or "" for child in el if isinstance(child.tag, str)}


def _entry(el: Any, news: bool) -> Entry | None:
    found = _texts(el)
    loc = found.get(f"{_S}loc", "").strip()
    if not loc.startswith(("http://", "https://")):
        return None
    title, lang, published = "", None, None
    block = el.find(f"{_N}news") if news and f"{_N}news" in found else None
    if block is not None:
        said = _texts(block)
        title = " ".join(said.get(f"{_N}title", "").split())
        published = parse_iso(said.get(f"{_N}publication_date", ""))
        publication = block.find(f"{_N}publication")
        code = _texts(publication).get(f"{_N}language", "") if publication is not None else ""
        lang = code.strip().split("-")[0].split("_")[0].lower() or None
    if published is None:
        published = parse_iso(found.get(f"{_S}lastmod", ""))
    return Entry(loc, title, published, lang)


def _items(
    sitemap: Sitemap, source: Source, since: datetime | None
) -> tuple[list[RawItem], list[str]]:
    """The entries dated `since` or later (all of them when None) as items, with keys."""
    items = [
        RawItem(
            source_id=source.id,
            title=e.title,
            url=e.url,
            published=e.published,
            published_from="sitemap" if e.published else "",
            lang=e.lang or source.lang,
        )
        for e in sitemap.entries
        if since is None or (e.published is not None and e.published >= since)
    ]
    return items, [item_key(i) for i in items]


def _parse_keyed(
    body: bytes, source: Source, since: datetime, limit: int
) -> tuple[Sitemap, list[RawItem], list[str]]:
    sitemap = parse_sitemap(body, limit)
    return sitemap, *_items(sitemap, source, since)


async def poll_sitemap(
    fetcher: Fetcher,
    pool: ParsePool,
    source: Source,
    resp: Response,
    base: SourceOutcome,
    known: KnownKeys,
) -> SourceOutcome:
    """The sitemap's new articles in the window, each waiting for its page."""
    since = base.checked_at - WINDOW
    limit = fetcher.settings.max_bytes
    sitemap, items, keys = await pool.run(_parse_keyed, resp.body, source, since, limit)
    notes = [sitemap.bozo] if sitemap.bozo else []
    problems: list[str] = []
    if sitemap.is_index:
        recent = [c for c in sitemap.children if c.published is None or c.published >= since]
        recent.sort(key=lambda c: c.published or datetime.min.replace(tzinfo=since.tzinfo))
        chosen = list(reversed(recent))[:MAX_CHILDREN]
        if len(recent) > len(chosen):  # said, not dropped unseen
            notes.append(f"{len(recent)} recent child sitemaps; read the newest {len(chosen)}")
        for child in chosen:
            try:
                got = await fetcher.get(child.url, accept=SITEMAP_ACCEPT)
                parsed = await pool.run(_parse_keyed, got.body, source, since, limit)
            except (FetchError, FeedError) as exc:
                problems.append(f"{child.url}: {exc}")
                continue
            sub, more, more_keys = parsed
            if sub.is_index:
                problems.append(f"{child.url}: an index inside an index, not followed")
            notes += [f"{child.url}: {sub.bozo}"] if sub.bozo else []
            items += more
            keys += more_keys
        if chosen and len(problems) == len(chosen):
            raise FeedError(f"no child sitemap could be read: {problems[0]}")
    if sitemap.is_index:
        # The index may stay the same while a child gains URLs: it is fetched whole at
        # every poll (no validators kept), so its children are always looked at.
        base = replace(base, etag=None, last_modified=None)
    new = new_items(items, keys, known)
    return replace(
        base,
        items=tuple(item for item, _ in new),
        waiting=tuple(WaitingItem(item, key) for item, key in new),
        page_errors=(*base.page_errors, *problems),
        bozo="; ".join(notes) or None,
        seen=len(items),
        warning=None if items else f"no URL in the sitemap is dated within {_span()}",
    )


def _span() -> str:
    hours = int(WINDOW.total_seconds() // 3600)
    return f"the last {hours} hours"


def read_sitemap(body: bytes, url: str) -> tuple[str | None, list[RawItem]]:
    """A saved sitemap's entries, whatever their age (`newswatch extract FILE`); an
    index's child sitemaps are not fetched."""
    sitemap = parse_sitemap(body)
    items, _ = _items(sitemap, Source(id="extract", url=url), None)
    return sitemap.bozo, items
