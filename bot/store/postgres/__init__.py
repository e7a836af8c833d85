"""The PostgreSQL store: the same methods as the SQLite one, for installations that run
several processes or machines against one database (see docs/deployment.md)."""

from __future__ import annotations

from bot.store.postgres.articles import PgArticleQueries
from bot.store.postgres.base import PASSWORD_ENV, database_password, is_postgres_url, redact
from bot.store.postgres.browse import PgBrowseQueries
from bot.store.postgres.channels import PgChannelQueries
from bot.store.postgres.commands import PgCommandQueries
from bot.store.postgres.outbox import PgOutboxQueries
from bot.store.postgres.retention import PgRetentionQueries
from bot.store.postgres.sources import PgSourceQueries
from bot.store.postgres.stories import PgStoryQueries
from bot.store.postgres.waiting import PgWaitingQueries
from bot.store.postgres.watches import PgWatchQueries

__all__ = ["PASSWORD_ENV", "PostgresStore", "database_password", "is_postgres_url", "redact"]


class PostgresStore(
    PgSourceQueries,
    PgArticleQueries,
    PgStoryQueries,
    PgChannelQueries,
    PgCommandQueries,
    PgOutboxQueries,
    PgWaitingQueries,
    PgWatchQueries,
    PgBrowseQueries,
    PgRetentionQueries,
):
    """One newswatch database on a PostgreSQL server, through a connection pool."""
