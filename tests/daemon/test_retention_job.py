"""The daemon's prune job: scheduled after start and every retention.every_hours, never
while a fetch cycle writes (each waits for the other), and it removes only what retention
allows."""

from __future__ import annotations

import asyncio
from pathlib import Path

from apscheduler.triggers.interval import IntervalTrigger

from bot.app.daemon import Daemon
from bot.app.reload import load
from bot.config import Secrets
from bot.store.base import utcnow
from tests.store.retention_world import old_and_new

CONFIG = """\
database: nw.db
rules: []
health: {port: 0}
reload: {poll_interval: 0}
retention: {every_hours: 6}
"""


async def test_prune_job_waits_for_a_fetch_cycle_and_prunes(tmp_path: Path) -> None:
    config = tmp_path / "newswatch.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    daemon = Daemon(config, load(config), tmp_path / "nw.db", Secrets())
    ancient, recent = old_and_new(daemon.store, utcnow())
    jobs = daemon.scheduler
    jobs.start(daemon.store.channels(), [], {}, utcnow())
    try:
        trigger = jobs.scheduler.get_job("prune").trigger
        assert isinstance(trigger, IntervalTrigger) and trigger.interval.total_seconds() == 6 * 3600

        async with daemon._writes:  # a fetch cycle is writing
            job = asyncio.ensure_future(daemon.job_prune())
            await asyncio.sleep(0.2)
            assert not job.done()
            assert daemon.store.story(ancient) is not None  # nothing removed meanwhile
        await asyncio.wait_for(job, 30)

        async with daemon._writes:  # a prune is running: a fetch cycle waits, it is not skipped
            fetch = asyncio.ensure_future(daemon.job_fetch())
            await asyncio.sleep(0.2)
            assert not fetch.done() and daemon._fetch_lock.locked()
        await asyncio.wait_for(fetch, 30)
        assert daemon.last_cycle is not None
        assert daemon.store.story(ancient) is None
        kept = daemon.store.story(recent)
        assert kept is not None and len(kept.article_ids) == 2
    finally:
        jobs.shutdown()
        daemon.store.close()
