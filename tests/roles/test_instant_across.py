"""An instant alert crosses three role processes on PostgreSQL: the fetch role stores the
articles, the analyse role matches them and records the alerts in the outbox, the deliver
role sends them to the fake Bot API. Every process polls the database every second or so
(no LISTEN/NOTIFY, see bot.app.roles), so an alert should arrive a few seconds after its
article is stored; the measured delay is printed (pytest -s), only a generous deadline is
asserted (the machine may be loaded)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.store.postgres import PostgresStore
from tests.daemon.harness import CHAT, DATA, Outlets, RecordingTelegram, write_config
from tests.pgcluster import Cluster
from tests.roles.procs import RoleProc, wait_until


class TimedTelegram(RecordingTelegram):
    """The fake Bot API noting when each message arrived (wall clock, as the database's)."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: list[float] = []

    async def do_sendMessage(self, params: dict[str, Any]) -> tuple[int, Any]:
        status, body = await super().do_sendMessage(params)
        if status == 200:
            self.arrived.append(time.time())
        return status, body


@pytest.fixture
def tg() -> Iterator[TimedTelegram]:
    with TimedTelegram() as fake:
        yield fake


def test_an_article_fetched_by_one_process_is_alerted_by_two_others(
    pg_cluster: Cluster, pg_url: str, tmp_path: Path, tg: TimedTelegram
) -> None:
    (tmp_path / "rules.yaml").write_text((DATA / "rules.yaml").read_text())
    with Outlets() as outlets:
        sources = outlets.add_wave(0, outlets=1, per_outlet=2)
        config = write_config(tmp_path, outlets, sources)
        store = PostgresStore(pg_url, password=pg_cluster.password)
        procs = [
            RoleProc(config, "analyse", pg_url, pg_cluster, "analyse", tg),
            RoleProc(config, "deliver", pg_url, pg_cluster, "deliver", tg),
        ]
        try:
            for p in procs:
                wait_until(f"{p.name} active", lambda p=p: (p.state() or {}).get("state")
                           == "active", 60, procs)  # fmt: skip
            procs.append(RoleProc(config, "fetch", pg_url, pg_cluster, "fetch", tg))
            since = datetime(2000, 1, 1, tzinfo=UTC)
            stored = wait_until(
                "articles stored", lambda: store.search_articles(None, since, 100, 0), 60, procs
            )
            wait_until("an alert in the chat", lambda: tg.texts(CHAT), 120, procs)
            fetched = min(a.fetched for a in stored).timestamp()
            delay = tg.arrived[0] - fetched
            print(
                f"\nfirst instant alert {delay:.2f} s after its article was stored "
                f"(fetch → analyse → deliver, three processes; bound: 5 s past the fetch)"
            )
            assert any("Ferry" in text or "Coast guard" in text for text in tg.texts(CHAT))
        finally:
            codes = [p.stop() for p in procs]
            store.close()
    assert codes == [0, 0, 0], [p.text()[-2000:] for p in procs]
