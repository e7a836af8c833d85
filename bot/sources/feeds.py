"""RSS/Atom bytes → RawItems, through feedparser on bytes we fetched (never on a URL).

The bytes are decoded here first (see decode.py: servers lie about charsets) and handed to
feedparser as UTF-8 with the feed URL as Content-Location, so relative links resolve against
xml:base or the feed URL. A bozo feed is read as far as it goes; the reason is kept.
Feed HTML is never sanitised for display: it is only turned into plain text here.

feedparser's pure-Python SAX handlers cost ~9 ms for a 50-item feed, most of a fetch cycle's
CPU. The plain RSS 2.0 most outlets serve (well-formed, a known set of item elements, no
xml:base/xml:lang/DOCTYPE) is therefore read with lxml instead (`_fast_rss`), giving the very
values feedparser would: same text processing, same link/GUID rules, same date parser (its
own functions are reused). Anything outside that subset goes to feedparser; a differential
test holds the two to the same output.
"""

from __future__ import annotations

import calendar
import contextlib
import io
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from feedparser.datetimes import _parse_date
from feedparser.html import _cp1252
from feedparser.urls import _urljoin
from lxml import etree

from bot.core.urls import canonical_url
from bot.models import RawItem
from bot.sources.decode import decode_body, html_to_text

REAL_TEXT_CHARS = 500  # an item with less text than this is a teaser: fetch its page
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# A character reference to a UTF-16 surrogate (&#xD800;) crashes feedparser's charref handler.
_CHAR_REF = re.compile(r"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});")


def _no_surrogate_refs(text: str) -> str:
    def fix(m: re.Match[str]) -> str:
        ref = m.group(1)
        value = int(ref[1:], 16) if ref[0] in "xX" else int(ref)
        return "\ufffd" if 0xD800 <= value <= 0xDFFF else m.group(0)

    return _CHAR_REF.sub(fix, text) if "&#" in text else text


