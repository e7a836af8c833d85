"""Configuration: the YAML file and the environment, read once and checked at load.

`loader` reads the file and the environment into a `Config`; `values` checks each setting
against the table in `bot.settings`; `sources` and `channels` read those lists; `secrets`
reads the tokens (environment only). Adapters never import this package: they take
`bot.settings` values.
"""

from __future__ import annotations

from bot.config.channels import CHANNEL_KEYS, check_subscriptions
from bot.config.errors import ConfigError
from bot.config.loader import Config, config_from_text, find_config_file, load_config
from bot.config.readme import settings_markdown
from bot.config.secrets import SECRET_ENV, secrets_from_env, with_webhook_secret
from bot.config.sources import SOURCE_KEYS
from bot.settings import SETTINGS, SETTINGS_BY_NAME, Secrets, Settings, parse_duration

__all__ = [
    "CHANNEL_KEYS",
    "SECRET_ENV",
    "SETTINGS",
    "SETTINGS_BY_NAME",
    "SOURCE_KEYS",
    "Config",
    "ConfigError",
    "Secrets",
    "Settings",
    "check_subscriptions",
    "config_from_text",
    "find_config_file",
    "load_config",
    "parse_duration",
    "secrets_from_env",
    "settings_markdown",
    "with_webhook_secret",
]
