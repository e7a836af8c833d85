"""`newswatch run`: one asyncio process with the scheduler, chat adapters and health server.

Start-up finishes what a killed run left: the Pipeline constructor groups stored articles
that have no story yet, and the claim owner (bot.app.claims) puts messages a dead run left
in flight back to pending (on PostgreSQL only those of processes that are gone).
After that every job is idempotent against the database, so `kill -9` at any moment loses
no article and no pending delivery (a message on the wire at the kill may arrive twice).

Jobs: fetch (due sources every tick, then instant deliveries), digest (per channel cron),
flush (outbox retries), prune (retention: PRUNE_AFTER_START after start, then every
retention.every_hours; never while a fetch cycle writes, which waits for it).
SIGHUP or a changed file reloads configuration and rules; an invalid set is refused and the
old stays.
SIGTERM/SIGINT: stop taking work, let sends on the wire finish, put parked messages back to
pending, and close the database within STOP_BUDGET.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO, cast

from aiohttp import web

from bot.app.assembly import (
    active_sources,
    assemble,
    chat_adapters,
    close_senders,
    make_fetcher,
    make_senders,
    prepare_store,
)
from bot.app.claims import ClaimOwner, shared
from bot.app.deliver import Vocabulary, flush_outbox
from bot.app.deliver import run_digest as deliver_digest
from bot.app.deliver import run_instant as deliver_instant
from bot.app.gate import Gate, bounded
from bot.app.health import HealthServer
from bot.app.metrics import Metrics
from bot.app.reapply import apply_rules
from bot.app.reload import Loaded, Refused, load, restart_only_changes, snapshot
from bot.app.retention import log_report, prune_store
from bot.app.scheduler import Scheduler
from bot.app.sourceadd import source_adder
from bot.app.web import web_deps
from bot.chat.adapter import ChatAdapter
from bot.chat.console import LogStream
from bot.config import Config, Secrets
from bot.core.commands import Env
from bot.core.lexicon import COMPILED
from bot.core.rules import RuleSet
from bot.models import Channel, Source
from bot.sources.http import Fetcher, FetchSettings
from bot.sources.parsepool import ParsePool
from bot.store.base import utcnow
from bot.web.app import install

log = logging.getLogger(__name__)
STOP_BUDGET = 8.0  # seconds from the signal to a closed database (the promise is 10)
PRUNE_AFTER_START = 300.0  # seconds: the first prune leaves start-up to the first fetch


class Daemon:
    def __init__(
        self, config_path: Path | None, loaded: Loaded, database: Path | str, secrets: Secrets
    ) -> None:
        self.config_path = config_path
        self.config: Config = loaded.config
        self.database = database
        self.secrets = secrets
        self.metrics = Metrics()
        self.gate = Gate()
        instance = assemble(self.config, database, loaded.rules, self.metrics)
        self.store, self.pipeline = instance.store, instance.pipeline
        self.chat_rules = instance.chat_rules
        self.vocab = Vocabulary.from_rules(instance.rules)
        # its claims are its own: on PostgreSQL other processes may be sending meanwhile
        self.claims = ClaimOwner(self.store, "all", release_all=not shared(self.store))
        self.claims.start()
        self._beating: asyncio.Task[None] | None = None
        self.senders = self.gate.wrap(
            make_senders(self.config.settings, secrets, cast(TextIO, LogStream()))
        )
        self.adapters: list[ChatAdapter] = chat_adapters(self.config.settings, secrets, self._env())
        s = self.config.settings
        self.scheduler = Scheduler(
            self.job_fetch,
            self.job_digest,
            flush=self.job_flush,
            tick=s.fetch.tick,
            flush_every=s.delivery.flush_interval,
            prune=self.job_prune,
            prune_every=s.retention.every_hours * 3600,
        )
        self.health: HealthServer | None = None
        self.last_cycle: float | None = None  # monotonic time the last fetch cycle ended
        self.stop_requested = asyncio.Event()
        self.stop_signal = ""
        self._stopping_since: float | None = None
        self.reload_requested = asyncio.Event()
        self._jobs: set[asyncio.Task[Any]] = set()
        self._cycle: asyncio.Task[Any] | None = None
        self._fetcher: Fetcher | None = None
        self._pool: ParsePool | None = None
        self._fetch_lock = asyncio.Lock()  # one fetch cycle at a time (a tick meanwhile skips)
        self._writes = asyncio.Lock()  # a fetch cycle or a prune, never both at once
        self._files = snapshot(config_path, self.config)

    # --- life cycle ----------------------------------------------------------------------

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.request_stop, sig.name)
        loop.add_signal_handler(signal.SIGHUP, self.reload_requested.set)
        status = 0
        try:
            await self._start()
            await self._serve()
        except OSError as exc:  # a port in use, mostly: say so and leave cleanly
            log.error("cannot start: %s", exc)
            status = 1
        finally:
            await self._stop()
        return status

    def request_stop(self, why: str) -> None:
        if self.stop_requested.is_set():
            log.info("%s: already stopping", why)
            return
        self.stop_signal = why
        self._stopping_since = time.monotonic()
        self.stop_requested.set()

    async def _start(self) -> None:
        s = self.config.settings
        port = s.health.port
        if port:
            self.health = HealthServer(
                s.health.host, port, self.metrics, self._checks(), self._mount_web
            )
            bound = await self.health.start()
            log.info("health server on %s:%d", s.health.host, bound)
        if not COMPILED:
            log.warning(
                "matching: the compiled chunk memo (bot.core._chunkscan) is not built; the"
                " pure-Python one gives the same matches about three times slower"
                " (reinstall newswatch where a C compiler is present)"
            )
        if self.adapters:
            log.info("chat adapters: %s", ", ".join(a.name for a in self.adapters))
        else:
            log.info("no chat tokens set: running with console channels only")
        for adapter in self.adapters:
            adapter.start()
        self.scheduler.start(
            self.store.channels(), self._sources(), self.store.last_digest_times(), utcnow()
        )
        self._beating = asyncio.create_task(self.claims.keep_alive())
        self._run_soon(self.job_fetch, "fetch:start")
        self._run_soon(self.job_flush, "flush:start")
        self.scheduler.run_later(self.job_prune, "prune:start", PRUNE_AFTER_START)
        self._update_depth()
        log.info(
            "newswatch running: %d sources, %d channels, jobs %s",
            len(self._sources()),
            len(self.store.channels()),
            ", ".join(self.scheduler.job_ids()),
        )

    async def _serve(self) -> None:
        """Wait for a stop, reloading on SIGHUP and on file changes meanwhile."""
        while not self.stop_requested.is_set():
            poll = self.config.settings.reload.poll_interval
            waits = [
                asyncio.ensure_future(e.wait())
                for e in (self.stop_requested, self.reload_requested)
            ]
            _, pending = await asyncio.wait(
                waits, timeout=poll if poll > 0 else 5.0, return_when=asyncio.FIRST_COMPLETED
            )
            for w in pending:
                w.cancel()
            if self.stop_requested.is_set():
                return
            if self.reload_requested.is_set():
                self.reload_requested.clear()
                self.reload("SIGHUP")
            elif poll > 0 and snapshot(self.config_path, self.config) != self._files:
                self.reload("file change")
            else:
                self.chat_rules_changed()  # made in chat by another process

    async def _stop(self) -> None:
        began = self._stopping_since or time.monotonic()
        log.info("stopping (%s): no new work; finishing messages on the wire", self.stop_signal)
        self.gate.closed = True
        self.scheduler.pause()  # not shutdown: a send on the wire must finish and be marked
        if self._cycle is not None and not self._cycle.done():
            self._cycle.cancel()  # a fetch cut short is done again at the next start
        adapters = asyncio.gather(*(a.stop() for a in self.adapters))
        deadline = began + STOP_BUDGET - 2.0
        while self.gate.inflight and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for task in list(self._jobs):
            task.cancel()
        if self._jobs:
            await asyncio.wait(list(self._jobs), timeout=1.0)
        await bounded("stopping chat adapters", adapters, max(0.5, deadline - time.monotonic()))
        self.scheduler.shutdown()
        if self._beating is not None:
            self._beating.cancel()
        self.claims.stop()  # its own claims only: another process's sends go on
        await bounded("closing senders", close_senders(self.senders), 1.0)
        if self._fetcher is not None:
            await bounded("closing the fetcher", self._fetcher.aclose(), 1.0)
        if self._pool is not None:
            await bounded("closing the parse pool", asyncio.to_thread(self._pool.close), 1.0)
        if self.health is not None:
            await bounded("stopping the health server", self.health.stop(), 0.5)
        self.store.checkpoint()
        self.store.close()
        log.info("stopped cleanly in %.2fs; database closed", time.monotonic() - began)

    # --- jobs ----------------------------------------------------------------------------

    def _run_soon(self, job: Callable[[], Awaitable[None]], job_id: str) -> None:
        self.scheduler.run_soon(job, job_id)

    def _track(self) -> asyncio.Task[Any] | None:
        task = asyncio.current_task()
        if task is not None:
            self._jobs.add(task)
        return task

    def _untrack(self, task: asyncio.Task[Any] | None) -> None:
        if task is not None:
            self._jobs.discard(task)

    async def job_fetch(self) -> None:
        if self.stop_requested.is_set() or self._fetch_lock.locked():
            return
        task = self._track()
        try:
            async with self._fetch_lock, self._writes:  # waits for a prune to finish
                await self._fetch()
        except asyncio.CancelledError:
            if not self.stop_requested.is_set():
                raise
        except Exception:
            log.exception("fetch cycle failed")
        finally:
            self._untrack(task)

    async def _fetch(self) -> None:
        now = utcnow()
        due = self.pipeline.sources_to_fetch(self._sources(), now)
        if due:
            settings = FetchSettings.from_settings(self.config.settings.fetch)
            fetcher = await self._fetcher_for(settings)
            pool = await self._pool_for(self.config.settings.fetch.parse_workers)
            cycle = self.pipeline.fetch_cycle(fetcher, due, now, pool=pool)
            self._cycle = asyncio.ensure_future(cycle)
            reports = await self._cycle
            for r in reports:
                extra = {"source": r.source_id, "status": r.status, "new": r.new}
                if r.status == "error":
                    log.warning("source failed: %s", r.error, extra=extra)
                else:
                    log.info("source checked: %d new of %d", r.new, r.items, extra=extra)
        self.last_cycle = time.monotonic()
        started = time.monotonic()
        await deliver_instant(
            self.store, self.senders, self.vocab, metrics=self.metrics, owner=self.claims.name
        )
        self.metrics.cycle_seconds.labels(job="instant").observe(time.monotonic() - started)
        self._update_depth()

    async def _fetcher_for(self, settings: FetchSettings) -> Fetcher:
        """One fetcher for the daemon's life (its connections are kept between cycles),
        replaced when a reload changes the fetch settings."""
        if self._fetcher is not None and self._fetcher.settings != settings:
            await self._fetcher.aclose()
            self._fetcher = None
        if self._fetcher is None:
            self._fetcher = make_fetcher(settings)
        return self._fetcher

    async def _pool_for(self, workers: int) -> ParsePool:
        """One parse pool for the daemon's life (its processes are kept between cycles),
        replaced when a reload changes fetch.parse_workers."""
        if self._pool is not None and self._pool.workers != workers:
            await asyncio.to_thread(self._pool.close)
            self._pool = None
        if self._pool is None:
            self._pool = ParsePool(workers)
        return self._pool

    async def job_digest(self, channel_id: str) -> None:
        if self.stop_requested.is_set():
            return
        task = self._track()
        try:
            await self._digest(channel_id)
        except Exception:
            log.exception("digest failed", extra={"channel": channel_id})
        finally:
            self._untrack(task)

    async def _digest(self, channel_id: str) -> int:
        started = time.monotonic()
        report = await deliver_digest(
            self.store,
            channel_id,
            self.senders,
            self.vocab,
            metrics=self.metrics,
            owner=self.claims.name,
        )
        self.metrics.cycle_seconds.labels(job="digest").observe(time.monotonic() - started)
        self._update_depth()
        return report.stories

    async def job_flush(self) -> None:
        if self.stop_requested.is_set():
            return
        task = self._track()
        try:
            await flush_outbox(
                self.store, self.senders, metrics=self.metrics, owner=self.claims.name
            )
        except Exception:
            log.exception("outbox flush failed")
        finally:
            self._untrack(task)

    async def job_prune(self) -> None:
        if self.stop_requested.is_set():
            return
        task = self._track()
        try:
            async with self._writes:  # after the running fetch cycle; the next one waits
                report = await prune_store(self.store, self.config.settings, utcnow())
            log_report(report)
        except asyncio.CancelledError:
            if not self.stop_requested.is_set():
                raise
        except Exception:
            log.exception("prune failed")
        finally:
            self._untrack(task)

    # --- reload --------------------------------------------------------------------------

    def reload(self, why: str) -> bool:
        """Swap in new configuration and rules if they are valid; the old stay otherwise."""
        try:
            new = load(self.config_path)
        except Refused as exc:
            self._files = snapshot(self.config_path, self.config)
            log.error("reload (%s) refused, the old rules and configuration stay: %s", why, exc)
            return False
        waiting = restart_only_changes(self.config, new.config)
        if waiting:
            log.warning("changed settings take effect at the next start: %s", ", ".join(waiting))
        self.config = new.config
        self._files = snapshot(self.config_path, self.config)
        rules = self.chat_rules.set_files(new.rules)
        rules_changed = rules != self.pipeline.rules
        self.pipeline.set_rules(rules)
        self.vocab = Vocabulary.from_rules(rules)
        prepare_store(self.config, self.store)
        if rules_changed and self.config.settings.reload.apply_rules:
            self._apply_rules(rules)  # after the channels' new subscriptions are stored
        logging.getLogger().setLevel(self.config.settings.log.level)
        self.scheduler.tick = self.config.settings.fetch.tick
        self.scheduler.flush_every = self.config.settings.delivery.flush_interval
        self.scheduler.prune_every = self.config.settings.retention.every_hours * 3600
        self._rebuild_jobs()
        log.info(
            "reloaded (%s): %d entities, %d topics, %d sources, %d channels",
            why,
            len(rules.entities),
            len(rules.topics),
            len(self.config.sources),
            len(self.config.channels),
        )
        return True

    def chat_rules_changed(self) -> None:
        """Rules made in chat changed (a command here, or another process): the matcher
        uses them from the next article on, as after a reload of the rule files."""
        try:
            rules = self.chat_rules.refresh()
        except Exception:
            log.exception("reading the rules made in chat failed; the old rules stay")
            return
        if rules is None:
            return
        self.pipeline.set_rules(rules)
        self.vocab = Vocabulary.from_rules(rules)
        if self.config.settings.reload.apply_rules:
            self._apply_rules(rules)
        log.info(
            "rules made in chat changed: %d entities, %d topics now",
            len(rules.entities),
            len(rules.topics),
        )

    def _apply_rules(self, rules: RuleSet) -> None:
        """The reloaded rules applied to recent stored articles (reload.apply_rules)."""
        now = utcnow()
        since = now - timedelta(hours=self.config.settings.reload.apply_hours)
        try:
            report = apply_rules(self.store, rules, since, now)
        except Exception:
            log.exception("applying the reloaded rules to stored articles failed")
            return
        log.info(
            "rules applied to %d stored articles: %d changed, %d stories retagged, "
            "%d newly subscribed stories not alerted",
            report.articles,
            report.changed,
            report.stories,
            report.held,
        )

    def _rebuild_jobs(self) -> None:
        self.scheduler.rebuild(self.store.channels(), self._sources())

    def channel_changed(self, channel: Channel) -> None:
        """A chat command changed `channel` (its schedule, or made it): its digest job
        follows at once."""
        if self.scheduler.running and not self.stop_requested.is_set():
            self.scheduler.reschedule(channel)

    # --- helpers -------------------------------------------------------------------------

    def _sources(self) -> list[Source]:
        return active_sources(self.config, self.store)

    def _update_depth(self) -> None:
        counts = self.store.outbox_counts()
        self.metrics.outbox_depth.set(counts.get("pending", 0) + counts.get("sending", 0))

    def _env(self) -> Env:
        async def digest_now(channel: Channel) -> int:
            return await self._digest(channel.id)

        return Env(
            store=self.store,
            rules=lambda: self.pipeline.rules,
            matcher=lambda: self.pipeline.matcher,
            digest_now=digest_now,
            channel_changed=self.channel_changed,
            rules_changed=self.chat_rules_changed,
            timezone=self.config.settings.timezone,
            add_source=source_adder(self.store, lambda: self.config),
        )

    def _mount_web(self, app: web.Application) -> None:
        """The web page, API and feeds beside /healthz: changes allowed, with the token."""
        token = self.secrets.web_token or None
        deps = web_deps(
            self.config,
            self.store,
            lambda: self.pipeline.rules,
            lambda: self.pipeline.matcher,
            token,
            writable=True,
        )
        install(app, deps)
        if token is None:
            log.info("web page: loopback only, no changes (NEWSWATCH_WEB_TOKEN not set)")

    def _checks(self) -> dict[str, Callable[[], tuple[bool, str]]]:
        checks: dict[str, Callable[[], tuple[bool, str]]] = {
            "database": self._check_database,
            "fetch": self._check_fetch,
            "sources": self._check_sources,
        }
        for adapter in self.adapters:
            checks[adapter.name] = adapter.check
        return checks

    def _check_database(self) -> tuple[bool, str]:
        problem = self.store.check_writable()
        return (True, "writable") if problem is None else (False, f"not writable: {problem}")

    def _check_sources(self) -> tuple[bool, str]:
        """Sources that answer but give nothing to read: shown, not a reason to be unready
        (one outlet's empty listing must not take the daemon out of a load balancer)."""
        warned = [f"{st.id}: {st.warning}" for st in self.store.source_states() if st.warning]
        if not warned:
            return True, "no warnings"
        return True, f"{len(warned)} with warnings: " + "; ".join(warned)

    def _check_fetch(self) -> tuple[bool, str]:
        if not self._sources():
            return True, "no sources configured"
        if self.last_cycle is None:
            return False, "no fetch cycle completed yet"
        age = time.monotonic() - self.last_cycle
        limit = self.config.settings.health.max_cycle_age
        return age <= limit, f"last cycle {age:.0f}s ago (limit {limit:.0f}s)"
