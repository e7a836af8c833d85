"""The platform registry: the one place that names the chat platforms.

Skeleton for the structure work: each entry will name its sender, chat adapter, renderer,
settings and secrets. Everything else asks this module instead of writing a platform's name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlatformEntry:
    name: str
    destination_help: str  # what a channel's `destination` is on this platform


PLATFORMS: dict[str, PlatformEntry] = {
    entry.name: entry
    for entry in (
        PlatformEntry("telegram", "a Telegram chat id"),
        PlatformEntry("slack", "a Slack channel id"),
        PlatformEntry("console", "anything (printed to the terminal)"),
    )
}


def platform_names() -> tuple[str, ...]:
    return tuple(PLATFORMS)
