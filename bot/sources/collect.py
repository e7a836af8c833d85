"""One poll of one source: fetch, parse, and fetch the pages of new items.

Containment is the rule, at three boundaries: whatever one article page does (any exception,
not only the documented FetchError/PageError) is recorded against that item (`page_errors`)
and the item is kept on its feed text; whatever a source does becomes `error` in its outcome
(`collect` never raises); and the fetch cycle records a source whose recording failed as that
source's error. So one broken page cannot cost its source, nor one outlet another.

Identity is decided on what the feed or listing page says (item_key before any page fetch),
so an item known from an earlier poll costs nothing, and the key stays the same whatever its
page later says. Parsing runs off the event loop (threads, or the Fetcher's process pool)
so that a slow parse never stalls other sources' I/O nor lets a timer miss its deadline.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot.core.backoff import BackoffPolicy
from bot.core.identity import item_key
from bot.models import RawItem, Source
from bot.sources.feeds import FeedError, ParsedFeed, has_real_text, parse_feed
from bot.sources.http import Fetcher, FetchError, HTTPStatusError, Response
from bot.sources.kinds import HTML_ACCEPT, kind_of
from bot.sources.listing import read_listing
from bot.sources.pages import PageError, extract_article

log = logging.getLogger(__name__)

MAX_PAGES_PER_POLL = 40  # a first poll of a busy listing fetches the newest pages, not all


@dataclass(frozen=True)
class SourceOutcome:
    """What one poll gave. `items` are the new ones only, in source order."""

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
) -> SourceOutcome:
    """`known_keys`, when given, answers for all of a source's item keys at once (one store
    query per poll instead of one per item) and is used instead of `is_known`."""
    known = known_keys or (lambda keys: {k for k in keys if is_known(k)})
    base = SourceOutcome(source.id, now, source.interval, etag=etag, last_modified=last_modified)
    kind = kind_of(source.kind)
    try:
        resp = await fetcher.get(source.url, etag, last_modified, accept=kind.accept)
    except HTTPStatusError as exc:
        return replace(base, error=exc.reason, retry_after=exc.retry_after)
    except FetchError as exc:
        return replace(base, error=exc.reason)
    base = replace(base, etag=resp.etag, last_modified=resp.last_modified, floor=resp.max_age)
    if resp.not_modified:
        return replace(base, not_modified=True)
    try:
        return await kind.poll(fetcher, source, resp, base, known)
    except (FeedError, PageError) as exc:
        return replace(base, error=str(exc))
    except Exception as exc:  # a parser bug on hostile input must not stop the cycle
        log.exception("source %s: unexpected failure", source.id)
        return replace(base, error=f"internal error: {type(exc).__name__}: {exc}"[:200])


async def poll_feed(
    fetcher: Fetcher,
    source: Source,
    resp: Response,
    base: SourceOutcome,
    known: KnownKeys,
) -> SourceOutcome:
    """A feed's new items, each with its article page's text when the feed has only a
    teaser (or `full_text` asks for pages)."""
    headers = dict(resp.headers)
    feed, keys = await fetcher.run_parser(
        _parse_feed_keyed, resp.body, resp.url, source.id, headers, source.lang
    )
    new = _new_items(feed.items, keys, known)
    wanted = [i for i in new if i.url and (source.full_text or not has_real_text(i))]
    # Items past the per-poll page cap stay unknown: the next poll brings them in.
    deferred = {id(i) for i in wanted[MAX_PAGES_PER_POLL:]}
    wanted = wanted[:MAX_PAGES_PER_POLL]
    results = await asyncio.gather(*(_page_for(fetcher, i) for i in wanted))
    merged = {id(i): r for i, r in zip(wanted, results, strict=True)}
    items: list[RawItem] = []
    errors: list[str] = []
    for item in new:
        got = merged.get(id(item))
        if id(item) in deferred:
            continue
        if isinstance(got, RawItem):
            items.append(got)
            continue
        if isinstance(got, str):
            errors.append(got)
        items.append(item if item.text else replace(item, text=item.summary))
    floor = max(resp.max_age or 0, feed.ttl or 0) or None
    return replace(
        base,
        items=tuple(items),
        floor=floor,
        bozo=feed.bozo,
        page_errors=tuple(errors),
        seen=len(feed.items),
        warning=None if feed.items else "the feed lists no items",
    )


async def _page_for(fetcher: Fetcher, item: RawItem) -> RawItem | str:
    """The item with its page's main text, date and language; a string on failure."""
    assert item.url
    try:
        resp = await fetcher.get(item.url, accept=HTML_ACCEPT)
        page = await fetcher.run_parser(extract_article, resp.body, resp.url, dict(resp.headers))
    except (FetchError, PageError) as exc:
        return f"{item.url}: {exc}"
    except Exception as exc:  # containment: whatever one page does costs that item only
        log.exception("page %s: unexpected failure", item.url)
        return f"{item.url}: internal error: {type(exc).__name__}: {exc}"[:300]
    text = item.text if page.is_thin else page.text
    if len(text) < len(item.summary) and page.is_thin:
        text = item.summary  # almost nothing on the page: the feed's summary is the text
    published, source_of_date = item.published, item.published_from
    if published is None and page.published is not None:
        published, source_of_date = page.published, page.published_from
    return replace(
        item,
        title=item.title or page.title,
        text=text,
        published=published,
        published_from=source_of_date,
        lang=item.lang or page.lang,
    )


async def poll_listing(
    fetcher: Fetcher,
    source: Source,
    resp: Response,
    base: SourceOutcome,
    known: KnownKeys,
) -> SourceOutcome:
    """A listing page's new article links, each fetched and extracted as an item."""
    listing = await fetcher.run_parser(read_listing, resp.body, resp.url, source.selector)
    stubs = [
        RawItem(source_id=source.id, title="", url=link, lang=source.lang) for link in listing.links
    ]
    new = _new_items(stubs, [item_key(i) for i in stubs], known)[:MAX_PAGES_PER_POLL]
    results = await asyncio.gather(*(_page_for(fetcher, i) for i in new))
    items: list[RawItem] = []
    errors: list[str] = []
    for stub, got in zip(new, results, strict=True):
        if isinstance(got, str):
            errors.append(got)  # stays unknown: tried again at the next poll
        elif not got.title or not got.text:
            missing = "title" if not got.title else "text"
            errors.append(f"{stub.url}: no article {missing} found on the page")
        else:
            items.append(got)
    return replace(
        base,
        items=tuple(items),
        page_errors=tuple(errors),
        seen=len(listing.links),
        warning=listing.warning,
    )


def _parse_feed_keyed(*args: Any) -> tuple[ParsedFeed, list[str]]:
    """parse_feed and each item's identity key, computed where the parsing runs (a pool
    process when there is one) rather than on the event loop."""
    feed = parse_feed(*args)
    return feed, [item_key(i) for i in feed.items]


def _new_items(items: Sequence[RawItem], keys: Sequence[str], known: KnownKeys) -> list[RawItem]:
    stored = known(keys)
    seen: set[str] = set()
    new: list[RawItem] = []
    for item, key in zip(items, keys, strict=True):
        if key in seen or key in stored:
            continue
        seen.add(key)
        new.append(item)
    return new
