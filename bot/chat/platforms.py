"""The platform registry: the one place that names the chat platforms.

Each entry says everything the rest of the tree needs to know about a platform: how to make
its sender (None without its token), its chat command adapter for the daemon, how a digest
is rendered for it, its settings section and the environment variables holding its secrets.
Nothing else in `bot/` writes a platform's name; a test holds that.

Adding a platform: one module with `make_sender` (and `make_adapter` if it answers
commands) and `render`, and one `PlatformEntry(...)` line below (or `register_platform`
from a plugin or a test). The built-in platforms' functions are imported on first use: the
configuration loader reads this registry, and the chat libraries are heavy.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from bot.chat.adapter import ChatAdapter
    from bot.chat.sender import Sender
    from bot.core.commands import Env
    from bot.core.render import Kind, Labels
    from bot.models import Digest
    from bot.settings import Secrets, Settings

# (settings, secrets, stream for text output) → a sender, or None when its token is missing
SenderFactory = Callable[["Settings", "Secrets", TextIO | None], "Sender | None"]
# (settings, secrets, command environment) → the daemon's command adapter, or None
AdapterFactory = Callable[["Settings", "Secrets", "Env"], "ChatAdapter | None"]
# (digest, labels, digest or instant) → the sender's payloads, one per message
Render = Callable[["Digest", "Labels", "Kind"], list[dict[str, Any]]]
# (a setting's value by dotted name) → (setting name, problem) for values that are valid
# one by one but not together; run at load, so it must be light (no chat library)
SettingsCheck = Callable[[Callable[[str], object]], list[tuple[str, str]]]


@dataclass(frozen=True)
class PlatformEntry:
    name: str
    destination_help: str  # what a channel's `destination` is on this platform
    sender: SenderFactory
    render: Render
    adapter: AdapterFactory | None = None  # None: the platform answers no commands
    section: str | None = None  # its settings section (`settings.<section>`), if any
    secrets: tuple[str, ...] = ()  # its environment variables; the first is its send token
    default_destination: str | None = None  # a channel may leave `destination` out
    check: SettingsCheck | None = None  # checks of its settings together, at load


def _lazy(module: str, name: str) -> Any:
    """A function of `module`, imported at its first call."""

    def call(*args: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args)

    call.__qualname__ = f"{module}.{name}"
    return call


PLATFORMS: dict[str, PlatformEntry] = {}


def register_platform(entry: PlatformEntry) -> None:
    """Add (or replace) a platform; the configuration accepts its name from then on."""
    PLATFORMS[entry.name] = entry


for _entry in (
    PlatformEntry(
        "telegram",
        "a Telegram chat id",
        _lazy("bot.chat.telegram", "make_sender"),
        _lazy("bot.chat.telegram", "render"),
        _lazy("bot.chat.telegram_adapter", "make_adapter"),
        section="telegram",
        secrets=("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"),
        check=_lazy("bot.chat.telegram_settings", "check"),
    ),
    PlatformEntry(
        "slack",
        "a Slack channel id",
        _lazy("bot.chat.slack", "make_sender"),
        _lazy("bot.core.render_slack", "render_slack"),
        _lazy("bot.chat.slack_adapter", "make_adapter"),
        section="slack",
        secrets=("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"),
    ),
    PlatformEntry(
        "console",
        "anything (printed to the terminal)",
        _lazy("bot.chat.console", "make_sender"),
        _lazy("bot.chat.console", "render"),
        default_destination="-",
    ),
):
    register_platform(_entry)

DEFAULT_PLATFORM = "console"  # a channel that names no platform


def platform_names() -> tuple[str, ...]:
    return tuple(PLATFORMS)


def platform_of(name: str) -> PlatformEntry:
    """The entry of a platform the configuration accepted (KeyError names an unknown one)."""
    try:
        return PLATFORMS[name]
    except KeyError:
        known = ", ".join(PLATFORMS)
        raise KeyError(f"unknown chat platform {name!r} (known: {known})") from None


def settings_sections() -> tuple[str, ...]:
    """The settings sections that belong to platforms (read at start only)."""
    return tuple(e.section for e in PLATFORMS.values() if e.section)
