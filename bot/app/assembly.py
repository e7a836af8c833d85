"""Assembling a running newswatch: the one place that builds the store, the rules, the
pipeline, the senders, the chat adapters and the fetcher.

The CLI commands, the demo, `eval` and the daemon all start the same way; this is that way.
`Store` and `Pipeline` are constructed here and nowhere else in `bot/`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.app.ingest import Pipeline, SourceReport
from bot.app.metrics import NO_METRICS, Metrics
from bot.app.rulefiles import load_rule_files
from bot.chat.adapter import ChatAdapter
from bot.chat.console import ConsoleSender
from bot.chat.sender import Sender
from bot.chat.slack import SlackSender
from bot.chat.telegram import TelegramSender
from bot.config import Config, Secrets, Settings, with_webhook_secret
from bot.core.commands import Env
from bot.core.rules import RuleSet
from bot.models import Source
from bot.sources.http import Fetcher, FetchSettings
from bot.store import Store
from bot.store import open_store as _open_store

log = logging.getLogger(__name__)


def load_rules(config: Config) -> RuleSet:
    """The rule files the configuration names (RulesError lists every problem)."""
    return load_rule_files(config.rule_paths())


def open_store(database: str | Path) -> Store:
    """The database at a file path or URL (StoreError when it cannot be used)."""
    return _open_store(database)


def prepare_store(config: Config, store: Store) -> None:
    """Mirror configured sources and channels into the database."""
    store.sync_sources(config.sources)
    store.sync_channels(config.channels)


def build_pipeline(
    store: Store, rules: RuleSet, settings: Settings, metrics: Metrics = NO_METRICS
) -> Pipeline:
    """The fetch job's orchestrator over `store` (finishes what a crash left, see ingest)."""
    return Pipeline(store, rules, settings, metrics)


@dataclass
class Instance:
    """An assembled newswatch: configuration, rules, an open store and its pipeline."""

    config: Config
    rules: RuleSet
    store: Store
    pipeline: Pipeline

    def close(self) -> None:
        self.store.close()


def assemble(
    config: Config,
    database: Path | str,
    rules: RuleSet | None = None,
    metrics: Metrics = NO_METRICS,
) -> Instance:
    """Open the store at `database`, mirror the configuration into it and build the pipeline.

    `rules` defaults to the configuration's rule files (RulesError lists every problem); the
    store is closed again if anything after opening it fails.
    """
    rules = load_rules(config) if rules is None else rules
    store = open_store(database)
    try:
        prepare_store(config, store)
        pipeline = build_pipeline(store, rules, config.settings, metrics)
    except BaseException:
        store.close()
        raise
    return Instance(config, rules, store, pipeline)


def make_fetcher(settings: FetchSettings) -> Fetcher:
    return Fetcher(settings)


async def fetch_once(
    instance: Instance, now: datetime, only_due: bool = False
) -> list[SourceReport]:
    """One fetch cycle over the configured sources (with `only_due`, those due a check)."""
    chosen = instance.pipeline.sources_to_fetch(instance.config.sources, now, only_due)
    async with make_fetcher(FetchSettings.from_settings(instance.config.settings.fetch)) as fetcher:
        return await instance.pipeline.fetch_cycle(fetcher, chosen, now)


def active_sources(config: Config, store: Store) -> list[Source]:
    """Configured sources and those added to the database (OPML), enabled ones only."""
    return [s for s in store.active_sources(config.sources) if s.enabled]


def make_senders(
    config: Config, secrets: Secrets, stream: TextIO | None = None
) -> dict[str, Sender]:
    """One sender per platform that has a token; the console always."""
    senders: dict[str, Sender] = {"console": ConsoleSender(stream)}
    if secrets.telegram_bot_token:
        senders["telegram"] = TelegramSender(
            secrets.telegram_bot_token, config.settings.telegram.api_base_url
        )
    if secrets.slack_bot_token:
        senders["slack"] = SlackSender(secrets.slack_bot_token, config.settings.slack.api_base_url)
    return senders


async def close_senders(senders: Mapping[str, Sender]) -> None:
    for sender in senders.values():
        await sender.close()


def chat_adapters(config: Config, secrets: Secrets, env: Env) -> list[ChatAdapter]:
    """The command adapters the tokens allow (none: console channels only)."""
    # the command frameworks are heavy imports; only the daemon needs them
    from bot.chat.slack_adapter import SlackHTTPAdapter, SlackSocketAdapter
    from bot.chat.slack_commands import slack_app, slack_socket_mode, slack_web_app
    from bot.chat.telegram_adapter import TelegramAdapter, TelegramWebhookAdapter
    from bot.chat.telegram_commands import telegram_application

    s = config.settings
    adapters: list[ChatAdapter] = []
    if secrets.telegram_bot_token:
        url = s.telegram.webhook_url
        app = telegram_application(
            secrets.telegram_bot_token,
            env=env,
            base_url=s.telegram.api_base_url,
            admins=list(s.telegram.admins),
            publish_commands=False,
            polling=not url,
        )
        if url:
            # `newswatch run` completes the secrets before logging starts, so a made-up
            # secret is redacted too; this only covers callers that did not.
            secret = with_webhook_secret(secrets, s).telegram_webhook_secret
            adapters.append(
                TelegramWebhookAdapter(
                    app,
                    url,
                    secret,
                    s.telegram.webhook_host,
                    s.telegram.webhook_port,
                    s.telegram.webhook_path,
                )
            )
        else:
            adapters.append(TelegramAdapter(app))
    if secrets.slack_bot_token:
        if not (secrets.slack_app_token or secrets.slack_signing_secret):
            log.warning(
                "slack: sending only; set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET "
                "(HTTP) to answer /newswatch commands"
            )
        else:
            app_ = slack_app(
                secrets.slack_bot_token,
                secrets.slack_signing_secret,
                env=env,
                base_url=s.slack.api_base_url,
                admins=list(s.slack.admins),
            )
            if secrets.slack_app_token:
                token = secrets.slack_app_token
                adapters.append(SlackSocketAdapter(lambda: slack_socket_mode(app_, token)))
            else:
                adapters.append(SlackHTTPAdapter(slack_web_app(app_), s.slack.host, s.slack.port))
    return adapters
