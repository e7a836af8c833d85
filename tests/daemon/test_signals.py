"""SIGTERM, SIGINT and SIGHUP sent to the real `newswatch run` process."""

from __future__ import annotations

import shutil
import signal
import threading
from pathlib import Path
from typing import Any

from bot.models import Article
from bot.store import Store
from tests.daemon.harness import (
    CHAT,
    Daemon,
    Outlets,
    RecordingTelegram,
    all_articles,
    free_port,
    read_db,
    write_config,
)


class ArrivalTelegram(RecordingTelegram):
    """Tells the test the moment a sendMessage request arrives, before answering it."""

    def __init__(self, send_delay: float) -> None:
        super().__init__(send_delay)
        self.arrived = threading.Event()

    async def do_sendMessage(self, params: dict[str, Any]) -> tuple[int, Any]:
        self.arrived.set()
        return await super().do_sendMessage(params)


def outbox(db: Path) -> list[tuple[str, str | None]]:
    return read_db(db, lambda s: [(m.status, m.ref) for m in s.outbox_messages()])


def wave_two(store: Store) -> list[Article]:
    return [a for a in all_articles(store) if a.source_id.startswith("w1")]


def tags(store: Store, article: Article) -> set[str]:
    result = store.matches_for(article.id or 0)
    return {m.id for m in (*result.entities, *result.topics)}


def assert_closed_cleanly(db: Path) -> None:
    assert read_db(db, lambda s: s.check_integrity()) == []
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # everything checkpointed


def test_sigterm_lets_the_send_on_the_wire_finish_then_closes_the_database(
    home: Path, outlets: Outlets
) -> None:
    tg = ArrivalTelegram(send_delay=1.5)
    with tg:
        config = write_config(home, outlets, outlets.add_wave(0), port=free_port())
        daemon = Daemon(config, tg, int(config.read_text().split("port: ")[1].split("}")[0]))
        try:
            assert tg.arrived.wait(30), daemon.logs()
            code, seconds = daemon.signal(signal.SIGTERM)
        finally:
            daemon.kill()
        print(f"SIGTERM with a send on the wire: exit {code} after {seconds:.2f}s")
        assert code == 0, daemon.logs()
        assert seconds < 10
        rows = outbox(home / "newswatch.db")
        assert rows and rows[0][0] == "sent", rows  # confirmed during the shutdown
        assert rows[0][1] == f"{CHAT}:{min(tg.sent_by_id())}"
        assert all(status in ("sent", "pending") for status, _ in rows)
        assert daemon.logged("stopped cleanly")
    assert_closed_cleanly(home / "newswatch.db")


def test_sigint_with_a_send_hanging_persists_it_and_the_next_start_sends_it_once(
    home: Path, outlets: Outlets, telegram: RecordingTelegram
) -> None:
    port = free_port()
    config = write_config(home, outlets, outlets.add_wave(0), port=port)
    telegram.hold_after(0)  # the first sendMessage hangs until released
    daemon = Daemon(config, telegram, port)
    try:
        assert telegram.held.wait(30), daemon.logs()
        code, seconds = daemon.signal(signal.SIGINT)
    finally:
        daemon.kill()
    print(f"SIGINT with a send hanging: exit {code} after {seconds:.2f}s")
    assert code == 0, daemon.logs()
    assert seconds < 10
    db = home / "newswatch.db"
    assert_closed_cleanly(db)
    rows = outbox(db)
    assert rows and {status for status, _ in rows} == {"pending"}, rows
    assert telegram.sent_by_id() == {}

    telegram.release()
    again = Daemon(config, telegram, port, name="again")
    try:
        again.wait(
            "delivery of the pending messages", lambda: len(telegram.sent_by_id()) >= len(rows)
        )
        code, _ = again.signal(signal.SIGTERM)
    finally:
        again.kill()
    assert code == 0, again.logs()
    rows = outbox(db)
    assert {status for status, _ in rows} == {"sent"}
    refs = sorted(int(str(ref).split(":")[1]) for _, ref in rows)
    assert refs == sorted(telegram.sent_by_id())  # each message arrived exactly once


def test_sighup_refuses_broken_rules_keeps_the_old_and_takes_fixed_ones(
    home: Path, outlets: Outlets, telegram: RecordingTelegram
) -> None:
    port = free_port()
    live = home / "live.yaml"
    shutil.copy(home / "rules_v1.yaml", live)
    first = outlets.add_wave(0)
    # no subscriptions yet: `drills` is not a topic of the v1 rules, and a subscription must
    # name one; it comes with the configuration that goes with the v2 rules
    config = write_config(
        home, outlets, first, rules="live.yaml", port=port, poll=0, subscriptions=()
    )
    daemon = Daemon(config, telegram, port)
    db = home / "newswatch.db"
    try:
        daemon.wait("a first fetch cycle", lambda: (r := daemon.get("/readyz")) and r.is_success)

        shutil.copy(home / "rules_broken.yaml", live)
        second = outlets.add_wave(1)
        write_config(
            home, outlets, first + second, rules="live.yaml", port=port, poll=0,
            subscriptions=("drills",),
        )  # fmt: skip
        daemon.proc.send_signal(signal.SIGHUP)
        daemon.wait("the refusal", lambda: daemon.logged("refused"))
        refusal = next(r for r in daemon.records() if "refused" in r["message"])
        assert refusal["level"] == "ERROR"
        assert "unclosed parenthesis" in refusal["message"]
        assert "live.yaml:5:" in refusal["message"]
        # the old configuration and rules stay: the second wave's sources are not known
        known = read_db(db, lambda s: {state.id for state in s.source_states()})
        assert known == set(first)

        shutil.copy(home / "rules_v2.yaml", live)
        daemon.proc.send_signal(signal.SIGHUP)
        daemon.wait("the reload", lambda: daemon.logged("reloaded (SIGHUP)"))
        daemon.wait(
            "the second wave fetched",
            lambda: len(read_db(db, wave_two)) == 18,
        )
        daemon.wait("an instant drills alert", lambda: telegram.sent_by_id())
        code, _ = daemon.signal(signal.SIGTERM)
    finally:
        daemon.kill()
    assert code == 0, daemon.logs()
    drills = read_db(db, lambda s: {a.source_id for a in all_articles(s) if "drills" in tags(s, a)})
    assert drills == set(second)  # the first wave was matched under the old rules
    assert any("drills" in text for text in telegram.sent_by_id().values())


def test_a_saved_rule_file_is_reloaded_and_a_broken_one_refused(
    home: Path, outlets: Outlets
) -> None:
    port = free_port()
    live = home / "live.yaml"
    shutil.copy(home / "rules_v1.yaml", live)
    config = write_config(
        home, outlets, outlets.add_wave(0), rules="live.yaml", port=port, subscriptions=("harbour",)
    )
    daemon = Daemon(config, None, port)
    try:
        daemon.wait("start", lambda: daemon.logged("newswatch running"))
        shutil.copy(home / "rules_v2.yaml", live)
        daemon.wait("the reload", lambda: daemon.logged("reloaded (file change)"))
        assert daemon.logged("2 topics")
        shutil.copy(home / "rules_broken.yaml", live)
        daemon.wait("the refusal", lambda: daemon.logged("reload (file change) refused"))
        ready = daemon.get("/readyz")
        assert ready is not None and ready.status_code in (200, 503)  # still serving
        code, _ = daemon.signal(signal.SIGTERM)
    finally:
        daemon.kill()
    assert code == 0, daemon.logs()
    assert daemon.logged("no chat tokens set: running with console channels only")
