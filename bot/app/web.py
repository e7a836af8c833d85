"""Wiring the web adapter (bot.web): its collaborators from the configuration, an open store
and the current rules; used by `newswatch web` and by the daemon's health server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.config import Config
from bot.core.match import Matcher
from bot.core.rules import RuleSet
from bot.sources.errors import FetchError
from bot.sources.http import Fetcher, FetchSettings
from bot.sources.kinds import HTML_ACCEPT
from bot.sources.pages import PageError, extract_article
from bot.store import Store
from bot.web.deps import FetchFailed, FetchPage, WebDeps


def page_fetcher(settings: FetchSettings) -> FetchPage:
    """The rule test's URL fetch: the daemon's fetcher (private addresses refused unless
    fetch.allow_private, every size and time limit kept), then the article extractor."""

    async def fetch(url: str) -> tuple[str, str]:
        try:
            async with Fetcher(settings) as fetcher:
                resp = await fetcher.get(url, accept=HTML_ACCEPT)
            page = await asyncio.to_thread(extract_article, resp.body, resp.url, resp.headers)
        except (FetchError, PageError) as exc:
            raise FetchFailed(str(exc)) from None
        return page.title, page.text

    return fetch


def web_deps(
    config: Config,
    store: Store,
    rules: Callable[[], RuleSet],
    matcher: Callable[[], Matcher],
    token: str | None,
    writable: bool,
) -> WebDeps:
    return WebDeps(
        store=store,
        rules=rules,
        matcher=matcher,
        token=token,
        writable=writable,
        fetch_page=page_fetcher(FetchSettings.from_settings(config.settings.fetch)),
    )
