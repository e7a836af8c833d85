"""The console "platform": plain-text digests printed to a stream (demo, dry runs), or to
the log when the daemon runs (LogStream)."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Mapping
from typing import Any, TextIO

from bot.chat.sender import Sender
from bot.core.render import Kind, Labels, render_plain
from bot.models import Digest
from bot.settings import Secrets, Settings

NAME = "console"


class ConsoleSender:
    platform = NAME

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.count = 0

    async def send(self, destination: str, payload: Mapping[str, Any]) -> str:
        self.count += 1
        self.stream.write(str(payload["text"]).rstrip() + "\n\n")
        self.stream.flush()
        return f"{NAME}:{self.count}"

    async def close(self) -> None:
        return None


class LogStream(io.TextIOBase):
    """Console channels' digests as log records, so the log stays one JSON object a line."""

    def write(self, text: str) -> int:
        if text.strip():
            logging.getLogger("bot.console").info(text.rstrip(), extra={"platform": NAME})
        return len(text)


def make_sender(settings: Settings, secrets: Secrets, stream: TextIO | None) -> Sender:
    """The console always has a sender (to `stream`, stdout by default)."""
    return ConsoleSender(stream)


def render(digest: Digest, labels: Labels, kind: Kind) -> list[dict[str, Any]]:
    return [{"text": render_plain(digest, labels, kind)}]
