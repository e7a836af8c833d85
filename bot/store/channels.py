"""Channels and their subscriptions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot.models import Channel, Subscription
from bot.store.base import to_iso

_SETTINGS = ("mode", "schedule", "timezone", "max_stories", "language", "show_updates")


def upsert_sql(c: Channel, mark: str) -> str:
    """The channel upsert (`mark` is the dialect's placeholder): on a known channel only the
    settings the config file states are written; the rest keep what chat set."""
    marks = ", ".join([mark] * 9)
    kept = [k for k in _SETTINGS if c.stated is None or k in c.stated]
    updates = ", ".join(f"{k}=excluded.{k}" for k in ("platform", "destination", *kept))
    return f"""INSERT INTO channels (id, platform, destination, mode, schedule, timezone,
        max_stories, language, show_updates, origin) VALUES ({marks}, 'config')
        ON CONFLICT(id) DO UPDATE SET {updates}"""


class ChannelQueries:
    db: Database

    def sync_channels(self, channels: Iterable[Channel]) -> None:
        """Mirror configured channels; subscriptions made in chat are kept. A configured
        destination the platform moved (`move_destination`) is followed, not reset."""
        moves = {
            (r[0], r[1]): r[2]
            for r in self.db.execute("SELECT platform, old, new FROM destination_moves")
        }
        with self.db.conn:
            for c in channels:
                destination = moves.get((c.platform, c.destination), c.destination)
                self.db.execute(
                    upsert_sql(c, "?"),
                    [
                        c.id,
                        c.platform,
                        destination,
                        c.mode,
                        c.schedule,
                        c.timezone,
                        c.max_stories,
                        c.language,
                        int(c.show_updates),
                    ],
                )
                self.db.execute(
                    "DELETE FROM subscriptions WHERE channel_id = ? AND origin = 'config'", [c.id]
                )
                self.db.conn.executemany(
                    """INSERT INTO subscriptions (channel_id, target, mode, origin)
                       VALUES (?, ?, ?, 'config') ON CONFLICT DO NOTHING""",
                    [[c.id, s.target, s.mode] for s in c.subscriptions],
                )

    def move_destination(self, platform: str, old: str, new: str, now: datetime) -> None:
        """The platform moved a chat (Telegram group → supergroup): channels and messages
        still waiting for `old` go to `new`, and so will a config file that still says `old`."""
        with self.db.conn:
            self.db.execute(
                "UPDATE destination_moves SET new = ? WHERE platform = ? AND new = ?",
                [new, platform, old],
            )
            self.db.execute(
                "INSERT OR REPLACE INTO destination_moves (platform, old, new, moved_at) "
                "VALUES (?, ?, ?, ?)",
                [platform, old, new, to_iso(now)],
            )
            self.db.execute(
                "UPDATE channels SET destination = ? WHERE platform = ? AND destination = ?",
                [new, platform, old],
            )
            self.db.execute(
                "UPDATE outbox SET destination = ? WHERE platform = ? AND destination = ? "
                "AND status IN ('pending', 'sending')",
                [new, platform, old],
            )

    def channels(self) -> list[Channel]:
        return [self._channel(r) for r in self.db.query("SELECT * FROM channels ORDER BY id")]

    def channel(self, channel_id: str) -> Channel | None:
        rows = list(self.db.query("SELECT * FROM channels WHERE id = ?", [channel_id]))
        return self._channel(rows[0]) if rows else None

    def subscription_origins(self, channel_id: str) -> dict[str, str]:
        rows = self.db.execute(
            "SELECT target, origin FROM subscriptions WHERE channel_id = ?", [channel_id]
        )
        return {r[0]: r[1] for r in rows.fetchall()}

    def _channel(self, row: dict[str, Any]) -> Channel:
        subs = tuple(
            Subscription(row["id"], s["target"], s["mode"])
            for s in self.db.query(
                "SELECT target, mode FROM subscriptions WHERE channel_id = ? ORDER BY rowid",
                [row["id"]],
            )
        )
        return channel_from_row(row, subs)


def channel_from_row(row: dict[str, Any], subscriptions: tuple[Subscription, ...]) -> Channel:
    """A channels row (either engine) and its subscriptions as a Channel."""
    return Channel(
        id=row["id"],
        platform=row["platform"],
        destination=row["destination"],
        subscriptions=subscriptions,
        mode=row["mode"],
        schedule=row["schedule"],
        timezone=row["timezone"],
        max_stories=row["max_stories"],
        language=row["language"],
        show_updates=bool(row["show_updates"]),
    )
