"""Articles, their normalised FTS index and their rule matches."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot.models import Article, Evidence, Match, MatchResult
from bot.store.base import from_iso, in_chunks, to_iso


def _article(row: dict[str, Any]) -> Article:
    return Article(
        id=row["id"],
        key=row["key"],
        source_id=row["source_id"],
        source_name=row["source_name"],
        url=row["url"],
        title=row["title"],
        text=row["text"],
        lang=row["lang"],
        published=from_iso(row["published"]),
        fetched=from_iso(row["fetched"]) or datetime.min,
    )


_INSERT = """INSERT INTO articles (key, source_id, source_name, url, title, text, lang,
    published, fetched, norm_title, norm_text) VALUES """
_VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_RETURNING = " ON CONFLICT(key) DO NOTHING RETURNING key, id"  # only the rows inserted
_ROWS_PER_INSERT = 80  # 880 parameters: under SQLite's oldest limit of 999


def _row(article: Article, norm_title: str, norm_text: str) -> tuple[Any, ...]:
    return (
        article.key,
        article.source_id,
        article.source_name,
        article.url,
        article.title,
        article.text,
        article.lang,
        to_iso(article.published),
        to_iso(article.fetched),
        norm_title,
        norm_text,
    )


_UPDATE = """UPDATE articles SET title = ?, text = ?, norm_title = ?, norm_text = ?, edited = 1
    WHERE key = ? AND (title <> ? OR text <> ?) RETURNING id"""
# the edit mark cleared only if the text matched is still the stored one
_MATCHED = "UPDATE articles SET edited = 0 WHERE id = ? AND title = ? AND text = ?"


def _update_row(article: Article, norm_title: str, norm_text: str) -> list[Any]:
    """The parameters of _UPDATE (both dialects' statements take them in this order)."""
    a = article
    return [a.title, a.text, norm_title, norm_text, a.key, a.title, a.text]


def match_rows(article_id: int, result: MatchResult) -> list[list[Any]]:
    """(article_id, kind, target_id, evidence JSON) rows for the matches table."""
    return [
        [article_id, m.kind, m.id, json.dumps([e.__dict__ for e in m.evidence], ensure_ascii=False)]
        for m in (*result.entities, *result.topics)
    ]


class ArticleQueries:
    db: Database

    def has_article(self, key: str) -> bool:
        # Asked once per item of every poll: the bare connection, not sqlite_utils' query.
        sql = (
            "SELECT 1 FROM articles WHERE key = ? UNION ALL SELECT 1 FROM pruned_keys WHERE key = ?"
        )
        return self.db.conn.execute(sql, (key, key)).fetchone() is not None

    def known_keys(self, keys: Sequence[str]) -> set[str]:
        """Those of `keys` already stored (or stored and pruned since, bot.store.prune): one
        query per feed rather than one per item."""
        found = self._keys_in("articles", keys)
        rest = [k for k in keys if k not in found]
        return found | self._keys_in("pruned_keys", rest) if rest else found

    def _keys_in(self, table: str, keys: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for marks, chunk in in_chunks(keys):
            sql = f"SELECT key FROM {table} WHERE key IN ({marks})"
            found.update(row[0] for row in self.db.conn.execute(sql, chunk))
        return found

    def known_links(self, source_id: str, urls: Sequence[str]) -> set[str]:
        """Those of `urls` (canonical) already stored as an article of this source: an
        item whose GUID changed but whose link did not is the same article."""
        found: set[str] = set()
        for marks, chunk in in_chunks(urls):
            sql = f"SELECT url FROM articles WHERE source_id = ? AND url IN ({marks})"
            found.update(row[0] for row in self.db.conn.execute(sql, [source_id, *chunk]))
        return found

    def add_article(self, article: Article, norm_title: str, norm_text: str) -> int | None:
        """Store a new article; None when its identity key is already stored."""
        return self.add_articles([(article, norm_title, norm_text)])[0]

    def add_articles(self, batch: Sequence[tuple[Article, str, str]]) -> list[int | None]:
        """Store (article, normalised title, normalised text) rows in one transaction: the
        id of each, None for one whose identity key is already stored (or came earlier in
        the batch). One commit and a few multi-row INSERTs per feed rather than a commit and
        a statement per article (the FTS index is updated by trigger either way)."""
        ids: dict[str, int] = {}
        with self.db.conn:
            for start in range(0, len(batch), _ROWS_PER_INSERT):
                chunk = batch[start : start + _ROWS_PER_INSERT]
                sql = _INSERT + ",".join([_VALUES] * len(chunk)) + _RETURNING
                params = [value for row in chunk for value in _row(*row)]
                ids.update(self.db.conn.execute(sql, params).fetchall())
        return [ids.pop(article.key, None) for article, _, _ in batch]

    def update_articles(self, batch: Sequence[tuple[Article, str, str]]) -> list[int]:
        """Give stored articles (found by key) the title and text of `batch` (an edited
        post): the ids of those whose title or text changed, marked edited until matched
        again; the FTS index follows by trigger. Nothing else (date, link, story) moves."""
        changed: list[int] = []
        with self.db.conn:
            for a, norm_title, norm_text in batch:
                row = self.db.conn.execute(_UPDATE, _update_row(a, norm_title, norm_text))
                changed.extend(r[0] for r in row.fetchall())
        return changed

    def edited_articles(self) -> list[Article]:
        """Stored articles an edit changed since they were last matched, in id order."""
        rows = self.db.query("SELECT * FROM articles WHERE edited = 1 ORDER BY id")
        return [_article(row) for row in rows]

    def mark_matched(self, articles: Sequence[Article]) -> None:
        """Clear the edit mark of articles matched again (unless edited once more since)."""
        with self.db.conn:
            self.db.conn.executemany(_MATCHED, [[a.id, a.title, a.text] for a in articles])

    def article(self, article_id: int) -> Article | None:
        rows = list(self.db.query("SELECT * FROM articles WHERE id = ?", [article_id]))
        return _article(rows[0]) if rows else None

    def articles(self, ids: Iterable[int]) -> list[Article]:
        ids = list(ids)
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self.db.query(f"SELECT * FROM articles WHERE id IN ({marks}) ORDER BY id", ids)
        return [_article(r) for r in rows]

    def article_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def story_of(self, article_id: int) -> int | None:
        row = self.db.execute("SELECT story_id FROM articles WHERE id = ?", [article_id]).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def save_matches(self, article_id: int, result: MatchResult) -> None:
        rows = match_rows(article_id, result)
        with self.db.conn:
            self.db.execute("DELETE FROM matches WHERE article_id = ?", [article_id])
            self.db.conn.executemany(
                "INSERT INTO matches (article_id, kind, target_id, evidence) VALUES (?,?,?,?)",
                rows,
            )

    def matches_for(self, article_id: int) -> MatchResult:
        entities: list[Match] = []
        topics: list[Match] = []
        for row in self.db.query(
            "SELECT kind, target_id, evidence FROM matches WHERE article_id = ? ORDER BY rowid",
            [article_id],
        ):
            evidence = tuple(Evidence(**e) for e in json.loads(row["evidence"]))
            match = Match(row["kind"], row["target_id"], evidence)
            (entities if row["kind"] == "entity" else topics).append(match)
        return MatchResult(tuple(entities), tuple(topics))

    def latest_article_time(self) -> datetime | None:
        row = self.db.execute("SELECT max(coalesce(published, fetched)) FROM articles").fetchone()
        return from_iso(row[0]) if row and row[0] else None

    def unanalysed_articles(self, limit: int | None = None) -> list[Article]:
        """Articles stored without a story yet (matching and grouping still to do), oldest
        first (published, else fetched; stored order among equals); the first `limit` of
        them when given."""
        rows = self.db.query(
            "SELECT * FROM articles WHERE story_id IS NULL"
            " ORDER BY coalesce(published, fetched), id LIMIT ?",
            [-1 if limit is None else limit],
        )
        return [_article(row) for row in rows]

    def articles_for_index(
        self, since: datetime
    ) -> Iterator[tuple[Article, int | None, frozenset[str]]]:
        """Articles seen since `since`, and any left without a story, oldest first, with
        their story id and matched entity ids: what the story index is rebuilt from."""
        rows = self.db.query(
            """SELECT a.*, (SELECT group_concat(target_id, char(31)) FROM matches m
                 WHERE m.article_id = a.id AND m.kind = 'entity') AS entity_ids
               FROM articles a
               WHERE coalesce(a.published, a.fetched) >= ? OR a.story_id IS NULL
               ORDER BY coalesce(a.published, a.fetched), a.id""",
            [to_iso(since)],
        )
        for row in rows:
            ids = frozenset(row["entity_ids"].split("\x1f")) if row["entity_ids"] else frozenset()
            yield _article(row), row["story_id"], ids
