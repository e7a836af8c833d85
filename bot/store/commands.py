"""What chat commands read and change: chat-made channels and subscriptions, schedules,
mutes, article search over FTS5, latest stories, a status summary.

Chat changes carry origin 'chat' so that syncing the configuration keeps them. A search
arrives as a `TextQuery` of normalised tokens (bot.core.commands.textquery); bot.store.fts
writes it as an FTS5 expression, bound as a parameter, never formatted into SQL.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from bot.core.commands.base import SourceStatus, StatusSummary
from bot.models import Article, Channel, DeliveryMode, Platform, Story, TextQuery
from bot.store.articles import _article
from bot.store.base import from_iso, to_iso
from bot.store.fts import match_expression
from bot.store.sources import RUNS


def chat_channel_id(platform: str, destination: str) -> str:
    """The id of a channel made from chat: platform and destination, safe characters only."""
    return f"{platform}-" + re.sub(r"[^A-Za-z0-9_.-]", "_", destination)


class CommandQueries:
    db: Database

    if TYPE_CHECKING:  # provided by ChannelQueries and StoryQueries in Store

        def channel(self, channel_id: str) -> Channel | None: ...
        def _story(self, row: dict[str, Any]) -> Story: ...

    def channel_for(self, platform: str, destination: str) -> Channel | None:
        """The channel that delivers to this chat (configured channels first)."""
        row = self.db.execute(
            "SELECT id FROM channels WHERE platform = ? AND destination = ? "
            "ORDER BY origin = 'chat', id LIMIT 1",
            [platform, destination],
        ).fetchone()
        return self.channel(row[0]) if row else None

    def ensure_channel(self, platform: Platform, destination: str, timezone: str) -> Channel:
        """The chat's channel, created (origin 'chat') the first time a chat changes it."""
        existing = self.channel_for(platform, destination)
        if existing is not None:
            return existing
        cid = chat_channel_id(platform, destination)
        with self.db.conn:
            self.db.execute(
                "INSERT INTO channels (id, platform, destination, timezone, origin) "
                "VALUES (?, ?, ?, ?, 'chat') ON CONFLICT(id) DO NOTHING",
                [cid, platform, destination, timezone],
            )
        channel = self.channel(cid)
        assert channel is not None
        return channel

    def subscribe(self, channel_id: str, target: str, mode: DeliveryMode) -> str:
        """'added', 'changed' (mode) or 'same'; a chat change wins over the configuration."""
        with self.db.conn:
            row = self.db.execute(
                "SELECT mode FROM subscriptions WHERE channel_id = ? AND target = ?",
                [channel_id, target],
            ).fetchone()
            if row is not None and row[0] == mode:
                return "same"
            self.db.execute(
                """INSERT INTO subscriptions (channel_id, target, mode, origin)
                   VALUES (?, ?, ?, 'chat') ON CONFLICT(channel_id, target)
                   DO UPDATE SET mode = excluded.mode, origin = 'chat'""",
                [channel_id, target, mode],
            )
        return "added" if row is None else "changed"

    def unsubscribe(self, channel_id: str, target: str | None) -> int:
        """Remove one subscription, or all of them (target None); how many went."""
        with self.db.conn:
            if target is None:
                cur = self.db.execute(
                    "DELETE FROM subscriptions WHERE channel_id = ?", [channel_id]
                )
            else:
                cur = self.db.execute(
                    "DELETE FROM subscriptions WHERE channel_id = ? AND target = ?",
                    [channel_id, target],
                )
        return cur.rowcount

    def set_schedule(self, channel_id: str, schedule: str | None, digests_on: bool = False) -> None:
        """A cron schedule (the mode untouched unless `digests_on`: instant-only becomes
        both), or None: digests off."""
        with self.db.conn:
            if schedule is None:
                self.db.execute("UPDATE channels SET mode = 'instant' WHERE id = ?", [channel_id])
                return
            self.db.execute("UPDATE channels SET schedule = ? WHERE id = ?", [schedule, channel_id])
            if digests_on:
                self.db.execute(
                    "UPDATE channels SET mode = 'both' WHERE id = ? AND mode = 'instant'",
                    [channel_id],
                )

    def set_language(self, channel_id: str, language: str) -> None:
        with self.db.conn:
            self.db.execute("UPDATE channels SET language = ? WHERE id = ?", [language, channel_id])

    def mute(self, channel_id: str, story_id: int) -> bool:
        with self.db.conn:
            cur = self.db.execute(
                "INSERT INTO mutes (channel_id, story_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [channel_id, story_id],
            )
        return cur.rowcount > 0

    def muted_story_ids(self, channel_id: str) -> set[int]:
        rows = self.db.execute("SELECT story_id FROM mutes WHERE channel_id = ?", [channel_id])
        return {r[0] for r in rows}

    def search_articles(
        self,
        text: TextQuery | None,
        since: datetime,
        limit: int,
        offset: int,
        tagged: Sequence[tuple[str, str]] = (),
    ) -> list[Article]:
        """Articles seen since `since`, newest first, that the text query finds or that
        carry one of the `tagged` (kind, id) matches; every article when `text` is None."""
        seen = "coalesce(a.published, a.fetched)"
        params: list[Any] = [to_iso(since)]
        sql = f"SELECT a.* FROM articles a WHERE {seen} >= ?"
        if text is not None:
            found = ["a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"]
            params.append(match_expression(text))
            for kind, target in tagged:
                found.append(
                    "a.id IN (SELECT article_id FROM matches WHERE kind = ? AND target_id = ?)"
                )
                params += [kind, target]
            sql += " AND (" + " OR ".join(found) + ")"
        sql += f" ORDER BY {seen} DESC, a.id DESC LIMIT ? OFFSET ?"
        return [_article(r) for r in self.db.query(sql, [*params, limit, offset])]

    def latest_stories(self, target: str | None, limit: int) -> list[Story]:
        """The most recently seen stories, optionally those tagged with a topic or @entity."""
        if target is None:
            where, params = "", []
        else:
            column = "entity_ids" if target.startswith("@") else "topic_ids"
            where = f"WHERE EXISTS (SELECT 1 FROM json_each(stories.{column}) WHERE value = ?)"
            params = [target.removeprefix("@")]
        rows = self.db.query(
            f"SELECT * FROM stories {where} ORDER BY last_seen DESC, id DESC LIMIT ?",
            [*params, limit],
        )
        return [self._story(r) for r in rows]

    def source_report(self) -> list[SourceStatus]:
        rows = self.db.query(
            "SELECT id, name, last_success_at, last_error, failing, error_count, paused_at "
            "FROM sources WHERE enabled = 1 AND origin != 'removed' ORDER BY id"
        )
        return [
            SourceStatus(
                id=r["id"],
                name=r["name"] or r["id"],
                last_success=from_iso(r["last_success_at"]),
                last_error=r["last_error"],
                failing=bool(r["failing"]),
                error_count=r["error_count"],
                paused=r["paused_at"] is not None,
            )
            for r in rows
        ]

    def status_summary(self) -> StatusSummary:
        one = self.db.execute(
            f"""SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM stories),
                      (SELECT count(*) FROM sources WHERE {RUNS}),
                      (SELECT count(*) FROM sources WHERE {RUNS} AND failing = 1),
                      (SELECT count(*) FROM channels),
                      (SELECT max(last_checked_at) FROM sources),
                      (SELECT count(*) FROM outbox WHERE status = 'pending'),
                      (SELECT count(*) FROM outbox WHERE status = 'uncertain')"""
        ).fetchone()
        return StatusSummary(
            articles=one[0],
            stories=one[1],
            sources=one[2],
            failing_sources=one[3],
            channels=one[4],
            last_fetch=from_iso(one[5]),
            pending_messages=one[6],
            held_messages=one[7],
        )
