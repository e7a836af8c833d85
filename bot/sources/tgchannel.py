"""Public Telegram channels, read through their web preview (`https://t.me/s/<name>`).

The preview is an HTML page of the channel's latest posts (about twenty), oldest first:
each `div.tgme_widget_message[data-post="name/123"]` holds the post's text
(`div.tgme_widget_message_text`, outside a quoted reply), its date (`time[datetime]` in
`a.tgme_widget_message_date`, whose href is the post link `https://t.me/name/123`), the link
it shares (`a.tgme_widget_message_link_preview`) and "edited" in `span.tgme_widget_message_meta`
once edited. A post is an article: its first line the title, its text the text, its post link
the link; with `full_text`, a post that shares a link waits for that page, which becomes the
article's text and outlet link (the post's text stays if the page fails).

Identity is the post link (the GUID), so a post is one article whatever its text later says;
an edited post is handed on in `edited` (see collect) so its stored text follows the edit; a
deleted post is simply no longer listed, and nothing brings it back. On a poll where none of
the newest page's posts is known (the first poll, in practice) older posts are read by
following the page's `a.tme_messages_more[data-before]` link (`?before=<id>`) a few pages
back. A page without any post (a private or misspelt channel, the preview turned off) is an
error naming what was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import urlsplit, urlunsplit

from lxml import etree
from lxml.html import HtmlElement

from bot.core.identity import item_key
from bot.models import RawItem, Source, WaitingItem
from bot.sources.collect import KnownKeys, SourceOutcome, new_items
from bot.sources.decode import html_to_text
from bot.sources.errors import FetchError
from bot.sources.feeds import FeedError
from bot.sources.http import Fetcher, Response
from bot.sources.kinds import HTML_ACCEPT
from bot.sources.pagemeta import parse_iso
from bot.sources.pages import PageError, parse_html
from bot.sources.parsepool import ParsePool

PAGES_BACK = 4  # older preview pages read on a first poll (about 20 posts each)
TITLE_CHARS = 140
POST_LINK = "https://t.me/{}"  # the post link, whatever address the preview was read from
_EDITED = re.compile(r"\bedited\b", re.I)


@dataclass(frozen=True)
class Post:
    item: RawItem
    edited: bool


@dataclass(frozen=True)
class ChannelPage:
    posts: tuple[Post, ...]  # oldest first, as the page lists them
    before: int | None  # the `?before=` of the next older page, when there is one
    title: str  # the channel's name, for messages


Classes = dict[str, list[HtmlElement]]


def _has_class(el: HtmlElement, name: str) -> bool:
    return name in (el.get("class") or "").split()


def _classes(root: HtmlElement) -> Classes:
    """Each class name used under `root` (itself included) → its elements, in document
    order: one walk of the tree instead of one per class looked up."""
    index: Classes = {}
    for el in root.iter():
        for name in (el.get("class") or "").split() if isinstance(el.tag, str) else ():
            index.setdefault(name, []).append(el)
    return index


def parse_channel_page(
    body: bytes, source_id: str, lang: str | None = None, full_text: bool = False
) -> ChannelPage:
    """The posts of one preview page. Raises PageError (not HTML) or FeedError (no post)."""
    root = parse_html(body, None)
    index = _classes(root)
    heads = index.get("tgme_channel_info_header_title", [])
    title = " ".join(heads[0].text_content().split()) if heads else ""
    messages = [m for m in index.get("tgme_widget_message", []) if m.get("data-post")]
    if not messages:
        heading = " ".join((root.findtext(".//title") or "").split())[:80]
        raise FeedError(
            "no channel posts on the page (a private or misspelt channel, or its preview is off)"
            + (f"; the page is titled {heading!r}" if heading else "")
        )
    posts = [p for m in messages if (p := _post(m, source_id, lang, full_text)) is not None]
    more = next((a for a in index.get("tme_messages_more", []) if a.get("data-before")), None)
    before = more.get("data-before", "") if more is not None else ""
    return ChannelPage(tuple(posts), int(before) if before.isdigit() else None, title)


def _post(message: HtmlElement, source_id: str, lang: str | None, full_text: bool) -> Post | None:
    if _has_class(message, "service_message"):
        return None  # "channel created", "photo updated"
    post = (message.get("data-post") or "").strip().strip("/")
    index = _classes(message)
    texts = [
        el
        for el in index.get("tgme_widget_message_text", [])
        if not any(_has_class(a, "tgme_widget_message_reply") for a in el.iterancestors())
    ]
    text = html_to_text(etree.tostring(texts[0], encoding="unicode")) if texts else ""
    previews = index.get("tgme_widget_message_link_preview", [])
    shared = _http(previews[0].get("href")) if previews else ""
    preview_title = _text_of(index, "link_preview_title")
    preview_text = _text_of(index, "link_preview_description")
    if not text:
        text = "\n".join(t for t in (preview_title, preview_text) if t)
    if not text:
        return None  # a photo, sticker or poll without words: nothing to read
    date_link = next(iter(index.get("tgme_widget_message_date", [])), None)
    when = date_link.find(".//time") if date_link is not None else None
    published = parse_iso(when.get("datetime") or "") if when is not None else None
    link = POST_LINK.format(post)
    meta = " ".join(el.text_content() for el in index.get("tgme_widget_message_meta", []))
    item = RawItem(
        source_id=source_id,
        title=_title(text),
        url=shared if (full_text and shared) else link,
        guid=link,
        text=text,
        summary=preview_text,
        published=published,
        published_from="post" if published else "",
        lang=lang,
    )
    return Post(item, bool(_EDITED.search(meta)))


def _text_of(index: Classes, cls: str) -> str:
    return " ".join(" ".join(x.text_content().split()) for x in index.get(cls, [])).strip()


def _http(href: str | None) -> str:
    href = (href or "").strip()
    return href if urlsplit(href).scheme in ("http", "https") else ""


def _title(text: str) -> str:
    """The post's first line, cut at a word near TITLE_CHARS."""
    first = text.strip().split("\n", 1)[0].strip()
    if len(first) <= TITLE_CHARS:
        return first
    cut = first[:TITLE_CHARS].rsplit(" ", 1)[0]
    return (cut if len(cut) > TITLE_CHARS // 2 else first[:TITLE_CHARS]) + "…"


def page_url(url: str, before: int) -> str:
    """The preview page of posts older than `before`."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, f"before={before}", ""))


def _keyed(body: bytes, source: Source) -> tuple[ChannelPage, list[str]]:
    """A parsed page and each post's identity key (in the parse pool)."""
    page = parse_channel_page(body, source.id, source.lang, source.full_text)
    return page, [item_key(p.item) for p in page.posts]


async def poll_channel(
    fetcher: Fetcher,
    pool: ParsePool,
    source: Source,
    resp: Response,
    base: SourceOutcome,
    known: KnownKeys,
) -> SourceOutcome:
    """The channel's new posts, oldest first; on a first poll, a few older pages too."""
    try:
        page, keys = await pool.run(_keyed, resp.body, source)
    except FeedError as exc:
        if urlsplit(source.url).path.startswith("/s/"):
            raise
        hint = "; a channel's posts are at https://t.me/s/<name> (or say `channel: <name>`)"
        raise FeedError(exc.reason + hint) from None
    pages = [(page, keys)]
    problems: list[str] = []
    stored = known(keys)
    back = 0
    while not stored and page.before is not None and back < PAGES_BACK:
        back += 1
        url = page_url(source.url, page.before)
        try:
            older = await fetcher.get(url, accept=HTML_ACCEPT)
            page, keys = await pool.run(_keyed, older.body, source)
        except (FetchError, FeedError, PageError) as exc:
            problems.append(f"{url}: {exc}")  # the newer pages still count
            break
        pages.insert(0, (page, keys))
        stored = known(keys)
    posts = [p for pg, _ in pages for p in pg.posts]
    all_keys = [k for _, ks in pages for k in ks]
    new = new_items([p.item for p in posts], all_keys, known)
    fresh = {key for _, key in new}
    # Edited posts already stored, whose stored text the store brings up to date (only
    # where the post itself is the article, not a page it shares).
    edited = tuple(
        p.item
        for p, key in zip(posts, all_keys, strict=True)
        if p.edited and key not in fresh and p.item.url == p.item.guid
    )
    waiting = tuple(
        WaitingItem(item, key) for item, key in new if item.url and item.url != item.guid
    )
    return replace(
        base,
        items=tuple(item for item, _ in new),
        waiting=waiting,
        edited=edited,
        page_errors=(*base.page_errors, *problems),
        seen=len(posts),
    )


def read_channel(body: bytes, url: str) -> tuple[str | None, list[RawItem]]:
    """A saved preview page's posts (`newswatch extract FILE`)."""
    return None, [p.item for p in parse_channel_page(body, "extract").posts]


def looks_like_channel(body: bytes, content_type: str) -> bool:
    """A channel's web preview, by its markup."""
    head = body[:200_000]
    return b"tgme_widget_message" in head and b"data-post=" in head
