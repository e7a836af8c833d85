"""`newswatch run --role chat` on PostgreSQL with the fake Bot API on loopback: the chat
process answers /latest with a story another process wrote; of two chat processes exactly
one long-polls Telegram (the fake counts getUpdates calls in flight: never two at once) and
the other stands by, saying so on /healthz; kill -9 of the poller → the standby polls and
answers."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.store.base import utcnow
from bot.store.postgres import PostgresStore
from tests.fakes.telegram_api import FakeTelegram
from tests.pgcluster import Cluster
from tests.roles.procs import RoleProc, wait_until
from tests.world import add_story

RULES = "topics:\n  drones:\n    name: Drones\n    query: drone*\n"


class CountingTelegram(FakeTelegram):
    """The fake Bot API counting getUpdates calls in flight (two pollers would overlap)."""

    def __init__(self) -> None:
        super().__init__()
        self.in_flight = self.peak = self.polls = 0
        self.count_lock = threading.Lock()

    async def do_getUpdates(self, params: dict[str, Any]) -> tuple[int, Any]:
        with self.count_lock:
            self.in_flight += 1
            self.polls += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            return await super().do_getUpdates(params)
        finally:
            with self.count_lock:
                self.in_flight -= 1


@pytest.fixture
def tg() -> Iterator[CountingTelegram]:
    with CountingTelegram() as fake:
        yield fake


def replies_with(tg: FakeTelegram, fragment: str) -> int:
    return sum(fragment in text for text in tg.texts(-100))


def test_one_chat_process_polls_the_other_stands_by_and_takes_over(
    pg_cluster: Cluster, pg_url: str, tmp_path: Path, tg: CountingTelegram
) -> None:
    (tmp_path / "rules.yaml").write_text(RULES)
    config = tmp_path / "newswatch.yaml"
    config.write_text("rules: [rules.yaml]\n")
    store = PostgresStore(pg_url, password=pg_cluster.password)
    first = RoleProc(config, "chat", pg_url, pg_cluster, "chat1", tg)
    procs = [first]
    try:
        wait_until("the first to poll", lambda: "Telegram polling (this" in first.text(), 60, procs)
        second = RoleProc(config, "chat", pg_url, pg_cluster, "chat2", tg)
        procs.append(second)
        wait_until("the second to stand by", lambda: "standing by" in second.text(), 60, procs)
        # a story written by another process (this one), asked for in chat
        add_story(store, "Drone flotilla sighted off Varnesse pier", ["Harbour Ledger"], utcnow())
        asyncio.run(tg.say("/latest"))
        wait_until("the reply", lambda: replies_with(tg, "Varnesse"), 60, procs)
        polls = tg.polls
        wait_until("more polls", lambda: tg.polls >= polls + 3, 60, procs)  # both alive
        states = [p.state() for p in procs]
        print(f"\ngetUpdates calls {tg.polls}, at most {tg.peak} in flight at once; {states}")
        assert tg.peak == 1  # one poller at a time, with two chat processes running
        assert states[0] is not None and states[0]["state"] == "active"
        assert states[1] is not None and states[1]["state"] == "standby"
        assert {s["role"] for s in states if s} == {"chat"}

        first.kill()  # kill -9: the server frees the polling lock with the connection
        wait_until(
            "the standby to poll", lambda: "Telegram polling (this" in second.text(), 60, procs
        )
        add_story(store, "Drone survey of Qeltmark reef paused", ["Harbour Ledger"], utcnow())
        asyncio.run(tg.say("/latest"))
        wait_until("the reply after the takeover", lambda: replies_with(tg, "Qeltmark"), 60, procs)
        state = second.state()
        assert state is not None and state["state"] == "active"
        assert pg_cluster.password not in second.text()
    finally:
        codes = [p.stop() for p in procs[1:]]
        first.kill()
        store.close()
    assert codes == [0], [p.text()[-2000:] for p in procs]
