"""Retention on PostgreSQL: the same pruning as SQLite (bot.store.prune); giving space back is
autovacuum's job, sizes come from pg_total_relation_size, and backups from pg_dump."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import tuple_row

from bot.store import prune
from bot.store.interface import Horizons, SpaceReport, StoreError, TableSize
from bot.store.postgres.base import PostgresBase


class _PgTx:
    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.cur = conn.cursor(row_factory=tuple_row)

    def rows(self, text: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.cur.execute(text.replace("?", "%s").encode(), params).fetchall()

    def run(self, text: str, params: Sequence[Any] = ()) -> int:
        return self.cur.execute(text.replace("?", "%s").encode(), params).rowcount


def _as_is(dt: datetime) -> datetime:
    return dt


class PgRetentionQueries(PostgresBase):
    @contextlib.contextmanager
    def _prune_tx(self) -> Iterator[_PgTx]:
        with self._tx() as conn:
            yield _PgTx(conn)

    def prune_preview(self, horizons: Horizons) -> dict[str, int]:
        with self._prune_tx() as tx:
            return prune.preview(tx, horizons, _as_is)

    def prune_batches(
        self, horizons: Horizons, now: datetime, batch: int = 500
    ) -> Iterator[dict[str, int]]:
        return prune.batches(self._prune_tx, horizons, now, _as_is, batch)

    def space(self) -> SpaceReport:
        row = self._one("SELECT pg_database_size(current_database()) AS size")
        return SpaceReport(int(row["size"]) if row else 0, 0, "autovacuum")

    def make_incremental(self) -> bool:
        return False

    def reclaim_space(self) -> None:
        """Autovacuum gives dead rows' space back to the tables; nothing to do here."""

    def table_sizes(self) -> list[TableSize]:
        with self._tx() as conn:
            tables = conn.execute(
                "SELECT c.relname AS name, pg_total_relation_size(c.oid) AS size "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
                "ORDER BY c.relname"
            ).fetchall()
            out = []
            for t in tables:
                query = sql.SQL("SELECT count(*) AS n FROM {}").format(sql.Identifier(t["name"]))
                row = conn.execute(query).fetchone()
                out.append(TableSize(t["name"], int(row["n"]) if row else 0, int(t["size"])))
        return out

    def backup_to(self, target: Path) -> None:
        raise StoreError(
            f"{self.path}: newswatch backs up SQLite files only; for PostgreSQL use pg_dump "
            f"(e.g. pg_dump --format=custom --file={target} <database>)"
        )
