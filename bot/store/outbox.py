"""The persistent outbox: digests recorded before sending, marked sent once confirmed.

A batch (one digest, or one instant send) is written in ONE transaction: its messages, the
deliveries rows for its stories (so the next digest does not pick them again) and, for a
scheduled digest, the channel's last_digest_at. A flusher then claims one message at a time
(status pending → sending), sends it and marks it sent with the platform's message ref.
Statuses: pending, sending, sent, failed (refused for good). A message left `sending` by a
process that died is ambiguous (the platform may or may not have it); `release_claims`
puts it back to pending at start, so at most that one message can arrive twice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot.store.base import from_iso, to_iso
from bot.store.interface import OutboxMessage, PauseState

_DELIVERED = """INSERT INTO deliveries (channel_id, story_id, outlet_count, delivered_at)
   VALUES (?, ?, ?, ?) ON CONFLICT(channel_id, story_id) DO UPDATE SET
   outlet_count = excluded.outlet_count, delivered_at = excluded.delivered_at"""


class OutboxQueries:
    db: Database

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
        """Record a batch's messages and its deliveries atomically; the number of messages.

        A batch id already recorded is left alone (returns 0): enqueueing is idempotent.
        """
        with self.db.conn:
            if self.db.execute("SELECT 1 FROM outbox WHERE batch = ?", [batch]).fetchone():
                return 0
            self.db.conn.executemany(
                """INSERT INTO outbox (channel_id, batch, seq, kind, platform, destination,
                   payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    [
                        channel_id,
                        batch,
                        seq,
                        kind,
                        platform,
                        destination,
                        json.dumps(p, ensure_ascii=False),
                        to_iso(now),
                    ]
                    for seq, p in enumerate(payloads)
                ],
            )
            self.db.conn.executemany(
                _DELIVERED, [[channel_id, sid, n, to_iso(now)] for sid, n in story_outlets.items()]
            )
            if digest_at is not None:
                self.db.execute(
                    "UPDATE channels SET last_digest_at = ? WHERE id = ?",
                    [to_iso(digest_at), channel_id],
                )
        return len(payloads)

    def record_delivered(
        self, channel_id: str, story_outlets: Mapping[int, int], now: datetime
    ) -> None:
        """Count stories as delivered to a channel without sending anything (rules applied
        again: an old story that a new rule brings into a subscription is not news)."""
        with self.db.conn:
            self.db.conn.executemany(
                _DELIVERED, [[channel_id, sid, n, to_iso(now)] for sid, n in story_outlets.items()]
            )

    def delivered_outlets(self, channel_id: str) -> dict[int, int]:
        """Story id → outlets it had when last delivered to this channel."""
        rows = self.db.execute(
            "SELECT story_id, outlet_count FROM deliveries WHERE channel_id = ?", [channel_id]
        ).fetchall()
        return {int(r[0]): int(r[1]) for r in rows}

    def set_last_digest_at(self, channel_id: str, at: datetime) -> None:
        with self.db.conn:
            self.db.execute(
                "UPDATE channels SET last_digest_at = ? WHERE id = ?", [to_iso(at), channel_id]
            )

    def last_digest_times(self) -> dict[str, datetime | None]:
        rows = self.db.execute("SELECT id, last_digest_at FROM channels").fetchall()
        return {r[0]: from_iso(r[1]) for r in rows}

    # --- flushing ----------------------------------------------------------------------

    def due_messages(self, now: datetime, limit: int = 500) -> list[OutboxMessage]:
        """Pending messages whose retry time has come, of channels not paused, oldest first."""
        rows = self.db.query(
            """SELECT o.* FROM outbox o LEFT JOIN channels c ON c.id = o.channel_id
               WHERE o.status = 'pending' AND coalesce(c.paused, 0) = 0
               AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?)
               ORDER BY o.id LIMIT ?""",
            [to_iso(now), limit],
        )
        return [_message(r) for r in rows]

    def claim_message(self, message_id: int, now: datetime) -> bool:
        """Take a pending message for sending; False when another flusher has it."""
        with self.db.conn:
            cursor = self.db.execute(
                "UPDATE outbox SET status = 'sending', claimed_at = ?, attempts = attempts + 1 "
                "WHERE id = ? AND status = 'pending'",
                [to_iso(now), message_id],
            )
        return cursor.rowcount == 1

    def mark_sent(self, message_id: int, ref: str, now: datetime) -> None:
        with self.db.conn:
            self.db.execute(
                "UPDATE outbox SET status = 'sent', sent_at = ?, message_ref = ?, "
                "last_error = NULL WHERE id = ?",
                [to_iso(now), ref, message_id],
            )

    def mark_retry(self, message_id: int, error: str, retry_at: datetime) -> None:
        """A transient failure: back to pending, not before `retry_at`."""
        with self.db.conn:
            self.db.execute(
                "UPDATE outbox SET status = 'pending', claimed_at = NULL, last_error = ?, "
                "next_attempt_at = ? WHERE id = ?",
                [error[:500], to_iso(retry_at), message_id],
            )

    def mark_failed(self, message_id: int, error: str) -> None:
        """Refused for good (the platform rejected this message); never retried."""
        with self.db.conn:
            self.db.execute(
                "UPDATE outbox SET status = 'failed', claimed_at = NULL, last_error = ? "
                "WHERE id = ?",
                [error[:500], message_id],
            )

    def release_claims(self, older_than: datetime | None = None) -> int:
        """Put `sending` messages back to pending (all, or those claimed before a time)."""
        with self.db.conn:
            cursor = self.db.execute(
                "UPDATE outbox SET status = 'pending', claimed_at = NULL "
                "WHERE status = 'sending' AND (? IS NULL OR claimed_at < ?)",
                [to_iso(older_than), to_iso(older_than)],
            )
        return cursor.rowcount

    def outbox_counts(self) -> dict[str, int]:
        rows = self.db.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall()
        return {r[0]: int(r[1]) for r in rows}

    def outbox_messages(self, batch: str | None = None) -> list[OutboxMessage]:
        rows = self.db.query(
            "SELECT * FROM outbox WHERE (? IS NULL OR batch = ?) ORDER BY id", [batch, batch]
        )
        return [_message(r) for r in rows]

    def message_status(self, message_id: int) -> tuple[str, str | None]:
        row = self.db.execute(
            "SELECT status, last_error FROM outbox WHERE id = ?", [message_id]
        ).fetchone()
        return (row[0], row[1]) if row else ("missing", None)

    # --- pausing -----------------------------------------------------------------------

    def pause_channel(self, channel_id: str, reason: str, now: datetime) -> None:
        """Stop delivering to a channel (bot removed, channel gone) until resumed."""
        with self.db.conn:
            self.db.execute(
                "UPDATE channels SET paused = 1, paused_reason = ?, paused_at = ? WHERE id = ?",
                [reason[:500], to_iso(now), channel_id],
            )

    def resume_channel(self, channel_id: str) -> None:
        with self.db.conn:
            self.db.execute(
                "UPDATE channels SET paused = 0, paused_reason = NULL, paused_at = NULL "
                "WHERE id = ?",
                [channel_id],
            )

    def pause_state(self, channel_id: str) -> PauseState:
        row = self.db.execute(
            "SELECT paused, paused_reason, paused_at FROM channels WHERE id = ?", [channel_id]
        ).fetchone()
        if not row:
            return PauseState(False, None, None)
        return PauseState(bool(row[0]), row[1], from_iso(row[2]))

    def paused_channels(self) -> dict[str, str]:
        rows = self.db.execute("SELECT id, paused_reason FROM channels WHERE paused = 1")
        return {r[0]: r[1] or "" for r in rows.fetchall()}


def _message(row: dict[str, Any]) -> OutboxMessage:
    return OutboxMessage(
        id=row["id"],
        channel_id=row["channel_id"],
        batch=row["batch"],
        seq=row["seq"],
        kind=row["kind"],
        platform=row["platform"],
        destination=row["destination"],
        payload=json.loads(row["payload"]),
        attempts=row["attempts"],
        status=row["status"],
        ref=row["message_ref"],
    )
