"""The persistent outbox: digests recorded before sending, marked sent once confirmed.

A batch (one digest, or one instant send) is written in ONE transaction: its messages, the
deliveries rows for its stories (so the next digest does not pick them again) and, for a
scheduled digest, the channel's last_digest_at. A flusher then claims one message at a time
(status pending → sending), sends it and marks it sent with the platform's message ref.

Order: a channel's message is claimed only when every earlier message of the channel is
finished (sent, failed for good, or held), so a message waiting for its retry, or in
flight in another process, holds back the channel's later ones (other channels go on).

Once only: a send the platform answered is never repeated (a refusal or a 429/5xx means it
did not arrive; it is retried or failed). A send with no answer (connection lost after the
request, a timeout, a process that died in flight) may have arrived: it counts one
`uncertain` attempt and is sent once more (the sender marks that copy as a possible
repeat); after a second uncertain attempt the message is held, status 'uncertain', until a
person releases (sends once more) or drops it (`newswatch outbox`). So no message is sent a
third time on its own.

Statuses: pending, sending, sent, failed (refused for good, or dropped by hand), uncertain.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot.store.base import from_iso, to_iso
from bot.store.interface import OutboxMessage, PauseState

# Statuses a channel's later messages wait for ('uncertain' is held apart, not waited for).
_UNFINISHED = "('pending', 'sending')"
# A pending message is in turn when its channel has nothing in flight and nothing at or
# before it waiting for a retry time (bound parameter: now).
_IN_TURN = """NOT EXISTS (SELECT 1 FROM outbox w WHERE w.channel_id = o.channel_id
    AND (w.status = 'sending' OR (w.status = 'pending' AND w.id <= o.id
                                  AND w.next_attempt_at > %s)))"""
_IN_TURN_Q = _IN_TURN.replace("%s", "?")  # SQLite's placeholder
# One more uncertain attempt: pending again after the first, held after the second.
_UNCERTAIN = """uncertain = uncertain + 1, claimed_at = NULL, claimed_by = NULL,
    status = CASE WHEN uncertain + 1 >= 2 THEN 'uncertain' ELSE 'pending' END"""
# Channels with messages to send whose lease `owner` may take (free, expired or its own),
# its own first (a fair share keeps them), then oldest work first; with the lease's current
# owner. Parameters: owner, now, owner, limit.
_LEASABLE = """SELECT w.channel_id, l.owner FROM (
      SELECT o.channel_id, min(o.id) AS first FROM outbox o
      LEFT JOIN channels c ON c.id = o.channel_id
      WHERE o.status IN ('pending', 'sending') AND NOT coalesce(c.paused, FALSE)
      GROUP BY o.channel_id) w
    LEFT JOIN outbox_leases l ON l.channel_id = w.channel_id
    WHERE l.channel_id IS NULL OR l.owner = %s OR l.expires_at <= %s
    ORDER BY CASE WHEN l.owner = %s THEN 0 ELSE 1 END, w.first LIMIT %s"""
# A channel taken over: claims there whose owner's liveness row expired (it died; a live
# owner keeps its row even while its loop is busy, bot.app.claims) count an uncertain send;
# a live owner's send finishes first (the channel's next message waits for it). Claims with
# no liveness record are left to _GONE's bound. Parameters: channel, taker, now.
_TAKEOVER = f"""UPDATE outbox SET {_UNCERTAIN},
    last_error = 'in flight when its deliverer stopped' WHERE status = 'sending' AND channel_id = %s
    AND claimed_by <> %s AND EXISTS (SELECT 1 FROM outbox_owners d
        WHERE d.owner = outbox.claimed_by AND d.expires_at <= %s)"""
# A claim whose owner is gone (bot.app.claims): no live row in outbox_owners, and either an
# expired row (the owner stopped renewing it) or, with no liveness information at all (no
# owner, or none registered), claimed before a generous bound. Parameters: now, stale_before.
_GONE = """NOT EXISTS (SELECT 1 FROM outbox_owners d WHERE d.owner = outbox.claimed_by
        AND d.expires_at > %s)
    AND (claimed_at < %s
         OR EXISTS (SELECT 1 FROM outbox_owners d WHERE d.owner = outbox.claimed_by))"""
# Recovering the claims of owners that are gone; parameters: caller, now, stale_before.
_RECOVER = f"""UPDATE outbox SET {_UNCERTAIN},
    last_error = 'in flight when its process stopped or died' WHERE status = 'sending'
    AND coalesce(claimed_by, '') <> %s AND {_GONE}"""
# A process's liveness row: registered on first call, then its expiry moved on.
_OWNER_UPSERT = """INSERT INTO outbox_owners (owner, role, started_at, expires_at)
    VALUES (%s, %s, %s, %s) ON CONFLICT(owner) DO UPDATE SET expires_at = excluded.expires_at"""
# Channels that have messages to send (pending or in flight), not paused.
_WAITING = """SELECT count(DISTINCT o.channel_id) AS n FROM outbox o
    LEFT JOIN channels c ON c.id = o.channel_id
    WHERE o.status IN ('pending', 'sending') AND NOT coalesce(c.paused, FALSE)"""
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
        """Pending messages that may go now, oldest first: of channels not paused, with no
        message of theirs in flight, and none at or before it waiting for its retry time
        (a channel's messages go strictly in order)."""
        rows = self.db.query(
            f"""SELECT o.* FROM outbox o LEFT JOIN channels c ON c.id = o.channel_id
               WHERE o.status = 'pending' AND coalesce(c.paused, 0) = 0 AND {_IN_TURN_Q}
               ORDER BY o.id LIMIT ?""",
            [to_iso(now), limit],
        )
        return [_message(r) for r in rows]

    def claim_message(
        self, message_id: int, now: datetime, owner: str | None = None, leased: bool = True
    ) -> bool:
        """Take a pending message for sending, as `owner`'s claim: False when another
        flusher has it, when an earlier message of its channel is not finished, or (with
        `owner` and `leased`) when `owner` does not hold the channel's lease."""
        lease_owner = owner if leased else None
        with self.db.conn:
            cursor = self.db.execute(
                f"""UPDATE outbox SET status = 'sending', claimed_at = ?, claimed_by = ?,
                   attempts = attempts + 1 WHERE id = ? AND status = 'pending'
                   AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.channel_id = outbox.channel_id
                                   AND p.id < outbox.id AND p.status IN {_UNFINISHED})
                   AND (? IS NULL OR EXISTS (SELECT 1 FROM outbox_leases l
                        WHERE l.channel_id = outbox.channel_id AND l.owner = ?
                        AND l.expires_at > ?))""",
                [to_iso(now), owner, message_id, lease_owner, lease_owner, to_iso(now)],
            )
        return cursor.rowcount == 1

    def mark_sent(self, message_id: int, ref: str, now: datetime) -> None:
        with self.db.conn:
            self.db.execute(
                "UPDATE outbox SET status = 'sent', sent_at = ?, message_ref = ?, "
                "claimed_by = NULL, last_error = NULL WHERE id = ?",
                [to_iso(now), ref, message_id],
            )

    def mark_retry(self, message_id: int, error: str, retry_at: datetime) -> None:
        """A failure the platform answered (so nothing arrived): pending, not before
        `retry_at`."""
        with self.db.conn:
            self.db.execute(
                "UPDATE outbox SET status = 'pending', claimed_at = NULL, claimed_by = NULL, "
                "last_error = ?, next_attempt_at = ? WHERE id = ?",
                [error[:500], to_iso(retry_at), message_id],
            )

    def mark_uncertain(self, message_id: int, error: str, retry_at: datetime) -> str:
        """No answer came back: the message may have arrived. Resent once (pending, not
        before `retry_at`); after a second uncertain attempt it is held ('uncertain') for a
        person. The new status."""
        with self.db.conn:
            self.db.execute(
                f"UPDATE outbox SET {_UNCERTAIN}, last_error = ?, next_attempt_at = ? WHERE id = ?",
                [error[:500], to_iso(retry_at), message_id],
            )
        return self.message_status(message_id)[0]

    def clear_uncertain(self, message_id: int) -> None:
        """The platform says the uncertain send never arrived: no longer counted."""
        with self.db.conn:
            self.db.execute("UPDATE outbox SET uncertain = 0 WHERE id = ?", [message_id])

    def mark_failed(self, message_id: int, error: str) -> None:
        """Refused for good (the platform rejected this message); never retried."""
        with self.db.conn:
            self.db.execute(
                "UPDATE outbox SET status = 'failed', claimed_at = NULL, claimed_by = NULL, "
                "last_error = ? WHERE id = ?",
                [error[:500], message_id],
            )

    def release_claims(
        self,
        older_than: datetime | None = None,
        channel_id: str | None = None,
        owner: str | None = None,
    ) -> int:
        """Messages left `sending` (the process stopped or died with them in flight, so they
        may have arrived) count one uncertain attempt: pending again, or held when it was
        their second. All, those claimed before a time, one channel's, or one owner's."""
        with self.db.conn:
            cursor = self.db.execute(
                f"""UPDATE outbox SET {_UNCERTAIN},
                   last_error = 'in flight when a process stopped' WHERE status = 'sending'
                   AND (? IS NULL OR claimed_at < ?)
                   AND (? IS NULL OR channel_id = ?) AND (? IS NULL OR claimed_by = ?)""",
                [to_iso(older_than), to_iso(older_than), channel_id, channel_id, owner, owner],
            )
        return cursor.rowcount

    # --- claim owners (bot.app.claims) ---------------------------------------------------

    def renew_owner(self, owner: str, role: str, now: datetime, until: datetime) -> bool:
        """Keep `owner` (a process that claims messages) alive until `until`, registering it
        on the first call; False when it was not alive before (first call, or its row had
        expired or been removed as gone)."""
        with self.db.conn:
            row = self.db.execute(
                "SELECT expires_at FROM outbox_owners WHERE owner = ?", [owner]
            ).fetchone()
            self.db.execute(
                _OWNER_UPSERT.replace("%s", "?"), [owner, role, to_iso(now), to_iso(until)]
            )
        expires = from_iso(row[0]) if row else None
        return expires is not None and expires > now

    def forget_owner(self, owner: str) -> None:
        """A clean stop: `owner` claims nothing more (its claims were released first)."""
        with self.db.conn:
            self.db.execute("DELETE FROM outbox_owners WHERE owner = ?", [owner])

    def live_owners(self, now: datetime, role: str | None = None) -> list[str]:
        """Owners (of a role) whose liveness row has not expired."""
        rows = self.db.execute(
            "SELECT owner FROM outbox_owners WHERE expires_at > ? AND (? IS NULL OR role = ?) "
            "ORDER BY owner",
            [to_iso(now), role, role],
        ).fetchall()
        return [r[0] for r in rows]

    def recover_claims(self, owner: str, now: datetime, stale_before: datetime) -> int:
        """Claims of owners that are gone (see _GONE; never `owner`'s own) count one
        uncertain attempt each; expired liveness rows go with them. The number recovered."""
        with self.db.conn:
            cursor = self.db.execute(
                _RECOVER.replace("%s", "?"), [owner, to_iso(now), to_iso(stale_before)]
            )
            self.db.execute("DELETE FROM outbox_owners WHERE expires_at <= ?", [to_iso(now)])
        return cursor.rowcount

    def waiting_channels(self) -> int:
        """How many channels (not paused) have messages pending or in flight."""
        return int(self.db.execute(_WAITING).fetchone()[0])

    def held_messages(self, channel_id: str | None = None) -> list[OutboxMessage]:
        """Messages held after two uncertain attempts, waiting for a person."""
        rows = self.db.query(
            "SELECT * FROM outbox WHERE status = 'uncertain' AND (? IS NULL OR channel_id = ?) "
            "ORDER BY id",
            [channel_id, channel_id],
        )
        return [_message(r) for r in rows]

    def release_held(self, message_id: int, send: bool) -> bool:
        """A person's word on a held message: send it once more (`send`), or count it as
        delivered. False when it is not held."""
        status, error = ("pending", None) if send else ("failed", "held; dropped by hand")
        with self.db.conn:
            cursor = self.db.execute(
                "UPDATE outbox SET status = ?, last_error = coalesce(?, last_error), "
                "next_attempt_at = NULL WHERE id = ? AND status = 'uncertain'",
                [status, error, message_id],
            )
        return cursor.rowcount == 1

    # --- channel leases (several deliver processes; see bot.app.roles) -------------------

    def lease_channels(
        self, owner: str, now: datetime, until: datetime, limit: int = 50
    ) -> list[str]:
        """Channels with messages to send that `owner` holds until `until` (taken when
        free or expired, kept when its own; its own first, at most `limit`); a lease taken
        first counts the claims in the channel of owners that are gone as uncertain (they
        died in flight)."""
        taken: list[str] = []
        with self.db.conn:
            rows = self.db.execute(_LEASABLE.replace("%s", "?"), [owner, to_iso(now), owner, limit])
            for channel_id, previous in rows.fetchall():
                self.db.execute(
                    "INSERT INTO outbox_leases (channel_id, owner, expires_at) VALUES (?, ?, ?) "
                    "ON CONFLICT(channel_id) DO UPDATE SET owner = excluded.owner, "
                    "expires_at = excluded.expires_at",
                    [channel_id, owner, to_iso(until)],
                )
                if previous != owner:
                    self.db.execute(_TAKEOVER.replace("%s", "?"), [channel_id, owner, to_iso(now)])
                taken.append(channel_id)
        return taken

    def renew_channel_leases(self, owner: str, until: datetime) -> int:
        with self.db.conn:
            cursor = self.db.execute(
                "UPDATE outbox_leases SET expires_at = ? WHERE owner = ?", [to_iso(until), owner]
            )
        return cursor.rowcount

    def release_channel_leases(self, owner: str, keep: Collection[str] = ()) -> int:
        """Let go of `owner`'s leases but those on `keep`; how many went. Only between
        flushes: a channel let go has nothing of `owner`'s in flight."""
        with self.db.conn:
            held = self.db.execute(
                "SELECT channel_id FROM outbox_leases WHERE owner = ?", [owner]
            ).fetchall()
            gone = [r[0] for r in held if r[0] not in keep]
            self.db.conn.executemany(
                "DELETE FROM outbox_leases WHERE owner = ? AND channel_id = ?",
                [[owner, c] for c in gone],
            )
        return len(gone)

    def channel_leases(self, now: datetime) -> dict[str, str]:
        """Channel → the deliver process holding its lease now."""
        rows = self.db.execute(
            "SELECT channel_id, owner FROM outbox_leases WHERE expires_at > ?", [to_iso(now)]
        ).fetchall()
        return {r[0]: r[1] for r in rows}

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
        uncertain=row.get("uncertain") or 0,
        created_at=from_iso(row["created_at"]),
        owner=row.get("claimed_by"),
    )
