"""What discovery reads in the bytes it fetched (no I/O): a page's feed links, robots.txt's
sitemaps, which kind of document a body is, and a small summary of each (items, newest
date, language), so that `sources discover` can say what a candidate would bring.

A document's kind is the registry's to say (each kind's sniff, each kind's discovery hook's
link types), and each is read by its kind's own reader (or its hook's `summarise`, defined
here for the built-in kinds), so discovery reports what the source would really give; a
sitemap counts only as a news sitemap (or an index holding news sitemaps).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from bot.models import RawItem
from bot.sources.feeds import FeedError, parse_feed
from bot.sources.kinds import KINDS, KindEntry
from bot.sources.listing import read_listing
from bot.sources.pagemeta import page_lang, page_title
from bot.sources.pages import PageError, parse_html
from bot.sources.sitemap import is_news_sitemap, parse_sitemap

ROBOTS_FIELD = "Sitemap"  # robots.txt's field that names a sitemap, any case


class NotReadable(Exception):
    """The body is not what the candidate was expected to be (HTML instead of a feed)."""


@dataclass(frozen=True)
class Summary:
    """What a candidate would bring."""

    items: int
    newest: datetime | None
    lang: str | None
    title: str = ""
    children: tuple[str, ...] = ()  # a sitemap index's sitemaps, to read one level down


def feed_links(body: bytes, url: str, headers: Mapping[str, str]) -> list[tuple[str, str]]:
    """(absolute URL, kind) of each `<link rel="alternate">` of a page whose type a kind's
    discovery hook names, in page order."""
    try:
        root = parse_html(body, headers)
    except PageError:
        return []
    types = {t: e.name for e in KINDS.values() if e.discovery for t in e.discovery.link_types}
    found: dict[str, str] = {}
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = types.get((link.get("type") or "").split(";")[0].strip().lower())
        href = (link.get("href") or "").strip()
        if "alternate" in rels and kind and href:
            found.setdefault(urljoin(url, href), kind)
    return list(found.items())


def robots_sitemaps(text: str, url: str) -> list[str]:
    """The `Sitemap:` lines of a robots.txt, absolute, in order."""
    found: list[str] = []
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == ROBOTS_FIELD.lower() and value.strip():
            found.append(urljoin(url, value.strip()))
    return list(dict.fromkeys(found))


def summarise(kind: KindEntry, body: bytes, url: str, headers: Mapping[str, str]) -> Summary:
    """What a body of this kind gives, by its discovery hook's `summarise`, else read by
    the kind's own reader; NotReadable when it is not one."""
    hook = kind.discovered
    if hook.summarise is not None:
        return hook.summarise(body, url, headers)
    if kind.read is None:
        raise NotReadable(f"no reader for kind {kind.name}")
    try:
        _, items = kind.read(body, url)
    except FeedError as exc:
        raise NotReadable(exc.reason) from None
    except Exception as exc:  # the kind's own refusal of this body
        raise NotReadable(f"not a {kind.name}: {type(exc).__name__}: {exc}"[:200]) from None
    return _of_items(items)


def summarise_feed(body: bytes, url: str, headers: Mapping[str, str]) -> Summary:
    """An RSS/Atom feed, with the response's headers (charset), and the feed's title."""
    try:
        feed = parse_feed(body, url, "discover", headers)
    except FeedError as exc:
        raise NotReadable(exc.reason) from None
    return _of_items(feed.items, feed.title)


def summarise_listing(body: bytes, url: str, headers: Mapping[str, str]) -> Summary:
    """An html listing: its article links (dates come only from the pages themselves)."""
    listing = read_listing(body, url)
    try:
        root = parse_html(body, headers)
        lang, title = page_lang(root), page_title(root)
    except PageError:
        lang, title = None, ""
    return Summary(len(listing.links), None, lang, title)


def _of_items(items: Sequence[RawItem], title: str = "") -> Summary:
    dates = [i.published for i in items if i.published]
    langs = Counter(i.lang for i in items if i.lang)
    lang = langs.most_common(1)[0][0] if langs else None
    return Summary(len(items), max(dates) if dates else None, lang, title)


def summarise_news_sitemap(body: bytes, url: str, headers: Mapping[str, str]) -> Summary:
    """A news sitemap's entries, or an index's child sitemaps (no items); a sitemap of
    another sort is NotReadable."""
    try:
        sitemap = parse_sitemap(body)
    except FeedError as exc:
        raise NotReadable(exc.reason) from None
    if sitemap.is_index:
        return Summary(0, None, None, children=tuple(c.url for c in sitemap.children))
    if not is_news_sitemap(body):
        raise NotReadable("a sitemap, but not a news sitemap (no xmlns:news)")
    dates = [e.published for e in sitemap.entries if e.published]
    langs = Counter(e.lang for e in sitemap.entries if e.lang)
    lang = langs.most_common(1)[0][0] if langs else None
    return Summary(len(sitemap.entries), max(dates) if dates else None, lang)
