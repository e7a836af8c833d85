"""`update_articles` on both engines: an edited item's title and text replace the stored
ones (and what text search finds), only when they differ; nothing else of the row moves."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.models import Article, TextTerm
from bot.store import Store, open_store

T0 = datetime(2026, 12, 6, 10, 2, tzinfo=UTC)
POST = Article(
    key="g:post-203",
    source_id="qaws",
    source_name="Qaws",
    url="https://t.me/qawsnews/203",
    title="Coastal road opens next week",
    text="Coastal road opens next week between the two southern ports.",
    fetched=T0,
    published=T0,
    lang="en",
)


@pytest.fixture
def store(db_target: str) -> Iterator[Store]:
    opened = open_store(db_target)
    yield opened
    opened.close()


def _row(article: Article) -> tuple[Article, str, str]:
    return article, article.title.lower(), article.text.lower()


def test_an_edit_replaces_title_and_text_once(store: Store) -> None:
    post = POST
    other = replace(
        post, key="g:post-204", url="https://t.me/qawsnews/204", title="Pier", text="Pier reopens."
    )
    [pid, oid] = store.add_articles([_row(post), _row(other)])
    assert pid is not None and oid is not None
    edited = replace(
        post,
        title="Coastal road opens on Monday",
        text="Coastal road opens on Monday; ninety kilometres of asphalt.",
        fetched=datetime(2026, 12, 7, tzinfo=UTC),
        published=None,
    )
    unknown = replace(post, key="g:never-stored", text="Nothing to update.")
    assert store.update_articles([_row(edited), _row(other), _row(unknown)]) == [pid]
    stored = store.article(pid)
    assert stored is not None
    assert (stored.title, stored.text) == (edited.title, edited.text)
    assert (stored.published, stored.fetched, stored.url) == (T0, T0, post.url)
    assert store.update_articles([_row(edited)]) == []  # the same text again: no change
    assert store.article_count() == 2

    def found(word: str) -> list[int | None]:
        return [a.id for a in store.search_articles(TextTerm(word), T0, 10, 0)]

    assert found("ninety") == [pid] and found("week") == []  # the text index follows


def test_an_edit_waits_to_be_matched_again_until_marked(store: Store) -> None:
    """What a fetch-only worker leaves for the analyser: the edited article is listed until
    marked matched with the text it now has; marking an older text leaves it listed."""
    post = replace(
        POST,
        key="g:post-310",
        url="https://t.me/qawsnews/310",
        title="Ferry resumes",
        text="The ferry to the islands resumes on Friday.",
    )
    [pid] = store.add_articles([_row(post)])
    assert pid is not None and store.edited_articles() == []
    first = replace(post, text="The ferry to the islands resumes on Saturday.")
    assert store.update_articles([_row(first)]) == [pid]
    [waiting] = store.edited_articles()
    assert (waiting.id, waiting.text) == (pid, first.text)
    second = replace(post, text="The ferry to the islands resumes on Sunday.")
    assert store.update_articles([_row(second)]) == [pid]  # edited again meanwhile
    store.mark_matched([waiting])  # matched with Saturday's text: still waiting
    [again] = store.edited_articles()
    assert again.text == second.text
    store.mark_matched([again])
    assert store.edited_articles() == []
    assert store.update_articles([_row(second)]) == []  # no change: not marked again
    assert store.edited_articles() == []
