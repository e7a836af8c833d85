"""The daemon's chat side: command adapters that run in its loop, and the delivery gate.

Telegram answers commands by long polling, or through a webhook on
`telegram.webhook_host:telegram.webhook_port` when `telegram.webhook_url` is set; Slack by
Socket Mode when SLACK_APP_TOKEN is set, else over HTTP (signed requests) on
`slack.host:slack.port`. An adapter that cannot connect
at start keeps retrying in the background, and /readyz says it is not connected meanwhile:
a Telegram outage must not stop fetching or digests.

The gate wraps every sender so that shutdown can "stop taking work": once closed, a send
that has not begun never starts (it waits until cancelled, its message still claimed, and
the daemon puts it back to pending), while sends already on the wire are counted so the
daemon can wait for them to be confirmed and marked sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any

from aiohttp import web

from bot.chat.sender import Sender
from bot.chat.slack_commands import slack_app, slack_socket_mode, slack_web_app
from bot.chat.telegram_commands import TelegramApp, publish, telegram_application
from bot.chat.telegram_webhook import register, webhook_app
from bot.config import Config, Secrets
from bot.core.commands import Env

log = logging.getLogger(__name__)
RETRY_MAX = 60.0


class GatedSender:
    """A sender that refuses to start new sends once the gate closes."""

    def __init__(self, inner: Sender, gate: Gate) -> None:
        self.inner = inner
        self.platform = inner.platform
        self.gate = gate

    async def send(self, destination: str, payload: Mapping[str, Any]) -> str:
        if self.gate.closed:
            await asyncio.Event().wait()  # parked until shutdown cancels the job
        self.gate.inflight += 1
        try:
            return await self.inner.send(destination, payload)
        finally:
            self.gate.inflight -= 1

    async def close(self) -> None:
        await self.inner.close()


class Gate:
    def __init__(self) -> None:
        self.closed = False
        self.inflight = 0

    def wrap(self, senders: Mapping[str, Sender]) -> dict[str, Sender]:
        return {name: GatedSender(s, self) for name, s in senders.items()}


class LogStream(io.TextIOBase):
    """Console channels' digests as log records, so the log stays one JSON object a line."""

    def write(self, text: str) -> int:
        if text.strip():
            logging.getLogger("bot.console").info(text.rstrip(), extra={"platform": "console"})
        return len(text)


