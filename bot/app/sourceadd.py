"""Adding a source by its address, for `newswatch sources add`, the chat's `source add` and
anything else that adds one: the address is fetched once and must be something a source
kind reads (its kind is taken from the content, not guessed from the URL), so a typo or a
site's front page never becomes a source that fails forever.

An address that answered with a web page instead of a feed goes to feed discovery
(`find_feed`): a site's address adds the feed, news sitemap or listing it offers.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.app.sourcelist import known_sources
from bot.config import Config
from bot.core.commands.base import AddedSource, AddSource
from bot.core.commands.sourcebook import SourceProblem, check_new, new_id
from bot.models import Source
from bot.sources.errors import FetchError
from bot.sources.feeds import FeedError
from bot.sources.http import Fetcher, FetchSettings, Response
from bot.sources.kinds import HTML_ACCEPT, KINDS, KindEntry, sniff_kind
from bot.sources.options import request_options
from bot.store import Store


@dataclass(frozen=True)
class Candidate:
    """What an address gives: the URL to poll, its kind, how many items it has now."""

    url: str
    kind: str
    items: int
    note: str = ""  # how it was found, when not simply "the address is a feed"


def _accept() -> str:
    return ", ".join([*(k.accept for k in KINDS.values() if k.sniff), HTML_ACCEPT])


async def inspect_address(fetcher: Fetcher, url: str) -> Candidate:
    """Fetch `url` once and say what source it makes (SourceProblem when none)."""
    try:
        response = await fetcher.get(url, accept=_accept())
    except FetchError as exc:
        raise SourceProblem("source.fetch_failed", url=url, error=str(exc)) from None
    kind = sniff_kind(response.body, response.content_type)
    if kind is None:
        return await find_feed(fetcher, url, response)
    return Candidate(url=url, kind=kind.name, items=await _count(kind, response, url))


async def _count(kind: KindEntry, response: Response, url: str) -> int:
    if kind.read is None:
        return 0
    read = kind.read
    try:
        _, items = await asyncio.to_thread(read, response.body, response.url)
    except FeedError as exc:
        raise SourceProblem("source.not_feed", url=url, what=f"unreadable ({exc})") from None
    return len(items)


async def find_feed(fetcher: Fetcher, url: str, page: Response) -> Candidate:
    """The address answered with something no kind reads as a feed (a web page, most
    likely): feed discovery (bot.sources.discover) finds what the site offers (its feed,
    its news sitemap, else the page as an html listing) and the one it chose is added,
    with why in the note. Refused when the site offers nothing to follow."""
    from bot.sources.discover import discover_page

    found = await discover_page(fetcher, url, page)
    if found.chosen is None:
        raise SourceProblem("source.nothing_found", url=url, why=found.reason)
    chosen = found.chosen
    note = f"Found by feed discovery from {url}: {found.reason}."
    return Candidate(url=chosen.url, kind=chosen.kind, items=chosen.items, note=note)


AddedBy = tuple[str, str]  # (origin: cli | chat | web, who: "cli", "telegram:<id>", …)


async def add_source(
    store: Store,
    configured: Sequence[Source],
    settings: FetchSettings,
    url: str,
    *,
    by: AddedBy,
    now: datetime,
    interval: int,
    source_id: str | None = None,
    name: str = "",
    request: Mapping[str, Any] | None = None,
    make_fetcher: Callable[[FetchSettings], Fetcher] = Fetcher,
) -> tuple[Source, Candidate]:
    """Check `url` (not known yet, fetched once, a kind reads it) and store it as a
    database-only source, fetched from the next cycle. SourceProblem says why not.
    `request`: its request options as Source fields (bot.config.requestopts checked them),
    used for the check as for every later fetch."""
    url = url.strip()
    check_new(known_sources(configured, store), url, source_id)
    options = dict(request or {})
    probe = Source(id=source_id or "new-source", url=url, **options)
    try:
        own = request_options(probe, os.environ)
    except FetchError as exc:  # a variable it names is not set
        raise SourceProblem("source.fetch_failed", url=url, error=str(exc)) from None
    async with make_fetcher(settings) as fetcher:
        found = await inspect_address(fetcher.for_source(own), url)
    entries = known_sources(configured, store)  # again: the fetch took a while
    check_new(entries, found.url, source_id)
    sid = source_id or new_id(found.url, [e.source.id for e in entries])
    source = Source(
        id=sid,
        url=found.url,
        kind=found.kind,
        name=name,
        interval=interval,
        **options,
    )
    origin, who = by
    if not store.add_sources([source], origin, added_by=who, now=now):
        raise SourceProblem("source.known_url", url=found.url, id=sid)
    return source, found


def source_adder(store: Store, config: Callable[[], Config], origin: str = "chat") -> AddSource:
    """`Env.add_source` for the chat: add_source with the configuration of the moment
    (the daemon reloads it), the fetch limits of `fetch.*`, recorded as `origin`."""

    async def add(url: str, who: str, now: datetime) -> AddedSource:
        current = config()
        source, found = await add_source(
            store,
            current.sources,
            FetchSettings.from_settings(current.settings.fetch),
            url,
            by=(origin, who),
            now=now,
            interval=current.settings.fetch.interval,
        )
        return AddedSource(source.id, source.url, found.kind, found.items, found.note)

    return add
