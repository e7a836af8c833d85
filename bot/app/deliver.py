"""The delivery orchestrator: build a channel's digest, record it in the outbox, send it.

    run_digest(store, channel_id, senders, vocab)   scheduled digest (or `newswatch digest`)
    run_instant(store, senders, vocab)              stories that just appeared, after a fetch
    flush_outbox(store, senders)                    send what the outbox holds, in order

Stories, deliveries and mutes come from the store; topic names and priorities come from the
rules as a Vocabulary value. Selection and rendering are pure (core.digest, core.render*);
this module only wires them to the store and the chat senders. A batch and its deliveries
rows are written in one transaction before anything is sent, and a message is marked sent
only once the platform confirms.

The delivery guarantee (README, Delivery; store.outbox has the statuses):
- order: a channel's messages go out in the order recorded; the next waits until the one
  before is sent, failed for good or held; other channels are not held up;
- a send the platform answered is never repeated;
- a send with no answer (lost reply, timeout, a process that died in flight) is uncertain:
  where the platform can look a message up by its marker (Slack), it is looked up first and
  not sent again when found; otherwise it is sent once more with a note saying it may
  repeat an earlier message; after a second uncertain send it is held for a person
  (`newswatch outbox`), never sent a third time on its own.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from bot.app.metrics import NO_METRICS, Metrics
from bot.chat.platforms import platform_of
from bot.chat.sender import (
    DeliveryError,
    DestinationMovedError,
    MessageRejectedError,
    PermanentDeliveryError,
    Sender,
    SendNotStarted,
    TransientDeliveryError,
    UncertainDeliveryError,
)
from bot.core.digest import Priority, select
from bot.core.i18n import t
from bot.core.render import Kind, Labels, translations
from bot.core.rules import RuleSet
from bot.models import Channel, Digest
from bot.store import OutboxMessage, Store
from bot.store.base import utcnow

log = logging.getLogger(__name__)
LOOKBACK = timedelta(hours=72)
MAX_RETRY_WAIT = 900.0


class UnknownChannelError(LookupError):
    pass


@dataclass(frozen=True)
class Vocabulary:
    """What delivery needs from the rules: display names and topic priorities."""

    labels: Labels = field(default_factory=Labels)
    priorities: Mapping[str, Priority] = field(default_factory=dict)

    @classmethod
    def from_rules(cls, rules: RuleSet) -> Vocabulary:
        return cls(
            Labels(
                {k: t.name for k, t in rules.topics.items()},
                {k: e.name for k, e in rules.entities.items()},
                translations(rules),
            ),
            {k: t.priority for k, t in rules.topics.items()},
        )


@dataclass(frozen=True)
class DigestReport:
    channel_id: str
    batch: str
    stories: int
    messages: int  # recorded in the outbox (0 when nothing to send, or paused)
    paused: str | None = None
    flush: FlushReport | None = None


@dataclass
class FlushReport:
    sent: int = 0
    retried: int = 0  # transient failures, left pending with a retry time
    failed: int = 0  # refused for good
    uncertain: int = 0  # sends with no answer (the message may have arrived)
    held: int = 0  # of those, messages held for a person after their second one
    found: int = 0  # uncertain sends found on the platform by their marker (not resent)
    paused: dict[str, str] = field(default_factory=dict)  # channel id → reason


def render_payloads(
    platform: str, digest: Digest, labels: Labels, kind: Kind
) -> list[dict[str, Any]]:
    """What the platform's sender takes, one dict per message."""
    return platform_of(platform).render(digest, labels, kind)


def build_digest(
    store: Store,
    channel: Channel,
    vocab: Vocabulary,
    now: datetime,
    kind: Kind = "digest",
    lookback: timedelta = LOOKBACK,
) -> Digest:
    stories = store.stories_since(now - lookback, limit=5000)
    delivered = store.delivered_outlets(channel.id)
    muted = store.muted_story_ids(channel.id)
    return select(stories, channel, delivered, muted, vocab.priorities, now, kind)


