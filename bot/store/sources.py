"""Sources and their fetch state."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot.models import Source
from bot.store.base import from_iso, to_iso


@dataclass(frozen=True)
class SourceState:
    """What the store remembers about fetching one source."""

    id: str
    etag: str | None = None
    last_modified: str | None = None
    last_checked_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    error_count: int = 0
    failing: bool = False
    next_check_at: datetime | None = None
    articles_total: int = 0


def _state(row: dict[str, Any]) -> SourceState:
    return SourceState(
        id=row["id"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_checked_at=from_iso(row["last_checked_at"]),
        last_success_at=from_iso(row["last_success_at"]),
        last_error=row["last_error"],
        last_error_at=from_iso(row["last_error_at"]),
        error_count=row["error_count"],
        failing=bool(row["failing"]),
        next_check_at=from_iso(row["next_check_at"]),
        articles_total=row["articles_total"],
    )


class SourceQueries:
    db: Database

    def sync_sources(self, sources: Iterable[Source]) -> None:
        """Make the sources table mirror the configuration, keeping fetch state."""
        with self.db.conn:
            for s in sources:
                self.db.execute(
                    """INSERT INTO sources (id, kind, url, name, enabled) VALUES (?, ?, ?, ?, ?)
                       ON CONFLICT(id) DO UPDATE SET kind=excluded.kind, url=excluded.url,
                       name=excluded.name, enabled=excluded.enabled""",
                    [s.id, s.kind, s.url, s.name, int(s.enabled)],
                )

    def source_state(self, source_id: str) -> SourceState:
        rows = list(self.db.query("SELECT * FROM sources WHERE id = ?", [source_id]))
        return _state(rows[0]) if rows else SourceState(id=source_id)

    def source_states(self) -> list[SourceState]:
        return [_state(r) for r in self.db.query("SELECT * FROM sources ORDER BY id")]

    def record_fetch_success(
        self,
        source_id: str,
        now: datetime,
        next_check_at: datetime,
        etag: str | None,
        last_modified: str | None,
        new_articles: int = 0,
    ) -> None:
        with self.db.conn:
            self.db.execute(
                """UPDATE sources SET etag=?, last_modified=?, last_checked_at=?,
                   last_success_at=?, error_count=0, failing=0, next_check_at=?,
                   articles_total=articles_total+? WHERE id=?""",
                [
                    etag,
                    last_modified,
                    to_iso(now),
                    to_iso(now),
                    to_iso(next_check_at),
                    new_articles,
                    source_id,
                ],
            )

    def record_fetch_error(
        self,
        source_id: str,
        now: datetime,
        next_check_at: datetime,
        error: str,
        failing_after: int,
    ) -> int:
        """Count one more consecutive error; returns the new count."""
        with self.db.conn:
            self.db.execute(
                """UPDATE sources SET last_checked_at=?, last_error=?, last_error_at=?,
                   error_count=error_count+1, failing=(error_count+1 >= ?), next_check_at=?
                   WHERE id=?""",
                [to_iso(now), error, to_iso(now), failing_after, to_iso(next_check_at), source_id],
            )
        return self.source_state(source_id).error_count
