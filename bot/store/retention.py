"""Retention and upkeep of the SQLite file: prune (rules in bot.store.prune), give the freed
pages back, sizes per table, and an online backup.

A file shrinks only with `auto_vacuum=INCREMENTAL`: new databases get it at creation; an
older file gets it from one full VACUUM (`make_incremental`, run by `newswatch db prune`),
until which freed pages are reused but the file keeps its size.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from bot.store import prune
from bot.store.base import to_iso
from bot.store.interface import Horizons, SpaceReport, StoreError, TableSize

_VACUUM_MODES = {0: "none", 1: "full", 2: "incremental"}
FTS_MERGE_PAGES = 200


class _SqliteTx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.conn.execute(sql, params).fetchall()]

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.conn.execute(sql, params).rowcount


class RetentionQueries:
    db: Database
    path: Path

    @contextlib.contextmanager
    def _prune_tx(self) -> Iterator[_SqliteTx]:
        with self.db.conn:
            yield _SqliteTx(self.db.conn)

    def prune_preview(self, horizons: Horizons) -> dict[str, int]:
        return prune.preview(_SqliteTx(self.db.conn), horizons, to_iso)

    def prune_batches(
        self, horizons: Horizons, now: datetime, batch: int = 500
    ) -> Iterator[dict[str, int]]:
        touched = False
        for done in prune.batches(self._prune_tx, horizons, now, to_iso, batch):
            touched = touched or bool(done.get("articles") or done.get("articles_text"))
            yield done
        if touched:
            yield from self._merge_fts()

    def _merge_fts(self) -> Iterator[dict[str, int]]:
        """Fold the full-text index's segments together: FTS5 records a removed row as a
        delete marker, and the index only shrinks when its segments are merged. A step
        merges about FTS_MERGE_PAGES pages; done when a step changes nothing."""
        for _ in range(10_000):
            before = self.db.conn.total_changes
            with self.db.conn:
                self.db.conn.execute(
                    "INSERT INTO articles_fts (articles_fts, rank) VALUES ('merge', ?)",
                    [-FTS_MERGE_PAGES],
                )
            if self.db.conn.total_changes == before:
                return
            yield {}

    def _pragma(self, name: str) -> int:
        return int(self.db.execute(f"PRAGMA {name}").fetchone()[0])

    def space(self) -> SpaceReport:
        files = [self.path, Path(f"{self.path}-wal")]
        total = sum(f.stat().st_size for f in files if f.is_file())
        free = self._pragma("freelist_count") * self._pragma("page_size")
        return SpaceReport(total, free, _VACUUM_MODES.get(self._pragma("auto_vacuum"), "?"))

    def make_incremental(self) -> bool:
        if self._pragma("auto_vacuum") == 2:
            return False
        try:
            self.db.execute("PRAGMA auto_vacuum = INCREMENTAL")
            self.db.execute("VACUUM")  # the mode takes effect only through a full VACUUM
        except sqlite3.OperationalError as exc:
            raise StoreError(
                f"{self.path}: cannot VACUUM to switch to incremental vacuum ({exc}): stop the "
                "daemon and run `newswatch db prune` again"
            ) from None
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return True

    def reclaim_space(self) -> None:
        if self._pragma("auto_vacuum") == 2:
            # each step of the statement frees one page and it returns no rows, so execute()
            # would stop after one: executescript steps it to its end
            self.db.conn.executescript("PRAGMA incremental_vacuum;")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the file shrinks here

    def table_sizes(self) -> list[TableSize]:
        """Each table's rows and bytes, its indexes counted with it; the full-text index's
        shadow tables counted as one (articles_fts)."""
        owner: dict[str, str] = {}
        virtual = set()
        for name, table, sql in self.db.execute(
            "SELECT name, tbl_name, coalesce(sql, '') FROM sqlite_master "
            "WHERE type IN ('table', 'index')"
        ):
            owner[name] = table
            if sql.upper().startswith("CREATE VIRTUAL TABLE"):
                virtual.add(name)
        for name in list(owner):
            for vt in virtual:
                if name.startswith(vt + "_"):
                    owner[name] = vt
        sizes: dict[str, int] = {}
        for name, size in self.db.execute(
            "SELECT name, sum(pgsize) FROM dbstat GROUP BY name"
        ).fetchall():
            table = owner.get(name, name)
            sizes[table] = sizes.get(table, 0) + int(size)
        out = []
        for table in sorted({t for t in owner.values() if not t.startswith("sqlite_")}):
            counted = f"{table}_docsize" if table in virtual else table
            rows = self.db.execute(f"SELECT count(*) FROM [{counted}]").fetchone()[0]
            out.append(TableSize(table, int(rows), sizes.get(table)))
        return out

    def backup_to(self, target: Path) -> None:
        if target.exists():
            raise StoreError(f"{target}: already exists; name a new file")
        partial = target.with_name(target.name + ".part")
        partial.unlink(missing_ok=True)
        try:
            copy = sqlite3.connect(partial)
            try:
                # one step: a single read snapshot (WAL lets the daemon go on writing)
                self.db.conn.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
                problems = [r[0] for r in copy.execute("PRAGMA quick_check").fetchall()]
            finally:
                copy.close()
            if problems != ["ok"]:
                raise StoreError(f"{target}: the copy fails its check: {'; '.join(problems)}")
            os.replace(partial, target)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"{target}: backup failed: {exc}") from None
        finally:
            partial.unlink(missing_ok=True)