def _channel(store: Store, channel_id: str) -> Channel:
    channel = store.channel(channel_id)
    if channel is None:
        raise UnknownChannelError(f"no channel {channel_id!r}")
    return channel


def _record_batch(
    store: Store, channel: Channel, vocab: Vocabulary, now: datetime, kind: Kind
) -> DigestReport | None:
    """Select, render and record one channel's digest or instant batch in the outbox.

    None for an instant batch with nothing new; an empty digest is recorded without messages
    (its deliveries and last_digest_at still move on).
    """
    digest = build_digest(store, channel, vocab, now, kind=kind)
    if kind == "instant" and not digest.items:
        return None
    batch = f"{kind}:{channel.id}:{now.isoformat()}"
    # an empty digest is not worth a notification
    payloads = render_payloads(channel.platform, digest, vocab.labels, kind) if digest.items else []
    outlets = {i.story.id: len(i.story.outlets) for i in digest.items}
    count = store.enqueue_batch(
        channel.id, batch, channel.platform, channel.destination, payloads, outlets, now,
        kind=kind, digest_at=now if kind == "digest" else None,
    )  # fmt: skip
    return DigestReport(channel.id, batch, len(digest.items), count)


async def _deliver(
    store: Store,
    channels: list[Channel],
    kind: Kind,
    senders: Mapping[str, Sender],
    vocab: Vocabulary,
    now: datetime,
    send: bool,
    metrics: Metrics,
    owner: str | None = None,
) -> list[DigestReport]:
    """The one body of run_digest and run_instant: record each channel's batch, then (with
    `send`) flush the outbox once and attach its report."""
    reports: list[DigestReport] = []
    for channel in channels:
        pause = store.pause_state(channel.id)
        if pause.paused:
            if kind == "digest":  # the slot passed: no catch-up digest after a resume
                store.set_last_digest_at(channel.id, now)
                log.warning("digest skipped: channel paused", extra={"channel": channel.id})
                batch = f"{kind}:{channel.id}:{now.isoformat()}"
                reports.append(DigestReport(channel.id, batch, 0, 0, paused=pause.reason))
            continue
        report = _record_batch(store, channel, vocab, now, kind)
        if report is None:
            continue
        if kind == "digest":
            log.info(
                "digest recorded: %d stories in %d messages",
                report.stories,
                report.messages,
                extra={"channel": channel.id},
            )
        reports.append(report)
    recorded = [r for r in reports if r.paused is None]
    if send and recorded:
        flush = await flush_outbox(store, senders, now, metrics=metrics, owner=owner)
        reports = [r if r.paused else replace(r, flush=flush) for r in reports]
    return reports


async def run_digest(
    store: Store,
    channel_id: str,
    senders: Mapping[str, Sender],
    vocab: Vocabulary,
    now: datetime | None = None,
    *,
    send: bool = True,
    metrics: Metrics = NO_METRICS,
    owner: str | None = None,
) -> DigestReport:
    """Build, record and (with `send`) deliver a channel's digest (its claims `owner`'s);
    records last_digest_at."""
    channel = _channel(store, channel_id)
    now = now or utcnow()
    (report,) = await _deliver(
        store, [channel], "digest", senders, vocab, now, send, metrics, owner
    )
    return report


def wants_instant(channel: Channel) -> bool:
    return channel.mode != "digest" or any(s.mode != "digest" for s in channel.subscriptions)


async def run_instant(
    store: Store,
    senders: Mapping[str, Sender],
    vocab: Vocabulary,
    now: datetime | None = None,
    *,
    send: bool = True,
    metrics: Metrics = NO_METRICS,
    owner: str | None = None,
) -> list[DigestReport]:
    """Record (and send, its claims `owner`'s) each channel's stories routed to instant
    delivery that are new."""
    channels = [c for c in store.channels() if wants_instant(c)]
    return await _deliver(
        store, channels, "instant", senders, vocab, now or utcnow(), send, metrics, owner
    )


