"""What the web page and API read: filtered stories, source health, channel state, and
hourly counts per rule for the trend charts. Read-only queries; no row is changed here."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from bot.models import Channel, ChannelState, HourlyCount, SourceHealth, Story, StoryFilter
from bot.store.base import from_iso, to_iso

_SEEN = "coalesce(a.published, a.fetched)"


def _tagged(column: str) -> str:
    return f"EXISTS (SELECT 1 FROM json_each(s.{column}) WHERE value = ?)"


def _story_where(f: StoryFilter) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if f.topic:
        where.append(_tagged("topic_ids"))
        params.append(f.topic)
    if f.entity:
        where.append(_tagged("entity_ids"))
        params.append(f.entity.removeprefix("@"))
    if f.targets:
        anyof = []
        for target in f.targets:
            anyof.append(_tagged("entity_ids" if target.startswith("@") else "topic_ids"))
            params.append(target.removeprefix("@"))
        where.append("(" + " OR ".join(anyof) + ")")
    if f.lang:
        where.append("EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id AND a.lang = ?)")
        params.append(f.lang)
    if f.source:
        where.append(
            "EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id AND a.source_id = ?)"
        )
        params.append(f.source)
    if f.since:
        where.append("s.last_seen >= ?")
        params.append(to_iso(f.since))
    return (" WHERE " + " AND ".join(where)) if where else "", params


def source_health_of(r: dict[str, Any]) -> SourceHealth:
    """A source's row with its `stored` count, from either dialect (from_iso takes
    SQLite's text and PostgreSQL's timestamptz alike)."""
    return SourceHealth(
        id=r["id"],
        name=r["name"] or r["id"],
        url=r["url"],
        kind=r["kind"],
        enabled=bool(r["enabled"]),
        origin=r["origin"],
        paused_at=from_iso(r["paused_at"]),
        paused_by=r["paused_by"],
        last_checked=from_iso(r["last_checked_at"]),
        last_success=from_iso(r["last_success_at"]),
        last_error=r["last_error"],
        last_error_at=from_iso(r["last_error_at"]),
        error_count=r["error_count"],
        failing=bool(r["failing"]),
        next_check=from_iso(r["next_check_at"]),
        articles_stored=r["stored"],
        warning=r["warning"],
        page_errors=r["page_error_count"],
        last_page_error=r["last_page_error"],
        last_page_error_at=from_iso(r["last_page_error_at"]),
    )


class BrowseQueries:
    db: Database

    if TYPE_CHECKING:  # provided by StoryQueries and ChannelQueries in Store

        def _story(self, row: dict[str, Any]) -> Story: ...
        def channels(self) -> list[Channel]: ...

    def find_stories(self, f: StoryFilter, limit: int, offset: int = 0) -> list[Story]:
        """Stories the filter admits, most recently seen first."""
        where, params = _story_where(f)
        rows = self.db.query(
            f"SELECT s.* FROM stories s{where} ORDER BY s.last_seen DESC, s.id DESC "
            "LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [self._story(r) for r in rows]

    def story_languages(self) -> list[str]:
        """Languages of stored articles (for the stories filter)."""
        rows = self.db.execute(
            "SELECT DISTINCT lang FROM articles WHERE lang IS NOT NULL AND lang != '' ORDER BY 1"
        )
        return [r[0] for r in rows]

    def source_health(self) -> list[SourceHealth]:
        """Every source with its fetch state and the number of articles stored from it."""
        rows = self.db.query(
            """SELECT s.*, (SELECT count(*) FROM articles a WHERE a.source_id = s.id) AS stored
               FROM sources s WHERE s.origin != 'removed' ORDER BY s.id"""
        )
        return [source_health_of(r) for r in rows]

    def channel_states(self) -> list[ChannelState]:
        """Every channel with its pause state and the messages pending in its outbox."""
        pending = dict(
            self.db.execute(
                "SELECT channel_id, count(*) FROM outbox WHERE status = 'pending' "
                "GROUP BY channel_id"
            ).fetchall()
        )
        paused = {
            r[0]: (bool(r[1]), r[2], from_iso(r[3]))
            for r in self.db.execute("SELECT id, paused, paused_reason, paused_at FROM channels")
        }
        states = []
        for channel in self.channels():
            is_paused, reason, at = paused.get(channel.id, (False, None, None))
            states.append(ChannelState(channel, is_paused, reason, at, pending.get(channel.id, 0)))
        return states

    def hourly_activity(self, since: datetime) -> list[HourlyCount]:
        """Per rule and UTC hour since `since`: matched articles and the stories they are in."""
        rows = self.db.execute(
            f"""SELECT m.kind, m.target_id, substr({_SEEN}, 1, 13) AS hour, count(*),
                       count(DISTINCT a.story_id)
                FROM matches m JOIN articles a ON a.id = m.article_id
                WHERE {_SEEN} >= ? GROUP BY m.kind, m.target_id, hour ORDER BY hour""",
            [to_iso(since)],
        )
        return [
            HourlyCount(kind, target, datetime.fromisoformat(hour + ":00:00+00:00"), n, stories)
            for kind, target, hour, n, stories in rows
        ]
