"""What every chat command shares: who is asking, what it may touch, and how it fails.

A command is `(Request) -> Reply`: the adapter fills a `Request` (platform, chat, whether
the user may change settings), the command calls the store only through `CommandStore`,
and returns a `bot.models.Reply`. Nothing here knows Telegram, Slack or SQLite.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from bot.core.chatrules import ChatEntity, ChatRules, ChatWatch
from bot.core.query import Node
from bot.core.rules import RuleSet
from bot.models import (
    Article,
    Channel,
    DeliveryMode,
    Language,
    Match,
    MatchResult,
    Platform,
    Story,
    TextQuery,
)

if TYPE_CHECKING:
    from bot.core.commands.sourcebook import SourceEntry


class CommandError(Exception):
    """A user-facing refusal: `key` names a catalogue text, `values` fill it in."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class SourceStatus:
    """One source as `sources` shows it."""

    id: str
    name: str
    last_success: datetime | None
    last_error: str | None
    failing: bool
    error_count: int
    paused: bool = False  # by a person (chat, CLI, web), until someone resumes it


@dataclass(frozen=True)
class StatusSummary:
    articles: int
    stories: int
    sources: int
    failing_sources: int
    channels: int
    last_fetch: datetime | None
    pending_messages: int
    held_messages: int = 0  # held after two sends with no answer, for a person to release


class CommandStore(Protocol):
    """The store methods chat commands use; bot.store.Store extends it."""

    def channel_for(self, platform: str, destination: str) -> Channel | None: ...
    def ensure_channel(self, platform: Platform, destination: str, timezone: str) -> Channel: ...
    def subscribe(self, channel_id: str, target: str, mode: DeliveryMode) -> str: ...
    def unsubscribe(self, channel_id: str, target: str | None) -> int: ...
    def set_schedule(
        self, channel_id: str, schedule: str | None, digests_on: bool = False
    ) -> None: ...
    def set_language(self, channel_id: str, language: str) -> None: ...
    def mute(self, channel_id: str, story_id: int) -> bool: ...
    def muted_story_ids(self, channel_id: str) -> set[int]: ...
    def search_articles(
        self,
        text: TextQuery | None,
        since: datetime,
        limit: int,
        offset: int,
        tagged: Sequence[tuple[str, str]] = (),
    ) -> list[Article]: ...
    def latest_stories(self, target: str | None, limit: int) -> list[Story]: ...
    def story(self, story_id: int) -> Story | None: ...
    def articles(self, ids: list[int]) -> list[Article]: ...
    def matches_for(self, article_id: int) -> MatchResult: ...
    def source_report(self) -> list[SourceStatus]: ...
    def status_summary(self) -> StatusSummary: ...
    # rules made in chat (bot.core.chatrules)
    def chat_rules(self) -> ChatRules: ...
    def add_chat_entity(self, entity: ChatEntity, by: str, now: datetime) -> bool: ...
    def add_chat_aliases(self, entity_id: str, aliases: Sequence[str]) -> int | None: ...
    def remove_chat_entity(self, entity_id: str) -> bool: ...
    def save_watch(self, watch: ChatWatch, mode: DeliveryMode, by: str, now: datetime) -> str: ...
    def remove_watch(self, channel_id: str, name: str) -> bool: ...
    # the instance's sources (bot.core.commands.sourcebook decides from these)
    def source_entries(self) -> list[SourceEntry]:
        """Every listed source with its origin and a person's pause."""
        ...

    def set_source_pause(self, source_id: str, at: datetime | None, by: str | None) -> None: ...
    def remove_source(self, source_id: str) -> None: ...


class QueryMatcher(Protocol):
    """bot.core.match.Matcher: confirms a search query on one article."""

    def match_query(
        self, query: str, title: str, text: str, node: Node | None = None
    ) -> Match | None: ...


DigestNow = Callable[[Channel], Awaitable[int]]  # sends the channel's digest; stories sent
# Told that a command changed the rules made in chat: the process merges them again at once
# (other processes notice through the store).
RulesChanged = Callable[[], None]
# Told the channel as it is after a command that changes it (the daemon reschedules its
# digest at once: schedule changes reach the scheduler through the command that makes them).
ChannelChanged = Callable[[Channel], None]


@dataclass(frozen=True)
class Request:
    """One command as an adapter received it."""

    platform: Platform
    destination: str  # Telegram chat id, Slack channel id
    user: str
    may_change: bool  # admin, on the allow-list, or a private chat
    now: datetime
    private: bool = False
    instance_admin: bool = False  # on the platform's `admins` list (entities from chat)


@dataclass(frozen=True)
class AddedSource:
    """A source `Env.add_source` stored: what it is and how many items it lists now."""

    id: str
    url: str
    kind: str
    items: int
    note: str = ""  # how it was found, when the address was not the feed itself


# (address, who: "telegram:<user id>", now) → the source stored (bot.app.sourceadd); raises
# bot.core.commands.sourcebook.SourceProblem (a CommandError) when it cannot be added.
AddSource = Callable[[str, str, datetime], Awaitable[AddedSource]]


@dataclass
class Env:
    """Long-lived collaborators the adapter passes to every command."""

    store: CommandStore
    rules: Callable[[], RuleSet]  # the current rule set (rules may be reloaded)
    matcher: Callable[[], QueryMatcher]
    digest_now: DigestNow | None = None
    channel_changed: ChannelChanged | None = None
    rules_changed: RulesChanged | None = None
    timezone: str = "UTC"  # for channels created from chat
    add_source: AddSource | None = None  # None: `source add` is not available here
    language: Language = "en"  # before a channel has chosen one
