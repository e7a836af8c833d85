"""Retention on both engines: a store filled with old and new rows, pruned, and what remains.

The fixture's world (days before NOW): a closed story from long ago (everything goes), the
same never marked closed but quiet since (goes too: no article can join it), a closed story
past the article horizon (its articles go, the story stays), a closed story past the text
horizon (text cut to its lead, search by body word no longer finds it), an open story whose
first articles are as old as those (nothing goes), an article never grouped (stays), a
recent story (stays); sent, failed and pending messages old and new; mutes and delivery
records.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app.retention import horizons, prune_store
from bot.models import TextTerm
from bot.settings import RetentionSection, Settings
from bot.store import Store, StoreError, open_store
from bot.store.prune import TEXT_KEPT
from tests.store.retention_world import BODY, article_at, story_at

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
KEEP = Settings(
    retention=RetentionSection(text_days=30, articles_days=90, stories_days=365, deliveries_days=30)
)


def _ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@pytest.fixture
def store(db_target: str) -> Iterator[Store]:
    opened = open_store(db_target)
    yield opened
    opened.close()


def _story(store: Store, name: str, days: float, closed: bool = True, n: int = 2) -> int:
    return story_at(store, name, _ago(days), closed, n)


def _message(store: Store, batch: str, days: float, outcome: str) -> int:
    # a channel's messages go out in order: the one left pending waits in a channel of its own
    channel = "slow" if outcome == "pending" else "ops"
    store.enqueue_batch(channel, batch, "console", "-", [{"text": batch}], {}, _ago(days))
    (msg,) = store.outbox_messages(batch)
    if outcome != "pending":
        assert store.claim_message(msg.id, _ago(days))
        if outcome == "sent":
            store.mark_sent(msg.id, "ref", _ago(days))
        else:
            store.mark_failed(msg.id, "gone for good")
    return msg.id


def _world(store: Store) -> dict[str, int]:
    ids = {
        "ancient": _story(store, "ancient", 400),
        "old": _story(store, "old", 100),
        "month": _story(store, "month", 40),
        "stale": _story(store, "stale", 400, closed=False),
        "open": _open_story(store),
        "recent": _story(store, "recent", 1),
        "loose": article_at(store, "loose", _ago(400), "loose item never grouped"),
    }
    store.mute("ops", ids["ancient"])
    store.mute("ops", ids["old"])
    store.record_delivered("ops", {ids["ancient"]: 1, ids["month"]: 1}, _ago(40))
    store.record_delivered("ops", {ids["recent"]: 1}, _ago(1))
    for name, days, outcome in [
        ("sent-old", 40, "sent"),
        ("failed-old", 40, "failed"),
        ("pending-old", 40, "pending"),
        ("sent-new", 1, "sent"),
    ]:
        ids[name] = _message(store, name, days, outcome)
    return ids


def _open_story(store: Store) -> int:
    """A story still open: reports 100 and 40 days old, and one from yesterday."""
    sid = store.create_story("open story", "lead", _ago(100))
    for i, days in enumerate((100, 40, 1)):
        aid = article_at(store, f"open-{i}", _ago(days), f"open weir report {i}")
        store.attach_article(sid, aid, _ago(days), [], [])
    return sid


def _prune(store: Store) -> dict[str, int]:
    return asyncio.run(prune_store(store, KEEP, NOW, batch=1)).removed


def test_prune_keeps_what_is_still_needed(store: Store) -> None:
    ids = _world(store)
    expected = {
        "stories": 2,  # ancient, stale
        "articles": 6,  # ancient's two, stale's two, old's two
        "articles_text": 2,  # month's two
        "matches": 0,  # none saved in this world
        "mutes": 1,  # ancient's; old's stays with its story
        "deliveries": 2,  # ancient's, and month's (closed, quiet for 40 days)
        "outbox": 2,  # sent-old, failed-old
        "pruned_keys": 0,
    }
    assert store.prune_preview(horizons(KEEP, NOW)) == expected
    assert _prune(store) == expected  # batch=1: many transactions, the same outcome

    assert store.story(ids["ancient"]) is None and store.story(ids["stale"]) is None
    old = store.story(ids["old"])
    assert old is not None and old.article_ids == () and old.title == "old story"
    assert store.drop_empty_stories() == 0  # a story whose articles were pruned is no wreck
    assert store.muted_story_ids("ops") == {ids["old"]}
    opened = store.story(ids["open"])
    assert opened is not None and len(opened.article_ids) == 3
    recent = store.story(ids["recent"])
    assert recent is not None and len(recent.article_ids) == 2
    assert store.article(ids["loose"]) is not None
    assert {s for s in store.delivered_outlets("ops")} == {ids["recent"]}
    left = {m.id for m in store.outbox_messages()}
    assert left == {ids["pending-old"], ids["sent-new"]}

    # text cut to its lead: title, link and lead stay; the body is no longer searched
    story = store.story(ids["month"])
    assert story is not None
    month = store.articles(story.article_ids)[0]
    assert month.title == "month weir report 0" and month.url.endswith("month-0")
    assert month.text.startswith("month weir report 0. The lock keepers counted")
    assert len(month.text) == TEXT_KEPT
    since = _ago(500)
    by_body = store.search_articles(TextTerm("barges"), since, 50, 0)
    assert {a.key for a in by_body} == {
        "open-0",
        "open-1",
        "open-2",
        "recent-0",
        "recent-1",
        "loose",
    }
    by_title = store.search_articles(TextTerm("month"), since, 50, 0)
    assert {a.key for a in by_title} == {"month-0", "month-1"}

    # the pruned articles' keys still count as known: a feed listing them brings no news
    assert store.known_keys(["ancient-0", "old-1", "fresh"]) == {"ancient-0", "old-1"}
    assert store.has_article("old-0") and not store.has_article("fresh")

    # a second run finds nothing more; a year later the keys are forgotten
    assert sum(_prune(store).values()) == 0
    later = asyncio.run(prune_store(store, KEEP, NOW + timedelta(days=366))).removed
    assert later["pruned_keys"] == 6
    assert store.known_keys(["ancient-0", "old-1"]) == set()


def test_sizes_and_space(store: Store) -> None:
    _world(store)
    sizes = {t.table: t for t in store.table_sizes()}
    assert sizes["articles"].rows == 14 and sizes["stories"].rows == 6
    assert sizes["outbox"].rows == 4 and sizes["pruned_keys"].rows == 0
    assert sizes["articles"].bytes is not None and sizes["articles"].bytes > 14 * len(BODY) // 2
    space = store.space()
    assert space.total_bytes > 0
    assert space.vacuum in ("incremental", "autovacuum")


def test_sqlite_file_shrinks_after_prune(tmp_path: Path) -> None:
    db = tmp_path / "nw.db"
    store = open_store(db)
    try:
        for i in range(40):
            _story(store, f"s{i}", 400, n=5)
        store.checkpoint()
        before = db.stat().st_size
        report = asyncio.run(prune_store(store, KEEP, NOW))
        assert report.removed["stories"] == 40 and report.removed["articles"] == 200
        assert report.vacuum == "incremental"
        assert db.stat().st_size < before / 2
        assert report.bytes_after < report.bytes_before
    finally:
        store.close()


def test_old_sqlite_file_is_switched_once(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "old.db"
    sqlite3.connect(db).execute("PRAGMA auto_vacuum = NONE").connection.close()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE placeholder (x)")  # the mode is fixed once a table exists
    conn.execute("DROP TABLE placeholder")
    conn.close()
    store = open_store(db)
    try:
        assert store.space().vacuum == "none"
        first = asyncio.run(prune_store(store, KEEP, NOW, switch_vacuum=True))
        assert first.switched and first.vacuum == "incremental"
        again = asyncio.run(prune_store(store, KEEP, NOW, switch_vacuum=True))
        assert not again.switched
    finally:
        store.close()


def test_backup_is_a_consistent_single_file(tmp_path: Path) -> None:
    store = open_store(tmp_path / "live.db")
    try:
        ids = _world(store)
        target = tmp_path / "copy.db"
        store.backup_to(target)
        with pytest.raises(StoreError, match="already exists"):
            store.backup_to(target)
    finally:
        store.close()
    assert not Path(f"{target}-wal").exists()
    copy = open_store(target)
    try:
        assert copy.article_count() == 14
        assert copy.story(ids["old"]) is not None
        assert copy.check_integrity() == []
    finally:
        copy.close()
