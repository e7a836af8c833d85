"""The file's `channels:` list, and the check of its subscriptions against the rules.

A channel's keys are checked at load; whether a subscription names a topic or entity that
exists needs the rules too, so `check_subscriptions` runs where configuration and rules are
loaded together. Only the file's subscriptions are checked: those made in chat live in the
database and were checked by the command that made them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from bot.chat.platforms import DEFAULT_PLATFORM, PLATFORMS, platform_names
from bot.config.entries import entries
from bot.config.values import valid_timezone
from bot.core.cron import crontab_for_apscheduler
from bot.core.i18n import LANGUAGES
from bot.core.yamlpos import Document, Problem
from bot.models import Channel, DeliveryMode, Subscription
from bot.settings import Settings, did_you_mean

if TYPE_CHECKING:
    from bot.config.loader import Config
    from bot.core.rules import RuleSet

CHANNEL_KEYS = {
    "id",
    "platform",
    "destination",
    "subscriptions",
    "mode",
    "schedule",
    "timezone",
    "max_stories",
    "language",
    "show_updates",
}
SETTINGS = ("mode", "schedule", "timezone", "max_stories", "language", "show_updates")
MODES = ("instant", "digest", "both")
TARGET_RE = re.compile(r"@?[a-z0-9][a-z0-9_-]*")


@dataclass(frozen=True)
class SubscriptionAt:
    """Where a subscription of the file stands, for problems found once rules are loaded."""

    channel_id: str
    target: str
    where: str  # channels[i].subscriptions[j]
    file: str
    line: int
    column: int


def read_channels(
    doc: Document, settings: Settings, problems: list[Problem], placed: list[SubscriptionAt]
) -> list[Channel]:
    """The channels of `doc`; `placed` gets the position of every subscription read."""
    channels: list[Channel] = []
    for entry in entries(doc, "channels", "channel", CHANNEL_KEYS, problems):
        item, bad, cid, path, where = entry.item, entry.bad, entry.id, entry.path, entry.where
        platform = item.get("platform", DEFAULT_PLATFORM)
        if platform not in platform_names():
            names = platform_names()
            bad(
                "platform",
                f"must be {_one_of(names)}, got {platform!r}{did_you_mean(str(platform), names)}",
            )
        known = PLATFORMS.get(str(platform))
        destination = item.get("destination", known.default_destination if known else None)
        if destination is None or isinstance(destination, bool | dict | list):
            bad("destination", f"required: {known.destination_help if known else 'an address'}")
        mode = item.get("mode", "digest")
        if mode not in MODES:
            bad("mode", f"must be {_one_of(MODES)}, got {mode!r}")
        schedule = item.get("schedule", "0 8,20 * * *")
        if not isinstance(schedule, str) or not _valid_cron(schedule):
            bad("schedule", f"not a 5-field cron expression: {schedule!r}")
        timezone = item.get("timezone", settings.timezone)
        if not isinstance(timezone, str) or not valid_timezone(timezone):
            bad("timezone", f"unknown timezone {timezone!r}")
        max_stories = item.get("max_stories", 20)
        if not isinstance(max_stories, int) or isinstance(max_stories, bool) or max_stories < 1:
            bad("max_stories", "a whole number of at least 1")
        language = item.get("language", "en")
        if language not in LANGUAGES:
            bad("language", f"must be {_one_of(LANGUAGES)}, got {language!r}")
        show_updates = item.get("show_updates", True)
        if not isinstance(show_updates, bool):
            bad("show_updates", "true or false")
        raw_subs = item.get("subscriptions") or []
        subs = _read_subscriptions(doc, raw_subs, path, where, cid, problems, placed)
        if entry.ok:
            channels.append(
                Channel(
                    id=cid,
                    platform=platform,
                    destination=str(destination),
                    subscriptions=tuple(subs),
                    mode=mode,
                    schedule=str(schedule),
                    timezone=str(timezone),
                    max_stories=int(max_stories),
                    language=language,
                    show_updates=show_updates,
                    stated=frozenset(k for k in SETTINGS if k in item),
                )
            )
    return channels


def _read_subscriptions(
    doc: Document,
    raw: object,
    path: tuple[str | int, ...],
    where: str,
    channel_id: str,
    problems: list[Problem],
    placed: list[SubscriptionAt],
) -> list[Subscription]:
    spath = (*path, "subscriptions")
    if not isinstance(raw, list):
        problems.append(doc.problem(spath, f"{where}.subscriptions: expected a list"))
        return []
    subs: list[Subscription] = []
    for j, sub in enumerate(raw):
        at = f"{where}.subscriptions[{j}]"
        target: object = sub
        mode: object = "digest"
        if isinstance(sub, dict):
            target, mode = sub.get("target"), sub.get("mode", "digest")
        if not isinstance(target, str) or not TARGET_RE.fullmatch(target):
            problems.append(
                doc.problem((*spath, j), f"{at}: a topic id or @entity-id, got {target!r}")
            )
            continue
        if mode not in MODES:
            problems.append(doc.problem((*spath, j), f"{at}.mode: must be {_one_of(MODES)}"))
            continue
        line, column = doc.where((*spath, j))
        placed.append(SubscriptionAt(channel_id, target, at, doc.file, line, column))
        subs.append(Subscription(channel_id, target, cast(DeliveryMode, mode)))
    return subs


def check_subscriptions(config: Config, rules: RuleSet) -> list[Problem]:
    """The file's subscriptions that name no topic or entity of `rules` (with a suggestion)."""
    problems: list[Problem] = []
    for sub in config.placed_subscriptions:
        if sub.target.startswith("@"):
            known, names = sub.target[1:] in rules.entities, [f"@{e}" for e in rules.entities]
            what = "entity"
        else:
            known, names, what = sub.target in rules.topics, list(rules.topics), "topic"
        if not known:
            hint = did_you_mean(sub.target, names)
            problems.append(
                Problem(
                    sub.file,
                    sub.line,
                    sub.column,
                    f"{sub.where}: no {what} {sub.target!r} in the rules{hint}",
                )
            )
    return problems


def _one_of(names: Sequence[str]) -> str:
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]


def _valid_cron(expr: str) -> bool:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(crontab_for_apscheduler(expr), timezone="UTC")
    except ValueError:  # CronError is a ValueError too
        return False
    return True
