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

from bot.app.chatrules import ChatRulesFollower
from bot.app.ingest import CycleProgress, Pipeline, SourceReport
from bot.app.metrics import NO_METRICS, Metrics
from bot.app.rulefiles import load_rule_files
from bot.app.sourcelist import running_sources
from bot.chat.adapter import ChatAdapter
from bot.chat.platforms import PLATFORMS
from bot.chat.sender import Sender
from bot.config import (
    Config,
    ConfigError,
    Secrets,
    Settings,
    check_subscriptions,
    with_webhook_secret,
)
from bot.core.commands import Env
from bot.core.rules import RulesError, RuleSet
from bot.core.yamlpos import Problem
from bot.models import Source
from bot.sources.http import Fetcher, FetchSettings
from bot.sources.parsepool import ParsePool
from bot.store import Store
from bot.store import open_store as _open_store

log = logging.getLogger(__name__)


def load_rules(config: Config) -> RuleSet:
    """The rule files the configuration names, checked against the file's subscriptions.

    RulesError lists every problem of the rule files, and names globs that match no file (a
    typo would leave a bot that matches nothing, silently; `rules: []` says so on purpose);
    ConfigError every subscription of the configuration file that names no topic or entity.
    """
    paths = config.rule_paths()
    if config.settings.rules and not paths:  # `rules: []` is a deliberate "no rule files"
        globs = ", ".join(config.settings.rules)
        where = f"rules: no rule file matches {globs} (relative to {config.base_dir})"
        raise RulesError([Problem(config.file, 1, 1, where)])
    rules = load_rule_files(paths)
    problems = check_subscriptions(config, rules)
    if problems:
        raise ConfigError(problems)
    return rules


def open_store(database: str | Path) -> Store:
    """The database at a file path or URL (StoreError when it cannot be used)."""
    return _open_store(database)


def prepare_store(config: Config, store: Store) -> None:
    """Mirror configured sources and channels into the database."""
    store.sync_sources(config.sources)
    store.sync_channels(config.channels)


def build_pipeline(
    store: Store,
    rules: RuleSet,
    settings: Settings,
    metrics: Metrics = NO_METRICS,
    *,
    rebuild: bool = True,
) -> Pipeline:
    """The fetch job's orchestrator over `store` (with `rebuild`, the story index is filled
    and what a crash left finished, see ingest; off for processes that do not analyse)."""
    return Pipeline(store, rules, settings, metrics, rebuild=rebuild)


@dataclass
class Instance:
    """An assembled newswatch: configuration, rules (the files' and chat's), an open store
    and its pipeline; `chat_rules` follows the rules made in chat."""

    config: Config
    rules: RuleSet
    store: Store
    pipeline: Pipeline
    chat_rules: ChatRulesFollower

    def close(self) -> None:
        self.store.close()


def assemble(
    config: Config,
    database: Path | str,
    rules: RuleSet | None = None,
    metrics: Metrics = NO_METRICS,
) -> Instance:
    """Open the store at `database`, mirror the configuration into it and build the pipeline.

    `rules` defaults to the configuration's rule files (RulesError, ConfigError: see
    load_rules); the rules made in chat are merged in from the store. The store is closed
    again if anything after opening it fails.
    """
    rules = load_rules(config) if rules is None else rules
    store = open_store(database)
    try:
        prepare_store(config, store)
        follower = ChatRulesFollower(store, rules)
        pipeline = build_pipeline(store, follower.rules, config.settings, metrics)
    except BaseException:
        store.close()
        raise
    return Instance(config, follower.rules, store, pipeline, follower)


def make_fetcher(settings: FetchSettings) -> Fetcher:
    return Fetcher(settings)


async def fetch_once(
    instance: Instance,
    now: datetime,
    only_due: bool = False,
    progress: CycleProgress | None = None,
) -> list[SourceReport]:
    """One fetch cycle over every running source, configured or added to the database
    (with `only_due`, those due a check); `progress` is told the number of sources, then
    each one done."""
    running = active_sources(instance.config, instance.store)
    chosen = instance.pipeline.sources_to_fetch(running, now, only_due)
    settings = FetchSettings.from_settings(instance.config.settings.fetch)
    with ParsePool(instance.config.settings.fetch.parse_workers) as pool:
        async with make_fetcher(settings) as fetcher:
            return await instance.pipeline.fetch_cycle(
                fetcher, chosen, now, pool=pool, progress=progress
            )


def active_sources(config: Config, store: Store) -> list[Source]:
    """The running sources (bot.app.sourcelist): configured and database-only ones, enabled
    by their settings and not paused by a person."""
    return running_sources(config.sources, store)


def make_senders(
    settings: Settings, secrets: Secrets, stream: TextIO | None = None
) -> dict[str, Sender]:
    """One sender per registered platform that can send (has its token; the console always)."""
    senders: dict[str, Sender] = {}
    for name, entry in PLATFORMS.items():
        sender = entry.sender(settings, secrets, stream)
        if sender is not None:
            senders[name] = sender
    return senders


async def close_senders(senders: Mapping[str, Sender]) -> None:
    for sender in senders.values():
        await sender.close()


def chat_adapters(settings: Settings, secrets: Secrets, env: Env) -> list[ChatAdapter]:
    """The command adapters the tokens allow (none: console channels only)."""
    # a webhook needs its secret; `newswatch run` makes it before logging starts (so a
    # made-up one is redacted too), this covers callers that did not
    secrets = with_webhook_secret(secrets, settings)
    adapters: list[ChatAdapter] = []
    for entry in PLATFORMS.values():
        adapter = entry.adapter(settings, secrets, env) if entry.adapter else None
        if adapter is not None:
            adapters.append(adapter)
    return adapters
