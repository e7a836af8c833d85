"""Reading configuration and rules for (re)load, and noticing that their files changed.

A change is seen by polling modification times, sizes and the set of files the rule globs
match (a new rule file counts): no inotify dependency, and it works on bind mounts where
inotify does not. Loading is all-or-nothing: the configuration and every rule file must be
valid together, or `Refused` names every problem and the caller keeps what it had.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.chat.platforms import settings_sections
from bot.config import Config, ConfigError, load_config

if TYPE_CHECKING:
    from bot.core.rules import RuleSet

# Settings only read at start: a reload that changes one says it waits for a restart.
RESTART_ONLY = (
    "database",
    "health.",
    *(f"{section}." for section in settings_sections()),  # the chat platforms' own
    "log.format",
    "stories.",
)

Snapshot = dict[str, tuple[int, int]]


class Refused(Exception):
    """The new files cannot be used; the message lists why."""


@dataclass(frozen=True)
class Loaded:
    config: Config
    rules: RuleSet


def load(config_path: Path | None) -> Loaded:
    """Configuration and rules together, or Refused with every problem."""
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        raise Refused(f"invalid configuration:\n{exc}") from None
    from bot.app.assembly import load_rules  # heavy: after the configuration is known good
    from bot.core.rules import RulesError

    try:
        rules = load_rules(config)
    except RulesError as exc:
        raise Refused(f"invalid rules:\n{exc}") from None
    except ConfigError as exc:
        raise Refused(f"invalid configuration:\n{exc}") from None
    return Loaded(config, rules)


def snapshot(config_path: Path | None, config: Config) -> Snapshot:
    """(mtime_ns, size) of the configuration file and of every rule file the globs match."""
    paths = [*([config_path] if config_path is not None else []), *config.rule_paths()]
    seen: Snapshot = {}
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            seen[str(path)] = (-1, -1)
            continue
        seen[str(path)] = (st.st_mtime_ns, st.st_size)
    return seen


def restart_only_changes(old: Config, new: Config) -> list[str]:
    """Names of changed settings that take effect only at the next start."""
    before = old.settings.flat()
    return [
        name
        for name, value in new.settings.flat().items()
        if before[name] != value
        and any(name == p or (p.endswith(".") and name.startswith(p)) for p in RESTART_ONLY)
    ]
