"""Storage behind one interface (`Store`); `open_store` picks the implementation.

SQLite is the embedded default; a `postgresql://` URL is the seam issue 18 fills.
"""

from __future__ import annotations

from pathlib import Path

from bot.store.interface import OutboxMessage, PauseState, SourceState, Store, StoreError
from bot.store.sqlite import SqliteStore

__all__ = [
    "OutboxMessage",
    "PauseState",
    "SourceState",
    "Store",
    "StoreError",
    "open_store",
]

_URL_SCHEMES = ("postgresql://", "postgres://")


def open_store(path_or_url: str | Path) -> Store:
    """Open (creating and migrating as needed) the database at a file path or URL."""
    text = str(path_or_url)
    if text.startswith(_URL_SCHEMES):
        raise StoreError(f"{text.split('@')[-1]}: PostgreSQL is not supported yet (issue 18)")
    return SqliteStore(path_or_url)
