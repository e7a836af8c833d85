"""What only the PostgreSQL store has to prove: its migrations mirror SQLite's, a newer
schema is refused, the password never shows, several processes share one database."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from bot.models import Channel
from bot.store import StoreError, open_store
from bot.store.postgres import PostgresStore
from bot.store.postgres.base import migration_names
from bot.store.postgres.schema import POSTGRES_MIGRATIONS
from tests.pgcluster import Cluster

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def test_every_migration_has_its_postgresql_text_in_the_same_order() -> None:
    assert list(POSTGRES_MIGRATIONS) == migration_names()


def test_open_twice_migrates_once_and_leaves_no_file(
    pg_cluster: Cluster, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEWSWATCH_DATABASE_PASSWORD", pg_cluster.password)
    opened: list[PostgresStore] = []
    threads = [
        threading.Thread(target=lambda: opened.append(PostgresStore(pg_url))) for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(opened) == 3 and all(s.pending_migrations() == [] for s in opened)
    for s in opened:
        s.close()
    with psycopg.connect(pg_url, password=pg_cluster.password) as conn:
        rows = conn.execute("SELECT name FROM _newswatch_migrations ORDER BY name").fetchall()
    assert [r[0] for r in rows] == migration_names()
    assert list(tmp_path.iterdir()) == []  # nothing written beside us: the data is in PostgreSQL


def test_database_from_newer_version_is_refused(pg_cluster: Cluster, pg_url: str) -> None:
    PostgresStore(pg_url, password=pg_cluster.password).close()
    with psycopg.connect(pg_url, password=pg_cluster.password) as conn:
        conn.execute(
            "INSERT INTO _newswatch_migrations (migration_set, name) "
            "VALUES ('newswatch', 'm999_from_the_future')"
        )
    with pytest.raises(StoreError, match=r"newer newswatch.*m999_from_the_future"):
        PostgresStore(pg_url, password=pg_cluster.password)


def test_wrong_password_is_refused_and_never_shown(
    pg_cluster: Cluster,
    pg_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "not-the-password-Zq81"
    monkeypatch.setenv("NEWSWATCH_DATABASE_PASSWORD", secret)
    with pytest.raises(
        StoreError, match=r"cannot connect.*password authentication failed"
    ) as caught:
        open_store(pg_url)
    assert pg_url in str(caught.value)
    in_url = pg_url.replace("newswatch@", f"newswatch:{secret}@")
    with pytest.raises(StoreError) as caught_url:
        open_store(in_url)
    for text in (str(caught.value), str(caught_url.value), caplog.text):
        assert secret not in text


def test_libpq_environment_supplies_the_password(
    pg_cluster: Cluster, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSWATCH_DATABASE_PASSWORD", raising=False)
    monkeypatch.setenv("PGPASSWORD", pg_cluster.password)
    store = open_store(pg_url)
    assert isinstance(store, PostgresStore) and store.check_writable() is None
    store.close()


def test_two_processes_claim_a_message_once(pg_cluster: Cluster, pg_url: str) -> None:
    first = PostgresStore(pg_url, password=pg_cluster.password)
    second = PostgresStore(pg_url, password=pg_cluster.password)
    first.sync_channels([Channel("c", "telegram", "100")])
    first.enqueue_batch("c", "b1", "telegram", "100", [{"text": "one"}] * 20, {}, NOW)
    won: list[list[int]] = [[], []]

    def claim_all(index: int, store: PostgresStore) -> None:
        # claims go in channel order: each one sent before the next may be claimed
        while due := store.due_messages(NOW):
            for message in due:
                if not store.claim_message(message.id, NOW):
                    break
                won[index].append(message.id)
                store.mark_sent(message.id, f"100:{message.id}", NOW)

    threads = [
        threading.Thread(target=claim_all, args=(i, s)) for i, s in enumerate((first, second))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(won[0] + won[1]) == [m.id for m in first.outbox_messages("b1")]
    assert not set(won[0]) & set(won[1])
    first.close()
    second.close()


def test_one_process_leads_until_it_closes(pg_cluster: Cluster, pg_url: str) -> None:
    first = PostgresStore(pg_url, password=pg_cluster.password)
    second = PostgresStore(pg_url, password=pg_cluster.password)
    assert first.hold_lead("analyse") and not second.hold_lead("analyse")
    assert second.hold_lead("deliver") and not first.hold_lead("deliver")
    first.close()  # as a process's death does, the server frees the lock
    assert second.hold_lead("analyse")
    second.close()
