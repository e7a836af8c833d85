"""One poll of one source: fetch, parse, and read the pages of new and waiting items.

Containment is the rule, at three boundaries: whatever one article page does (any exception,
not only the documented FetchError/PageError) is recorded against that item (`page_errors`)
and the item is kept on its feed text; whatever a source does becomes `error` in its outcome
(`collect` never raises); and the fetch cycle records a source whose recording failed as that
source's error. So one broken page cannot cost its source, nor one outlet another.

Identity is decided on what the feed or listing page says (item_key before any page fetch),
so an item known from an earlier poll costs nothing, and the key stays the same whatever its
page later says; an item whose canonical link the source already has is not new either
(feeds that change an item's GUID). Parsing runs off the event loop (threads, or the
caller's parse pool) so that a slow parse never stalls other sources' I/O nor lets a
timer miss its deadline.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot.core.backoff import BackoffPolicy
from bot.core.identity import item_key
from bot.core.urls import canonical_url
from bot.models import RawItem, Source, WaitingItem
from bot.sources.errors import FetchError, HTTPStatusError
from bot.sources.feeds import FeedError, ParsedFeed, has_real_text, parse_feed
from bot.sources.http import Fetcher, Response
from bot.sources.itempages import read_pages
from bot.sources.kinds import kind_of
from bot.sources.listing import read_listing
from bot.sources.options import request_options
from bot.sources.pages import PageError
from bot.sources.parsepool import THREADS, ParsePool

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceOutcome:
    """What one poll gave. `items` are the new ones only, in source order.

    A kind's poll function returns its new items in `items` and, in `waiting`, those of
    them whose article page is to be read; `collect` reads the pages and hands back
    `items` ready to store and `waiting` as the source's items still waiting after it."""

    source_id: str
    checked_at: datetime
    interval: int
    items: tuple[RawItem, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    error: str | None = None  # None when the source itself answered usefully
    retry_after: int | None = None  # seconds a 429/503 asked us to wait
    floor: int | None = None  # seconds: the larger of Cache-Control max-age and RSS <ttl>
    bozo: str | None = None  # ill-formed feed, read as far as it went
    page_errors: tuple[str, ...] = ()  # article pages that failed (items kept on feed text)
    seen: int = 0  # items or links the source listed, new or not
    warning: str | None = None  # answered, but gave nothing to read (no links, no items)
    waiting: tuple[WaitingItem, ...] | None = None  # still waiting (None: left as it was)
    edited: tuple[RawItem, ...] = ()  # stored items the source says changed (edited posts)

    @property
    def ok(self) -> bool:
        return self.error is None

    def next_check(self, policy: BackoffPolicy, error_count: int = 1) -> datetime:
        """When to poll again. On error pass the consecutive count including this one."""
        if self.ok:
            return policy.after_success(self.checked_at, self.interval, self.floor)
        return policy.after_error(self.checked_at, self.interval, error_count, self.retry_after)


KnownKeys = Callable[[Sequence[str]], Collection[str]]


async def collect(
    fetcher: Fetcher,
    source: Source,
    etag: str | None,
    last_modified: str | None,
    now: datetime,
    is_known: Callable[[str], bool],
    known_keys: KnownKeys | None = None,
    known_links: KnownKeys | None = None,
    waiting: Sequence[WaitingItem] = (),
    pool: ParsePool = THREADS,
) -> SourceOutcome:
    """`known_keys`, when given, answers for all of a source's item keys at once (one store
    query per poll instead of one per item) and is used instead of `is_known`;
    `known_links` answers which canonical links this source already has stored. `waiting`
    are the source's items still waiting for their page, oldest first: their pages are read
    at this poll, whatever the source answers (a 304 included), before new ones. Parsing
    runs in `pool` (the caller's process pool, or threads)."""
    stored = known_keys or (lambda keys: {k for k in keys if is_known(k)})
    base = SourceOutcome(source.id, now, source.interval, etag=etag, last_modified=last_modified)
    kind = kind_of(source.kind)
    try:
        fetcher = fetcher.for_source(request_options(source, os.environ))  # every request
        resp = await fetcher.get(source.url, etag, last_modified, accept=kind.accept)
    except HTTPStatusError as exc:
        return replace(base, error=exc.reason, retry_after=exc.retry_after)
    except FetchError as exc:
        return replace(base, error=exc.reason)
    base = replace(base, etag=resp.etag, last_modified=resp.last_modified, floor=resp.max_age)
    try:
        before = {k for k in stored([w.key for w in waiting])} if waiting else set()
        waiting = [w for w in waiting if w.key not in before]  # stored by an earlier run
        old = {w.key for w in waiting}

        def known(keys: Sequence[str]) -> Collection[str]:  # stored, or waiting already
            return {*stored(keys), *(k for k in keys if k in old)}

        if resp.not_modified:
            polled = replace(base, not_modified=True)
        else:
            polled = await kind.poll(fetcher, pool, source, resp, base, known)
        return await _read_pages(fetcher, pool, source, polled, waiting, known_links)
    except (FeedError, PageError) as exc:
        return replace(base, error=str(exc))
    except Exception as exc:  # a parser bug on hostile input must not stop the cycle
        log.exception("source %s: unexpected failure", source.id)
        return replace(base, error=f"internal error: {type(exc).__name__}: {exc}"[:200])


async def _read_pages(
    fetcher: Fetcher,
    pool: ParsePool,
    source: Source,
    polled: SourceOutcome,
    waiting: Sequence[WaitingItem],
    known_links: KnownKeys | None,
) -> SourceOutcome:
    """The poll's new items less those under a link the source already has, with the
    pages of waiting and new items read (oldest first) under the source's page budget."""
    links = {id(i): canonical_url(i.url) for i in polled.items if i.url}
    stored_links = known_links(sorted(set(links.values()))) if known_links and links else ()
    taken = {*stored_links, *(canonical_url(w.item.url) for w in waiting if w.item.url)}
    new: list[RawItem] = []
    for item in polled.items:
        link = links.get(id(item))
        if link is not None and link in taken:
            continue  # this source's known link under a new GUID, or twice in one poll
        if link is not None:
            taken.add(link)
        new.append(item)
    kept = {id(i) for i in new}
    asked = {id(w.item): w for w in polled.waiting or () if id(w.item) in kept}
    links_only = kind_of(source.kind).links_only
    pages = await read_pages(fetcher, pool, [*waiting, *asked.values()], links_only)
    done = {w.key: w.item for w in pages.ready}
    items = [done.pop(w.key) for w in waiting if w.key in done]  # the oldest first
    for item in new:
        w = asked.get(id(item))
        if w is None:
            items.append(item)
        elif w.key in done:
            items.append(done[w.key])
    return replace(
        polled,
        items=tuple(items),
        page_errors=(*polled.page_errors, *pages.errors),
        waiting=pages.waiting,
    )


async def poll_feed(
    fetcher: Fetcher,
    pool: ParsePool,
    source: Source,
    resp: Response,
    base: SourceOutcome,
    known: KnownKeys,
) -> SourceOutcome:
    """A feed's new items; those with only a teaser (or all, with `full_text`) wait for
    their article page, which collect reads."""
    headers = dict(resp.headers)
    feed, keys = await pool.run(
        _parse_feed_keyed, resp.body, resp.url, source.id, headers, source.lang
    )
    items, waiting = feed_text_items(new_items(feed.items, keys, known), source.full_text)
    floor = max(resp.max_age or 0, feed.ttl or 0) or None
    return replace(
        base,
        items=items,
        waiting=waiting,
        floor=floor,
        bozo=feed.bozo,
        seen=len(feed.items),
        warning=None if feed.items else "the feed lists no items",
    )


async def poll_listing(
    fetcher: Fetcher,
    pool: ParsePool,
    source: Source,
    resp: Response,
    base: SourceOutcome,
    known: KnownKeys,
) -> SourceOutcome:
    """A listing page's new article links, each waiting for its page (read by collect)."""
    listing = await pool.run(read_listing, resp.body, resp.url, source.selector)
    stubs = [
        RawItem(source_id=source.id, title="", url=link, lang=source.lang) for link in listing.links
    ]
    new = new_items(stubs, [item_key(i) for i in stubs], known)
    return replace(
        base,
        items=tuple(item for item, _ in new),
        waiting=tuple(WaitingItem(item, key) for item, key in new),
        seen=len(listing.links),
        warning=listing.warning,
    )


def feed_text_items(
    new: Sequence[tuple[RawItem, str]], full_text: bool
) -> tuple[tuple[RawItem, ...], tuple[WaitingItem, ...]]:
    """New items of a feed-like kind (RSS, JSON Feed) on their feed text, and those whose
    page is to be read: the teasers, or every item with a link under `full_text`."""
    items: list[RawItem] = []
    waiting: list[WaitingItem] = []
    for item, key in new:
        on_feed_text = item if item.text else replace(item, text=item.summary)
        items.append(on_feed_text)
        if item.url and (full_text or not has_real_text(item)):
            waiting.append(WaitingItem(on_feed_text, key))
    return tuple(items), tuple(waiting)


def _parse_feed_keyed(*args: Any) -> tuple[ParsedFeed, list[str]]:
    """parse_feed and each item's identity key, computed where the parsing runs (a pool
    process when there is one) rather than on the event loop."""
    feed = parse_feed(*args)
    return feed, [item_key(i) for i in feed.items]


def new_items(
    items: Sequence[RawItem], keys: Sequence[str], known: KnownKeys
) -> list[tuple[RawItem, str]]:
    stored = known(keys)
    seen: set[str] = set()
    new: list[tuple[RawItem, str]] = []
    for item, key in zip(items, keys, strict=True):
        if key in seen or key in stored:
            continue
        seen.add(key)
        new.append((item, key))
    return new
