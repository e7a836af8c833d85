"""Article pages of a source's items: read under a per-poll budget, retried across polls.

An item whose page must be read (a teaser in a feed, every link of a listing) becomes a
`WaitingItem`. Each poll reads the pages of the waiting items oldest first, then the new
ones, up to `PAGE_BUDGET` pages; the rest wait for the next poll, which reads them whether
or not the feed changed (the store keeps them, with their feed text, between polls). A page
that fails for a passing reason (a timeout, or the server saying "later": 429, 5xx) is tried
again at later polls, `MAX_TRIES` times in all; one that fails otherwise (404, no such host,
refused, not HTML, too large) is not: the item is kept on its feed text at once, since a
retry would only delay its alert.
An item out of tries is kept on its feed text, or, from a listing (no feed text), dropped;
either way the failure is in `page_errors`, never silent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.models import RawItem, WaitingItem
from bot.sources.errors import FetchError, FetchTimeout, HTTPStatusError
from bot.sources.http import Fetcher
from bot.sources.kinds import HTML_ACCEPT
from bot.sources.pages import PageError, extract_article
from bot.sources.parsepool import ParsePool

log = logging.getLogger(__name__)

PAGE_BUDGET = 40  # article pages one source may fetch in one poll
MAX_TRIES = 3  # fetches of a page that fails for a passing reason before giving up


@dataclass(frozen=True)
class PageFailure:
    message: str
    passing: bool  # worth trying again at a later poll


@dataclass(frozen=True)
class PageRound:
    """What one poll's page reading gave."""

    ready: tuple[WaitingItem, ...]  # items to store now (`item` with its page's text)
    waiting: tuple[WaitingItem, ...]  # items whose page is still to be read
    errors: tuple[str, ...]  # one line per page that failed this poll


async def read_pages(
    fetcher: Fetcher, pool: ParsePool, queue: Sequence[WaitingItem], from_listing: bool
) -> PageRound:
    """Read the pages of `queue` (oldest first) within the budget."""
    now, later = list(queue[:PAGE_BUDGET]), list(queue[PAGE_BUDGET:])
    results = await asyncio.gather(*(page_for(fetcher, pool, w.item) for w in now))
    ready: list[WaitingItem] = []
    waiting: list[WaitingItem] = []
    errors: list[str] = []
    for w, got in zip(now, results, strict=True):
        if isinstance(got, RawItem):
            if from_listing and not (got.title and got.text):
                missing = "title" if not got.title else "text"
                errors.append(f"{w.item.url}: no article {missing} found on the page")
            else:
                ready.append(replace(w, item=got))
            continue
        tries = w.tries + 1
        if got.passing and tries < MAX_TRIES:
            waiting.append(replace(w, tries=tries, last_error=got.message))
            errors.append(f"{got.message} (try {tries} of {MAX_TRIES})")
            continue
        errors.append(got.message + (f" (gave up after {tries} tries)" if got.passing else ""))
        if not from_listing:  # kept on its feed text
            item = w.item
            ready.append(replace(w, item=item if item.text else replace(item, text=item.summary)))
    return PageRound(tuple(ready), tuple(waiting + later), tuple(errors))


async def page_for(fetcher: Fetcher, pool: ParsePool, item: RawItem) -> RawItem | PageFailure:
    """The item with its page's main text, date and language, or why not. Containment:
    whatever one page does (any exception) is this item's failure, never its source's."""
    assert item.url
    try:
        resp = await fetcher.get(item.url, accept=HTML_ACCEPT)
        page = await pool.run(extract_article, resp.body, resp.url, dict(resp.headers))
    except HTTPStatusError as exc:
        passing = exc.status == 429 or exc.status >= 500
        return PageFailure(f"{item.url}: {exc}", passing)
    except FetchTimeout as exc:
        return PageFailure(f"{item.url}: {exc}", passing=True)
    except (FetchError, PageError) as exc:  # no such host, refused, too large, not HTML
        return PageFailure(f"{item.url}: {exc}", passing=False)
    except Exception as exc:
        log.exception("page %s: unexpected failure", item.url)
        message = f"{item.url}: internal error: {type(exc).__name__}: {exc}"[:300]
        return PageFailure(message, passing=False)
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
