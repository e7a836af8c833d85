"""Chat-made schedule changes reach the daemon's scheduler through the command that makes
them (Env.channel_changed), at once and without polling the database."""

from __future__ import annotations

from pathlib import Path

from apscheduler.triggers.cron import CronTrigger

from bot.app.daemon import Daemon
from bot.app.reload import load
from bot.config import Secrets
from bot.core.commands import Request, execute
from bot.models import Reply
from bot.store.base import utcnow

CONFIG = """\
database: nw.db
rules: []
health: {port: 0}
reload: {poll_interval: 0}
channels:
  - id: desk
    platform: console
    destination: desk-room
    schedule: "0 8 * * *"
"""


def _fields(trigger: object) -> dict[str, str]:
    assert isinstance(trigger, CronTrigger)
    return {f.name: str(f) for f in trigger.fields}


async def test_schedule_commands_reschedule_the_digest_job_at_once(tmp_path: Path) -> None:
    config = tmp_path / "newswatch.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    daemon = Daemon(config, load(config), tmp_path / "nw.db", Secrets())
    jobs = daemon.scheduler
    jobs.start(daemon.store.channels(), [], {}, utcnow())
    env = daemon._env()
    try:
        assert _fields(jobs.scheduler.get_job("digest:desk").trigger)["hour"] == "8"

        async def ask(line: str, destination: str = "desk-room") -> Reply:
            request = Request("console", destination, "u1", True, utcnow())
            return await execute(line, request, env)

        reply = await ask("schedule daily 06:15")
        assert reply.ok, reply.text
        fields = _fields(jobs.scheduler.get_job("digest:desk").trigger)
        assert (fields["hour"], fields["minute"]) == ("6", "15")

        assert (await ask("schedule off")).ok
        assert jobs.scheduler.get_job("digest:desk") is None
        assert "instant-only" in (await ask("schedule hourly")).text  # digests stay off
        assert jobs.scheduler.get_job("digest:desk") is None
        assert (await ask("schedule hourly --digests")).ok  # named: digests on again
        assert _fields(jobs.scheduler.get_job("digest:desk").trigger)["minute"] == "0"

        # a chat the configuration does not know: the command makes its channel, and the
        # channel's digest job exists as soon as the reply does
        assert (await ask("schedule daily 21:30", destination="new-room")).ok
        made = daemon.store.channel_for("console", "new-room")
        assert made is not None
        fields = _fields(jobs.scheduler.get_job(f"digest:{made.id}").trigger)
        assert (fields["hour"], fields["minute"]) == ("21", "30")

        # a refused change (not allowed) tells the scheduler nothing
        denied = Request("console", "desk-room", "u2", False, utcnow())
        assert not (await execute("schedule daily 03:00", denied, env)).ok
        assert _fields(jobs.scheduler.get_job("digest:desk").trigger)["minute"] == "0"
    finally:
        jobs.shutdown()
        daemon.store.close()
