"""Sources and their fetch state."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot.core.commands.sourcebook import CONFIG, REMOVED, SourceEntry
from bot.models import REQUEST_FIELDS, Source
from bot.store.base import from_iso, in_chunks, to_iso
from bot.store.interface import FetchSuccess, SourceState

# The SQL that says a source runs (bot.core.commands.sourcebook): its settings enable it, no
# person paused it, and the file still lists it if it came from there.
RUNS = "enabled = 1 AND paused_at IS NULL AND origin != 'removed'"
RUNS_PG = "enabled AND paused_at IS NULL AND origin <> 'removed'"


# What an answered poll sets (bot.store.interface.FetchSuccess), in both dialects' order.
SUCCESS_SET = """etag=?, last_modified=?, last_checked_at=?, last_success_at=?, error_count=0,
    failing=FALSE, next_check_at=?, articles_total=articles_total+?, warning=?,
    page_error_count=page_error_count+?, last_page_error=coalesce(?, last_page_error),
    last_page_error_at=coalesce(?, last_page_error_at)"""


def _success_row(f: FetchSuccess, when: Callable[[datetime], Any]) -> tuple[Any, ...]:
    """FetchSuccess as the parameters of SUCCESS_SET and the id; `when` writes a time."""
    errors = f.page_errors
    return (
        f.etag,
        f.last_modified,
        when(f.now),
        when(f.now),
        when(f.next_check_at),
        f.new_articles,
        f.warning,
        len(errors),
        errors[-1] if errors else None,
        when(f.now) if errors else None,
        f.source_id,
    )


def _source(row: dict[str, Any]) -> Source:
    return Source(
        id=row["id"],
        url=row["url"],
        kind=row["kind"],
        name=row["name"],
        interval=row["interval"],
        full_text=bool(row["full_text"]),
        lang=row["lang"],
        enabled=bool(row["enabled"]),
        selector=row["selector"],
        **_request_fields(row.get("request")),
    )


def request_json(s: Source) -> str | None:
    """A database-only source's request options as stored (None when it has none): names
    of environment variables, never their values."""
    kept = s.request_fields()
    if "headers" in kept:
        kept["headers"] = [list(h) for h in s.headers]
    return json.dumps(kept, sort_keys=True) if kept else None


def _request_fields(text: str | None) -> dict[str, Any]:
    """request_json read back as Source fields."""
    if not text:
        return {}
    data = {k: v for k, v in json.loads(text).items() if k in REQUEST_FIELDS}
    if "headers" in data:
        data["headers"] = tuple((str(n), str(v)) for n, v in data["headers"])
    if "rate_limit" in data:
        data["rate_limit"] = float(data["rate_limit"])
    return data


def _entry(row: dict[str, Any]) -> SourceEntry:
    return SourceEntry(
        source=_source(row),
        origin=row["origin"],
        paused_at=from_iso(row["paused_at"]),
        paused_by=row["paused_by"],
        added_by=row["added_by"],
    )


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
        origin=row["origin"],
        warning=row["warning"],
        page_error_count=row["page_error_count"],
        last_page_error=row["last_page_error"],
        last_page_error_at=from_iso(row["last_page_error_at"]),
    )


class OneSuccess:
    """record_fetch_success as a batch of one, for both stores."""

    def record_fetch_successes(self, batch: Sequence[FetchSuccess]) -> None:
        raise NotImplementedError

    def record_fetch_success(
        self,
        source_id: str,
        now: datetime,
        next_check_at: datetime,
        etag: str | None,
        last_modified: str | None,
        new_articles: int = 0,
        warning: str | None = None,
        page_errors: Sequence[str] = (),
    ) -> None:
        """A poll that the source answered (see FetchSuccess)."""
        self.record_fetch_successes(
            [
                FetchSuccess(
                    source_id,
                    now,
                    next_check_at,
                    etag,
                    last_modified,
                    new_articles,
                    warning,
                    tuple(page_errors),
                )
            ]
        )


class SourceQueries(OneSuccess):
    db: Database

    def sync_sources(self, sources: Iterable[Source]) -> None:
        """Make the sources table mirror the configuration, keeping fetch state and a
        person's pause; a configured source the file no longer lists is marked removed
        (kept, with its state, in case the file lists it again)."""
        ids: list[str] = []
        with self.db.conn:
            for s in sources:
                self.db.execute(
                    """INSERT INTO sources (id, kind, url, name, enabled, origin, interval,
                       full_text, lang, selector) VALUES (?, ?, ?, ?, ?, 'config', ?, ?, ?, ?)
                       ON CONFLICT(id) DO UPDATE SET kind=excluded.kind, url=excluded.url,
                       name=excluded.name, enabled=excluded.enabled, origin='config',
                       interval=excluded.interval, full_text=excluded.full_text,
                       lang=excluded.lang, selector=excluded.selector""",
                    [
                        s.id,
                        s.kind,
                        s.url,
                        s.name,
                        int(s.enabled),
                        s.interval,
                        int(s.full_text),
                        s.lang,
                        s.selector,
                    ],
                )
                ids.append(s.id)
            marks = ",".join("?" * len(ids))
            self.db.execute(
                f"UPDATE sources SET origin = ? WHERE origin = ? AND id NOT IN ({marks})",
                [REMOVED, CONFIG, *ids],
            )

    def add_sources(
        self,
        sources: Iterable[Source],
        origin: str,
        added_by: str | None = None,
        now: datetime | None = None,
    ) -> list[Source]:
        """Store sources that live only in the database (OPML import, CLI, chat); returns
        those added. A source whose id or URL is already known is skipped, never overwritten
        (a configured source the file no longer lists gives way)."""
        added: list[Source] = []
        with self.db.conn:
            for s in sources:
                self.db.execute(
                    "DELETE FROM sources WHERE origin = ? AND (id = ? OR url = ?)",
                    [REMOVED, s.id, s.url],
                )
                clash = self.db.execute(
                    "SELECT 1 FROM sources WHERE id = ? OR url = ?", [s.id, s.url]
                ).fetchone()
                if clash:
                    continue
                self.db.execute(
                    """INSERT INTO sources (id, kind, url, name, enabled, origin, interval,
                       full_text, lang, selector, added_by, added_at, request)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    [
                        s.id,
                        s.kind,
                        s.url,
                        s.name,
                        int(s.enabled),
                        origin,
                        s.interval,
                        int(s.full_text),
                        s.lang,
                        s.selector,
                        added_by,
                        to_iso(now),
                        request_json(s),
                    ],
                )
                added.append(s)
        return added

    def stored_sources(self) -> list[Source]:
        """Sources that exist only in the database (origin other than the configuration)."""
        rows = self.db.query(
            "SELECT * FROM sources WHERE origin NOT IN (?, ?) ORDER BY id", [CONFIG, REMOVED]
        )
        return [_source(r) for r in rows]

    def source_entries(self) -> list[SourceEntry]:
        """Every listed source (configured or not) with its origin and pause."""
        rows = self.db.query("SELECT * FROM sources WHERE origin != ? ORDER BY id", [REMOVED])
        return [_entry(r) for r in rows]

    def set_source_pause(self, source_id: str, at: datetime | None, by: str | None) -> None:
        """A person's pause (at, by) or its end (None, None); the file's settings untouched."""
        with self.db.conn:
            self.db.execute(
                "UPDATE sources SET paused_at = ?, paused_by = ? WHERE id = ?",
                [to_iso(at), by, source_id],
            )

    def remove_source(self, source_id: str) -> None:
        """Forget a source and its waiting items; its stored articles stay."""
        with self.db.conn:
            self.db.execute("DELETE FROM waiting_items WHERE source_id = ?", [source_id])
            self.db.execute("DELETE FROM sources WHERE id = ?", [source_id])

    def due_sources(self, sources: Sequence[Source], now: datetime) -> list[Source]:
        """The enabled sources among `sources` whose next check has come (or never ran)."""
        next_at = {
            r["id"]: from_iso(r["next_check_at"])
            for r in self.db.query("SELECT id, next_check_at FROM sources")
        }
        return [
            s for s in sources if s.enabled and ((when := next_at.get(s.id)) is None or when <= now)
        ]

    def source_state(self, source_id: str) -> SourceState:
        rows = list(self.db.query("SELECT * FROM sources WHERE id = ?", [source_id]))
        return _state(rows[0]) if rows else SourceState(id=source_id)

    def source_states(self, ids: Sequence[str] | None = None) -> list[SourceState]:
        if ids is None:
            return [_state(r) for r in self.db.query("SELECT * FROM sources ORDER BY id")]
        rows: list[dict[str, Any]] = []
        for marks, chunk in in_chunks(ids):
            rows.extend(self.db.query(f"SELECT * FROM sources WHERE id IN ({marks})", chunk))
        return sorted((_state(r) for r in rows), key=lambda st: st.id)

    def record_fetch_successes(self, batch: Sequence[FetchSuccess]) -> None:
        """Answered polls in one transaction: one commit for a batch of sources."""
        with self.db.conn:
            self.db.conn.executemany(
                f"UPDATE sources SET {SUCCESS_SET} WHERE id=?",
                [_success_row(f, to_iso) for f in batch],
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

    def lease_sources(
        self,
        worker: str,
        source_ids: Sequence[str],
        now: datetime,
        until: datetime,
        limit: int = 1_000_000,
    ) -> list[str]:
        """Of `source_ids`, at most `limit` now due that this worker takes until `until` (a
        live lease of another worker respected, an expired one taken over). One SQLite
        process has one worker, so this only keeps the interface PostgreSQL workers need."""
        marks = ",".join("?" * len(source_ids))
        with self.db.conn:
            rows = self.db.execute(
                f"""UPDATE sources SET lease_owner = ?, lease_until = ?
                    WHERE id IN (SELECT id FROM sources WHERE id IN ({marks})
                    AND (next_check_at IS NULL OR next_check_at <= ?)
                    AND (lease_until IS NULL OR lease_until <= ? OR lease_owner = ?)
                    ORDER BY id LIMIT ?)
                    RETURNING id""",
                [worker, to_iso(until), *source_ids, to_iso(now), to_iso(now), worker, limit],
            ).fetchall()
        return sorted(r[0] for r in rows)

    def release_sources(self, worker: str, source_ids: Sequence[str]) -> None:
        marks = ",".join("?" * len(source_ids))
        with self.db.conn:
            self.db.execute(
                "UPDATE sources SET lease_owner = NULL, lease_until = NULL "
                f"WHERE lease_owner = ? AND id IN ({marks})",
                [worker, *source_ids],
            )