class ChatAdapter:
    """One command adapter: connect (retrying in the background), report, disconnect."""

    name = ""

    def __init__(self) -> None:
        self.connected = False
        self._task: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        raise NotImplementedError

    async def disconnect(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        self._task = asyncio.create_task(self._connect_loop(), name=f"connect-{self.name}")

    async def _connect_loop(self) -> None:
        wait = 2.0
        while True:
            try:
                await self.connect()
            except Exception as exc:
                log.warning("%s: cannot connect, retrying in %.0fs: %s", self.name, wait, exc)
                await asyncio.sleep(wait)
                wait = min(wait * 2, RETRY_MAX)
                continue
            self.connected = True
            log.info("%s: connected", self.name)
            return

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.connected:
            self.connected = False
            try:
                await self.disconnect()
            except Exception as exc:  # shutting down anyway; say so and go on
                log.warning("%s: error while disconnecting: %s", self.name, exc)

    def check(self) -> tuple[bool, str]:
        return self.connected, "connected" if self.connected else "not connected"


class TelegramAdapter(ChatAdapter):
    name = "telegram"

    def __init__(self, app: TelegramApp) -> None:
        super().__init__()
        self.app = app

    async def connect(self) -> None:
        await self.app.initialize()  # getMe: the token works and the API answers
        try:
            await publish(self.app)
        except Exception as exc:  # the command menu is a nicety; commands work without it
            log.warning("telegram: setMyCommands failed: %s", exc)
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(timeout=timedelta(seconds=10))

    async def disconnect(self) -> None:
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()

    def check(self) -> tuple[bool, str]:
        polling = self.app.updater is not None and self.app.updater.running
        return polling, "polling" if polling else "not connected"


async def serve(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Serve `app` on host:port; nothing is left half set up when the port is taken."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError:
        await runner.cleanup()
        raise
    return runner


class TelegramWebhookAdapter(ChatAdapter):
    """Telegram through a webhook: the route listens first, then setWebhook points Telegram
    at it; until setWebhook succeeds the whole connect is retried and /readyz says so.

    Stopping leaves the webhook registered: Telegram holds updates for a restarting
    container (up to a day) and delivers them when the route answers again, and the next
    start registers it anew. Switching back to long polling deletes it (python-telegram-bot
    calls deleteWebhook before it polls).
    """

    name = "telegram"

    def __init__(
        self, app: TelegramApp, url: str, secret: str, host: str, port: int, path: str
    ) -> None:
        super().__init__()
        self.app, self.url, self.secret = app, url, secret
        self.host, self.port, self.path = host, port, path
        self.runner: web.AppRunner | None = None
        self._published = False

    async def connect(self) -> None:
        await self.app.initialize()  # getMe: the token works and the API answers
        if not self._published:
            try:
                await publish(self.app)
            except Exception as exc:  # the command menu is a nicety; commands work without it
                log.warning("telegram: setMyCommands failed: %s", exc)
            self._published = True
        if not self.app.running:
            await self.app.start()  # the task that takes updates off the queue
        if self.runner is None:
            web_app = webhook_app(self.app, self.path, self.secret)
            self.runner = await serve(web_app, self.host, self.port)
            log.info("telegram: webhook endpoint on %s:%d%s", self.host, self.port, self.path)
        await register(self.app, self.url, self.secret)

    async def disconnect(self) -> None:
        """Idempotent, and also undoes a connect that was cut short."""
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None
        if self.app.running:
            await self.app.stop()  # handles the updates already queued, then stops
        await self.app.shutdown()

    async def stop(self) -> None:
        await super().stop()
        try:
            await self.disconnect()  # a no-op after a clean disconnect
        except Exception as exc:
            log.warning("%s: error while disconnecting: %s", self.name, exc)

    def check(self) -> tuple[bool, str]:
        return self.connected, "webhook" if self.connected else "webhook: not registered"


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


def chat_adapters(config: Config, secrets: Secrets, env: Env) -> list[ChatAdapter]:
    """The command adapters the tokens allow (none: console channels only)."""
    s = config.settings
    adapters: list[ChatAdapter] = []
    if secrets.telegram_bot_token:
        url = s.get_str("telegram.webhook_url")
        app = telegram_application(
            secrets.telegram_bot_token,
            env=env,
            base_url=s.get_str("telegram.api_base_url"),
            admins=s.get_list("telegram.admins"),
            publish_commands=False,
            polling=not url,
        )
        if url:
            # `newswatch run` completes the secrets before logging starts, so a made-up
            # secret is redacted too; this only covers callers that did not.
            secret = secrets.for_webhook(s).telegram_webhook_secret
            adapters.append(
                TelegramWebhookAdapter(
                    app,
                    url,
                    secret,
                    s.get_str("telegram.webhook_host"),
                    s.get_int("telegram.webhook_port"),
                    s.get_str("telegram.webhook_path"),
                )
            )
        else:
            adapters.append(TelegramAdapter(app))
    if secrets.slack_bot_token:
        if not (secrets.slack_app_token or secrets.slack_signing_secret):
            log.warning(
                "slack: sending only; set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET "
                "(HTTP) to answer /newswatch commands"
            )
        else:
            app_ = slack_app(
                secrets.slack_bot_token,
                secrets.slack_signing_secret,
                env=env,
                base_url=s.get_str("slack.api_base_url"),
                admins=s.get_list("slack.admins"),
            )
            if secrets.slack_app_token:
                token = secrets.slack_app_token
                adapters.append(SlackSocketAdapter(lambda: slack_socket_mode(app_, token)))
            else:
                adapters.append(
                    SlackHTTPAdapter(
                        slack_web_app(app_), s.get_str("slack.host"), s.get_int("slack.port")
                    )
                )
    return adapters


async def bounded(what: str, step: Awaitable[object], seconds: float) -> None:
    """Run one shutdown step, giving up (with a log line) after `seconds`."""
    try:
        await asyncio.wait_for(step, seconds)
    except TimeoutError:
        log.warning("%s did not finish within %.0fs; going on", what, seconds)
    except Exception as exc:
        log.warning("%s failed: %s", what, exc)
