"""A deliver-role world on the test cluster: a configuration folder with instant Telegram
channels (ch0 → chat 5001, ch1 → 5002, …) and messages already recorded in each one's
outbox, for the tests that run `newswatch run --role deliver|all` processes."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.app.deliver import Vocabulary, run_instant
from bot.store.base import utcnow
from bot.store.postgres import PostgresStore
from tests.pgcluster import Cluster
from tests.world import add_story, channel

RULES = "topics:\n  drones:\n    name: Drones\n    query: drone*\n"


def instant_channels(
    folder: Path, url: str, cluster: Cluster, channels: int, per_channel: int
) -> PostgresStore:
    """Write folder/newswatch.yaml with `channels` instant channels and record
    `per_channel` messages for each; the open store."""
    (folder / "rules.yaml").write_text(RULES)
    chans = [f"ch{n}" for n in range(channels)]
    lines = ["rules: [rules.yaml]", "delivery: {flush_interval: 1.0}", "channels:"]
    lines += [
        f"  - {{id: {c}, platform: telegram, destination: '{5001 + n}', mode: instant, "
        "subscriptions: [drones]}"
        for n, c in enumerate(chans)
    ]
    (folder / "newswatch.yaml").write_text("\n".join(lines) + "\n")
    store = PostgresStore(url, password=cluster.password)
    store.sync_channels(
        [channel(c, "telegram", str(5001 + n), mode="instant") for n, c in enumerate(chans)]
    )
    now = utcnow()
    for i in range(per_channel):
        add_story(store, f"Drone story {i} headline", ["alpha"], now)
        asyncio.run(run_instant(store, {}, Vocabulary(), now + timedelta(seconds=i), send=False))
    assert len(store.outbox_messages()) == channels * per_channel
    return store
