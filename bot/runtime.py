"""Assembling a running instance from configuration: rules, store, pipeline, fetcher.

The CLI commands, the demo and the daemon all start the same way; this is that way.
"""

from __future__ import annotations

from datetime import datetime

from bot.config import Config
from bot.core.rules import RuleSet
from bot.pipeline import Pipeline, SourceReport
from bot.rulefiles import load_rule_files
from bot.sources.http import Fetcher, FetchSettings
from bot.store import Store


def load_rules(config: Config) -> RuleSet:
    """The rule files the configuration names (RulesError lists every problem)."""
    return load_rule_files(config.rule_paths())


def prepare_store(config: Config, store: Store) -> None:
    """Mirror configured sources and channels into the database."""
    store.sync_sources(config.sources)
    store.sync_channels(config.channels)


async def fetch_once(
    config: Config, pipeline: Pipeline, now: datetime, only_due: bool = False
) -> list[SourceReport]:
    async with Fetcher(FetchSettings.from_settings(config.settings)) as fetcher:
        return await pipeline.fetch_cycle(fetcher, config.sources, now, only_due=only_due)
