"""`newswatch run --role deliver` as real processes on one PostgreSQL database (issue 18):
two deliverers share the channels, each served by one at a time under a lease row with an
expiry; kill -9 of one with sends in flight (the fake Bot API performs a send at once and
answers 0.2 s later) → the other takes its channels over when the lease expires. Counted
per channel and printed (pytest -s): order violations 0, no message sent a third time,
duplicates no more than uncertain sends, every message delivered."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from bot.store.base import utcnow
from bot.store.postgres import PostgresStore
from tests.delivery.pgworld import instant_channels
from tests.delivery.tally import tally, telegram_arrivals
from tests.fakes.telegram_api import FakeTelegram
from tests.pgcluster import Cluster
from tests.store.test_roles import wait_for

CHANNELS = 4
PER_CHANNEL = 12


class Deliverer:
    """One `newswatch run --role deliver` process, its log in a file."""

    def __init__(self, folder: Path, url: str, cluster: Cluster, tg: FakeTelegram, name: str):
        env = {k: v for k, v in cluster.env().items() if not k.startswith("SLACK_")}
        env.update(TELEGRAM_BOT_TOKEN=tg.token, TELEGRAM_API_BASE_URL=tg.base_url)
        env["NEWSWATCH_HEALTH_PORT"] = "0"  # no health server here: tests/roles checks it
        self.log = folder / f"{name}.log"
        args = ["run", "--config", str(folder / "newswatch.yaml"), "--role", "deliver"]
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", *args, "--db", url],
                cwd=folder,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
            )
        self.name = f"{name} (pid {self.proc.pid})"

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def test_kill_9_of_a_deliverer_keeps_order_and_never_sends_a_third_time(
    pg_cluster: Cluster, pg_url: str, tmp_path: Path, tg: FakeTelegram
) -> None:
    store = instant_channels(tmp_path, pg_url, pg_cluster, CHANNELS, PER_CHANNEL)
    chans = [f"ch{n}" for n in range(CHANNELS)]
    tg.reply_delay = 0.2
    first = Deliverer(tmp_path, pg_url, pg_cluster, tg, "deliver1")
    second = Deliverer(tmp_path, pg_url, pg_cluster, tg, "deliver2")
    procs = [first, second]
    try:
        wait_for("both deliverers running", lambda: all("role deliver" in d.text() for d in procs),
                 60, procs)  # fmt: skip
        wait_for("channel ch0 served", lambda: "ch0" in owners(store), 60, procs)
        # kill the one serving channel ch0 right after one of its sends reached the platform
        victim = next(d for d in procs if f":{d.proc.pid}:" in owners(store)["ch0"])
        before = len(tg.texts("5001"))
        wait_for("a send in flight", lambda: len(tg.texts("5001")) > before, 30, procs)
        victim.proc.send_signal(signal.SIGKILL)
        victim.proc.wait(timeout=10)
        survivor = second if victim is first else first
        wait_for(
            "every message settled by the survivor",
            lambda: set(store.outbox_counts()) <= {"sent", "uncertain"},
            120,
            procs,
        )
        counts = [tally(store, c, telegram_arrivals(store, tg, str(5001 + n)))
                  for n, c in enumerate(chans)]  # fmt: skip
        summary = "\n".join(c.line() for c in counts)
        print(f"killed {victim.name}; survivor {survivor.name}\n{summary}")
        for c in counts:
            c.check()
            assert c.arrived == c.messages == PER_CHANNEL, summary
        assert sum(c.uncertain for c in counts) >= 1, summary  # the kill left one in flight
        assert owners(store).get("ch0", "").count(f":{survivor.proc.pid}:") == 1
        assert "serving channel(s)" in survivor.text() and "ch0" in survivor.text()
    finally:
        for d in procs:
            if d.proc.poll() is None:
                d.proc.send_signal(signal.SIGTERM)
        codes = [d.proc.wait(timeout=30) for d in procs]
        store.close()
    assert codes[procs.index(survivor)] == 0, survivor.text()[-3000:]


def owners(store: PostgresStore) -> dict[str, str]:
    """Channel → the deliverer holding its lease (host:pid:deliver)."""
    return store.channel_leases(utcnow())
