"""What the web page and API read, on PostgreSQL: filtered stories, source health, channel
state, hourly counts per rule (the same answers as bot.store.browse on SQLite)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.models import Channel, ChannelState, HourlyCount, SourceHealth, Story, StoryFilter
from bot.store.browse import source_health_of
from bot.store.postgres.base import PostgresBase

_SEEN = "coalesce(a.published, a.fetched)"


def _story_where(f: StoryFilter) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if f.topic:
        where.append("s.topic_ids ? %s")
        params.append(f.topic)
    if f.entity:
        where.append("s.entity_ids ? %s")
        params.append(f.entity.removeprefix("@"))
    if f.targets:
        anyof = []
        for target in f.targets:
            anyof.append("s.entity_ids ? %s" if target.startswith("@") else "s.topic_ids ? %s")
            params.append(target.removeprefix("@"))
        where.append("(" + " OR ".join(anyof) + ")")
    if f.lang:
        where.append("EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id AND a.lang = %s)")
        params.append(f.lang)
    if f.source:
        where.append(
            "EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id AND a.source_id = %s)"
        )
        params.append(f.source)
    if f.since:
        where.append("s.last_seen >= %s")
        params.append(f.since)
    return (" WHERE " + " AND ".join(where)) if where else "", params


class PgBrowseQueries(PostgresBase):
    if TYPE_CHECKING:  # provided by PgStoryQueries and PgChannelQueries in PostgresStore

        def _stories(self, sql: str, params: list[object]) -> list[Story]: ...
        def channels(self) -> list[Channel]: ...

    def find_stories(self, f: StoryFilter, limit: int, offset: int = 0) -> list[Story]:
        """Stories the filter admits, most recently seen first."""
        where, params = _story_where(f)
        return self._stories(
            f"SELECT s.* FROM stories s{where} ORDER BY s.last_seen DESC, s.id DESC "
            "LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )

    def story_languages(self) -> list[str]:
        rows = self._all(
            "SELECT DISTINCT lang FROM articles WHERE lang IS NOT NULL AND lang <> '' ORDER BY 1"
        )
        return [r["lang"] for r in rows]

    def source_health(self) -> list[SourceHealth]:
        rows = self._all(
            """SELECT s.*, (SELECT count(*) FROM articles a WHERE a.source_id = s.id) AS stored
               FROM sources s WHERE s.origin <> 'removed' ORDER BY s.id"""
        )
        return [source_health_of(r) for r in rows]

    def channel_states(self) -> list[ChannelState]:
        pending = {
            r["channel_id"]: r["n"]
            for r in self._all(
                "SELECT channel_id, count(*) AS n FROM outbox WHERE status = 'pending' "
                "GROUP BY channel_id"
            )
        }
        paused = {
            r["id"]: (bool(r["paused"]), r["paused_reason"], r["paused_at"])
            for r in self._all("SELECT id, paused, paused_reason, paused_at FROM channels")
        }
        states = []
        for channel in self.channels():
            is_paused, reason, at = paused.get(channel.id, (False, None, None))
            states.append(ChannelState(channel, is_paused, reason, at, pending.get(channel.id, 0)))
        return states

    def hourly_activity(self, since: datetime) -> list[HourlyCount]:
        rows = self._all(
            f"""SELECT m.kind, m.target_id, date_trunc('hour', {_SEEN}) AS hour,
                       count(*) AS n, count(DISTINCT a.story_id) AS stories
                FROM matches m JOIN articles a ON a.id = m.article_id
                WHERE {_SEEN} >= %s GROUP BY m.kind, m.target_id, hour ORDER BY hour""",
            [since],
        )
        return [
            HourlyCount(r["kind"], r["target_id"], r["hour"], r["n"], r["stories"]) for r in rows
        ]
