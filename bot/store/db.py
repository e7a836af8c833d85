"""The store: one class that holds all of newswatch's SQL.

Its parts live in one mixin per table group (sources, articles, stories, channels, ...)
so each stays readable; everything else talks to SQLite only through `Store`.
"""

from __future__ import annotations

from bot.store.articles import ArticleQueries
from bot.store.base import StoreBase, StoreError
from bot.store.channels import ChannelQueries
from bot.store.commands import CommandQueries
from bot.store.outbox import OutboxQueries
from bot.store.sources import SourceQueries
from bot.store.stories import StoryQueries

__all__ = ["Store", "StoreError"]


class Store(
    SourceQueries,
    ArticleQueries,
    StoryQueries,
    ChannelQueries,
    CommandQueries,
    OutboxQueries,
    StoreBase,
):
    """The SQLite database of one newswatch instance."""
