"""The store interface: what the rest of newswatch may ask of its database.

Everything outside `bot/store/` is typed against `Store`, never against an implementation, so
a second engine (PostgreSQL, issue 18) is a second class that satisfies this Protocol; SQL,
FTS syntax, PRAGMAs, checkpoints and locks stay behind it. The value types the methods
return live here too, so callers import nothing from an implementation's modules.

The methods chat commands use are declared once, in `bot.core.commands.base.CommandStore`
(core stays free of the store package); `Store` adds the rest.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from bot.core.commands.base import CommandStore
from bot.models import (
    Article,
    Channel,
    ChannelState,
    HourlyCount,
    MatchResult,
    Source,
    SourceHealth,
    Story,
    StoryFilter,
    WaitingItem,
)


class StoreError(Exception):
    """The database cannot be used (unreadable, or from a newer newswatch)."""


@dataclass(frozen=True)
class SourceState:
    """What the store remembers about fetching one source."""

    id: str
    etag: str | None = None
    last_modified: str | None = None
    last_checked_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    error_count: int = 0
    failing: bool = False
    next_check_at: datetime | None = None
    articles_total: int = 0
    origin: str = "config"
    warning: str | None = None  # the last poll answered but gave nothing to read
    page_error_count: int = 0  # article pages that failed, over the source's life
    last_page_error: str | None = None
    last_page_error_at: datetime | None = None


@dataclass(frozen=True)
class FetchSuccess:
    """One poll that its source answered, as record_fetch_successes stores it: error count
    reset, `warning` replacing the last one (None clears it), article-page failures counted
    with the last one kept."""

    source_id: str
    now: datetime
    next_check_at: datetime
    etag: str | None
    last_modified: str | None
    new_articles: int = 0
    warning: str | None = None
    page_errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutboxMessage:
    """One message recorded for sending (see bot.store.outbox for the statuses)."""

    id: int
    channel_id: str
    batch: str
    seq: int
    kind: str
    platform: str
    destination: str
    payload: dict[str, Any]
    attempts: int
    status: str = "pending"
    ref: str | None = None  # the platform's id of the sent message
    uncertain: int = 0  # attempts whose outcome is unknown (no answer, or died in flight)
    created_at: datetime | None = None
    owner: str | None = None  # the process whose claim it is, while `sending`


@dataclass(frozen=True)
class Horizons:
    """Retention cut-offs: what is older than these may go (rules in bot.store.prune)."""

    text: datetime  # articles fetched before this keep only their lead
    articles: datetime  # articles fetched before this go (their story stays)
    stories: datetime  # closed stories whose last article is older go, articles and all
    deliveries: datetime  # sent/failed messages and delivery records older go
    quiet: datetime  # a story whose last article is older takes no more: it counts as closed


@dataclass(frozen=True)
class TableSize:
    """One table's rows and bytes on disk (indexes included; None when not measurable)."""

    table: str
    rows: int
    bytes: int | None


@dataclass(frozen=True)
class SpaceReport:
    """The database's size and how its freed space is given back."""

    total_bytes: int  # SQLite: the file and its write-ahead log; PostgreSQL: the database
    free_bytes: int  # pages free inside the file (SQLite), reused before it grows
    vacuum: str  # SQLite's auto_vacuum (none, full, incremental); "autovacuum" on PostgreSQL


@dataclass(frozen=True)
class PauseState:
    paused: bool
    reason: str | None
    since: datetime | None


