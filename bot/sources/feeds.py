"""RSS/Atom bytes → RawItems, through feedparser on bytes we fetched (never on a URL).

The bytes are decoded here first (see decode.py: servers lie about charsets) and handed to
feedparser as UTF-8 with the feed URL as Content-Location, so relative links resolve against
xml:base or the feed URL. A bozo feed is read as far as it goes; the reason is kept.
Feed HTML is never sanitised for display: it is only turned into plain text here.
"""

from __future__ import annotations

import calendar
import io
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from bot.core.urls import canonical_url
from bot.models import RawItem
from bot.sources.decode import decode_body, html_to_text

REAL_TEXT_CHARS = 500  # an item with less text than this is a teaser: fetch its page
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


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
    d = feedparser.parse(
        io.BytesIO(text.encode("utf-8")),
        response_headers={"content-type": f"{mime}; charset=utf-8", "content-location": url},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
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
    published = _time(e.get("published_parsed") or e.get("updated_parsed"))
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
