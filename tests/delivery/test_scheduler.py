"""Scheduling: jobs rebuilt from values, a digest missed while down sent once at start."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest

from bot.app.deliver import Vocabulary, run_digest
from bot.app.scheduler import Scheduler, missed_digests
from bot.chat.console import ConsoleSender
from bot.models import Channel, Source
from bot.store import open_store
from bot.store.base import utcnow
from tests.world import add_story, channel

# 08:00 and 20:00 in Tehran (+03:30) are 04:30 and 16:30 UTC.
TEHRAN = Channel("c", "console", "-", schedule="0 8,20 * * *", timezone="Asia/Tehran")
T = datetime(2024, 9, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("last", "now", "missed"),
    [
        (None, T, False),  # never had a digest: wait for the next slot
        (T - timedelta(days=3), T, True),  # six slots missed: one catch-up
        (datetime(2024, 9, 2, 4, 31, tzinfo=UTC), T, False),  # after this morning's slot
        (datetime(2024, 9, 2, 4, 30, tzinfo=UTC), T, False),  # exactly at the slot
        (datetime(2024, 9, 2, 4, 29, tzinfo=UTC), T, True),  # just before it
        (datetime(2024, 9, 2, 4, 31, tzinfo=UTC), datetime(2024, 9, 2, 16, 30, tzinfo=UTC), True),
    ],
)
def test_missed_digests(last: datetime | None, now: datetime, missed: bool) -> None:
    assert missed_digests([TEHRAN], {"c": last}, now) == (["c"] if missed else [])


def test_instant_channels_have_no_digest_to_miss() -> None:
    instant = Channel("i", "console", "-", mode="instant")
    assert missed_digests([instant], {"i": T - timedelta(days=9)}, T) == []


async def test_start_builds_jobs_and_catches_up_once() -> None:
    calls: list[str] = []
    done = asyncio.Event()

    async def digest(cid: str) -> None:
        calls.append(cid)
        done.set()

    async def nothing() -> None:
        return None

    sched = Scheduler(nothing, digest, nothing, tick=60)
    channels = [TEHRAN, Channel("d", "console", "-"), Channel("i", "console", "-", mode="instant")]
    sources = [
        Source("s1", "https://a.example/", interval=900),
        Source("s2", "https://b.example/", interval=300),
    ]
    try:
        now = utcnow()
        missed = sched.start(channels, sources, {"c": now - timedelta(days=3), "d": None}, now)
        assert missed == ["c"]
        await asyncio.wait_for(done.wait(), 10)
        for _ in range(20):
            await asyncio.sleep(0)
        assert calls == ["c"]
        assert sched.job_ids() == ["digest:c", "digest:d", "fetch", "flush"]
        fetch = sched.scheduler.get_job("fetch")
        assert fetch is not None and fetch.trigger.interval == timedelta(seconds=60)
        job = sched.scheduler.get_job("digest:c")
        assert job is not None and str(job.trigger.timezone) == "Asia/Tehran"
        sched.rebuild([Channel("d", "console", "-")], [])
        assert sched.job_ids() == ["digest:d", "flush"]
    finally:
        sched.shutdown()


async def test_missed_digest_with_the_store_is_sent_once_across_restarts(tmp_path: Path) -> None:
    store = open_store(tmp_path / "nw.db")
    store.sync_channels([channel("c", "console", "-", schedule="0 8,20 * * *")])
    now = utcnow()
    store.set_last_digest_at("c", now - timedelta(days=2))
    add_story(store, "Story 1 headline", ["alpha"], now - timedelta(hours=1))
    out = StringIO()
    senders = {"console": ConsoleSender(out)}
    done = asyncio.Event()

    async def digest(cid: str) -> None:
        await run_digest(store, cid, senders, Vocabulary())
        done.set()

    async def nothing() -> None:
        return None

    for _ in range(2):  # a start, then a restart right after
        sched = Scheduler(nothing, digest)
        try:
            channels = store.channels()
            missed = sched.start(channels, [], store.last_digest_times(), utcnow())
            if missed:
                await asyncio.wait_for(done.wait(), 10)
        finally:
            sched.shutdown()
    assert out.getvalue().count("Story 1 headline") == 1
    last = store.last_digest_times()["c"]
    assert last is not None and last >= now
    store.close()
