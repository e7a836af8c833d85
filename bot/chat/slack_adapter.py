"""Slack's command adapters for the daemon: Socket Mode when SLACK_APP_TOKEN is set, else
signed HTTP requests on slack.host:slack.port.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.chat.adapter import ChatAdapter, serve
from bot.chat.slack_commands import slack_app, slack_socket_mode, slack_web_app
from bot.core.commands import Env
from bot.settings import Secrets, Settings

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


def make_adapter(settings: Settings, secrets: Secrets, env: Env) -> ChatAdapter | None:
    """Slack's command adapter when SLACK_BOT_TOKEN is set: Socket Mode with SLACK_APP_TOKEN,
    else signed HTTP requests with SLACK_SIGNING_SECRET; with neither, sending only."""
    if not secrets.slack_bot_token:
        return None
    if not (secrets.slack_app_token or secrets.slack_signing_secret):
        log.warning(
            "slack: sending only; set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET "
            "(HTTP) to answer /newswatch commands"
        )
        return None
    s = settings.slack
    app = slack_app(
        secrets.slack_bot_token,
        secrets.slack_signing_secret,
        env=env,
        base_url=s.api_base_url,
        admins=list(s.admins),
    )
    if secrets.slack_app_token:
        token = secrets.slack_app_token
        return SlackSocketAdapter(lambda: slack_socket_mode(app, token))
    return SlackHTTPAdapter(slack_web_app(app), s.host, s.port)
