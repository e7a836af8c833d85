"""Stories: groups of articles that report one real-world event (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from psycopg.types.json import Jsonb

from bot.core.headline import headlines_of
from bot.core.outlets import outlets_of
from bot.models import Story
from bot.store.base import utcnow
from bot.store.postgres.base import Conn, PostgresBase, Row
from bot.store.stories import HEADLINE_TEXT


class PgStoryQueries(PostgresBase):
    def create_story(self, title: str, lead: str, seen_at: datetime) -> int:
        row = self._one(
            """INSERT INTO stories (title, lead, first_seen, last_seen, updated_at)
               VALUES (%s, %s, %s, %s, %s) RETURNING id""",
            [title, lead, seen_at, seen_at, utcnow()],
        )
        assert row is not None
        return int(row["id"])

    def attach_article(
        self,
        story_id: int,
        article_id: int,
        seen_at: datetime,
        entity_ids: Iterable[str],
        topic_ids: Iterable[str],
    ) -> None:
        """Put an article in a story and refresh the story's counts and tag unions (the
        story row locked meanwhile: another process attaching to it waits)."""
        with self._tx() as conn:
            conn.execute("UPDATE articles SET story_id = %s WHERE id = %s", [story_id, article_id])
            row = conn.execute(
                "SELECT * FROM stories WHERE id = %s FOR UPDATE", [story_id]
            ).fetchone()
            assert row is not None, f"story {story_id} missing"
            seen = conn.execute(
                """SELECT count(*) AS n, bool_or(source_id = a.s) AS source,
                          bool_or(url = a.u) AS link, bool_or(source_id = a.s AND url = a.u) AS same
                   FROM articles, (SELECT source_id AS s, url AS u FROM articles WHERE id = %s) a
                   WHERE story_id = %s AND id != %s""",
                [article_id, story_id, article_id],
            ).fetchone()
            assert seen is not None
            outlets = int(row["outlet_count"])
            if not seen["source"] and not seen["link"]:
                outlets += 1  # a new outlet
            elif seen["source"] and seen["link"] and not seen["same"]:  # may join two: recount
                reports = conn.execute(
                    "SELECT source_id, source_name, url FROM articles WHERE story_id = %s "
                    "ORDER BY coalesce(published, fetched), id",
                    [story_id],
                ).fetchall()
                outlets = len(
                    outlets_of([(r["source_id"], r["source_name"], r["url"]) for r in reports])
                )
            conn.execute(
                """UPDATE stories SET entity_ids=%s, topic_ids=%s, first_seen=%s, last_seen=%s,
                   article_count=%s, outlet_count=%s, updated_at=%s WHERE id=%s""",
                [
                    Jsonb(sorted(set(row["entity_ids"]) | set(entity_ids))),
                    Jsonb(sorted(set(row["topic_ids"]) | set(topic_ids))),
                    min(row["first_seen"], seen_at),
                    max(row["last_seen"], seen_at),
                    int(seen["n"]) + 1,
                    outlets,
                    utcnow(),
                    story_id,
                ],
            )

    def story_headlines(self, story_id: int) -> list[tuple[str, str]]:
        rows = self._all(
            "SELECT title, text FROM articles WHERE story_id = %s "
            "ORDER BY coalesce(published, fetched), id",
            [story_id],
        )
        return [(r["title"], r["text"]) for r in rows]

    def set_story_headline(self, story_id: int, title: str, lead: str) -> None:
        self._run("UPDATE stories SET title = %s, lead = %s WHERE id = %s", [title, lead, story_id])

    def retag_story(
        self, story_id: int, entity_ids: Sequence[str], topic_ids: Sequence[str]
    ) -> None:
        self._run(
            "UPDATE stories SET entity_ids = %s, topic_ids = %s, updated_at = %s WHERE id = %s",
            [Jsonb(list(entity_ids)), Jsonb(list(topic_ids)), utcnow(), story_id],
        )

    def drop_empty_stories(self) -> int:
        return self._run(
            "DELETE FROM stories s WHERE s.article_count = 0 "
            "AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id)"
        )

    def close_stories(self, story_ids: Iterable[int]) -> None:
        self._run("UPDATE stories SET closed = TRUE WHERE id = ANY(%s)", [list(story_ids)])

    def story(self, story_id: int) -> Story | None:
        with self._tx() as conn:
            row = conn.execute("SELECT * FROM stories WHERE id = %s", [story_id]).fetchone()
            return _story(conn, row) if row else None

    def stories_since(
        self, since: datetime, limit: int = 1000, open_only: bool = False
    ) -> list[Story]:
        return self._stories(
            "SELECT * FROM stories WHERE last_seen >= %s AND (NOT closed OR %s) "
            "ORDER BY last_seen DESC, id DESC LIMIT %s",
            [since, not open_only, limit],
        )

    def _stories(self, sql: str, params: list[object]) -> list[Story]:
        with self._tx() as conn:
            rows = conn.execute(sql, params).fetchall()
            return [_story(conn, r) for r in rows]


def _story(conn: Conn, row: Row) -> Story:
    articles = conn.execute(
        "SELECT id, source_id, source_name, url, title, lang, left(text, %s) AS start "
        "FROM articles WHERE story_id = %s ORDER BY coalesce(published, fetched), id",
        [HEADLINE_TEXT, row["id"]],
    ).fetchall()
    outlets = outlets_of([(a["source_id"], a["source_name"], a["url"]) for a in articles])
    headlines = headlines_of(
        [(a["source_id"], a["lang"], a["title"], a["start"]) for a in articles]
    )
    return Story(
        id=row["id"],
        title=row["title"],
        lead=row["lead"],
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        article_ids=tuple(a["id"] for a in articles),
        outlets=outlets,
        entity_ids=tuple(row["entity_ids"]),
        topic_ids=tuple(row["topic_ids"]),
        headlines=headlines,
    )