class FeedError(Exception):
    """The document is not a feed at all (HTML, an error page, an empty body)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    items: tuple[RawItem, ...]
    ttl: int | None = None  # seconds, from RSS <ttl>
    bozo: str | None = None  # why the feed is ill-formed, when it is
    encoding: str = "utf-8"


def parse_feed(
    body: bytes,
    url: str,
    source_id: str,
    headers: Mapping[str, str] | None = None,
    lang: str | None = None,
) -> ParsedFeed:
    """Raises FeedError only when nothing feed-like is there; a bozo feed is a result."""
    text, encoding = decode_body(body, headers)
    text = _XML_DECL.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1)
    ctype = next((v for k, v in (headers or {}).items() if k.lower() == "content-type"), "")
    mime = ctype.split(";")[0].strip() or "application/xml"
    data = text.encode("utf-8")
    d: Any = _fast_rss(data, url) if mime.lower() in _FAST_MIMES else None
    if d is None:
        d = _feedparser(_no_surrogate_refs(text).encode("utf-8"), url, mime)
    bozo = _bozo_reason(d) if d.get("bozo") else None
    if not d.get("version") and not d.entries:
        raise FeedError(f"not a feed ({mime or 'no content type'})" + (f": {bozo}" if bozo else ""))
    feed_lang = _lang(d.feed.get("language")) or lang
    guids = Counter(e.get("id") for e in d.entries if e.get("id"))
    home = {canonical_url(urljoin(url, str(d.feed.get("link") or "/"))), canonical_url(url)}
    items = tuple(
        _item(e, url, home, source_id, feed_lang, repeated=guids[e.get("id")] > 1)
        for e in d.entries
    )
    return ParsedFeed(
        title=html_to_text(str(d.feed.get("title", ""))),
        items=tuple(i for i in items if i.title or i.url or i.text or i.summary),
        ttl=_ttl(d.feed.get("ttl")),
        bozo=bozo,
        encoding=encoding,
    )


def _feedparser(data: bytes, url: str, mime: str) -> Any:
    """feedparser on our bytes. Its own crashes on hostile input (it has had several) are
    this feed's FeedError, never an exception of another kind."""
    try:
        return feedparser.parse(
            io.BytesIO(data),
            response_headers={"content-type": f"{mime}; charset=utf-8", "content-location": url},
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:
        raise FeedError(f"unreadable feed: {type(exc).__name__}: {exc}"[:200]) from None


def has_real_text(item: RawItem) -> bool:
    return len(item.text) >= REAL_TEXT_CHARS


def _item(
    e: Any, feed_url: str, home: set[str], source_id: str, lang: str | None, repeated: bool
) -> RawItem:
    link = e.get("link") or ""
    if not link:
        link = next((lk.get("href", "") for lk in e.get("links", []) if lk.get("href")), "")
    link = urljoin(feed_url, link.strip()) if link.strip() else ""
    if link and urlsplit(link).scheme not in ("http", "https"):
        link = ""
    # A link to the site's home page (often feedparser's copy of a reused permalink GUID)
    # names no article.
    if link and canonical_url(link) in home:
        link = ""
    guid = None if repeated else (str(e.get("id") or "").strip() or None)
    contents = [c.get("value", "") for c in e.get("content", []) if c.get("value")]
    content = html_to_text(max(contents, key=len)) if contents else ""
    summary = html_to_text(str(e.get("summary", "")))
    if not content and len(summary) >= REAL_TEXT_CHARS:  # full text carried in <description>
        content = summary
    # dict.get: feedparser's own get() warns when it maps a missing updated_parsed.
    published = _time(e.get("published_parsed") or dict.get(e, "updated_parsed"))
    return RawItem(
        source_id=source_id,
        title=html_to_text(str(e.get("title", ""))).replace("\n", " "),
        url=link or None,
        guid=guid,
        text=content,
        summary=summary if summary != content else summary[:REAL_TEXT_CHARS],
        published=published,
        published_from="feed" if published else "",
        lang=_lang(e.get("language")) or lang,
    )


def _time(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC) if value else None
    except (TypeError, ValueError, OverflowError):
        return None


def _ttl(value: Any) -> int | None:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return minutes * 60 if minutes > 0 else None


def _lang(value: Any) -> str | None:
    if not value or not isinstance(value, str):
        return None
    return value.strip().split("-")[0].split("_")[0].lower() or None


def _bozo_reason(d: Any) -> str:
    exc = d.get("bozo_exception")
    if exc is None:
        return "ill-formed feed"
    name = type(exc).__name__
    message = " ".join(str(getattr(exc, "getMessage", lambda: exc)()).split())
    return f"{name}: {message}"[:200]


# --- the lxml fast path for plain RSS 2.0 ---------------------------------------------------

_FAST_MIMES = frozenset(
    {"application/xml", "text/xml", "application/rss+xml", "application/x-rss+xml"}
)
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_ATOM_LINK = "{http://www.w3.org/2005/Atom}link"
# Item children that set nothing we read (beyond what _fast_item handles) in feedparser.
_ITEM_IGNORED = frozenset({"category", "author", "comments", f"{_DC}creator", f"{_DC}subject"})
_ITEM_READ = frozenset(
    {"title", "link", "guid", "description", "pubdate", f"{_CONTENT}encoded", f"{_DC}date"}
)
_CHANNEL_READ = frozenset({"title", "link", "language", "ttl"})
_CHANNEL_IGNORED = frozenset(
    {"description", "copyright", "managingeditor", "webmaster", "pubdate", "lastbuilddate"}
    | {"category", "generator", "docs", "cloud", "image", "rating", "textinput", "skiphours"}
    | {"skipdays"}
)
_CHANNEL_IGNORED_NS = ("{http://purl.org/rss/1.0/modules/syndication/}",)
_ENTITY_IN_LINK = re.compile("&([A-Za-z0-9_]+);")
_XML = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=False)


class _Unsupported(Exception):
    """Something the fast path does not model: feedparser reads this feed."""


class _FastFeed(dict[str, Any]):
    """The parts of feedparser's result that parse_feed reads."""

    def __init__(self, feed: dict[str, Any], entries: list[dict[str, Any]]) -> None:
        super().__init__(version="rss20", bozo=0)
        self.feed = feed
        self.entries = entries


def _fast_rss(data: bytes, url: str) -> _FastFeed | None:
    """feedparser's reading of a plain RSS 2.0 feed, or None when the feed is not one."""
    head = data[:4096]
    if b"<!DOCTYPE" in head or b"xml:base" in data or b"xml:lang" in data:
        return None
    try:
        root = etree.fromstring(data, _XML)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root.tag != "rss" or len(root) != 1 or root[0].tag != "channel":
        return None
    try:
        return _fast_channel(root[0], url)
    except _Unsupported:
        return None


