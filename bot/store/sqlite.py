"""The SQLite store: one class that holds all of newswatch's SQLite SQL.

Its parts live in one mixin per table group (sources, articles, stories, channels, ...)
so each stays readable; everything else talks to it through `bot.store.Store`.
"""

from __future__ import annotations

from bot.store.articles import ArticleQueries
from bot.store.base import StoreBase
from bot.store.browse import BrowseQueries
from bot.store.channels import ChannelQueries
from bot.store.commands import CommandQueries
from bot.store.outbox import OutboxQueries
from bot.store.retention import RetentionQueries
from bot.store.sources import SourceQueries
from bot.store.stories import StoryQueries
from bot.store.waiting import WaitingQueries
from bot.store.watches import WatchQueries

__all__ = ["SqliteStore"]


class SqliteStore(
    SourceQueries,
    ArticleQueries,
    StoryQueries,
    ChannelQueries,
    CommandQueries,
    OutboxQueries,
    WaitingQueries,
    WatchQueries,
    BrowseQueries,
    RetentionQueries,
    StoreBase,
):
    """The SQLite database of one newswatch instance (WAL, one connection)."""