def recover_outbox(store: Store) -> int:
    """At the start of the one process using a SQLite file: every message a dead run left in
    flight may have arrived; each counts an uncertain send (sent once more, marked as a
    possible repeat, or held after its second). Several processes: bot.app.claims."""
    released = store.release_claims()
    if released:
        log.warning(
            "%d message(s) were in flight when the last run stopped: each is sent once more "
            "as a possible repeat, or held after its second uncertain send (newswatch outbox)",
            released,
        )
    return released


def retry_wait(attempts: int, retry_after: float | None) -> float:
    """Seconds before the next attempt: the platform's word, else 5 s doubling to 15 min."""
    if retry_after:
        return float(min(retry_after, MAX_RETRY_WAIT))
    return float(min(5.0 * 2 ** max(0, attempts - 1), MAX_RETRY_WAIT))


def marker_of(m: OutboxMessage) -> str:
    """The message's own id, sent along where the platform keeps it (Slack metadata): the
    same in every process and after a restart or a database copy."""
    return hashlib.sha256(f"{m.channel_id}\n{m.batch}\n{m.seq}".encode()).hexdigest()[:24]


async def flush_outbox(
    store: Store,
    senders: Mapping[str, Sender],
    now: datetime | None = None,
    *,
    limit: int = 500,
    metrics: Metrics = NO_METRICS,
    owner: str | None = None,
    channels: Collection[str] | None = None,
) -> FlushReport:
    """Send due messages: channels in parallel, each channel's messages strictly in order.

    Claims are `owner`'s (bot.app.claims: only its own are released at its stop). With
    `channels` (a deliver process among several), only those, whose leases `owner` holds;
    each claim checks the lease is still its own.
    """
    now = now or utcnow()
    report = FlushReport()
    by_channel: dict[str, list[OutboxMessage]] = {}
    for m in store.due_messages(now, limit):
        if channels is None or m.channel_id in channels:
            by_channel.setdefault(m.channel_id, []).append(m)
    await asyncio.gather(
        *(
            _flush_channel(store, senders, ms, now, report, metrics, owner, channels is not None)
            for ms in by_channel.values()
        )
    )
    metrics.outbox_depth.set(
        sum(n for s, n in store.outbox_counts().items() if s in ("pending", "sending"))
    )
    return report


_WAITING: set[str] = set()  # channels already told their platform has no sender


async def _send_following(
    store: Store,
    sender: Sender,
    m: OutboxMessage,
    payload: Mapping[str, Any],
    now: datetime,
    moved: dict[str, str],
) -> str:
    """Send `m`; when the platform says the chat moved, record the move (in the store, and
    in `moved` for the rest of this flush) and send it once more to the new address."""
    try:
        return await sender.send(m.destination, payload)
    except DestinationMovedError as exc:
        store.move_destination(m.platform, m.destination, exc.new_destination, now)
        log.warning(
            "%s; channel follows it (config files may keep the old id)",
            exc,
            extra={"channel": m.channel_id},
        )
        moved[m.destination] = exc.new_destination
        return await sender.send(exc.new_destination, payload)


async def _look_up(sender: Sender, m: OutboxMessage, marker: str) -> str | bool | None:
    """Before resending an uncertain message: its ref when the platform has it, False when
    the platform says it is not there, None when it cannot tell (or cannot look: only a
    sender that is a SentLookup can)."""
    find = getattr(sender, "find_sent", None)
    if find is None:
        return None
    since = (m.created_at or utcnow()) - timedelta(minutes=1)
    try:
        ref: str | None = await find(m.destination, marker, since.timestamp())
    except DeliveryError as exc:
        log.warning("cannot look message %d up: %s", m.id, exc, extra={"channel": m.channel_id})
        return None
    return ref if ref is not None else False


