"""`newswatch run --role fetch|analyse|deliver|chat`: one part of newswatch per process, all
on one PostgreSQL database (role `all`, the default, is the single-process daemon).

- fetch: any number, on any machine. Each cycle leases the due sources it takes (an UPDATE
  over `SELECT … FOR UPDATE SKIP LOCKED`, with an expiry: a dead worker's sources are taken
  over once it passes), fetches them and stores new articles without analysing them.
- analyse: matching and story grouping; one active at a time, holding a PostgreSQL advisory
  lock on a connection of its own. A standby tries the lock every STANDBY_POLL seconds; the
  server frees it when the active process dies, so the standby takes over within seconds,
  rebuilding the story index from the database and finishing every article still without
  a story (an article is attached to its story in one transaction: never grouped twice,
  never skipped). The active one also records instant alerts in the outbox, and prunes
  (retention) when it takes the lead and every retention.every_hours: it alone closes
  stories, and fetch workers only add articles, which pruning never touches.
- deliver: flushes the outbox; several may run, each channel served by one at a time: a
  process takes a channel's lease row (SELECT … FOR UPDATE SKIP LOCKED, expiring after
  CHANNEL_LEASE seconds, renewed every LEASE_RENEW seconds while it lives) and claims that
  channel's messages only under its lease. When a deliverer dies its leases expire and
  another takes its channels over, counting its claims in flight as uncertain sends (sent
  once more as a possible repeat, never a third time: bot.store.outbox). Claims are owned
  (bot.app.claims): a deliverer's start or stop never touches another live process's send.
  Each takes at most its fair share, ceil(channels waiting / live deliverers), and lets go
  of the rest between flushes, so a deliverer that starts gets channels at once. One of
  them (the advisory lock, as for analyse) also runs the digest schedule, recording digests
  that the channel's deliverer sends.
- chat: the chat command adapters (bot.app.chatrole): Telegram polling in one process at a
  time (an advisory lock), a webhook and Slack in any number; a digest asked for in chat is
  recorded for deliver.

Each role process serves /healthz (its role, active or standby), /readyz and /metrics on
`health.port` (bot.app.rolehealth), as the single process does.

Instant alerts cross processes by short polling (analyse records them within a second of
storing the article, deliver flushes every second): no extra connection per process and
nothing lost while a process restarts, which LISTEN/NOTIFY would need a fallback poll for.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import signal
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from bot.app.assembly import (
    active_sources,
    build_pipeline,
    close_senders,
    make_fetcher,
    make_senders,
)
from bot.app.chatrules import ChatRulesFollower
from bot.app.claims import ClaimOwner, owner_name
from bot.app.deliver import Vocabulary, flush_outbox, run_digest, run_instant
from bot.app.ingest import Pipeline
from bot.app.metrics import Metrics
from bot.app.reload import Loaded
from bot.app.retention import log_report, prune_store
from bot.app.rolehealth import RoleStatus, start_health
from bot.app.scheduler import Scheduler
from bot.config import Config, Secrets
from bot.core.rules import RuleSet
from bot.models import Source
from bot.sources.http import Fetcher, FetchSettings
from bot.sources.parsepool import THREADS, ParsePool
from bot.store import Store
from bot.store.base import utcnow

log = logging.getLogger(__name__)

STANDBY_POLL = 2.0  # seconds between a standby's tries for the lead
ACTIVE_POLL = 1.0  # seconds between an active analyser's or deliverer's rounds
CHANNEL_LEASE = 30.0  # seconds a deliverer's hold on a channel lasts unless renewed
LEASE_RENEW = 5.0  # seconds between a deliverer's renewals of its channel leases
MAX_CHANNELS = 50  # channel leases one deliverer holds at most


def worker_name(role: str) -> str:
    """This process as lease owner: host, pid, role and start nonce (shown in the sources
    table; the same name owns its outbox claims, bot.app.claims)."""
    return owner_name(role)


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


async def fetch_role(
    config: Config, loaded: Loaded, store: Store, stop: asyncio.Event, status: RoleStatus
) -> None:
    """Lease due sources, fetch them, store their new articles (analysis is another role's)."""
    settings = config.settings
    pipeline = build_pipeline(store, loaded.rules, settings, status.metrics, rebuild=False)
    fetcher = make_fetcher(FetchSettings.from_settings(settings.fetch))
    pool = ParsePool(settings.fetch.parse_workers)  # kept for the worker's life
    worker = worker_name("fetch")
    lease = fetch_lease(settings.fetch.total_timeout)
    try:
        while not stop.is_set():
            due = pipeline.sources_to_fetch(active_sources(config, store), utcnow())
            status.beat("active", f"{len(due)} source(s) due")
            await fetch_leased(
                pipeline, fetcher, store, worker, due, lease, pool, stop, beat=status.beat
            )
            await _pause(stop, settings.fetch.tick)  # nothing left to take: the next tick
    finally:
        await fetcher.aclose()
        await asyncio.to_thread(pool.close)


async def fetch_leased(
    pipeline: Pipeline,
    fetcher: Fetcher,
    store: Store,
    worker: str,
    due: Sequence[Source],
    lease: timedelta,
    pool: ParsePool = THREADS,
    stop: asyncio.Event | None = None,
    beat: Callable[[str, str], None] | None = None,
) -> int:
    """Of the `due` sources, lease a batch (twice the fetch concurrency), fetch and store it,
    and again, until none is left to take (other workers take the rest): how many this
    worker fetched. The due list is read once per tick, not once per batch (with thousands
    of sources those reads cost more than the batch's own statements); each lease checks
    in the database that a source is still due and not another worker's. `beat` is told
    after each batch, so a long tick still shows the worker alive (/healthz)."""
    batch = 2 * fetcher.settings.concurrency
    by_id = {s.id: s for s in due}
    left = list(by_id)
    fetched = 0
    while left and not (stop is not None and stop.is_set()):
        now = utcnow()
        held = store.lease_sources(worker, left, now, now + lease, limit=batch)
        if not held:
            break
        taken = set(held)
        left = [i for i in left if i not in taken]
        try:
            reports = await pipeline.fetch_cycle(
                fetcher, [by_id[i] for i in held], now, analyse=False, pool=pool
            )
        finally:
            store.release_sources(worker, held)
        fetched += len(held)
        new = sum(r.new for r in reports)
        note = f"fetched {len(held)} source(s), {len(left)} left of {len(due)} due: {new} new"
        log.info(note)
        if beat is not None:
            beat("active", note)
        if len(held) < batch:  # the rest are leased by others (or no longer due)
            break
    return fetched


def fetch_lease(total_timeout: float) -> timedelta:
    """How long a fetch worker holds a leased source: well past a poll's longest time, so
    only a dead worker's sources are taken over."""
    return timedelta(seconds=max(60.0, 4 * total_timeout))


def _following(
    store: Store, file_rules: RuleSet, use: Callable[[RuleSet], None]
) -> tuple[ChatRulesFollower, Callable[[bool], None]]:
    """The rules made in chat, followed: `look(now)` hands `use` the merged rules when they
    changed (`now` False: at most every CHAT_RULES_POLL seconds)."""
    follower = ChatRulesFollower(store, file_rules)

    def look(now: bool) -> None:
        rules = follower.poll(force=now)
        if rules is not None:
            use(rules)

    return follower, look


async def _while_leading(
    name: str,
    store: Store,
    stop: asyncio.Event,
    became_active: Callable[[], None],
    round_: Callable[[], Awaitable[None]],
    status: RoleStatus | None = None,
) -> None:
    """Run `round_` every ACTIVE_POLL seconds while holding the lead for `name`; stand by
    (trying every STANDBY_POLL seconds) while another process holds it."""
    active = False
    while not stop.is_set():
        lead = store.hold_lead(name)
        if status is not None:
            status.beat(
                "active" if lead else "standby",
                f"holds the {name} lead" if lead else f"another process holds the {name} lead",
            )
        if lead:
            if not active:
                log.info("%s: active (took the lead)", name)
                became_active()
                active = True
            await round_()
            await _pause(stop, ACTIVE_POLL)
        else:
            if active:
                log.warning("%s: lost the lead; standing by", name)
                active = False
            await _pause(stop, STANDBY_POLL)


async def analyse_role(
    config: Config, loaded: Loaded, store: Store, stop: asyncio.Event, status: RoleStatus
) -> None:
    """Match and group stored articles (one active process); record instant alerts."""
    state: dict[str, Pipeline] = {}
    vocabs: dict[str, Vocabulary] = {}
    prune_at = [0.0]  # monotonic time of the next prune

    def use(rules: RuleSet) -> None:
        vocabs["now"] = Vocabulary.from_rules(rules)
        if "pipeline" in state:
            state["pipeline"].set_rules(rules)

    follower, look = _following(store, loaded.rules, use)
    use(follower.rules)

    def became_active() -> None:
        # the story index is rebuilt from the database, story-less articles finished
        state["pipeline"] = build_pipeline(store, follower.rules, config.settings, status.metrics)
        prune_at[0] = 0.0

    async def round_() -> None:
        look(False)
        pipeline = state["pipeline"]
        vocab = vocabs["now"]
        done, rematched = pipeline.analyse_stored()
        store.close_stories(pipeline.index.expire(utcnow()))
        if done:
            log.info("analysed %d article(s)", len(done))
        if done or rematched:
            await run_instant(store, {}, vocab, send=False)
        if time.monotonic() >= prune_at[0]:
            retention = config.settings.retention
            prune_at[0] = time.monotonic() + retention.every_hours * 3600
            try:
                log_report(await prune_store(store, config.settings, utcnow()))
            except Exception:
                log.exception("prune failed")

    await _while_leading("analyse", store, stop, became_active, round_, status)


async def deliver_role(
    config: Config,
    loaded: Loaded,
    store: Store,
    stop: asyncio.Event,
    secrets: Secrets,
    status: RoleStatus | None = None,
) -> None:
    """Flush the outbox, one channel at a time per process (several may run), and run the
    digest schedule (in one of them)."""
    senders = make_senders(config.settings, secrets)
    vocabs: dict[str, Vocabulary] = {}

    def use(rules: RuleSet) -> None:  # names of watches and chat entities in digests
        vocabs["now"] = Vocabulary.from_rules(rules)

    follower, look = _following(store, loaded.rules, use)
    use(follower.rules)
    claims = ClaimOwner(store, "deliver")
    owner = claims.name
    claims.start()  # registered, so the others count it in their fair share at once
    leading = {"now": False}

    async def digest(channel_id: str) -> None:
        if leading["now"]:  # recorded here, sent by whichever process holds the channel
            await run_digest(store, channel_id, senders, vocabs["now"], send=False)

    async def nothing() -> None:
        return None

    async def heartbeat() -> None:
        # leases and claims stay this process's while it lives, even through a long send;
        # the claims of processes that are gone are recovered meanwhile
        while True:
            await asyncio.sleep(LEASE_RENEW)
            try:
                store.renew_channel_leases(owner, utcnow() + timedelta(seconds=CHANNEL_LEASE))
                claims.beat()
            except Exception:
                log.exception("deliver heartbeat failed; trying again in %.0fs", LEASE_RENEW)

    scheduler = Scheduler(nothing, digest, tick=3600.0)
    scheduler.start(store.channels(), [], store.last_digest_times(), utcnow())
    renewing = asyncio.create_task(heartbeat())
    served: set[str] = set()
    try:
        while not stop.is_set():
            look(False)
            lead = store.hold_lead("deliver")
            if lead != leading["now"]:
                log.info("deliver: %s the digest schedule", "runs" if lead else "leaves")
                leading["now"] = lead
            now = utcnow()
            held = lease_fair_share(store, owner, now)
            if set(held) - served:
                log.info("deliver: serving channel(s) %s", ", ".join(sorted(set(held) - served)))
            served |= set(held)
            if status is not None:  # every deliverer works: channels go to who leases them
                status.beat(
                    "active",
                    f"serving {len(held)} channel(s) with messages now"
                    + (", runs the digest schedule" if lead else ""),
                )
            if held:
                await flush_outbox(store, senders, now, owner=owner, channels=set(held))
            await _pause(stop, ACTIVE_POLL)
    finally:
        renewing.cancel()
        scheduler.shutdown()
        claims.stop()  # its own claims only (none in flight between flushes)
        store.release_channel_leases(owner)
        await close_senders(senders)


def lease_fair_share(store: Store, owner: str, now: datetime) -> list[str]:
    """The channels (with messages to send) `owner` serves this round: at most its fair
    share, ceil(channels waiting / live deliverers), its own leases first; leases beyond
    the share are let go (between flushes: nothing of its own in flight), so a deliverer
    that starts gets channels without waiting for another to die."""
    live = max(1, len(store.live_owners(now, role="deliver")))
    share = min(MAX_CHANNELS, math.ceil(store.waiting_channels() / live))
    held = store.lease_channels(owner, now, now + timedelta(seconds=CHANNEL_LEASE), limit=share)
    let_go = store.release_channel_leases(owner, keep=held)
    if let_go:
        log.info("deliver: let go of %d channel lease(s) (fair share %d of %d deliverers)",
                 let_go, share, live)  # fmt: skip
    return held


async def run_role(
    role: str, config: Config, loaded: Loaded, store: Store, secrets: Secrets
) -> int:
    """Run one role until SIGTERM/SIGINT; the store is closed by the caller."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info("newswatch running as role %s (%s)", role, worker_name(role))
    h = config.settings.health
    status = RoleStatus(role, worker_name(role), Metrics(), stalled_after=h.max_cycle_age)
    try:
        health = await start_health(h.host, h.port, status, store)
    except OSError as exc:  # a port in use, mostly: say so and leave cleanly
        log.error("cannot start the health server on %s:%d: %s", h.host, h.port, exc)
        return 1
    try:
        await _dispatch(role, config, loaded, store, stop, secrets, status)
    finally:
        if health is not None:
            await health.stop()
    log.info("role %s stopped", role)
    return 0


async def _dispatch(
    role: str,
    config: Config,
    loaded: Loaded,
    store: Store,
    stop: asyncio.Event,
    secrets: Secrets,
    status: RoleStatus,
) -> None:
    if role == "fetch":
        await fetch_role(config, loaded, store, stop, status)
    elif role == "analyse":
        await analyse_role(config, loaded, store, stop, status)
    elif role == "deliver":
        await deliver_role(config, loaded, store, stop, secrets, status)
    elif role == "chat":
        from bot.app.chatrole import chat_role  # it uses this module's helpers

        await chat_role(config, loaded, store, stop, secrets, status)
    else:
        raise ValueError(role)
