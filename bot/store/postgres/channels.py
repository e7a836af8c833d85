"""Channels and their subscriptions (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.models import Channel, Subscription
from bot.store.channels import channel_from_row, upsert_sql
from bot.store.postgres.base import Conn, PostgresBase, Row


class PgChannelQueries(PostgresBase):
    def sync_channels(self, channels: Iterable[Channel]) -> None:
        """Mirror configured channels; subscriptions made in chat are kept. A configured
        destination the platform moved (`move_destination`) is followed, not reset."""
        with self._tx() as conn:
            moves = {
                (r["platform"], r["old"]): r["new"]
                for r in conn.execute("SELECT platform, old, new FROM destination_moves")
            }
            for c in channels:
                destination = moves.get((c.platform, c.destination), c.destination)
                conn.execute(
                    upsert_sql(c, "%s"),
                    [
                        c.id,
                        c.platform,
                        destination,
                        c.mode,
                        c.schedule,
                        c.timezone,
                        c.max_stories,
                        c.language,
                        c.show_updates,
                    ],
                )
                conn.execute(
                    "DELETE FROM subscriptions WHERE channel_id = %s AND origin = 'config'", [c.id]
                )
                with conn.cursor() as cur:
                    cur.executemany(
                        """INSERT INTO subscriptions (channel_id, target, mode, origin)
                           VALUES (%s, %s, %s, 'config') ON CONFLICT DO NOTHING""",
                        [[c.id, s.target, s.mode] for s in c.subscriptions],
                    )

    def move_destination(self, platform: str, old: str, new: str, now: datetime) -> None:
        """The platform moved a chat: channels and waiting messages follow it to `new`."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE destination_moves SET new = %s WHERE platform = %s AND new = %s",
                [new, platform, old],
            )
            conn.execute(
                """INSERT INTO destination_moves (platform, old, new, moved_at)
                   VALUES (%s, %s, %s, %s) ON CONFLICT (platform, old)
                   DO UPDATE SET new = excluded.new, moved_at = excluded.moved_at""",
                [platform, old, new, now],
            )
            conn.execute(
                "UPDATE channels SET destination = %s WHERE platform = %s AND destination = %s",
                [new, platform, old],
            )
            conn.execute(
                "UPDATE outbox SET destination = %s WHERE platform = %s AND destination = %s "
                "AND status IN ('pending', 'sending')",
                [new, platform, old],
            )

    def channels(self) -> list[Channel]:
        with self._tx() as conn:
            rows = conn.execute("SELECT * FROM channels ORDER BY id").fetchall()
            return [_channel(conn, r) for r in rows]

    def subscription_origins(self, channel_id: str) -> dict[str, str]:
        rows = self._all(
            "SELECT target, origin FROM subscriptions WHERE channel_id = %s", [channel_id]
        )
        return {r["target"]: r["origin"] for r in rows}

    def channel(self, channel_id: str) -> Channel | None:
        with self._tx() as conn:
            row = conn.execute("SELECT * FROM channels WHERE id = %s", [channel_id]).fetchone()
            return _channel(conn, row) if row else None


def _channel(conn: Conn, row: Row) -> Channel:
    subs = tuple(
        Subscription(row["id"], s["target"], s["mode"])
        for s in conn.execute(
            "SELECT target, mode FROM subscriptions WHERE channel_id = %s ORDER BY pos",
            [row["id"]],
        )
    )
    return channel_from_row(row, subs)