class Store(CommandStore, Protocol):
    """The database of one newswatch instance (bot.store.sqlite.SqliteStore by default)."""

    # --- life ------------------------------------------------------------------------------

    def pending_migrations(self) -> list[str]: ...
    def applied_migrations(self) -> list[str]: ...
    def check_integrity(self) -> list[str]:
        """Problems the engine's own consistency check finds; empty when sound."""
        ...

    def check_writable(self) -> str | None:
        """None when a write could start now, else why not (for the health check)."""
        ...

    def checkpoint(self) -> None:
        """Make the database self-contained on disk at a clean stop (SQLite: fold the WAL)."""
        ...

    def close(self) -> None: ...

    # --- sources ---------------------------------------------------------------------------

    def sync_sources(self, sources: Iterable[Source]) -> None: ...
    def add_sources(
        self,
        sources: Iterable[Source],
        origin: str,
        added_by: str | None = None,
        now: datetime | None = None,
    ) -> list[Source]: ...
    def stored_sources(self) -> list[Source]: ...
    def due_sources(self, sources: Sequence[Source], now: datetime) -> list[Source]: ...
    def source_state(self, source_id: str) -> SourceState: ...
    def source_states(self, ids: Sequence[str] | None = None) -> list[SourceState]:
        """Every source's state by id, or only those of `ids` (a fetch batch's)."""
        ...

    def record_fetch_success(
        self,
        source_id: str,
        now: datetime,
        next_check_at: datetime,
        etag: str | None,
        last_modified: str | None,
        new_articles: int = 0,
        warning: str | None = None,
        page_errors: Sequence[str] = (),
    ) -> None: ...
    def record_fetch_successes(self, batch: Sequence[FetchSuccess]) -> None:
        """Several answered polls recorded in one transaction (a fetch cycle's, batched)."""
        ...

    def record_fetch_error(
        self,
        source_id: str,
        now: datetime,
        next_check_at: datetime,
        error: str,
        failing_after: int,
    ) -> int: ...

    def lease_sources(
        self,
        worker: str,
        source_ids: Sequence[str],
        now: datetime,
        until: datetime,
        limit: int = 1_000_000,
    ) -> list[str]:
        """Of `source_ids`, at most `limit` due ones this fetch worker now holds until `until`
        (never one another worker holds; an expired lease is taken over)."""
        ...

    def release_sources(self, worker: str, source_ids: Sequence[str]) -> None: ...
    def hold_lead(self, name: str) -> bool:
        """Whether this process holds (now takes, or still holds) the one lead for `name`
        among all processes on the database; kept until close or the process's death."""
        ...

    # --- articles and matches --------------------------------------------------------------

    def has_article(self, key: str) -> bool: ...
    def known_keys(self, keys: Sequence[str]) -> set[str]: ...
    def known_links(self, source_id: str, urls: Sequence[str]) -> set[str]:
        """Those of `urls` (canonical) already stored as an article of this source."""
        ...

    # --- items waiting for their article page ----------------------------------------------

    def waiting_items(
        self, source_ids: Sequence[str] | None = None
    ) -> dict[str, list[WaitingItem]]:
        """Every source's waiting items (or those of `source_ids`), oldest first."""
        ...

    def replace_waiting(self, source_id: str, items: Sequence[WaitingItem]) -> None:
        """Make `items` (in this order) the source's waiting items."""
        ...

    def add_article(self, article: Article, norm_title: str, norm_text: str) -> int | None: ...
    def add_articles(self, batch: Sequence[tuple[Article, str, str]]) -> list[int | None]: ...
    def update_articles(self, batch: Sequence[tuple[Article, str, str]]) -> list[int]:
        """Stored articles (by key) given the batch's title and text (an edited post): the
        ids of those that changed, marked edited until `mark_matched`."""
        ...

    def edited_articles(self) -> list[Article]:
        """Stored articles an edit changed since they were last matched, in id order."""
        ...

    def mark_matched(self, articles: Sequence[Article]) -> None:
        """Clear the edit mark of articles matched again with this title and text."""
        ...

    def article(self, article_id: int) -> Article | None: ...
    def articles(self, ids: Iterable[int]) -> list[Article]: ...
    def article_count(self) -> int: ...
    def story_of(self, article_id: int) -> int | None:
        """The story the article was grouped into; None before analysis."""
        ...

    def save_matches(self, article_id: int, result: MatchResult) -> None: ...
    def latest_article_time(self) -> datetime | None: ...
    def unanalysed_articles(self, limit: int | None = None) -> list[Article]:
        """Stored articles without a story yet, oldest first (published, else fetched; stored
        order among equals), the first `limit`: a follow-up grouped before the event it
        follows would take the event's reports in (docs/stories.md)."""
        ...

    def articles_for_index(
        self, since: datetime
    ) -> Iterator[tuple[Article, int | None, frozenset[str]]]: ...

    # --- stories ---------------------------------------------------------------------------

    def create_story(self, title: str, lead: str, seen_at: datetime) -> int: ...
    def attach_article(
        self,
        story_id: int,
        article_id: int,
        seen_at: datetime,
        entity_ids: Iterable[str],
        topic_ids: Iterable[str],
    ) -> None: ...
    def drop_empty_stories(self) -> int:
        """Remove stories that never got an article (a process died between creating a story
        and attaching its first; that article is grouped again; a story whose articles
        retention removed stays); how many went."""
        ...

    def story_headlines(self, story_id: int) -> list[tuple[str, str]]: ...
    def set_story_headline(self, story_id: int, title: str, lead: str) -> None: ...
    def retag_story(
        self, story_id: int, entity_ids: Sequence[str], topic_ids: Sequence[str]
    ) -> None: ...
    def close_stories(self, story_ids: Iterable[int]) -> None: ...
    def stories_since(
        self, since: datetime, limit: int = 1000, open_only: bool = False
    ) -> list[Story]: ...

    # --- channels --------------------------------------------------------------------------

    def sync_channels(self, channels: Iterable[Channel]) -> None: ...
    def move_destination(self, platform: str, old: str, new: str, now: datetime) -> None: ...
    def channels(self) -> list[Channel]: ...
    def channel(self, channel_id: str) -> Channel | None: ...
    def subscription_origins(self, channel_id: str) -> dict[str, str]:
        """Target → where the subscription was made ('config' or 'chat')."""
        ...

    # --- outbox and pausing ----------------------------------------------------------------

    def enqueue_batch(
        self,
        channel_id: str,
        batch: str,
        platform: str,
        destination: str,
        payloads: Sequence[Mapping[str, Any]],
        story_outlets: Mapping[int, int],
        now: datetime,
        kind: str = "digest",
        digest_at: datetime | None = None,
    ) -> int: ...
    def delivered_outlets(self, channel_id: str) -> dict[int, int]: ...
    def record_delivered(
        self, channel_id: str, story_outlets: Mapping[int, int], now: datetime
    ) -> None: ...
    def set_last_digest_at(self, channel_id: str, at: datetime) -> None: ...
    def last_digest_times(self) -> dict[str, datetime | None]: ...
    def due_messages(self, now: datetime, limit: int = 500) -> list[OutboxMessage]: ...
    def claim_message(
        self, message_id: int, now: datetime, owner: str | None = None, leased: bool = True
    ) -> bool:
        """pending → sending as `owner`'s claim, only when the channel's earlier messages
        are finished (and, with `owner` and `leased`, while `owner` holds the channel's
        lease)."""
        ...

    def mark_sent(self, message_id: int, ref: str, now: datetime) -> None: ...
    def mark_retry(self, message_id: int, error: str, retry_at: datetime) -> None: ...
    def mark_uncertain(self, message_id: int, error: str, retry_at: datetime) -> str:
        """No answer: one more uncertain attempt (pending after the first, held after the
        second); the new status."""
        ...

    def clear_uncertain(self, message_id: int) -> None:
        """The platform says the uncertain send never arrived (looked up by its marker)."""
        ...

    def mark_failed(self, message_id: int, error: str) -> None: ...
    def release_claims(
        self,
        older_than: datetime | None = None,
        channel_id: str | None = None,
        owner: str | None = None,
    ) -> int:
        """`sending` messages (in flight when a process stopped) count an uncertain attempt:
        all, or those claimed before a time, of one channel, of one owner."""
        ...

    def renew_owner(self, owner: str, role: str, now: datetime, until: datetime) -> bool:
        """`owner` (a process that claims messages) is alive until `until`; False when it
        was not alive before (its first call, or it had expired)."""
        ...

    def forget_owner(self, owner: str) -> None: ...
    def live_owners(self, now: datetime, role: str | None = None) -> list[str]: ...
    def recover_claims(self, owner: str, now: datetime, stale_before: datetime) -> int:
        """Claims of owners that are gone (liveness row expired; with no liveness record,
        claimed before `stale_before`), never `owner`'s, count an uncertain attempt."""
        ...

    def waiting_channels(self) -> int: ...

    def held_messages(self, channel_id: str | None = None) -> list[OutboxMessage]: ...
    def release_held(self, message_id: int, send: bool) -> bool: ...
    def lease_channels(
        self, owner: str, now: datetime, until: datetime, limit: int = 50
    ) -> list[str]:
        """Channels with messages to send that `owner` now holds (taken when free or
        expired, kept when its own, its own first, at most `limit`) until `until`; a lease
        taken first counts the claims in the channel of owners that are gone (liveness row
        expired) as uncertain."""
        ...

    def renew_channel_leases(self, owner: str, until: datetime) -> int: ...
    def release_channel_leases(self, owner: str, keep: Collection[str] = ()) -> int: ...
    def channel_leases(self, now: datetime) -> dict[str, str]:
        """Channel → the deliver process holding its lease now."""
        ...

    def outbox_counts(self) -> dict[str, int]: ...
    def outbox_messages(self, batch: str | None = None) -> list[OutboxMessage]: ...
    def message_status(self, message_id: int) -> tuple[str, str | None]: ...
    def pause_channel(self, channel_id: str, reason: str, now: datetime) -> None: ...
    def resume_channel(self, channel_id: str) -> None: ...
    def pause_state(self, channel_id: str) -> PauseState: ...
    def paused_channels(self) -> dict[str, str]: ...

    # --- retention and maintenance (bot.store.prune, bot.store.retention) -----------------

    def prune_preview(self, horizons: Horizons) -> dict[str, int]:
        """Rows of each table a prune would remove ("articles_text": texts it would cut)."""
        ...

    def prune_batches(
        self, horizons: Horizons, now: datetime, batch: int = 500
    ) -> Iterator[dict[str, int]]:
        """Prune in short transactions, yielding what each removed (rows by table)."""
        ...

    def space(self) -> SpaceReport: ...
    def make_incremental(self) -> bool:
        """SQLite: switch the file to incremental vacuum (one full VACUUM) unless it is
        already; whether it switched. PostgreSQL: False (autovacuum's job)."""
        ...

    def reclaim_space(self) -> None:
        """Give freed pages back (SQLite: incremental vacuum, then fold the log)."""
        ...

    def table_sizes(self) -> list[TableSize]: ...
    def backup_to(self, target: Path) -> None:
        """A consistent copy of the live database in the new file `target` (SQLite's online
        backup); StoreError on PostgreSQL (pg_dump is the tool there) or when `target` exists."""
        ...

    # --- browsing (the web page and API; read only) ----------------------------------------

    def find_stories(self, f: StoryFilter, limit: int, offset: int = 0) -> list[Story]: ...
    def story_languages(self) -> list[str]: ...
    def source_health(self) -> list[SourceHealth]: ...
    def channel_states(self) -> list[ChannelState]: ...
    def hourly_activity(self, since: datetime) -> list[HourlyCount]: ...
