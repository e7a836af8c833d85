"""A small store world relative to a given `now`, for the retention CLI and daemon tests:
one closed story a year and a half old (everything of it goes), one recent story (stays)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.models import Article
from bot.store import Store

BODY = "The lock keepers counted barges past the weir. " * 40


def article_at(store: Store, key: str, seen: datetime, title: str) -> int:
    """An article fetched (and published) at `seen`, not grouped; its id."""
    article = Article(
        key=key,
        source_id="weir",
        source_name="Weir Courier",
        url=f"https://weir.example/{key}",
        title=title,
        text=f"{title}. {BODY}",
        lang="en",
        published=seen,
        fetched=seen,
    )
    (aid,) = store.add_articles([(article, title.lower(), article.text.lower())])
    assert aid is not None
    return aid


def story_at(store: Store, name: str, seen: datetime, closed: bool = True, n: int = 2) -> int:
    """A story of `n` articles fetched at `seen` (closed unless said otherwise)."""
    sid = store.create_story(f"{name} story", "lead", seen)
    for i in range(n):
        aid = article_at(store, f"{name}-{i}", seen, f"{name} weir report {i}")
        store.attach_article(sid, aid, seen, [], [])
    if closed:
        store.close_stories([sid])
    return sid


def old_and_new(store: Store, now: datetime) -> tuple[int, int]:
    """(the ancient story's id, the recent story's id)."""
    return story_at(store, "ancient", now - timedelta(days=550)), story_at(
        store, "recent", now - timedelta(hours=2), closed=False
    )
