"""Secrets: read from the environment only, never from the file, and never shown.

The value type is `bot.settings.Secrets`; this module reads it and makes the Telegram webhook
secret a process needs when `telegram.webhook_url` is set and none is given.
"""

from __future__ import annotations

import os
import re
import secrets as random_secrets
from collections.abc import Mapping
from dataclasses import replace

from bot.config.errors import ConfigError, env_problem
from bot.settings import Secrets, Settings

SECRET_ENV = (
    "TELEGRAM_BOT_TOKEN",
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "TELEGRAM_WEBHOOK_SECRET",
    "NEWSWATCH_WEB_TOKEN",
)
# A webhook secret: Telegram's alphabet and upper limit, and at least 16 characters, so it is
# not guessable (and long enough for the log redaction to apply).
WEBHOOK_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{16,256}")


def secrets_from_env(env: Mapping[str, str] | None = None) -> Secrets:
    """The tokens in the environment (blank when unset)."""
    env = os.environ if env is None else env
    return Secrets(*(env.get(name, "").strip() for name in SECRET_ENV))


def with_webhook_secret(given: Secrets, settings: Settings) -> Secrets:
    """`given`, with a webhook secret if `telegram.webhook_url` needs one.

    Without TELEGRAM_WEBHOOK_SECRET each process makes a random one: the daemon registers it
    with setWebhook at every start, so nobody else has to know it. Call this before logging
    is set up, so that the made-up secret is redacted like the others.
    """
    if not (given.telegram_bot_token and settings.telegram.webhook_url):
        return given
    secret = given.telegram_webhook_secret
    if not secret:
        return replace(given, telegram_webhook_secret=random_secrets.token_urlsafe(32))
    if not WEBHOOK_SECRET_RE.fullmatch(secret):
        raise ConfigError(
            [
                env_problem(
                    "TELEGRAM_WEBHOOK_SECRET",
                    "expected 16-256 characters of A-Z, a-z, 0-9, _ and -",
                )
            ]
        )
    return given
