"""Telegram's settings checked together at load (light: no Telegram library imported)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

PUBLIC_API = "https://api.telegram.org/bot"


def check(value: Callable[[str], object]) -> list[tuple[str, str]]:
    """The webhook's URL, which Telegram would refuse only later: the public Bot API takes
    HTTPS only; a self-hosted Bot API server also takes HTTP."""
    url = str(value("telegram.webhook_url"))
    if not url:
        return []
    parts = urlsplit(url)
    public = value("telegram.api_base_url") == PUBLIC_API
    schemes = ("https",) if public else ("https", "http")
    if parts.scheme not in schemes or not parts.hostname:
        return [("telegram.webhook_url", f"expected an {' or '.join(schemes)} URL, got {url!r}")]
    return []
