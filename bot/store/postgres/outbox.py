"""The persistent outbox on PostgreSQL (see bot.store.outbox for the statuses and the
once-only reasoning, which is the same: a claim is an UPDATE that only one flusher wins)."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.store.interface import OutboxMessage, PauseState
from bot.store.outbox import (
    _IN_TURN,
    _LEASABLE,
    _OWNER_UPSERT,
    _RECOVER,
    _TAKEOVER,
    _UNCERTAIN,
    _UNFINISHED,
    _WAITING,
    _message,
)
from bot.store.postgres.base import PostgresBase

_DIGEST_AT = "UPDATE channels SET last_digest_at = %s WHERE id = %s"
_DELIVERED = """INSERT INTO deliveries (channel_id, story_id, outlet_count, delivered_at)
   VALUES (%s, %s, %s, %s) ON CONFLICT(channel_id, story_id) DO UPDATE SET
   outlet_count = excluded.outlet_count, delivered_at = excluded.delivered_at"""


class PgOutboxQueries(PostgresBase):
    def enqueue_batch(
        self,
        channel_id: str,
        batch: str,
        platform: str,
        destination: str,
        payloads: Sequence[Mapping[str, Any]],
        story_outlets: Mapping[int, int],
        now: datetime,
        kind: str = "digest",
        digest_at: datetime | None = None,
    ) -> int:
        """Record a batch's messages and its deliveries atomically; the number of messages
        (0 when the batch id is already recorded: enqueueing is idempotent)."""
        with self._tx() as conn:
            if conn.execute("SELECT 1 FROM outbox WHERE batch = %s", [batch]).fetchone():
                return 0
            with conn.cursor() as cur:
                cur.executemany(
                    """INSERT INTO outbox (channel_id, batch, seq, kind, platform, destination,
                       payload, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)""",
                    [
                        [
                            channel_id,
                            batch,
                            seq,
                            kind,
                            platform,
                            destination,
                            json.dumps(p, ensure_ascii=False),
                            now,
                        ]
                        for seq, p in enumerate(payloads)
                    ],
                )
                cur.executemany(
                    _DELIVERED, [[channel_id, sid, n, now] for sid, n in story_outlets.items()]
                )
            if digest_at is not None:
                conn.execute(_DIGEST_AT, [digest_at, channel_id])
        return len(payloads)

    def record_delivered(
        self, channel_id: str, story_outlets: Mapping[int, int], now: datetime
    ) -> None:
        """Count stories as delivered to a channel without sending anything."""
        with self._tx() as conn, conn.cursor() as cur:
            cur.executemany(
                _DELIVERED, [[channel_id, sid, n, now] for sid, n in story_outlets.items()]
            )

    def delivered_outlets(self, channel_id: str) -> dict[int, int]:
        rows = self._all(
            "SELECT story_id, outlet_count FROM deliveries WHERE channel_id = %s", [channel_id]
        )
        return {int(r["story_id"]): int(r["outlet_count"]) for r in rows}

    def set_last_digest_at(self, channel_id: str, at: datetime) -> None:
        self._run(_DIGEST_AT, [at, channel_id])

    def last_digest_times(self) -> dict[str, datetime | None]:
        rows = self._all("SELECT id, last_digest_at FROM channels")
        return {r["id"]: r["last_digest_at"] for r in rows}

    def due_messages(self, now: datetime, limit: int = 500) -> list[OutboxMessage]:
        """Pending messages that may go now, oldest first (see bot.store.outbox)."""
        rows = self._all(
            f"""SELECT o.* FROM outbox o LEFT JOIN channels c ON c.id = o.channel_id
               WHERE o.status = 'pending' AND NOT coalesce(c.paused, FALSE) AND {_IN_TURN}
               ORDER BY o.id LIMIT %s""",
            [now, limit],
        )
        return [_message(r) for r in rows]

    def claim_message(
        self, message_id: int, now: datetime, owner: str | None = None, leased: bool = True
    ) -> bool:
        """Take a pending message for sending as `owner`'s claim, in its channel's order
        (and, `leased`, under `owner`'s lease); False otherwise."""
        lease_owner = owner if leased else None
        touched = self._run(
            f"""UPDATE outbox o SET status = 'sending', claimed_at = %s, claimed_by = %s,
               attempts = attempts + 1 WHERE o.id = %s AND o.status = 'pending'
               AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.channel_id = o.channel_id
                               AND p.id < o.id AND p.status IN {_UNFINISHED})
               AND (%s::text IS NULL OR EXISTS (SELECT 1 FROM outbox_leases l
                    WHERE l.channel_id = o.channel_id AND l.owner = %s
                    AND l.expires_at > %s))""",
            [now, owner, message_id, lease_owner, lease_owner, now],
        )
        return touched == 1

    def mark_sent(self, message_id: int, ref: str, now: datetime) -> None:
        self._run(
            "UPDATE outbox SET status = 'sent', sent_at = %s, message_ref = %s, "
            "claimed_by = NULL, last_error = NULL WHERE id = %s",
            [now, ref, message_id],
        )

    def mark_retry(self, message_id: int, error: str, retry_at: datetime) -> None:
        self._run(
            "UPDATE outbox SET status = 'pending', claimed_at = NULL, claimed_by = NULL, "
            "last_error = %s, next_attempt_at = %s WHERE id = %s",
            [error[:500], retry_at, message_id],
        )

    def mark_uncertain(self, message_id: int, error: str, retry_at: datetime) -> str:
        row = self._one(
            f"UPDATE outbox SET {_UNCERTAIN}, last_error = %s, next_attempt_at = %s "
            "WHERE id = %s RETURNING status",
            [error[:500], retry_at, message_id],
        )
        return str(row["status"]) if row else "missing"

    def clear_uncertain(self, message_id: int) -> None:
        self._run("UPDATE outbox SET uncertain = 0 WHERE id = %s", [message_id])

    def mark_failed(self, message_id: int, error: str) -> None:
        self._run(
            "UPDATE outbox SET status = 'failed', claimed_at = NULL, claimed_by = NULL, "
            "last_error = %s WHERE id = %s",
            [error[:500], message_id],
        )

    def release_claims(
        self,
        older_than: datetime | None = None,
        channel_id: str | None = None,
        owner: str | None = None,
    ) -> int:
        return self._run(
            f"""UPDATE outbox SET {_UNCERTAIN},
               last_error = 'in flight when a process stopped' WHERE status = 'sending'
               AND (%s::timestamptz IS NULL OR claimed_at < %s)
               AND (%s::text IS NULL OR channel_id = %s)
               AND (%s::text IS NULL OR claimed_by = %s)""",
            [older_than, older_than, channel_id, channel_id, owner, owner],
        )

    def renew_owner(self, owner: str, role: str, now: datetime, until: datetime) -> bool:
        """Keep `owner` alive until `until` (see bot.store.outbox); False when it was not
        alive before."""
        with self._tx() as conn:
            row = conn.execute(
                "SELECT expires_at FROM outbox_owners WHERE owner = %s FOR UPDATE", [owner]
            ).fetchone()
            conn.execute(_OWNER_UPSERT, [owner, role, now, until])
        return row is not None and row["expires_at"] > now

    def forget_owner(self, owner: str) -> None:
        self._run("DELETE FROM outbox_owners WHERE owner = %s", [owner])

    def live_owners(self, now: datetime, role: str | None = None) -> list[str]:
        rows = self._all(
            "SELECT owner FROM outbox_owners WHERE expires_at > %s "
            "AND (%s::text IS NULL OR role = %s) ORDER BY owner",
            [now, role, role],
        )
        return [r["owner"] for r in rows]

    def recover_claims(self, owner: str, now: datetime, stale_before: datetime) -> int:
        """Claims of owners that are gone count one uncertain attempt each (see
        bot.store.outbox); expired liveness rows go with them."""
        with self._tx() as conn:
            recovered = conn.execute(_RECOVER, [owner, now, stale_before]).rowcount
            conn.execute("DELETE FROM outbox_owners WHERE expires_at <= %s", [now])
        return recovered

    def waiting_channels(self) -> int:
        row = self._one(_WAITING)
        return int(row["n"]) if row else 0

    def held_messages(self, channel_id: str | None = None) -> list[OutboxMessage]:
        rows = self._all(
            "SELECT * FROM outbox WHERE status = 'uncertain' "
            "AND (%s::text IS NULL OR channel_id = %s) ORDER BY id",
            [channel_id, channel_id],
        )
        return [_message(r) for r in rows]

    def release_held(self, message_id: int, send: bool) -> bool:
        status, error = ("pending", None) if send else ("failed", "held; dropped by hand")
        touched = self._run(
            "UPDATE outbox SET status = %s, last_error = coalesce(%s, last_error), "
            "next_attempt_at = NULL WHERE id = %s AND status = 'uncertain'",
            [status, error, message_id],
        )
        return touched == 1

    def lease_channels(
        self, owner: str, now: datetime, until: datetime, limit: int = 50
    ) -> list[str]:
        """Channels with messages to send that `owner` holds until `until`: each lease row
        is taken under SELECT … FOR UPDATE SKIP LOCKED (a row another process is taking is
        skipped), a missing one inserted (ON CONFLICT DO NOTHING: one inserter wins)."""
        taken: list[str] = []
        for row in self._all(_LEASABLE, [owner, now, owner, limit]):
            channel_id = row["channel_id"]
            with self._tx() as conn:
                lease = conn.execute(
                    "SELECT owner, expires_at FROM outbox_leases WHERE channel_id = %s "
                    "FOR UPDATE SKIP LOCKED",
                    [channel_id],
                ).fetchone()
                if lease is None:
                    got = conn.execute(
                        "INSERT INTO outbox_leases (channel_id, owner, expires_at) "
                        "VALUES (%s, %s, %s) ON CONFLICT (channel_id) DO NOTHING "
                        "RETURNING channel_id",
                        [channel_id, owner, until],
                    ).fetchone()
                    if got is None:
                        continue  # held by another process (being taken, or just inserted)
                    previous = None
                else:
                    previous = lease["owner"]
                    if previous != owner and lease["expires_at"] > now:
                        continue
                    conn.execute(
                        "UPDATE outbox_leases SET owner = %s, expires_at = %s "
                        "WHERE channel_id = %s",
                        [owner, until, channel_id],
                    )
                if previous != owner:
                    conn.execute(_TAKEOVER, [channel_id, owner, now])
            taken.append(channel_id)
        return taken

    def renew_channel_leases(self, owner: str, until: datetime) -> int:
        return self._run(
            "UPDATE outbox_leases SET expires_at = %s WHERE owner = %s", [until, owner]
        )

    def release_channel_leases(self, owner: str, keep: Collection[str] = ()) -> int:
        return self._run(
            "DELETE FROM outbox_leases WHERE owner = %s AND NOT (channel_id = ANY(%s))",
            [owner, list(keep)],
        )

    def channel_leases(self, now: datetime) -> dict[str, str]:
        rows = self._all("SELECT channel_id, owner FROM outbox_leases WHERE expires_at > %s", [now])
        return {r["channel_id"]: r["owner"] for r in rows}

    def outbox_counts(self) -> dict[str, int]:
        rows = self._all("SELECT status, count(*) AS n FROM outbox GROUP BY status")
        return {r["status"]: int(r["n"]) for r in rows}

    def outbox_messages(self, batch: str | None = None) -> list[OutboxMessage]:
        rows = self._all(
            "SELECT * FROM outbox WHERE (%s::text IS NULL OR batch = %s) ORDER BY id",
            [batch, batch],
        )
        return [_message(r) for r in rows]

    def message_status(self, message_id: int) -> tuple[str, str | None]:
        row = self._one("SELECT status, last_error FROM outbox WHERE id = %s", [message_id])
        return (row["status"], row["last_error"]) if row else ("missing", None)

    def pause_channel(self, channel_id: str, reason: str, now: datetime) -> None:
        self._run(
            "UPDATE channels SET paused = TRUE, paused_reason = %s, paused_at = %s WHERE id = %s",
            [reason[:500], now, channel_id],
        )

    def resume_channel(self, channel_id: str) -> None:
        self._run(
            "UPDATE channels SET paused = FALSE, paused_reason = NULL, paused_at = NULL "
            "WHERE id = %s",
            [channel_id],
        )

    def pause_state(self, channel_id: str) -> PauseState:
        row = self._one(
            "SELECT paused, paused_reason, paused_at FROM channels WHERE id = %s", [channel_id]
        )
        if not row:
            return PauseState(False, None, None)
        return PauseState(row["paused"], row["paused_reason"], row["paused_at"])

    def paused_channels(self) -> dict[str, str]:
        rows = self._all("SELECT id, paused_reason FROM channels WHERE paused")
        return {r["id"]: r["paused_reason"] or "" for r in rows}
