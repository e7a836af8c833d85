"""Slack's command adapters for the daemon: Socket Mode when SLACK_APP_TOKEN is set, else
signed HTTP requests on slack.host:slack.port.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.chat.adapter import ChatAdapter, serve

log = logging.getLogger(__name__)


class SlackSocketAdapter(ChatAdapter):
    name = "slack"

    def __init__(self, make: Callable[[], Any]) -> None:
        super().__init__()
        self.handler = make()

    async def connect(self) -> None:
        await self.handler.connect_async()

    async def disconnect(self) -> None:
        await self.handler.close_async()

    def check(self) -> tuple[bool, str]:
        client = self.handler.client
        ok = self.connected and not client.closed
        return ok, "socket mode" if ok else "socket mode: not connected"


class SlackHTTPAdapter(ChatAdapter):
    name = "slack"

    def __init__(self, app: web.Application, host: str, port: int) -> None:
        super().__init__()
        self.app, self.host, self.port = app, host, port
        self.runner: web.AppRunner | None = None

    async def connect(self) -> None:
        self.runner = await serve(self.app, self.host, self.port)
        log.info("slack: HTTP endpoint on %s:%d/slack/events", self.host, self.port)

    async def disconnect(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None