async def _flush_channel(
    store: Store,
    senders: Mapping[str, Sender],
    messages: list[OutboxMessage],
    now: datetime,
    report: FlushReport,
    metrics: Metrics,
    owner: str | None = None,
    leased: bool = False,
) -> None:
    moved: dict[str, str] = {}  # destinations the platform moved during this flush
    for m in messages:
        if m.destination in moved:
            m = replace(m, destination=moved[m.destination])
        ctx = {"channel": m.channel_id}
        sender = senders.get(m.platform)
        if sender is None:
            # Said once per channel and process: a tokenless platform is a standing state,
            # not news at every flush (the outbox depth metric keeps showing the wait).
            level = logging.DEBUG if m.channel_id in _WAITING else logging.WARNING
            _WAITING.add(m.channel_id)
            log.log(level, "no %s sender configured; messages wait", m.platform, extra=ctx)
            return
        marker = marker_of(m)
        payload: dict[str, Any] = {**m.payload, "marker": marker}
        # an uncertain message is looked up before the claim: a process dying meanwhile
        # leaves it as it was (a claim would count one more uncertain send)
        found = await _look_up(sender, m, marker) if m.uncertain else None
        if not store.claim_message(m.id, now, owner, leased):
            return  # an earlier message is unfinished, or another flusher has the channel
        if m.uncertain:
            if isinstance(found, str):
                store.mark_sent(m.id, found, utcnow())
                report.sent += 1
                report.found += 1
                log.info("message %d had arrived (found by its marker)", m.id, extra=ctx)
                continue
            if found is False:
                store.clear_uncertain(m.id)  # the platform says it is not there
            else:
                channel = store.channel(m.channel_id)
                payload["resent"] = t(channel.language if channel else "en", "message.resent")
        try:
            ref = await _send_following(store, sender, m, payload, now, moved)
        except SendNotStarted as exc:
            store.mark_retry(m.id, str(exc), now)
            return
        except TransientDeliveryError as exc:
            wait = retry_wait(m.attempts + 1, exc.retry_after)
            store.mark_retry(m.id, str(exc), now + timedelta(seconds=wait))
            report.retried += 1
            _count(metrics, "failed", m.platform)
            log.warning("send failed, retry in %.0fs: %s", wait, exc, extra=ctx)
            return
        except PermanentDeliveryError as exc:
            store.mark_retry(m.id, str(exc), now)
            store.pause_channel(m.channel_id, str(exc), now)
            report.paused[m.channel_id] = str(exc)
            _count(metrics, "failed", m.platform)
            log.error("channel paused: %s", exc, extra=ctx)
            return
        except MessageRejectedError as exc:
            store.mark_failed(m.id, str(exc))
            report.failed += 1
            _count(metrics, "failed", m.platform)
            log.error("message %d refused for good: %s", m.id, exc, extra=ctx)
            continue
        except Exception as exc:  # no answer, a bug or an unexpected library error
            if not isinstance(exc, UncertainDeliveryError):
                log.exception("unexpected error sending message %d", m.id, extra=ctx)
            _count(metrics, "failed", m.platform)
            if _uncertain(store, m, str(exc) or type(exc).__name__, now, report):
                continue  # held: the channel goes on
            return
        store.mark_sent(m.id, ref, utcnow())
        report.sent += 1
        _count(metrics, "sent", m.platform)


def _uncertain(
    store: Store, m: OutboxMessage, error: str, now: datetime, report: FlushReport
) -> bool:
    """Record a send with no answer; True when the message is now held for a person."""
    wait = retry_wait(m.attempts + 1, None)
    status = store.mark_uncertain(m.id, error, now + timedelta(seconds=wait))
    report.uncertain += 1
    ctx = {"channel": m.channel_id}
    if status == "uncertain":
        report.held += 1
        log.error(
            "message %d held: no answer twice, it may have arrived (%s); "
            "`newswatch outbox release %d` sends it once more",
            m.id,
            error,
            m.id,
            extra=ctx,
        )
        return True
    log.warning("no answer for message %d (%s): sent once more in %.0fs", m.id, error, wait,
                extra=ctx)  # fmt: skip
    return False


def _count(metrics: Metrics, what: str, platform: str) -> None:
    counter = metrics.deliveries_sent if what == "sent" else metrics.deliveries_failed
    counter.labels(platform=platform).inc()
