"""Jobs on APScheduler 3.x's AsyncIOScheduler, rebuilt from configuration and database.

No pickled job store: at every start (and reload) the jobs are made again from plain values.
- fetch: one job every `tick` seconds calling fetch_due(); the store knows which sources are
  due (each by its own interval and backoff), so sources need no job each.
- digest: one job per channel whose mode uses digests, on the channel's cron schedule in its
  timezone, calling run_digest(channel_id).
- flush: optionally, flush() every `flush_every` seconds, so messages that failed for a
  while go out without waiting for the next digest.
- prune: optionally, prune() every `prune_every` seconds (retention, bot.app.retention).
A digest slot missed while the daemon was down is sent once at start, not once per missed
slot: `missed_digests` compares each channel's last digest with its schedule.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.cron import crontab_for_apscheduler
from bot.models import Channel, Source

log = logging.getLogger(__name__)


def digest_trigger(channel: Channel) -> CronTrigger:
    return CronTrigger.from_crontab(
        crontab_for_apscheduler(channel.schedule), timezone=ZoneInfo(channel.timezone)
    )


def uses_digest(channel: Channel) -> bool:
    return channel.mode in ("digest", "both")


def missed_digests(
    channels: Iterable[Channel], last_digest_at: Mapping[str, datetime | None], now: datetime
) -> list[str]:
    """Channels with a scheduled slot after their last digest and not after now.

    A channel that never had a digest has missed nothing: its first comes at its next slot.
    """
    missed = []
    for channel in channels:
        last = last_digest_at.get(channel.id)
        if not uses_digest(channel) or last is None:
            continue
        slot = digest_trigger(channel).get_next_fire_time(None, last)
        if slot is not None and slot <= last:  # a slot exactly at `last` was that digest
            slot = digest_trigger(channel).get_next_fire_time(slot, slot)
        if slot is not None and last < slot <= now:
            missed.append(channel.id)
    return missed


class Scheduler:
    """Owns the AsyncIOScheduler; knows callables, not the pipeline."""

    def __init__(
        self,
        fetch_due: Callable[[], Awaitable[object]],
        run_digest: Callable[[str], Awaitable[object]],
        flush: Callable[[], Awaitable[object]] | None = None,
        *,
        tick: float = 60,
        flush_every: float = 60,
        prune: Callable[[], Awaitable[object]] | None = None,
        prune_every: float = 86400,
    ) -> None:
        self.fetch_due = fetch_due
        self.run_digest = run_digest
        self.flush = flush
        self.tick = tick
        self.flush_every = flush_every
        self.prune = prune
        self.prune_every = prune_every
        self.scheduler = AsyncIOScheduler(
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
        )

    def start(
        self,
        channels: Iterable[Channel],
        sources: Iterable[Source],
        last_digest_at: Mapping[str, datetime | None],
        now: datetime,
    ) -> list[str]:
        """Build the jobs, start, and send each missed digest once; the ids caught up."""
        channels = list(channels)
        self.rebuild(channels, sources)
        self.scheduler.start()
        missed = missed_digests(channels, last_digest_at, now)
        for cid in missed:
            log.info("digest missed while down; sending it now", extra={"channel": cid})
            self.scheduler.add_job(
                self.run_digest, args=[cid], id=f"catch-up:{cid}", replace_existing=True
            )
        return missed

    def rebuild(self, channels: Iterable[Channel], sources: Iterable[Source]) -> None:
        """Replace every job (at start, and on reload of the configuration)."""
        self.scheduler.remove_all_jobs()
        intervals = [s.interval for s in sources if s.enabled]
        if intervals:
            every = max(1.0, min(self.tick, min(intervals)))
            self.scheduler.add_job(
                self.fetch_due, IntervalTrigger(seconds=every), id="fetch", replace_existing=True
            )
        if self.flush is not None:
            self.scheduler.add_job(
                self.flush, IntervalTrigger(seconds=self.flush_every), id="flush"
            )
        if self.prune is not None:
            self.scheduler.add_job(
                self.prune, IntervalTrigger(seconds=self.prune_every), id="prune"
            )
        for channel in channels:
            self.reschedule(channel)

    def reschedule(self, channel: Channel) -> None:
        """Make `channel`'s digest job match its mode and schedule (added, replaced or
        removed): at rebuild, and when a chat command changes the channel."""
        job_id = f"digest:{channel.id}"
        if not uses_digest(channel):
            if self.scheduler.get_job(job_id) is not None:
                self.scheduler.remove_job(job_id)
            return
        self.scheduler.add_job(
            self.run_digest,
            digest_trigger(channel),
            args=[channel.id],
            id=job_id,
            replace_existing=True,
        )

    @property
    def running(self) -> bool:
        return bool(self.scheduler.running)

    def run_soon(self, job: Callable[[], Awaitable[object]], job_id: str) -> None:
        """Run `job` once, now (replacing a pending run of the same id)."""
        self.scheduler.add_job(job, id=job_id, replace_existing=True)

    def run_later(self, job: Callable[[], Awaitable[object]], job_id: str, seconds: float) -> None:
        """Run `job` once, `seconds` from now."""
        at = datetime.now(UTC) + timedelta(seconds=seconds)
        self.scheduler.add_job(job, DateTrigger(run_date=at), id=job_id, replace_existing=True)

    def pause(self) -> None:
        """Start no more jobs; running ones go on. (APScheduler's shutdown would cancel
        them at once, and a send on the wire must be allowed to finish.)"""
        if self.scheduler.running:
            self.scheduler.pause()

    def job_ids(self) -> list[str]:
        return sorted(job.id for job in self.scheduler.get_jobs())

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
