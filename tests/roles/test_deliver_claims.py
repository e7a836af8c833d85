"""Outbox claims owned by their process, with real `newswatch run` processes on one
PostgreSQL database and the fake Bot API (bot.app.claims):

- a process that starts or stops (the single daemon `--role all`, a second deliverer) never
  touches a message another live process has in flight;
- kill -9 of the daemon mid-send: a live deliverer recovers its claim once the daemon's
  liveness row expires, sends it once more marked as a possible repeat, never a third time,
  in the channel's order;
- a deliverer that starts gets its fair share of the channels from one that holds them all.

Sends are made to hang (`hold_after`) so a message is certainly in flight while the others
start, stop or die; every wait is a generous "until", never a timing assertion. Counts per
channel are printed (pytest -s)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.store import OutboxMessage
from bot.store.base import utcnow
from bot.store.postgres import PostgresStore
from tests.delivery.pgworld import instant_channels
from tests.delivery.tally import Tally, tally, telegram_arrivals
from tests.fakes.telegram_api import FakeTelegram
from tests.pgcluster import Cluster
from tests.roles.procs import RoleProc, wait_until

WAIT = 180.0  # seconds: generous, the machine is shared


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


def in_flight(store: PostgresStore) -> list[OutboxMessage]:
    return [m for m in store.outbox_messages() if m.status == "sending"]


def message(store: PostgresStore, message_id: int) -> OutboxMessage:
    return next(m for m in store.outbox_messages() if m.id == message_id)


def settle(
    store: PostgresStore, tg: FakeTelegram, channels: int, procs: list[RoleProc]
) -> list[Tally]:
    """Wait until nothing is left to send; the per-channel counts (printed) checked."""
    wait_until(
        "every message settled",
        lambda: set(store.outbox_counts()) <= {"sent", "uncertain"},
        WAIT,
        procs,
    )
    counts = [
        tally(store, f"ch{n}", telegram_arrivals(store, tg, str(5001 + n))) for n in range(channels)
    ]
    for c in counts:
        c.check()
    return counts


@contextmanager
def running(store: PostgresStore) -> Iterator[list[RoleProc]]:
    """The processes a test starts (appended to the list), stopped at the end."""
    procs: list[RoleProc] = []
    try:
        yield procs
    finally:
        for p in procs:
            p.stop()
        store.close()


def hanging(store: PostgresStore, tg: FakeTelegram, proc: RoleProc) -> OutboxMessage:
    """The message `proc` has in flight once its send hangs at the fake Bot API."""
    wait_until("a send hanging", tg.held.is_set, WAIT, [proc])
    (flying,) = wait_until("its claim", lambda: in_flight(store), WAIT, [proc])
    assert flying.owner is not None and pid_of(proc) in flying.owner
    return flying


def ready(proc: RoleProc) -> bool:
    return (proc.state() or {}).get("state") == "active"


def pid_of(proc: RoleProc) -> str:
    return f":{proc.proc.pid}:"


def test_a_start_or_stop_beside_a_live_send_leaves_it_alone(
    pg_cluster: Cluster, pg_url: str, tmp_path: Path, tg: FakeTelegram
) -> None:
    store = instant_channels(tmp_path, pg_url, pg_cluster, channels=1, per_channel=3)
    config = tmp_path / "newswatch.yaml"
    tg.hold_after(1)  # the second send hangs until released: certainly in flight
    with running(store) as procs:
        sender = RoleProc(config, "deliver", pg_url, pg_cluster, "sender", tg)
        procs.append(sender)
        flying = hanging(store, tg, sender)
        other = RoleProc(config, "deliver", pg_url, pg_cluster, "other", tg)
        # the single daemon beside them (no token: it only starts and stops)
        daemon = RoleProc(config, "all", pg_url, pg_cluster, "daemon")
        procs += [other, daemon]
        wait_until("the second deliverer working", lambda: ready(other), WAIT, procs)
        wait_until("the daemon running", lambda: "newswatch running" in daemon.text(), WAIT,
                   procs)  # fmt: skip
        assert daemon.stop() == 0, daemon.text()[-3000:]
        assert other.stop() == 0, other.text()[-3000:]
        again = message(store, flying.id)
        assert (again.status, again.uncertain, again.owner) == ("sending", 0, flying.owner)
        assert "in flight" not in daemon.text() + other.text()
        tg.release()  # the hung send is answered 502: retried, then sent once
        (counts,) = settle(store, tg, 1, procs)
        assert counts.arrived == counts.messages == 3 and counts.uncertain == 0
        assert counts.duplicates == 0
        assert not any("repeat" in t for t in tg.texts("5001"))
    assert sender.proc.returncode == 0, sender.text()[-3000:]


def test_kill_9_of_the_daemon_mid_send_is_recovered_once_by_a_live_deliverer(
    pg_cluster: Cluster, pg_url: str, tmp_path: Path, tg: FakeTelegram
) -> None:
    store = instant_channels(tmp_path, pg_url, pg_cluster, channels=1, per_channel=4)
    config = tmp_path / "newswatch.yaml"
    tg.hold_after(1)
    with running(store) as procs:
        daemon = RoleProc(config, "all", pg_url, pg_cluster, "daemon", tg)
        procs.append(daemon)
        flying = hanging(store, tg, daemon)
        deliverer = RoleProc(config, "deliver", pg_url, pg_cluster, "deliverer", tg)
        procs.append(deliverer)
        wait_until("the deliverer serving ch0", lambda: "serving channel(s) ch0"
                   in deliverer.text(), WAIT, procs)  # fmt: skip
        # the daemon lives: its send is left alone by the deliverer's start and lease
        assert daemon.proc.poll() is None
        again = message(store, flying.id)
        assert (again.status, again.uncertain) == ("sending", 0), deliverer.text()[-3000:]
        daemon.kill()
        tg.release()  # the dead daemon's request ends unanswered: it never arrived
        (counts,) = settle(store, tg, 1, procs)
        resent = message(store, flying.id)
        assert resent.status == "sent" and resent.uncertain == 1
        assert counts.arrived == counts.messages == 4 and counts.uncertain == 1
        assert counts.thrice == 0 and counts.order_violations == 0
        assert "in a process that is gone" in deliverer.text()
        # the copy says it may repeat an earlier message, and only that one does
        assert sum("repeat" in t for t in tg.texts("5001")) == 1
    assert deliverer.proc.returncode == 0, deliverer.text()[-3000:]


def test_a_deliverer_that_starts_gets_its_fair_share_of_the_channels(
    pg_cluster: Cluster, pg_url: str, tmp_path: Path, tg: FakeTelegram
) -> None:
    store = instant_channels(tmp_path, pg_url, pg_cluster, channels=4, per_channel=3)
    config = tmp_path / "newswatch.yaml"
    tg.hold_after(0)  # every channel's first send hangs: the first deliverer holds all four
    with running(store) as procs:
        first = RoleProc(config, "deliver", pg_url, pg_cluster, "first", tg)
        procs.append(first)
        wait_until("the first deliverer holding every channel", lambda: len(
            [o for o in store.channel_leases(utcnow()).values() if pid_of(first) in o]) == 4,
            WAIT, procs)  # fmt: skip
        second = RoleProc(config, "deliver", pg_url, pg_cluster, "second", tg)
        procs.append(second)
        wait_until("the second deliverer working", lambda: ready(second), WAIT, procs)
        tg.release()  # the hung sends are answered 502: the first one's flush ends
        wait_until("the first letting go of two channels",
                   lambda: "let go of 2 channel lease(s)" in first.text(), WAIT, procs)  # fmt: skip
        wait_until("the second serving channels",
                   lambda: "serving channel(s)" in second.text(), WAIT, procs)  # fmt: skip
        counts = settle(store, tg, 4, procs)
        for c in counts:
            assert c.arrived == c.messages == 3 and c.duplicates == 0, c.line()
    assert first.proc.returncode == 0 and second.proc.returncode == 0
