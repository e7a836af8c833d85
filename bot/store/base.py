"""Opening the database: WAL, migrations, refusal of newer schemas, time conversion."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from sqlite_utils import Database

from bot.store.interface import StoreError
from bot.store.migrations import MIGRATION_SET, migrations

V = TypeVar("V")
IN_CHUNK = 500  # values per SQL `IN (…)` list: well within SQLite's bound-parameter limit


def in_chunks(values: Sequence[V]) -> Iterator[tuple[str, list[V]]]:
    """`values` a chunk at a time, each with the `?,?,…` marks of its IN list."""
    for start in range(0, len(values), IN_CHUNK):
        chunk = list(values[start : start + IN_CHUNK])
        yield ",".join("?" * len(chunk)), chunk


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

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if read_only:
            self._open_read_only()
            return
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), timeout=10, check_same_thread=False)
            self.db = Database(conn)
            self.db.execute("PRAGMA busy_timeout = 10000")
            if self.db.execute("PRAGMA page_count").fetchone()[0] == 0:
                # a new file: freed pages can be given back (bot.store.retention)
                self.db.execute("PRAGMA auto_vacuum = INCREMENTAL")
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

    def _open_read_only(self) -> None:
        """Another process's database, looked at without changing it (no file created, no
        migration applied: one still pending is refused, its tables may not exist yet)."""
        if not self.path.is_file():
            raise StoreError(f"{self.path}: no such database")
        uri = self.path.resolve().as_uri() + "?mode=ro"
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=10, check_same_thread=False)
            self.db = Database(conn)
            self.db.execute("PRAGMA busy_timeout = 10000")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open database: {exc}") from None
        self._refuse_newer()
        pending = self.pending_migrations()
        if pending:
            raise StoreError(f"{self.path}: not migrated yet ({', '.join(pending)} pending)")

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

    def applied_migrations(self) -> list[str]:
        return [m.name for m in migrations.applied(self.db)]

    def check_integrity(self) -> list[str]:
        """Problems SQLite's integrity check finds; empty when the file is sound."""
        rows = [str(r[0]) for r in self.db.execute("PRAGMA integrity_check").fetchall()]
        return [] if rows == ["ok"] else rows

    def journal_mode(self) -> str:
        """SQLite only: 'wal' for every database newswatch writes."""
        return str(self.db.execute("PRAGMA journal_mode").fetchone()[0])

    def table_names(self) -> list[str]:
        """SQLite only: the schema's tables, for tests of the migrations."""
        return list(self.db.table_names())

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
            if not self.read_only:
                self.db.execute("PRAGMA optimize")
        finally:
            self.db.conn.close()
