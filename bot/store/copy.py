"""Copying a whole installation between databases: SQLite → PostgreSQL and back.

Both ends are opened (and so migrated) with `open_store`; the target must be empty. Every
table is copied in one transaction on the target, in the source's insertion order, with ids
kept (stories, outbox and articles keep their numbers, so links and message refs hold).
Values travel in SQLite's form (ISO text times, 0/1 flags, JSON text), which PostgreSQL's
COPY parses into timestamptz, boolean and jsonb. Afterwards every table's row count is
compared on both ends. A table the copy does not know is refused, never skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from psycopg.rows import tuple_row

from bot.store.base import to_iso
from bot.store.interface import Store, StoreError
from bot.store.postgres import PostgresStore
from bot.store.sqlite import SqliteStore

# Table → its insertion order (SQLite rowid; PostgreSQL keeps it in `pos`), parents first.
TABLES: dict[str, tuple[str, str]] = {
    "sources": ("id", "id"),
    "channels": ("id", "id"),
    "subscriptions": ("rowid", "pos"),
    "destination_moves": ("platform, old", "platform, old"),
    "articles": ("id", "id"),
    "matches": ("rowid", "pos"),
    "stories": ("id", "id"),
    "deliveries": ("channel_id, story_id", "channel_id, story_id"),
    "outbox": ("id", "id"),
    "outbox_leases": ("channel_id", "channel_id"),
    "outbox_owners": ("owner", "owner"),
    "mutes": ("channel_id, story_id", "channel_id, story_id"),
    "waiting_items": ("id", "id"),
    "chat_entities": ("id", "id"),
    "chat_watches": ("channel_id, name", "channel_id, name"),
    "pruned_keys": ("key", "key"),
}
_IDENTITIES = (
    "articles",
    "stories",
    "outbox",
    "waiting_items",
)  # PostgreSQL sequences moved past the copy
_CHUNK = 2000

Row = tuple[Any, ...]
Writer = Callable[[str, list[str], Iterator[Row]], None]


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    target: int


def _portable(value: Any) -> Any:
    """A value in SQLite's form: ISO text for times, 0/1 for flags, JSON text for lists."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return to_iso(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


class _SqliteTables:
    def __init__(self, store: SqliteStore) -> None:
        self.conn = store.db.conn
        self.name = str(store.path)

    def tables(self) -> set[str]:
        rows = self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {r[0] for r in rows if not r[0].startswith(("articles_fts", "_sqlite", "sqlite_"))}

    def columns(self, table: str) -> list[str]:
        return [r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")]

    def count(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def read(self, table: str, columns: list[str]) -> Iterator[Row]:
        order = TABLES[table][0]
        cursor = self.conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")
        while chunk := cursor.fetchmany(_CHUNK):
            yield from chunk

    @contextmanager
    def writer(self) -> Iterator[Writer]:
        def write(table: str, columns: list[str], rows: Iterator[Row]) -> None:
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            self.conn.executemany(sql, ([_portable(v) for v in row] for row in rows))

        with self.conn:  # one transaction: all tables or none
            yield write


class _PostgresTables:
    def __init__(self, store: PostgresStore) -> None:
        self.store = store
        self.name = store.path

    def tables(self) -> set[str]:
        rows = self.store._all(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
        return {r["table_name"] for r in rows if not r["table_name"].startswith("_newswatch")}

    def columns(self, table: str) -> list[str]:
        rows = self.store._all(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND table_schema = current_schema() AND is_generated = 'NEVER' "
            "AND column_name <> 'pos' ORDER BY ordinal_position",
            [table],
        )
        return [r["column_name"] for r in rows]

    def count(self, table: str) -> int:
        row = self.store._one(f"SELECT count(*) AS n FROM {table}")
        return int(row["n"]) if row else 0

    def read(self, table: str, columns: list[str]) -> Iterator[Row]:
        order = TABLES[table][1]
        with (
            self.store.pool.connection() as conn,
            conn.transaction(),
            conn.cursor(name=f"copy_{table}", row_factory=tuple_row) as cursor,
        ):
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")
            while chunk := cursor.fetchmany(_CHUNK):
                yield from (tuple(_portable(v) for v in row) for row in chunk)

    @contextmanager
    def writer(self) -> Iterator[Writer]:
        with self.store._tx() as conn:  # one transaction: all tables or none

            def write(table: str, columns: list[str], rows: Iterator[Row]) -> None:
                sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                with conn.cursor() as cur, cur.copy(sql) as copy:
                    for row in rows:
                        copy.write_row([_portable(v) for v in row])

            yield write
            for table in _IDENTITIES:
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"coalesce(max(id), 0) + 1, false) FROM {table}"
                )


Tables = _SqliteTables | _PostgresTables


def _tables(store: Store) -> Tables:
    if isinstance(store, SqliteStore):
        return _SqliteTables(store)
    if isinstance(store, PostgresStore):
        return _PostgresTables(store)
    raise StoreError(f"cannot copy a {type(store).__name__}")


def _check_known(side: Tables) -> None:
    unknown = sorted(side.tables() - set(TABLES))
    if unknown:
        raise StoreError(f"{side.name}: table(s) the copy does not know: {', '.join(unknown)}")


def copy_store(source: Store, target: Store) -> list[TableCount]:
    """Copy every row of `source` into the empty `target`; the per-table counts after."""
    src, dst = _tables(source), _tables(target)
    _check_known(src)
    _check_known(dst)
    held = {t: n for t in TABLES if (n := dst.count(t))}
    if held:
        listed = ", ".join(f"{t}: {n}" for t, n in held.items())
        raise StoreError(f"{dst.name}: the target already holds data ({listed}); use an empty one")
    columns = {t: src.columns(t) for t in TABLES}
    for table, names in columns.items():
        missing = sorted(set(names) - set(dst.columns(table)))
        if missing:
            raise StoreError(f"{dst.name}: table {table} lacks column(s) {', '.join(missing)}")
    with dst.writer() as write:
        for table, names in columns.items():
            write(table, names, src.read(table, names))
    return [TableCount(t, src.count(t), dst.count(t)) for t in TABLES]


def same_place(a: str | Path, b: str | Path) -> bool:
    """Whether two --from/--to values name one database (a copy onto itself)."""
    if isinstance(a, Path) and isinstance(b, Path):
        return a.resolve() == b.resolve()
    return str(a) == str(b)
