"""Storage behind one interface (`Store`); `open_store` picks the implementation.

SQLite is the embedded default; a `postgresql://` URL opens the PostgreSQL store, for
installations with several processes or machines on one database.
"""

from __future__ import annotations

from pathlib import Path

from bot.store.interface import (
    FetchSuccess,
    Horizons,
    OutboxMessage,
    PauseState,
    SourceState,
    SpaceReport,
    Store,
    StoreError,
    TableSize,
)
from bot.store.postgres import PostgresStore, is_postgres_url
from bot.store.sqlite import SqliteStore

__all__ = [
    "FetchSuccess",
    "Horizons",
    "OutboxMessage",
    "PauseState",
    "SourceState",
    "SpaceReport",
    "Store",
    "StoreError",
    "TableSize",
    "open_store",
]


def open_store(path_or_url: str | Path, read_only: bool = False) -> Store:
    """Open (creating and migrating as needed) the database at a file path or a
    `postgresql://user@host:port/db` URL (password from NEWSWATCH_DATABASE_PASSWORD or
    libpq's environment); with `read_only`, look at an existing one (another process's)
    without changing it."""
    if is_postgres_url(str(path_or_url)):
        return PostgresStore(str(path_or_url), read_only=read_only)
    return SqliteStore(path_or_url, read_only=read_only)
