"""Slack chat commands: one slash command, `/newswatch <subcommand> ...`, through slack-bolt.

The listener acks at once (Slack wants an answer within 3 seconds) and answers afterwards
through the command's response_url. Buttons carry the command line to run as their value
and come back as block_actions, which go through the same `execute` and permission check.
Changing commands need a workspace admin or owner (users.info) or a user on the
`slack.admins` allow-list; a direct message with the app is the user's own channel.
Served over HTTP (`slack_web_app`, request signatures verified by bolt: a bad or stale
signature is answered 401 and never reaches a listener) or Socket Mode (`slack_socket_mode`).
Bolt logs request bodies (a rejected request's at INFO: its response_url and legacy
verification token inside); its loggers get a filter that cuts every message at the body.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.commands import Env, Request, changes, execute
from bot.core.commands.render import slack_message
from bot.models import Reply

log = logging.getLogger(__name__)

COMMAND = "/newswatch"
ACTION_RE = re.compile(r"^nw:\d+$")
_BODY_RE = re.compile(r"(?i)\bbody\b\W*|\{")
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class SlackCommands:
    """The listeners' state: the command environment, the allow-list, the clock."""

    def __init__(self, env: Env, admins: Collection[str] = (), clock: Clock = _utcnow) -> None:
        self.env = env
        self.admins = set(admins)
        self.clock = clock

    def install(self, app: AsyncApp) -> None:
        app.command(COMMAND)(self.on_command)
        app.action(ACTION_RE)(self.on_action)
        app.error(self.on_error)

    async def on_command(
        self, ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        line = command.get("text") or "help"
        reply = await self.run(line, command["channel_id"], command["user_id"], client)
        await respond(**_response(reply, line))

    async def on_action(
        self, ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        line = str(body["actions"][0].get("value", ""))
        channel = (body.get("channel") or body.get("container") or {}).get("id") or (
            body.get("container", {}).get("channel_id", "")
        )
        reply = await self.run(line, channel, body["user"]["id"], client)
        if not reply.ok and changes(line):
            # a refusal stays beside the admin's message instead of replacing it
            await respond(replace_original=False, response_type="ephemeral", **slack_message(reply))
            return
        await respond(replace_original=True, **slack_message(reply))

    async def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        log.error("slack listener failed", exc_info=error)

    async def run(self, line: str, channel: str, user: str, client: AsyncWebClient) -> Reply:
        private = channel.startswith("D")
        may_change = private or (changes(line) and await self.is_admin(user, client))
        request = Request(
            "slack", channel, user, may_change, self.clock(), private, user in self.admins
        )
        return await execute(line, request, self.env)

    async def is_admin(self, user: str, client: AsyncWebClient) -> bool:
        if user in self.admins:
            return True
        try:
            info = await client.users_info(user=user)
        except SlackApiError as exc:
            log.warning("users.info failed for %s: %s", user, exc.response.get("error"))
            return False
        profile = info.get("user") or {}
        return bool(profile.get("is_admin") or profile.get("is_owner"))


def _response(reply: Reply, line: str) -> dict[str, Any]:
    """Successful changes are shown to the channel; everything else only to the asker."""
    visible = reply.ok and changes(line)
    return {"response_type": "in_channel" if visible else "ephemeral", **slack_message(reply)}


class NoRequestBodies(logging.Filter):
    """Cuts a bolt log message where a request body (or any dict dump) begins."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cut = _BODY_RE.search(message)
        if cut is not None:
            record.msg = message[: cut.end() if cut.group() != "{" else cut.start()]
            record.msg += "[request body not logged]"
            record.args = ()
        return True


def bolt_logger() -> logging.Logger:
    """The base logger handed to bolt: it copies this filter onto every logger it makes."""
    logger = logging.getLogger("bot.chat.slack_bolt")
    if not any(isinstance(f, NoRequestBodies) for f in logger.filters):
        logger.addFilter(NoRequestBodies())
    return logger


def slack_app(
    token: str,
    signing_secret: str,
    *,
    env: Env,
    base_url: str = "https://slack.com/api/",
    admins: Collection[str] = (),
    clock: Clock = _utcnow,
) -> AsyncApp:
    """The slack-bolt AsyncApp answering `/newswatch`; serve it with `slack_web_app` or
    `slack_socket_mode`."""
    client = AsyncWebClient(token=token, base_url=base_url)
    # the client carries the token; the logger keeps request bodies out of the log
    app = AsyncApp(client=client, signing_secret=signing_secret, logger=bolt_logger())
    SlackCommands(env, admins, clock).install(app)
    return app


def slack_web_app(app: AsyncApp, path: str = "/slack/events") -> web.Application:
    """HTTP mode: an aiohttp application for slash commands and interactivity at `path`."""
    return app.web_app(path=path)


def slack_socket_mode(app: AsyncApp, app_token: str) -> AsyncSocketModeHandler:
    """Socket Mode (no public URL): `await handler.connect_async()` in the daemon's loop."""
    return AsyncSocketModeHandler(app, app_token)
