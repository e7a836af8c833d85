"""What retention removes, as SQL both engines run (SQLite's `?` become `%s` on PostgreSQL).

The rules, each a cut-off time (`Horizons`, from the `retention` settings):
- a story goes when it is closed and its last article is older than `stories`; its
  articles, their matches, its mutes and its delivery records go with it;
- an article goes when it was fetched before `articles` and its story is closed (the story
  stays, with its title, lead and counts); its matches go with it;
- an article's text is cut to its first TEXT_KEPT characters, and its normalised text (the
  search index's body) emptied, when it was fetched before `text` and its story is closed;
- delivery records go when older than `deliveries` and their story is closed and quiet
  since then (or gone); outbox messages go when sent or failed for good before `deliveries`.
A story counts as closed when marked so, or when its last article is older than `quiet`
(twice the story window: no article can join it any more, though a process stopped before
marking it). Never touched: an article without a story yet (analysis still to do), anything
of an open story, an outbox message still to send (pending, sending, waiting to retry,
held), a mute of a story that stays.

An article that goes leaves its identity key in `pruned_keys`, so a feed that still lists
the item does not bring it back as news; a key is forgotten `stories` after it went.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

from bot.store.interface import Horizons

TEXT_KEPT = 400  # characters of text an article keeps: its lead (bot.core.headline.lead_of)
STORY_BATCH = 200  # stories removed per transaction (each may bring many articles)

# Conditions over the horizons, named `:text`, `:articles`, `:stories`, `:deliveries`,
# `:quiet` (made positional by `_sql`).
_CLOSED = "(s.closed OR s.last_seen < :quiet)"
_DOOMED_STORY = f"{_CLOSED} AND s.last_seen < :stories"
_DOOMED_ARTICLE = (
    f"EXISTS (SELECT 1 FROM stories s WHERE s.id = a.story_id AND {_CLOSED} "
    "AND (s.last_seen < :stories OR a.fetched < :articles))"
)
_CUT_TEXT = (
    f"EXISTS (SELECT 1 FROM stories s WHERE s.id = a.story_id AND {_CLOSED}) "
    "AND a.fetched < :text AND a.norm_text != ''"
)
_OLD_DELIVERY = (
    "(d.delivered_at < :deliveries AND NOT EXISTS (SELECT 1 FROM stories s WHERE "
    f"s.id = d.story_id AND (NOT {_CLOSED} OR s.last_seen >= :deliveries))) "
    f"OR EXISTS (SELECT 1 FROM stories s WHERE s.id = d.story_id AND {_DOOMED_STORY})"
)
_DONE_MESSAGE = "o.status IN ('sent', 'failed') AND coalesce(o.sent_at, o.created_at) < :deliveries"
_NAME = re.compile(r":([a-z]+)")
# Tables whose old rows nothing refers to: (table, key, the key as selected, rows to delete).
_LEAVES = (
    (
        "deliveries",
        "(channel_id, story_id)",
        "d.channel_id, d.story_id",
        f"deliveries d WHERE {_OLD_DELIVERY}",
    ),
    ("outbox", "id", "o.id", f"outbox o WHERE {_DONE_MESSAGE}"),
    ("pruned_keys", "key", "p.key", "pruned_keys p WHERE p.pruned_at < :stories"),
)


class Tx(Protocol):
    """One transaction of either engine, rows as tuples, `?` placeholders."""

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...
    def run(self, sql: str, params: Sequence[Any] = ()) -> int: ...


Begin = Callable[[], AbstractContextManager[Tx]]
Time = Callable[[datetime], Any]  # a time as the engine stores it


def _sql(sql: str, h: Horizons, t: Time, *extra: Any) -> tuple[str, list[Any]]:
    """`sql` with its `:name` horizons made `?` parameters, then `extra` ones."""
    params = [t(getattr(h, name)) for name in _NAME.findall(sql)]
    return _NAME.sub("?", sql), [*params, *extra]


def preview(tx: Tx, h: Horizons, t: Time) -> dict[str, int]:
    """How many rows of each kind a prune with these horizons would remove (or cut)."""
    queries = {
        "stories": f"SELECT count(*) FROM stories s WHERE {_DOOMED_STORY}",
        "articles": f"SELECT count(*) FROM articles a WHERE {_DOOMED_ARTICLE}",
        "articles_text": (
            f"SELECT count(*) FROM articles a WHERE {_CUT_TEXT} AND NOT {_DOOMED_ARTICLE}"
        ),
        "matches": (
            "SELECT count(*) FROM matches m JOIN articles a ON a.id = m.article_id "
            f"WHERE {_DOOMED_ARTICLE}"
        ),
        "mutes": (
            "SELECT count(*) FROM mutes m JOIN stories s ON s.id = m.story_id "
            f"WHERE {_DOOMED_STORY}"
        ),
        "deliveries": f"SELECT count(*) FROM deliveries d WHERE {_OLD_DELIVERY}",
        "outbox": f"SELECT count(*) FROM outbox o WHERE {_DONE_MESSAGE}",
        "pruned_keys": "SELECT count(*) FROM pruned_keys WHERE pruned_at < :stories",
    }
    return {name: int(tx.rows(*_sql(sql, h, t))[0][0]) for name, sql in queries.items()}


def batches(
    begin: Begin, h: Horizons, now: datetime, t: Time, batch: int
) -> Iterator[dict[str, int]]:
    """Remove what the horizons allow, one short transaction per batch (the daemon's other
    work goes on between them); yields what each batch removed, by table."""
    yield from _stories(begin, h, now, t)
    yield from _articles(begin, h, now, t, batch)
    yield from _texts(begin, h, t, batch)
    for leaf in _LEAVES:
        yield from _simple(begin, h, t, leaf, batch)


def _marks(ids: Sequence[object]) -> str:
    return ",".join("?" * len(ids))


def _drop_articles(tx: Tx, ids: Sequence[int], now: Any) -> dict[str, int]:
    """Remove these articles and their matches, keeping their keys as pruned."""
    if not ids:
        return {"articles": 0, "matches": 0}
    m = _marks(ids)
    tx.run(
        f"INSERT INTO pruned_keys (key, pruned_at) SELECT key, ? FROM articles WHERE id IN ({m}) "
        "ON CONFLICT (key) DO NOTHING",
        [now, *ids],
    )
    matches = tx.run(f"DELETE FROM matches WHERE article_id IN ({m})", ids)
    return {"articles": tx.run(f"DELETE FROM articles WHERE id IN ({m})", ids), "matches": matches}


def _stories(begin: Begin, h: Horizons, now: datetime, t: Time) -> Iterator[dict[str, int]]:
    sql = f"SELECT s.id FROM stories s WHERE {_DOOMED_STORY} ORDER BY s.id LIMIT ?"
    while True:
        with begin() as tx:
            ids = [int(r[0]) for r in tx.rows(*_sql(sql, h, t, STORY_BATCH))]
            if not ids:
                return
            m = _marks(ids)
            articles = [
                int(r[0]) for r in tx.rows(f"SELECT id FROM articles WHERE story_id IN ({m})", ids)
            ]
            done = _drop_articles(tx, articles, t(now))
            done["mutes"] = tx.run(f"DELETE FROM mutes WHERE story_id IN ({m})", ids)
            done["deliveries"] = tx.run(f"DELETE FROM deliveries WHERE story_id IN ({m})", ids)
            done["stories"] = tx.run(f"DELETE FROM stories WHERE id IN ({m})", ids)
        yield done


def _articles(
    begin: Begin, h: Horizons, now: datetime, t: Time, batch: int
) -> Iterator[dict[str, int]]:
    sql = (
        "SELECT a.id FROM articles a JOIN stories s ON s.id = a.story_id "
        f"WHERE a.fetched < :articles AND {_CLOSED} ORDER BY a.id LIMIT ?"
    )
    while True:
        with begin() as tx:
            found = tx.rows(*_sql(sql, h, t, batch))
            if not found:
                return
            done = _drop_articles(tx, [int(r[0]) for r in found], t(now))
        yield done


def _texts(begin: Begin, h: Horizons, t: Time, batch: int) -> Iterator[dict[str, int]]:
    sql = f"SELECT a.id FROM articles a WHERE {_CUT_TEXT} AND a.id > ? ORDER BY a.id LIMIT ?"
    after = 0  # id cursor: rows already cut are passed once, not once per batch
    while True:
        with begin() as tx:
            ids = [int(r[0]) for r in tx.rows(*_sql(sql, h, t, after, batch))]
            if not ids:
                return
            cut = tx.run(
                f"UPDATE articles SET text = substr(text, 1, ?), norm_text = '' "
                f"WHERE id IN ({_marks(ids)})",
                [TEXT_KEPT, *ids],
            )
        after = ids[-1]
        yield {"articles_text": cut}


def _simple(
    begin: Begin, h: Horizons, t: Time, what: tuple[str, str, str, str], batch: int
) -> Iterator[dict[str, int]]:
    """Delete rows of a table nothing refers to, `batch` at a time (see _LEAVES)."""
    table, key, picked, source = what
    sql = f"DELETE FROM {table} WHERE {key} IN (SELECT {picked} FROM {source} LIMIT ?)"
    while True:
        with begin() as tx:
            gone = tx.run(*_sql(sql, h, t, batch))
        if not gone:
            return
        yield {table: gone}
