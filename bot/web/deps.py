"""What the web adapter is given: the store methods it reads, the matcher, access settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from bot.core.commands.base import CommandStore
from bot.core.query import Node
from bot.core.rules import RuleSet
from bot.models import (
    ChannelState,
    HourlyCount,
    Match,
    MatchResult,
    SourceHealth,
    Story,
    StoryFilter,
)
from bot.web.security import is_loopback


class WebStore(CommandStore, Protocol):
    """The store methods the pages, API and feeds use (bot.store's Store satisfies it)."""

    def find_stories(self, f: StoryFilter, limit: int, offset: int = 0) -> list[Story]: ...
    def story_languages(self) -> list[str]: ...
    def source_health(self) -> list[SourceHealth]: ...
    def channel_states(self) -> list[ChannelState]: ...
    def hourly_activity(self, since: datetime) -> list[HourlyCount]: ...
    def pause_channel(self, channel_id: str, reason: str, now: datetime) -> None: ...
    def resume_channel(self, channel_id: str) -> None: ...


class WebMatcher(Protocol):
    """bot.core.match.Matcher: the rules on one article, or a search query on one."""

    def match(self, title: str, text: str) -> MatchResult: ...
    def match_query(
        self, query: str, title: str, text: str, node: Node | None = None
    ) -> Match | None: ...


class FetchFailed(Exception):
    """A URL given to the rule test could not be fetched or read (the message says why)."""


# Fetches one page for the rule test: (title, text). The assembly builds it from the fetcher,
# so `fetch.allow_private` and every other fetch limit apply; it raises FetchFailed.
FetchPage = Callable[[str], Awaitable[tuple[str, str]]]


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class WebDeps:
    store: WebStore
    rules: Callable[[], RuleSet]
    matcher: Callable[[], WebMatcher]
    token: str | None = None  # NEWSWATCH_WEB_TOKEN: needed off loopback and for every change
    writable: bool = False  # pause/resume allowed at all (read-only by default)
    fetch_page: FetchPage | None = None  # None: the rule test refuses URLs
    is_local: Callable[[str | None], bool] = is_loopback  # the peer address is trusted
    now: Callable[[], datetime] = field(default=_utcnow)
    trend_days: int = 7
