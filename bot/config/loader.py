"""The one loader of configuration: the YAML file (or defaults) plus the environment.

Configuration is read once, at the edge, and passed inward as plain values: the typed
`Settings` (table in `bot.settings`), the sources and the channels. Every problem found names
its file, line and column (or `$VAR`), and all of them are reported at once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.config.channels import SubscriptionAt, read_channels
from bot.config.errors import ConfigError
from bot.config.sources import read_sources
from bot.config.values import CONFIG_ENV, read_settings
from bot.core.yamlpos import Document, Problem, YamlFileError, load_document
from bot.models import Channel, Source
from bot.settings import Settings

DEFAULT_CONFIG = "newswatch.yaml"


@dataclass(frozen=True)
class Config:
    file: str  # where it came from ("<defaults>" when no file)
    base_dir: Path  # relative paths resolve against this
    settings: Settings
    sources: tuple[Source, ...] = ()
    channels: tuple[Channel, ...] = ()
    # where the file's subscriptions stand, for check_subscriptions once rules are loaded
    placed_subscriptions: tuple[SubscriptionAt, ...] = field(default=(), compare=False, repr=False)

    @property
    def database(self) -> Path | str:
        """The SQLite file (relative to the configuration file) or a PostgreSQL URL."""
        value = self.settings.database
        return value if value.startswith(("postgresql://", "postgres://")) else self.resolve(value)

    def resolve(self, path: str) -> Path:
        p = Path(path).expanduser()
        return p if p.is_absolute() else self.base_dir / p

    def rule_paths(self) -> list[Path]:
        """Rule files matched by the `rules` globs, sorted, without repeats."""
        found: dict[Path, None] = {}
        for pattern in self.settings.rules:
            p = Path(pattern).expanduser()
            if p.is_absolute():
                matches = sorted(Path(p.anchor).glob(str(p.relative_to(p.anchor))))
            else:
                matches = sorted(self.base_dir.glob(pattern))
            for m in matches:
                if m.is_file():
                    found[m] = None
        return list(found)


def find_config_file(explicit: str | None, env: Mapping[str, str] | None = None) -> Path | None:
    """--config, else $NEWSWATCH_CONFIG, else ./newswatch.yaml if it exists."""
    env = os.environ if env is None else env
    if explicit:
        return Path(explicit)
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV])
    default = Path(DEFAULT_CONFIG)
    return default if default.exists() else None


def load_config(path: Path | None, env: Mapping[str, str] | None = None) -> Config:
    """Read the file (or defaults when `path` is None) and the environment overrides."""
    env = os.environ if env is None else env
    if path is None:
        return _build(Document("<defaults>", {}), Path.cwd(), env)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([Problem(str(path), 1, 1, "configuration file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(str(path), 1, 1, f"cannot read: {exc}")]) from None
    return config_from_text(text, str(path), path.resolve().parent, env)


def config_from_text(text: str, file: str, base_dir: Path, env: Mapping[str, str]) -> Config:
    """Same as load_config for text already in hand (the demo's bundled file, tests)."""
    try:
        doc = load_document(text, file)
    except YamlFileError as exc:
        raise ConfigError(exc.problems) from None
    if doc.value is None:
        doc.value = {}
    return _build(doc, base_dir, env)


def _build(doc: Document, base_dir: Path, env: Mapping[str, str]) -> Config:
    problems: list[Problem] = []
    if not isinstance(doc.value, dict):
        raise ConfigError([doc.problem((), "the top level must be a mapping of keys")])
    settings = read_settings(doc, env, problems)
    sources = read_sources(doc, problems, env)
    placed: list[SubscriptionAt] = []
    channels = read_channels(doc, settings, problems, placed)
    if problems:
        raise ConfigError(problems)
    return Config(doc.file, base_dir, settings, tuple(sources), tuple(channels), tuple(placed))
