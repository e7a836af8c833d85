"""Stories: groups of articles that report one real-world event."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot.core.headline import headlines_of
from bot.core.outlets import outlets_of
from bot.models import Story
from bot.store.base import from_iso, to_iso, utcnow

_REPORTS_SQL = (
    "SELECT source_id, source_name, url FROM articles WHERE story_id = ? "
    "ORDER BY coalesce(published, fetched), id"
)
HEADLINE_TEXT = 800  # characters of each outlet's text read with its headline (for a lead)


class StoryQueries:
    db: Database

    def create_story(self, title: str, lead: str, seen_at: datetime) -> int:
        with self.db.conn:
            cursor = self.db.execute(
                """INSERT INTO stories (title, lead, first_seen, last_seen, updated_at)
                   VALUES (?, ?, ?, ?, ?)""",
                [title, lead, to_iso(seen_at), to_iso(seen_at), to_iso(utcnow())],
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def attach_article(
        self,
        story_id: int,
        article_id: int,
        seen_at: datetime,
        entity_ids: Iterable[str],
        topic_ids: Iterable[str],
    ) -> None:
        """Put an article in a story and refresh the story's counts and tag unions."""
        with self.db.conn:
            self.db.execute("UPDATE articles SET story_id = ? WHERE id = ?", [story_id, article_id])
            row = next(self.db.query("SELECT * FROM stories WHERE id = ?", [story_id]))
            entities = sorted(set(json.loads(row["entity_ids"])) | set(entity_ids))
            topics = sorted(set(json.loads(row["topic_ids"])) | set(topic_ids))
            first = min(from_iso(row["first_seen"]) or seen_at, seen_at)
            last = max(from_iso(row["last_seen"]) or seen_at, seen_at)
            others, has_source, has_link, same = self.db.execute(
                """SELECT count(*), max(source_id = a.s), max(url = a.u),
                          max(source_id = a.s AND url = a.u)
                   FROM articles, (SELECT source_id AS s, url AS u FROM articles WHERE id = ?) a
                   WHERE story_id = ? AND id != ?""",
                [article_id, story_id, article_id],
            ).fetchone()
            outlets = row["outlet_count"]
            if not has_source and not has_link:
                outlets += 1  # a new outlet
            elif has_source and has_link and not same:  # perhaps joins two outlets: recount
                outlets = len(outlets_of(self.db.execute(_REPORTS_SQL, [story_id]).fetchall()))
            counts = (others + 1, outlets)
            self.db.execute(
                """UPDATE stories SET entity_ids=?, topic_ids=?, first_seen=?, last_seen=?,
                   article_count=?, outlet_count=?, updated_at=? WHERE id=?""",
                [
                    json.dumps(entities),
                    json.dumps(topics),
                    to_iso(first),
                    to_iso(last),
                    counts[0],
                    counts[1],
                    to_iso(utcnow()),
                    story_id,
                ],
            )

    def story_headlines(self, story_id: int) -> list[tuple[str, str]]:
        """(title, text) of the story's articles, oldest first: what its title and lead are
        chosen from (by core, bot.core.headline)."""
        rows = self.db.execute(
            "SELECT title, text FROM articles WHERE story_id = ? "
            "ORDER BY coalesce(published, fetched), id",
            [story_id],
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def set_story_headline(self, story_id: int, title: str, lead: str) -> None:
        with self.db.conn:
            self.db.execute(
                "UPDATE stories SET title = ?, lead = ? WHERE id = ?", [title, lead, story_id]
            )

    def retag_story(
        self, story_id: int, entity_ids: Sequence[str], topic_ids: Sequence[str]
    ) -> None:
        """Set a story's tags (rules applied again: the union of its articles' matches)."""
        with self.db.conn:
            self.db.execute(
                "UPDATE stories SET entity_ids = ?, topic_ids = ?, updated_at = ? WHERE id = ?",
                [
                    json.dumps(list(entity_ids)),
                    json.dumps(list(topic_ids)),
                    to_iso(utcnow()),
                    story_id,
                ],
            )

    def drop_empty_stories(self) -> int:
        with self.db.conn:
            cursor = self.db.execute(
                "DELETE FROM stories WHERE article_count = 0 AND NOT EXISTS "
                "(SELECT 1 FROM articles a WHERE a.story_id = stories.id)"
            )
        return cursor.rowcount

    def close_stories(self, story_ids: Iterable[int]) -> None:
        """Mark stories closed: the window has passed, no article will join them."""
        ids = list(story_ids)
        with self.db.conn:
            self.db.conn.executemany(
                "UPDATE stories SET closed = 1 WHERE id = ?", [[i] for i in ids]
            )

    def story(self, story_id: int) -> Story | None:
        rows = list(self.db.query("SELECT * FROM stories WHERE id = ?", [story_id]))
        return self._story(rows[0]) if rows else None

    def stories_since(
        self, since: datetime, limit: int = 1000, open_only: bool = False
    ) -> list[Story]:
        rows = self.db.query(
            "SELECT * FROM stories WHERE last_seen >= ? AND (closed = 0 OR ?) "
            "ORDER BY last_seen DESC, id DESC LIMIT ?",
            [to_iso(since), 0 if open_only else 1, limit],
        )
        return [self._story(r) for r in rows]

    def _story(self, row: dict[str, Any]) -> Story:
        articles = list(
            self.db.query(
                "SELECT id, source_id, source_name, url, title, lang, "
                "substr(text, 1, ?) AS start FROM articles WHERE story_id = ? "
                "ORDER BY coalesce(published, fetched), id",
                [HEADLINE_TEXT, row["id"]],
            )
        )
        outlets = outlets_of([(a["source_id"], a["source_name"], a["url"]) for a in articles])
        headlines = headlines_of(
            [(a["source_id"], a["lang"], a["title"], a["start"]) for a in articles]
        )
        return Story(
            id=row["id"],
            title=row["title"],
            lead=row["lead"],
            first_seen=from_iso(row["first_seen"]) or utcnow(),
            last_seen=from_iso(row["last_seen"]) or utcnow(),
            article_ids=tuple(a["id"] for a in articles),
            outlets=outlets,
            entity_ids=tuple(json.loads(row["entity_ids"])),
            topic_ids=tuple(json.loads(row["topic_ids"])),
            headlines=headlines,
        )
