"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) bytes → RawItems.

The JSON Feed twin of feeds.py: an item's `id` is its GUID, `url` (else `external_url`) its
link, `content_html` (as plain text) or `content_text` its text, `summary` its teaser,
`date_published` (else `date_modified`) its date, and `language` (the item's, else the
feed's, else the source's) its language. A teaser item, or every item with `full_text`,
waits for its page like a feed item. Invalid or truncated JSON, or JSON that is not a JSON
Feed, is a FeedError naming what is wrong; an item that is not an object is skipped and
counted in `bozo`, the rest of the feed is read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

from bot.core.identity import item_key
from bot.models import RawItem, Source
from bot.sources.collect import KnownKeys, SourceOutcome, feed_text_items, new_items
from bot.sources.decode import html_to_text
from bot.sources.feeds import REAL_TEXT_CHARS, FeedError
from bot.sources.http import Fetcher, Response
from bot.sources.pagemeta import parse_iso
from bot.sources.parsepool import ParsePool

VERSION_PREFIX = "https://jsonfeed.org/version/"


@dataclass(frozen=True)
class ParsedJsonFeed:
    title: str
    items: tuple[RawItem, ...]
    bozo: str | None = None  # what was skipped, when something was


def looks_like_jsonfeed(body: bytes, content_type: str = "") -> bool:
    """A JSON Feed: a JSON object whose `version` is a jsonfeed.org version URL (any
    Content-Type; feed discovery and `extract` call this on fetched bytes)."""
    head = body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{") or b"jsonfeed.org/version" not in body[:65536]:
        return False
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    version = data.get("version") if isinstance(data, dict) else None
    return isinstance(version, str) and _is_version(version)


def _is_version(value: str) -> bool:
    return value.replace("http://", "https://", 1).startswith(VERSION_PREFIX)


def parse_jsonfeed(
    body: bytes, url: str, source_id: str, lang: str | None = None
) -> ParsedJsonFeed:
    """Raises FeedError when the bytes are not a JSON Feed."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FeedError(f"not a JSON Feed: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise FeedError(
            f"not a JSON Feed: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise FeedError(f"not a JSON Feed: {type(exc).__name__}") from None
    if not isinstance(data, dict):
        raise FeedError(f"not a JSON Feed: the document is a JSON {type(data).__name__}")
    version = data.get("version")
    if not isinstance(version, str) or not _is_version(version):
        raise FeedError(f"not a JSON Feed: version is {version!r}, not {VERSION_PREFIX}1.1")
    entries = data.get("items")
    if not isinstance(entries, list):
        raise FeedError("not a JSON Feed: `items` is missing or not a list")
    feed_lang = _lang(data.get("language")) or lang
    base = _text(data.get("home_page_url")) or url
    items: list[RawItem] = []
    skipped: list[str] = []
    for n, entry in enumerate(entries):
        if not isinstance(entry, dict):
            skipped.append(f"items[{n}] is not an object")
            continue
        item = _item(entry, base, source_id, feed_lang)
        if item.title or item.url or item.text or item.summary:
            items.append(item)
    bozo = "; ".join(skipped[:3]) + (f" (+{len(skipped) - 3} more)" if len(skipped) > 3 else "")
    return ParsedJsonFeed(html_to_text(_text(data.get("title"))), tuple(items), bozo or None)


def _item(e: dict[str, Any], base: str, source_id: str, lang: str | None) -> RawItem:
    link = _link(_text(e.get("url")), base) or _link(_text(e.get("external_url")), base)
    html = _text(e.get("content_html"))
    content = html_to_text(html) if html else html_to_text(_text(e.get("content_text")))
    summary = html_to_text(_text(e.get("summary")))
    if not summary and content and len(content) < REAL_TEXT_CHARS:
        summary = content  # a short content is the teaser
    published = parse_iso(_text(e.get("date_published"))) or parse_iso(
        _text(e.get("date_modified"))
    )
    item_id = e.get("id")  # required by the spec, a string; numbers seen in the wild
    guid = str(item_id).strip() if isinstance(item_id, str | int) else ""
    return RawItem(
        source_id=source_id,
        title=html_to_text(_text(e.get("title"))).replace("\n", " "),
        url=link or None,
        guid=guid or None,
        text=content,
        summary=summary if summary != content else summary[:REAL_TEXT_CHARS],
        published=published,
        published_from="feed" if published else "",
        lang=_lang(e.get("language")) or lang,
    )


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _link(value: str, base: str) -> str:
    if not value:
        return ""
    try:
        link = urljoin(base, value)
        scheme = urlsplit(link).scheme
    except ValueError:
        return ""
    return link if scheme in ("http", "https") else ""


def _lang(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().split("-")[0].split("_")[0].lower()


def read_jsonfeed(body: bytes, url: str) -> tuple[str | None, list[RawItem]]:
    """A saved JSON Feed's items and what was skipped (`newswatch extract FILE`)."""
    feed = parse_jsonfeed(body, url, "extract")
    return feed.bozo, list(feed.items)


def _parse_keyed(
    body: bytes, url: str, source_id: str, lang: str | None
) -> tuple[ParsedJsonFeed, list[str]]:
    """The parsed feed and each item's identity key, computed in the parse pool."""
    feed = parse_jsonfeed(body, url, source_id, lang)
    return feed, [item_key(item) for item in feed.items]


async def poll_jsonfeed(
    fetcher: Fetcher,
    pool: ParsePool,
    source: Source,
    resp: Response,
    base: SourceOutcome,
    known: KnownKeys,
) -> SourceOutcome:
    """A JSON Feed's new items; teasers (or all, with `full_text`) wait for their page."""
    feed, keys = await pool.run(_parse_keyed, resp.body, resp.url, source.id, source.lang)
    items, waiting = feed_text_items(new_items(feed.items, keys, known), source.full_text)
    return replace(
        base,
        items=items,
        waiting=waiting,
        bozo=feed.bozo,
        seen=len(feed.items),
        warning=None if feed.items else "the JSON Feed lists no items",
    )
