"""The web page's read queries on both engines (a real SQLite file, a real PostgreSQL
database): filtered stories, languages, source health, channel state, hourly activity."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.models import (
    Article,
    Channel,
    Evidence,
    Match,
    MatchResult,
    Source,
    StoryFilter,
    Subscription,
)
from bot.store import Store, open_store

T0 = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)


@pytest.fixture
def store(db_target: str) -> Iterator[Store]:
    opened = open_store(db_target)
    yield opened
    opened.close()


def _story(store: Store, key: str, source: str, lang: str, minutes: int, topic: str,
           entity: str | None = None) -> int:  # fmt: skip
    seen = T0 + timedelta(minutes=minutes)
    article = Article(key, source, source.title(), f"https://{source}.example/{key}",
                      f"Title {key}", f"Text {key}", seen, seen, lang)  # fmt: skip
    (aid,) = store.add_articles([(article, article.title.lower(), article.text.lower())])
    assert aid is not None
    ev = (Evidence("title", 0, 5, "Title", "title"),)
    entities = (Match("entity", entity, ev),) if entity else ()
    store.save_matches(aid, MatchResult(entities, (Match("topic", topic, ev),)))
    sid = store.create_story(article.title, article.text, seen)
    store.attach_article(sid, aid, seen, [entity] if entity else [], [topic])
    return sid


def test_browse_queries(store: Store) -> None:
    store.sync_sources([Source("reed", "https://reed.example/rss"),
                        Source("quay", "https://quay.example/rss", name="Quay Post")])  # fmt: skip
    drones = _story(store, "a1", "reed", "en", 0, "drones", "kestrel")
    ships = _story(store, "a2", "quay", "ar", 70, "shipping")
    both = _story(store, "a3", "reed", "ar", 75, "drones")

    def ids(**kw: object) -> list[int]:
        return [s.id for s in store.find_stories(StoryFilter(**kw), 10)]  # type: ignore[arg-type]

    assert ids() == [both, ships, drones]
    assert ids(topic="drones") == [both, drones]
    assert ids(entity="@kestrel") == ids(entity="kestrel") == [drones]
    assert ids(lang="ar") == [both, ships]
    assert ids(source="quay") == [ships]
    assert ids(since=T0 + timedelta(minutes=71)) == [both]
    assert ids(targets=("shipping", "@kestrel")) == [ships, drones]
    assert [s.id for s in store.find_stories(StoryFilter(), 1, 1)] == [ships]
    assert store.story_languages() == ["ar", "en"]

    store.record_fetch_error("quay", T0, T0, "HTTP 503", failing_after=1)
    store.record_fetch_success("reed", T0, T0, None, None, 0, "the feed was empty",
                               ["https://reed.example/x: HTTP 404"])  # fmt: skip
    health = {h.id: h for h in store.source_health()}
    assert (health["reed"].articles_stored, health["quay"].articles_stored) == (2, 1)
    assert health["quay"].failing and health["quay"].last_error == "HTTP 503"
    assert health["quay"].name == "Quay Post" and health["reed"].name == "reed"
    assert health["quay"].last_error_at == T0
    assert (health["reed"].warning, health["reed"].page_errors) == ("the feed was empty", 1)
    assert health["reed"].last_page_error == "https://reed.example/x: HTTP 404"
    assert health["reed"].last_page_error_at == T0 and health["quay"].page_errors == 0

    store.sync_channels([Channel("desk", "telegram", "-100", (Subscription("desk", "drones"),))])
    store.enqueue_batch("desk", "b1", "telegram", "-100", [{"text": "x"}, {"text": "y"}], {}, T0)
    store.pause_channel("desk", "chat not found", T0)
    (state,) = store.channel_states()
    assert (state.channel.id, state.pending, state.paused) == ("desk", 2, True)
    assert (state.paused_reason, state.paused_at) == ("chat not found", T0)

    hours = {(h.kind, h.target, h.hour): (h.articles, h.stories)
             for h in store.hourly_activity(T0 - timedelta(hours=1))}  # fmt: skip
    nine, ten = T0.replace(minute=0), T0.replace(minute=0) + timedelta(hours=1)
    assert hours == {
        ("topic", "drones", nine): (1, 1),
        ("entity", "kestrel", nine): (1, 1),
        ("topic", "shipping", ten): (1, 1),
        ("topic", "drones", ten): (1, 1),
    }
    assert store.hourly_activity(T0 + timedelta(hours=2)) == []
