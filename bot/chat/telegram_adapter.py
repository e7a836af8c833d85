"""Telegram's command adapters for the daemon: long polling, or a webhook when
`telegram.webhook_url` is set (the route listens on telegram.webhook_host:webhook_port).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from aiohttp import web

from bot.chat.adapter import ChatAdapter, serve
from bot.chat.telegram_commands import TelegramApp, publish, telegram_application
from bot.chat.telegram_webhook import register, webhook_app
from bot.core.commands import Env
from bot.settings import Secrets, Settings

log = logging.getLogger(__name__)


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


def make_adapter(settings: Settings, secrets: Secrets, env: Env) -> ChatAdapter | None:
    """Telegram's command adapter when TELEGRAM_BOT_TOKEN is set: a webhook when
    `telegram.webhook_url` is set (the secrets must carry the webhook secret by then), else
    long polling."""
    if not secrets.telegram_bot_token:
        return None
    s = settings.telegram
    url = s.webhook_url
    app = telegram_application(
        secrets.telegram_bot_token,
        env=env,
        base_url=s.api_base_url,
        admins=list(s.admins),
        publish_commands=False,
        polling=not url,
    )
    if not url:
        return TelegramAdapter(app)
    secret = secrets.telegram_webhook_secret
    return TelegramWebhookAdapter(app, url, secret, s.webhook_host, s.webhook_port, s.webhook_path)
