"""What chat commands read and change, on PostgreSQL: chat-made channels and subscriptions,
schedules, mutes, article search over the tsvector, latest stories, a status summary."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.core.commands.base import SourceStatus, StatusSummary
from bot.models import Article, Channel, DeliveryMode, Platform, Story, TextQuery
from bot.store.articles import _article
from bot.store.commands import chat_channel_id
from bot.store.postgres.articles import A_COLUMNS
from bot.store.postgres.base import PostgresBase
from bot.store.postgres.tsquery import tsquery_text
from bot.store.sources import RUNS_PG as RUNS


class PgCommandQueries(PostgresBase):
    if TYPE_CHECKING:  # provided by PgChannelQueries and PgStoryQueries in PostgresStore

        def channel(self, channel_id: str) -> Channel | None: ...
        def _stories(self, sql: str, params: list[object]) -> list[Story]: ...

    def channel_for(self, platform: str, destination: str) -> Channel | None:
        """The channel that delivers to this chat (configured channels first)."""
        row = self._one(
            "SELECT id FROM channels WHERE platform = %s AND destination = %s "
            "ORDER BY origin = 'chat', id LIMIT 1",
            [platform, destination],
        )
        return self.channel(row["id"]) if row else None

    def ensure_channel(self, platform: Platform, destination: str, timezone: str) -> Channel:
        """The chat's channel, created (origin 'chat') the first time a chat changes it."""
        existing = self.channel_for(platform, destination)
        if existing is not None:
            return existing
        cid = chat_channel_id(platform, destination)
        self._run(
            "INSERT INTO channels (id, platform, destination, timezone, origin) "
            "VALUES (%s, %s, %s, %s, 'chat') ON CONFLICT(id) DO NOTHING",
            [cid, platform, destination, timezone],
        )
        channel = self.channel(cid)
        assert channel is not None
        return channel

    def subscribe(self, channel_id: str, target: str, mode: DeliveryMode) -> str:
        """'added', 'changed' (mode) or 'same'; a chat change wins over the configuration."""
        with self._tx() as conn:
            row = conn.execute(
                "SELECT mode FROM subscriptions WHERE channel_id = %s AND target = %s FOR UPDATE",
                [channel_id, target],
            ).fetchone()
            if row is not None and row["mode"] == mode:
                return "same"
            conn.execute(
                """INSERT INTO subscriptions (channel_id, target, mode, origin)
                   VALUES (%s, %s, %s, 'chat') ON CONFLICT(channel_id, target)
                   DO UPDATE SET mode = excluded.mode, origin = 'chat'""",
                [channel_id, target, mode],
            )
        return "added" if row is None else "changed"

    def unsubscribe(self, channel_id: str, target: str | None) -> int:
        return self._run(
            "DELETE FROM subscriptions WHERE channel_id = %s AND (%s::text IS NULL OR target = %s)",
            [channel_id, target, target],
        )

    def set_schedule(self, channel_id: str, schedule: str | None, digests_on: bool = False) -> None:
        """A cron schedule (the mode untouched unless `digests_on`: instant-only becomes
        both), or None: digests off."""
        if schedule is None:
            self._run("UPDATE channels SET mode = 'instant' WHERE id = %s", [channel_id])
            return
        self._run("UPDATE channels SET schedule = %s WHERE id = %s", [schedule, channel_id])
        if digests_on:
            self._run(
                "UPDATE channels SET mode = 'both' WHERE id = %s AND mode = 'instant'",
                [channel_id],
            )

    def set_language(self, channel_id: str, language: str) -> None:
        self._run("UPDATE channels SET language = %s WHERE id = %s", [language, channel_id])

    def mute(self, channel_id: str, story_id: int) -> bool:
        return (
            self._run(
                "INSERT INTO mutes (channel_id, story_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                [channel_id, story_id],
            )
            > 0
        )

    def muted_story_ids(self, channel_id: str) -> set[int]:
        rows = self._all("SELECT story_id FROM mutes WHERE channel_id = %s", [channel_id])
        return {int(r["story_id"]) for r in rows}

    def search_articles(
        self,
        text: TextQuery | None,
        since: datetime,
        limit: int,
        offset: int,
        tagged: Sequence[tuple[str, str]] = (),
    ) -> list[Article]:
        """Articles seen since `since`, newest first, that the text query finds or that
        carry one of the `tagged` (kind, id) matches; every article when `text` is None. The
        query becomes a tsquery bound as one parameter, never formatted into SQL."""
        seen = "coalesce(a.published, a.fetched)"
        params: list[Any] = [since]
        sql = f"SELECT {A_COLUMNS} FROM articles a WHERE {seen} >= %s"
        if text is not None:
            found = ["a.fts @@ to_tsquery('simple', %s)"]
            params.append(tsquery_text(text))
            for kind, target in tagged:
                found.append(
                    "a.id IN (SELECT article_id FROM matches WHERE kind = %s AND target_id = %s)"
                )
                params += [kind, target]
            sql += " AND (" + " OR ".join(found) + ")"
        sql += f" ORDER BY {seen} DESC, a.id DESC LIMIT %s OFFSET %s"
        return [_article(r) for r in self._all(sql, [*params, limit, offset])]

    def latest_stories(self, target: str | None, limit: int) -> list[Story]:
        """The most recently seen stories, optionally those tagged with a topic or @entity."""
        if target is None:
            return self._stories(
                "SELECT * FROM stories ORDER BY last_seen DESC, id DESC LIMIT %s", [limit]
            )
        column = "entity_ids" if target.startswith("@") else "topic_ids"
        return self._stories(
            f"SELECT * FROM stories WHERE {column} ? %s ORDER BY last_seen DESC, id DESC LIMIT %s",
            [target.removeprefix("@"), limit],
        )

    def source_report(self) -> list[SourceStatus]:
        rows = self._all(
            "SELECT id, name, last_success_at, last_error, failing, error_count, paused_at "
            "FROM sources WHERE enabled AND origin <> 'removed' ORDER BY id"
        )
        return [
            SourceStatus(
                id=r["id"],
                name=r["name"] or r["id"],
                last_success=r["last_success_at"],
                last_error=r["last_error"],
                failing=r["failing"],
                error_count=r["error_count"],
                paused=r["paused_at"] is not None,
            )
            for r in rows
        ]

    def status_summary(self) -> StatusSummary:
        one = self._one(
            f"""SELECT (SELECT count(*) FROM articles) AS articles,
                      (SELECT count(*) FROM stories) AS stories,
                      (SELECT count(*) FROM sources WHERE {RUNS}) AS sources,
                      (SELECT count(*) FROM sources WHERE {RUNS} AND failing) AS failing,
                      (SELECT count(*) FROM channels) AS channels,
                      (SELECT max(last_checked_at) FROM sources) AS last_fetch,
                      (SELECT count(*) FROM outbox WHERE status = 'pending') AS pending,
                      (SELECT count(*) FROM outbox WHERE status = 'uncertain') AS held"""
        )
        assert one is not None
        return StatusSummary(
            articles=one["articles"],
            stories=one["stories"],
            sources=one["sources"],
            failing_sources=one["failing"],
            channels=one["channels"],
            last_fetch=one["last_fetch"],
            pending_messages=one["pending"],
            held_messages=one["held"],
        )
