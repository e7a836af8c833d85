"""`newswatch db copy`: a demo installation moved from SQLite to PostgreSQL and back again,
every table's count checked, everything the store answers the same on all three."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.core.normalize import split_words
from bot.models import MatchResult, RawItem, Source, TextTerm, WaitingItem
from bot.store import Store, open_store
from tests.pgcluster import Cluster

ROOT = Path(__file__).resolve().parents[2]
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def snapshot(store: Store) -> dict[str, Any]:
    """Everything the store answers about an installation, through its own methods."""
    articles = store.articles(range(1, store.article_count() + 200))
    channels = store.channels()
    return {
        "sources": store.source_states(),
        "stored_sources": store.stored_sources(),
        "channels": channels,
        "articles": articles,
        "matches": {a.id: store.matches_for(a.id or 0) for a in articles},
        "stories": store.stories_since(LONG_AGO),
        "outbox": store.outbox_messages(),
        "statuses": [store.message_status(m.id) for m in store.outbox_messages()],
        "delivered": {c.id: store.delivered_outlets(c.id) for c in channels},
        "digests": store.last_digest_times(),
        "muted": {c.id: store.muted_story_ids(c.id) for c in channels},
        "paused": store.paused_channels(),
        "summary": store.status_summary(),
        "waiting": store.waiting_items(),
    }


def _installation(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["demo", "--db", str(path), "--rules-home", str(ROOT)]) == 0
    capsys.readouterr()
    store = open_store(path)
    story = store.stories_since(LONG_AGO)[0]
    store.mute("analysts", story.id)
    store.subscribe("analysts", "made-in-chat", "instant")
    store.move_destination("console", "-", "moved", NOW)
    store.pause_channel("sanctions-desk", "gone", NOW)
    (first,) = store.outbox_messages()[:1]
    store.claim_message(first.id, NOW)
    store.mark_sent(first.id, "ref-1", NOW)
    store.record_fetch_error(store.source_states()[0].id, NOW, NOW, "timeout", 1)
    store.save_matches(1, MatchResult((), ()))  # an article whose matches were all removed
    source = store.source_states()[0].id
    item = RawItem(source, "Page still to read", "https://quay.example/p/1", published=NOW)
    store.replace_waiting(source, [WaitingItem(item, "k-wait", 2, "timeout")])
    gated = Source(
        id="ledger",
        url="https://ledger.example/rss",
        headers=(("X-Ledger-Key", "reader"),),
        cookie_env="LEDGER_COOKIE",
        rate_limit=2.0,
    )
    assert store.add_sources([gated], "cli", added_by="cli", now=NOW)  # with request options
    snap = snapshot(store)
    store.close()
    return snap


def test_sqlite_to_postgresql_and_back(
    pg_cluster: Cluster,
    pg_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NEWSWATCH_DATABASE_PASSWORD", pg_cluster.password)
    original = _installation(tmp_path / "old.db", capsys)
    assert original["articles"] and original["stories"] and original["outbox"]

    assert main(["db", "copy", "--from", str(tmp_path / "old.db"), "--to", pg_url]) == 0
    out = capsys.readouterr().out
    assert "counts match" in out and "MISMATCH" not in out
    n = len(original["articles"])
    assert re.search(rf"^\s+articles\s+{n}\s+{n}$", out, re.M), out
    assert pg_cluster.password not in out

    pg = open_store(pg_url)
    assert snapshot(pg) == original
    since = LONG_AGO
    word = split_words(original["articles"][0].title)[0]  # a token, not "word:"
    assert pg.search_articles(TextTerm(word), since, 50, 0)  # the tsvector is built from the copy
    new_story = pg.create_story("after the move", "", NOW)  # ids continue after the copied ones
    assert new_story > max(s.id for s in original["stories"])
    pg.close()

    # A target that already holds data is refused, and nothing is written to it.
    assert main(["db", "copy", "--from", str(tmp_path / "old.db"), "--to", pg_url]) == 2
    assert "already holds data" in capsys.readouterr().err

    back = tmp_path / "back.db"
    pg = open_store(pg_url)
    pg.close()
    assert main(["db", "copy", "--from", pg_url, "--to", str(back)]) == 0
    assert "counts match" in capsys.readouterr().out
    returned = open_store(back)
    snap = snapshot(returned)
    assert new_story in [s.id for s in snap["stories"]]
    snap["stories"] = [s for s in snap["stories"] if s.id != new_story]
    snap["summary"] = original["summary"]
    assert snap == original
    assert returned.search_articles(TextTerm(word), since, 50, 0)  # FTS5 filled by the copy
    returned.close()


def test_copy_refuses_a_missing_source_and_the_same_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "copy", "--from", str(tmp_path / "none.db"), "--to", "x.db"]) == 2
    assert "no such file" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()
    open_store(tmp_path / "a.db").close()
    assert (
        main(["db", "copy", "--from", str(tmp_path / "a.db"), "--to", str(tmp_path / "a.db")]) == 2
    )
    assert "same database" in capsys.readouterr().err


def test_sqlite_to_sqlite_copy_keeps_everything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = _installation(tmp_path / "old.db", capsys)
    assert (
        main(["db", "copy", "--from", str(tmp_path / "old.db"), "--to", str(tmp_path / "new.db")])
        == 0
    )
    assert "counts match" in capsys.readouterr().out
    store = open_store(tmp_path / "new.db")
    assert snapshot(store) == original
    store.close()
