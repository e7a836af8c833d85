"""Sources and their fetch state (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from bot.core.commands.sourcebook import CONFIG, REMOVED, SourceEntry
from bot.models import Source
from bot.store.interface import FetchSuccess, SourceState
from bot.store.postgres.base import PostgresBase
from bot.store.sources import (
    SUCCESS_SET,
    OneSuccess,
    _entry,
    _source,
    _state,
    _success_row,
    request_json,
)

_UPSERT = """INSERT INTO sources (id, kind, url, name, enabled, origin, interval, full_text,
    lang, selector) VALUES (%s, %s, %s, %s, %s, 'config', %s, %s, %s, %s)
    ON CONFLICT(id) DO UPDATE SET kind=excluded.kind, url=excluded.url, name=excluded.name,
    enabled=excluded.enabled, origin='config', interval=excluded.interval,
    full_text=excluded.full_text, lang=excluded.lang, selector=excluded.selector"""


_SUCCESS = f"UPDATE sources SET {SUCCESS_SET.replace('?', '%s')} WHERE id=%s"


def _same(when: datetime) -> datetime:
    return when


class PgSourceQueries(OneSuccess, PostgresBase):
    def sync_sources(self, sources: Iterable[Source]) -> None:
        """Make the sources table mirror the configuration, keeping fetch state."""
        rows = [
            [s.id, s.kind, s.url, s.name, s.enabled, s.interval, s.full_text, s.lang, s.selector]
            for s in sources
        ]
        with self._tx() as conn, conn.cursor() as cur:
            cur.executemany(_UPSERT, rows)
            cur.execute(
                "UPDATE sources SET origin = %s WHERE origin = %s AND NOT (id = ANY(%s))",
                [REMOVED, CONFIG, [r[0] for r in rows]],
            )

    def add_sources(
        self,
        sources: Iterable[Source],
        origin: str,
        added_by: str | None = None,
        now: datetime | None = None,
    ) -> list[Source]:
        """Store database-only sources; one whose id or URL is known is skipped (a removed
        configured source gives way)."""
        added: list[Source] = []
        with self._tx() as conn:
            for s in sources:
                conn.execute(
                    "DELETE FROM sources WHERE origin = %s AND (id = %s OR url = %s)",
                    [REMOVED, s.id, s.url],
                )
                clash = conn.execute(
                    "SELECT 1 FROM sources WHERE id = %s OR url = %s", [s.id, s.url]
                ).fetchone()
                if clash:
                    continue
                conn.execute(
                    """INSERT INTO sources (id, kind, url, name, enabled, origin, interval,
                       full_text, lang, selector, added_by, added_at, request)
                       VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)""",
                    [
                        s.id,
                        s.kind,
                        s.url,
                        s.name,
                        s.enabled,
                        origin,
                        s.interval,
                        s.full_text,
                        s.lang,
                        s.selector,
                        added_by,
                        now,
                        request_json(s),
                    ],
                )
                added.append(s)
        return added

    def stored_sources(self) -> list[Source]:
        rows = self._all(
            "SELECT * FROM sources WHERE origin NOT IN (%s, %s) ORDER BY id", [CONFIG, REMOVED]
        )
        return [_source(r) for r in rows]

    def source_entries(self) -> list[SourceEntry]:
        rows = self._all("SELECT * FROM sources WHERE origin != %s ORDER BY id", [REMOVED])
        return [_entry(r) for r in rows]

    def set_source_pause(self, source_id: str, at: datetime | None, by: str | None) -> None:
        self._run(
            "UPDATE sources SET paused_at = %s, paused_by = %s WHERE id = %s", [at, by, source_id]
        )

    def remove_source(self, source_id: str) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM waiting_items WHERE source_id = %s", [source_id])
            conn.execute("DELETE FROM sources WHERE id = %s", [source_id])

    def due_sources(self, sources: Sequence[Source], now: datetime) -> list[Source]:
        next_at = {
            r["id"]: r["next_check_at"] for r in self._all("SELECT id, next_check_at FROM sources")
        }
        return [
            s for s in sources if s.enabled and ((when := next_at.get(s.id)) is None or when <= now)
        ]

    def source_state(self, source_id: str) -> SourceState:
        row = self._one("SELECT * FROM sources WHERE id = %s", [source_id])
        return _state(row) if row else SourceState(id=source_id)

    def source_states(self, ids: Sequence[str] | None = None) -> list[SourceState]:
        if ids is None:
            return [_state(r) for r in self._all("SELECT * FROM sources ORDER BY id")]
        rows = self._all("SELECT * FROM sources WHERE id = ANY(%s) ORDER BY id", [list(ids)])
        return [_state(r) for r in rows]

    def record_fetch_successes(self, batch: Sequence[FetchSuccess]) -> None:
        """Answered polls in one transaction, the updates sent together (pipelined); one
        alone is a single statement."""
        if len(batch) == 1:
            self._run(_SUCCESS, _success_row(batch[0], _same))
            return
        if not batch:
            return
        with self._tx() as conn, conn.cursor() as cur:
            cur.executemany(_SUCCESS, [_success_row(f, _same) for f in batch])

    def record_fetch_error(
        self,
        source_id: str,
        now: datetime,
        next_check_at: datetime,
        error: str,
        failing_after: int,
    ) -> int:
        """Count one more consecutive error; returns the new count."""
        row = self._one(
            """UPDATE sources SET last_checked_at=%s, last_error=%s, last_error_at=%s,
               error_count=error_count+1, failing=(error_count+1 >= %s), next_check_at=%s
               WHERE id=%s RETURNING error_count""",
            [now, error, now, failing_after, next_check_at, source_id],
        )
        return int(row["error_count"]) if row else 0

    def lease_sources(
        self,
        worker: str,
        source_ids: Sequence[str],
        now: datetime,
        until: datetime,
        limit: int = 1_000_000,
    ) -> list[str]:
        """Of `source_ids`, at most `limit` now due that this worker takes until `until`: rows
        another worker is leasing this instant are skipped (SKIP LOCKED), a live lease of
        another worker is respected, an expired one (its worker died) is taken over."""
        rows = self._all(
            """UPDATE sources SET lease_owner = %s, lease_until = %s
               WHERE id IN (SELECT id FROM sources WHERE id = ANY(%s)
                 AND (next_check_at IS NULL OR next_check_at <= %s)
                 AND (lease_until IS NULL OR lease_until <= %s OR lease_owner = %s)
                 ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED)
               RETURNING id""",
            [worker, until, list(source_ids), now, now, worker, limit],
        )
        return sorted(r["id"] for r in rows)

    def release_sources(self, worker: str, source_ids: Sequence[str]) -> None:
        """Give back leases (the sources were recorded, or the worker is stopping)."""
        self._run(
            "UPDATE sources SET lease_owner = NULL, lease_until = NULL "
            "WHERE lease_owner = %s AND id = ANY(%s)",
            [worker, list(source_ids)],
        )
