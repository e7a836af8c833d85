from __future__ import annotations

import socket
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.models import (
    Article,
    Channel,
    Evidence,
    Match,
    MatchResult,
    Source,
    Subscription,
    TextAll,
    TextTerm,
)
from bot.store import StoreError, open_store
from bot.store.sqlite import SqliteStore


def test_fresh_database_has_schema_and_wal(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "nw.db")
    assert {"sources", "articles", "articles_fts", "stories", "outbox"} <= set(store.table_names())
    assert store.journal_mode() == "wal"
    assert store.pending_migrations() == []
    assert store.check_integrity() == []
    store.close()


def test_rerunning_migrations_is_a_no_op(tmp_path: Path) -> None:
    open_store(tmp_path / "nw.db").close()
    store = open_store(tmp_path / "nw.db")
    applied = store.applied_migrations()
    assert applied
    store.close()
    store = open_store(tmp_path / "nw.db")
    assert store.applied_migrations() == applied
    store.close()


def test_database_from_newer_version_is_refused(tmp_path: Path) -> None:
    open_store(tmp_path / "nw.db").close()
    # what a newer newswatch leaves behind: a migration this one does not know
    newer = Database(tmp_path / "nw.db")
    newer["_sqlite_migrations"].insert(
        {"migration_set": "newswatch", "name": "m999_from_the_future", "applied_at": "2030-01-01"}
    )
    newer.close()
    with pytest.raises(StoreError, match=r"newer newswatch.*m999_from_the_future"):
        open_store(tmp_path / "nw.db")
    with pytest.raises(StoreError, match=r"newer newswatch.*m999_from_the_future"):
        open_store(tmp_path / "nw.db", read_only=True)


def test_read_only_opening_changes_nothing(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"nw\.db: no such database"):
        open_store(tmp_path / "nw.db", read_only=True)
    assert not (tmp_path / "nw.db").exists()
    writer = open_store(tmp_path / "nw.db")
    aid = writer.add_article(make_article("k1"), "", "")
    reader = open_store(tmp_path / "nw.db", read_only=True)
    assert reader.article_count() == 1 and reader.story_of(aid or 0) is None
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader.add_article(make_article("k2"), "", "")
    reader.close()
    assert writer.article_count() == 1
    writer.close()


def test_not_a_database_is_refused(tmp_path: Path) -> None:
    (tmp_path / "junk.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match=r"junk\.db"):
        open_store(tmp_path / "junk.db")


def make_article(key: str, title: str = "t") -> Article:
    return Article(
        key=key,
        source_id="s1",
        source_name="Outlet One",
        url=f"https://o.example/{key}",
        title=title,
        text="body",
        fetched=datetime(2024, 5, 1, tzinfo=UTC),
    )


def test_article_stored_once_and_searchable(db_target: str) -> None:
    store = open_store(db_target)
    first = store.add_article(make_article("k1", "وزير الدفاع"), "وزير الدفاع", "نص")
    assert first is not None
    assert store.add_article(make_article("k1"), "x", "y") is None
    assert store.article_count() == 1
    since = datetime(2024, 1, 1, tzinfo=UTC)
    hits = store.search_articles(TextTerm("وزير"), since, limit=10, offset=0)
    assert [h.id for h in hits] == [first]
    both = TextAll((TextTerm("الدفاع"), TextTerm("غائب")))
    assert store.search_articles(both, since, limit=10, offset=0) == []
    assert store.search_articles(TextTerm("وز", prefix=True), since, 10, 0) == hits
    assert store.search_articles(TextTerm("وز"), since, 10, 0) == []
    store.close()


def test_batch_of_articles_ids_in_order_duplicates_none(db_target: str) -> None:
    store = open_store(db_target)
    first = store.add_article(make_article("k0"), "", "")
    batch = [(make_article(f"k{n}"), f"title {n}", "") for n in (1, 0, 2, 1)]
    batch += [(make_article(f"m{n}"), "", "") for n in range(200)]  # over one INSERT's rows
    ids = store.add_articles(batch)
    assert ids[1] is None and ids[3] is None  # stored before, and earlier in the batch
    fresh = [i for i in ids if i is not None]
    assert len(fresh) == 202 and first not in fresh and fresh == sorted(fresh)
    assert store.article(ids[2] or 0) == replace(make_article("k2"), id=ids[2])
    assert store.known_keys(["k0", "k1", "zz", "m199"]) == {"k0", "k1", "m199"}
    store.close()


def test_matches_round_trip(db_target: str) -> None:
    store = open_store(db_target)
    aid = store.add_article(make_article("k1"), "", "")
    assert aid is not None
    ev = Evidence("text", 3, 9, "Shoigu", "shoigu")
    result = MatchResult((Match("entity", "shoigu", (ev,)),), (Match("topic", "drones"),))
    store.save_matches(aid, result)
    assert store.matches_for(aid) == result
    store.close()


def test_sources_and_channels_sync_keeps_state(db_target: str) -> None:
    store = open_store(db_target)
    store.sync_sources([Source(id="a", url="https://a.example/feed")])
    now = datetime(2024, 5, 1, tzinfo=UTC)
    store.record_fetch_error("a", now, now, "boom", failing_after=1)
    store.sync_sources([Source(id="a", url="https://a.example/feed2", name="A")])
    state = store.source_state("a")
    assert state.error_count == 1 and state.failing and state.last_error == "boom"
    channel = Channel("c", "console", "-", (Subscription("c", "drones"),))
    store.sync_channels([channel])
    assert store.channels() == [channel]
    store.close()


def test_postgresql_url_unreachable_is_named_without_its_password() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once closed
    with pytest.raises(StoreError, match=f"127.0.0.1:{port}/news: cannot connect") as caught:
        open_store(f"postgresql://newswatch:s3cret-pw@127.0.0.1:{port}/news")
    assert "s3cret-pw" not in str(caught.value)


def test_writable_and_checkpoint_folds_the_log(tmp_path: Path) -> None:
    store = open_store(tmp_path / "nw.db")
    store.add_article(make_article("k1"), "", "")
    assert store.check_writable() is None
    assert (tmp_path / "nw.db-wal").stat().st_size > 0
    store.checkpoint()
    assert (tmp_path / "nw.db-wal").stat().st_size == 0
    assert store.article_count() == 1
    store.close()