def _tag(el: Any) -> str:
    tag = el.tag
    if not isinstance(tag, str):  # a comment, processing instruction or entity
        raise _Unsupported
    return tag.lower() if tag[0] != "{" else tag


def _value(el: Any, base: str | None = None) -> str:
    """An element's text as feedparser's `pop` leaves it: stripped, resolved against `base`
    (links), mojibake and cp1252 control characters mapped. Markup or comments inside are
    unsupported (feedparser would re-serialise them)."""
    if len(el):
        raise _Unsupported
    out = (el.text or "").strip()
    if base is not None and out:
        out = _urljoin(base, out)
    if out.isascii():  # both mappings below leave ASCII as it is
        return out
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        out = out.encode("iso-8859-1").decode("utf-8")
    return str(out.translate(_cp1252))


def _fast_channel(channel: Any, url: str) -> _FastFeed:
    feed: dict[str, Any] = {}
    entries: list[dict[str, Any]] = []
    for el in channel:
        tag = _tag(el)
        if tag == "item":
            entries.append(_fast_item(el, url))
        elif tag in _CHANNEL_READ:
            if tag in feed:
                raise _Unsupported
            value = _value(el, url if tag == "link" else None)
            feed[tag] = _ENTITY_IN_LINK.sub(r"&\g<1>", value) if tag == "link" else value
        elif tag == _ATOM_LINK:
            if (el.get("rel") or "alternate").lower() == "alternate":
                raise _Unsupported  # feedparser would take its href as the feed's link
        elif tag not in _CHANNEL_IGNORED and not tag.startswith(_CHANNEL_IGNORED_NS):
            raise _Unsupported
    return _FastFeed(feed, entries)


def _fast_item(item: Any, url: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for el in item:
        tag = _tag(el)
        if tag in _ITEM_READ:
            if tag in found:
                raise _Unsupported  # feedparser's rules for repeats are order-dependent
            found[tag] = el
        elif tag not in _ITEM_IGNORED:
            raise _Unsupported
    entry: dict[str, Any] = {}
    if "title" in found:
        entry["title"] = _value(found["title"])
    guid = found.get("guid")
    guid_is_link = False
    if guid is not None:
        attrs = {k.lower(): v for k, v in guid.attrib.items()}
        guid_is_link = attrs.get("ispermalink", "true") == "true"
        entry["id"] = _value(guid, url if guid_is_link else None)
    link = found.get("link")
    if link is not None:
        if link.attrib:
            raise _Unsupported
        value = _value(link, url).replace("&amp;", "&")
        if not value:
            raise _Unsupported  # an empty <link> interacts with a permalink GUID
        entry["link"] = _ENTITY_IN_LINK.sub(r"&\g<1>", value)
    elif guid_is_link:
        entry["link"] = entry["id"]
    content = found.get(f"{_CONTENT}encoded")
    if content is not None:
        entry["content"] = [{"value": _value(content)}]
    if "description" in found:
        entry["summary"] = _value(found["description"])
    elif content is not None:
        entry["summary"] = entry["content"][0]["value"]
    if "pubdate" in found:
        entry["published_parsed"] = _parse_date(_value(found["pubdate"]))
    if f"{_DC}date" in found:
        entry["updated_parsed"] = _parse_date(_value(found[f"{_DC}date"]))
    return entry


FEED_TYPES = ("xml", "rss", "atom", "rdf")


def looks_like_feed(body: bytes, content_type: str) -> bool:
    """A feed by its Content-Type (an XML type, not HTML) or by its first bytes."""
    if any(t in content_type for t in FEED_TYPES) and "html" not in content_type:
        return True
    head = body[:1024].lstrip().lower()
    return head.startswith(b"<?xml") or head.startswith((b"<rss", b"<feed", b"<rdf"))


def read_feed(body: bytes, url: str) -> tuple[str | None, list[RawItem]]:
    """A saved feed's items and its bozo reason (`newswatch extract FILE`)."""
    feed = parse_feed(body, url, "extract")
    return feed.bozo, list(feed.items)
