"""What discovery reads in the bytes it fetched (no I/O): a page's feed links, robots.txt's
sitemaps, which kind of document a body is, and a small summary of each (items, newest
date, language), so that `sources discover` can say what a candidate would bring.

JSON Feed and news sitemaps are read here only while no registered kind reads them: a kind
with a `read` function in bot.sources.kinds (the `jsonfeed` and `sitemap` kinds) is used
instead, so discovery reports what the source would really give.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree

from bot.models import RawItem
from bot.sources.feeds import FeedError, parse_feed
from bot.sources.kinds import KINDS, sniff_kind
from bot.sources.listing import read_listing
from bot.sources.pagemeta import page_lang, page_title, parse_iso
from bot.sources.pages import PageError, parse_html

FEED_LINK_TYPES = {
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "application/feed+json": "jsonfeed",
    "application/json": "jsonfeed",
}
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
CHANNEL_HOSTS = {"t.me", "www.t.me"}
_CHANNEL = re.compile(r"^/(?:s/)?([A-Za-z][A-Za-z0-9_]{3,31})/?$")


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


def channel_preview(url: str) -> str | None:
    """The web preview (`https://t.me/s/<name>`) of a `t.me/<name>` or `t.me/s/<name>`
    address, else None. Which kind reads it is the registry's to say (by its sniff)."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in CHANNEL_HOSTS:
        return None
    m = _CHANNEL.match(parts.path)
    if not m or m.group(1).lower() in {"joinchat", "share", "addstickers"}:
        return None
    return f"https://t.me/s/{m.group(1)}"


def feed_links(body: bytes, url: str, headers: Mapping[str, str]) -> list[tuple[str, str]]:
    """(absolute URL, kind) of each `<link rel="alternate">` feed of a page, in page order."""
    try:
        root = parse_html(body, headers)
    except PageError:
        return []
    found: dict[str, str] = {}
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = FEED_LINK_TYPES.get((link.get("type") or "").split(";")[0].strip().lower())
        href = (link.get("href") or "").strip()
        if "alternate" in rels and kind and href:
            found.setdefault(urljoin(url, href), kind)
    return list(found.items())


def robots_sitemaps(text: str, url: str) -> list[str]:
    """The `Sitemap:` lines of a robots.txt, absolute, in order."""
    found: list[str] = []
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "sitemap" and value.strip():
            found.append(urljoin(url, value.strip()))
    return list(dict.fromkeys(found))


def kind_of_body(body: bytes, content_type: str) -> str | None:
    """The kind a document is, by its own markers (sitemap, JSON Feed) or a registered kind's
    sniff; None for a web page."""
    head = body[:2048].lstrip()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if head.startswith(b"{") or "json" in content_type:
        return "jsonfeed" if b"jsonfeed.org" in body[:4096] else None
    entry = sniff_kind(body, content_type)
    return entry.name if entry is not None else None


def summarise(kind: str, body: bytes, url: str, headers: Mapping[str, str]) -> Summary:
    """What a body of this kind gives; NotReadable when it is not one."""
    if kind == "feed":
        try:
            feed = parse_feed(body, url, "discover", headers)
        except FeedError as exc:
            raise NotReadable(exc.reason) from None
        return _of_items(feed.items, feed.title)
    entry = KINDS.get(kind)
    if entry is not None and entry.read is not None and kind != "sitemap":
        try:
            _, items = entry.read(body, url)
        except Exception as exc:  # the kind's own refusal of this body
            raise NotReadable(f"not a {kind}: {exc}"[:200]) from None
        return _of_items(items)
    if kind == "jsonfeed":
        return _of_items(*_json_feed(body, url))
    if kind == "sitemap":
        return _news_sitemap(body, url)
    raise NotReadable(f"no reader for kind {kind}")


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


def _json_feed(body: bytes, url: str) -> tuple[list[RawItem], str]:
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise NotReadable(f"not JSON: {exc}"[:120]) from None
    if not isinstance(doc, dict) or "jsonfeed.org" not in str(doc.get("version", "")):
        raise NotReadable("JSON, but not a JSON Feed")
    lang = doc.get("language") if isinstance(doc.get("language"), str) else None
    items = [
        RawItem(
            source_id="discover",
            title=str(e.get("title") or ""),
            url=urljoin(url, str(e.get("url") or "")) if e.get("url") else None,
            published=parse_iso(str(e.get("date_published") or "")),
            lang=lang,
        )
        for e in doc.get("items") or []
        if isinstance(e, dict)
    ]
    return items, str(doc.get("title") or "")


def _news_sitemap(body: bytes, url: str) -> Summary:
    """A news sitemap's `<news:news>` entries, or an index's child sitemaps (no items)."""
    try:
        root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise NotReadable(f"unreadable XML: {exc}"[:160]) from None
    if etree.QName(root).localname == "sitemapindex":
        locs = root.iterfind(f"{{{SITEMAP_NS}}}sitemap/{{{SITEMAP_NS}}}loc")
        return Summary(
            0, None, None, children=tuple(urljoin(url, (e.text or "").strip()) for e in locs)
        )
    dates: list[datetime] = []
    langs: Counter[str] = Counter()
    count = 0
    for news in root.iterfind(f"{{{SITEMAP_NS}}}url/{{{NEWS_NS}}}news"):
        count += 1
        when = parse_iso(news.findtext(f"{{{NEWS_NS}}}publication_date") or "")
        if when:
            dates.append(when)
        lang = news.findtext(f"{{{NEWS_NS}}}publication/{{{NEWS_NS}}}language")
        if lang:
            langs[lang.strip()] += 1
    if not count:
        raise NotReadable("a sitemap without news entries (no xmlns:news)")
    lang_ = langs.most_common(1)[0][0] if langs else None
    return Summary(count, max(dates) if dates else None, lang_)
