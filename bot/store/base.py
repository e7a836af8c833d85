"""Opening the database: WAL, migrations, refusal of newer schemas, time conversion."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from bot.store.interface import StoreError
from bot.store.migrations import MIGRATION_SET, migrations


def to_iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).isoformat()


def from_iso(value: str | datetime | None) -> datetime | None:
    """An ISO text (SQLite) or a datetime already (PostgreSQL's timestamptz) as aware UTC."""
    if not value:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    dt = datetime.fromisoformat(value)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class StoreBase:
    """Holds the connection; the query mixins use `self.db`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), timeout=10, check_same_thread=False)
            self.db = Database(conn)
            self.db.execute("PRAGMA busy_timeout = 10000")
            if str(path) != ":memory:":
                self.db.enable_wal()
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: cannot open database: {exc}") from None
        self._refuse_newer()
        try:
            migrations.apply(self.db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: migration failed: {exc}") from None

    def _refuse_newer(self) -> None:
        try:
            applied = {m.name for m in migrations.applied(self.db)}
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a newswatch database: {exc}") from None
        known = {m.name for m in migrations._migrations}
        unknown = sorted(applied - known)
        if unknown:
            raise StoreError(
                f"{self.path}: written by a newer newswatch (unknown migrations in set "
                f"{MIGRATION_SET!r}: {', '.join(unknown)}); upgrade newswatch or use another --db"
            )

    def pending_migrations(self) -> list[str]:
        return [m.name for m in migrations.pending(self.db)]

    def check_writable(self) -> str | None:
        """None when a write could start now (BEGIN IMMEDIATE takes the write lock), else
        why not; a write already under way on this connection proves it writable."""
        conn = self.db.conn
        if conn.in_transaction:
            return None
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        except Exception as exc:
            with contextlib.suppress(Exception):
                conn.execute("ROLLBACK")
            return str(exc)
        return None

    def hold_lead(self, name: str) -> bool:
        """One process uses a SQLite file: it always leads."""
        return True

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database file (clean stop: one file left)."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        try:
            self.db.execute("PRAGMA optimize")
        finally:
            self.db.conn.close()
