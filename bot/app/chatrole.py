"""`newswatch run --role chat`: the chat command adapters in a process of their own.

Telegram long polling admits exactly one poller per bot token (a second getUpdates gets 409
Conflict, and the two would steal each other's updates), so the poller holds the
POLLING_LEAD advisory lock: a second chat process stands by, says so in its log and on
/healthz, and takes polling over within STANDBY_POLL seconds of the first one's death (the
server frees the lock with its connection). A Telegram webhook and Slack need no lead:
several chat processes may serve them behind a load balancer (Slack's Socket Mode hands
each event to one of the open connections).

A digest asked for in chat is recorded in the outbox, which the deliver role sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.app.assembly import build_pipeline, chat_adapters
from bot.app.deliver import Vocabulary, run_digest
from bot.app.reload import Loaded
from bot.app.rolehealth import RoleStatus
from bot.app.roles import STANDBY_POLL, _following, _pause
from bot.app.sourceadd import source_adder
from bot.chat.adapter import ChatAdapter
from bot.chat.telegram_adapter import TelegramAdapter
from bot.config import Config, Secrets, with_webhook_secret
from bot.core.commands import Env
from bot.core.rules import RuleSet
from bot.models import Channel
from bot.store import Store

log = logging.getLogger(__name__)

POLLING_LEAD = "chat:telegram-polling"  # advisory lock name: the one Telegram poller


async def chat_role(
    config: Config,
    loaded: Loaded,
    store: Store,
    stop: asyncio.Event,
    secrets: Secrets,
    status: RoleStatus,
) -> None:
    """Serve the chat commands until `stop`; Telegram polling only while holding the lead."""
    pipeline = build_pipeline(store, loaded.rules, config.settings, rebuild=False)
    vocabs: dict[str, Vocabulary] = {}

    def use(rules: RuleSet) -> None:
        pipeline.set_rules(rules)
        vocabs["now"] = Vocabulary.from_rules(rules)

    follower, look = _following(store, loaded.rules, use)
    use(follower.rules)

    async def digest_now(channel: Channel) -> int:
        return (await run_digest(store, channel.id, {}, vocabs["now"], send=False)).stories

    env = Env(
        store=store,
        rules=lambda: pipeline.rules,
        matcher=lambda: pipeline.matcher,
        digest_now=digest_now,
        rules_changed=lambda: look(True),
        timezone=config.settings.timezone,
        add_source=source_adder(store, lambda: config),
    )
    secrets = with_webhook_secret(secrets, config.settings)

    def build() -> tuple[list[ChatAdapter], TelegramAdapter | None]:
        adapters = chat_adapters(config.settings, secrets, env)
        polling = [a for a in adapters if isinstance(a, TelegramAdapter)]
        return [a for a in adapters if a not in polling], (polling[0] if polling else None)

    others, poller = build()
    if not others and poller is None:
        log.warning("chat role without chat tokens: nothing to serve")
    for adapter in others:
        adapter.start()
    status.checks.update({a.name: a.check for a in others})
    polling = False
    said_standby = False
    try:
        while not stop.is_set():
            look(False)
            if poller is not None:
                lead = store.hold_lead(POLLING_LEAD)
                if lead and not polling:
                    log.info("chat: Telegram polling (this process holds the polling lead)")
                    poller.start()
                    status.checks[poller.name] = poller.check
                    polling, said_standby = True, False
                elif not lead and polling:
                    log.warning("chat: lost the Telegram polling lead; polling stops")
                    await poller.stop()
                    _, poller = build()  # a fresh application for the next time
                    polling = False
                if not lead and not said_standby:
                    log.info(
                        "chat: standing by for Telegram polling: another chat process polls "
                        "(exactly one may poll a bot token)"
                    )
                    said_standby = True
            served = [a.name for a in others] + (["telegram polling"] if polling else [])
            if poller is not None and not polling:
                status.beat("standby", "another chat process polls Telegram")
            else:
                status.beat("active" if served else "idle", ", ".join(served))
            await _pause(stop, STANDBY_POLL)
    finally:
        running = [*others, *([poller] if polling and poller is not None else [])]
        with contextlib.suppress(Exception):
            await asyncio.gather(*(a.stop() for a in running))
