"""Telegram updates over a webhook instead of long polling.

Telegram POSTs each update to the public HTTPS URL given to setWebhook; a reverse proxy that
holds the TLS certificate forwards it to this plain-HTTP route. Telegram sends the secret
given to setWebhook in a header on every request; anything without it is refused, so only
Telegram can make the bot act. A valid update is put on the Application's update queue and
answered 200 at once: handlers run in the Application's own task, so a slow command never
makes Telegram wait, time out and send the update again.
"""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web
from telegram import Update

from bot.chat.telegram_commands import TelegramApp

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# All the command handlers read (typed commands and button presses); Telegram sends no other
# kind, which spares the route the rest of a busy group's traffic.
ALLOWED_UPDATES = ("message", "callback_query")


def webhook_app(app: TelegramApp, path: str, secret: str) -> web.Application:
    """An aiohttp application serving POST `path` for the Telegram Application `app`."""
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.debug("telegram webhook: request without the right secret refused")
            return web.Response(status=403, text="forbidden\n")
        try:
            data = json.loads(await request.read())
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            update = Update.de_json(data, app.bot)
        except Exception as exc:  # whatever the body is, the answer is 400, never a crash
            log.warning("telegram webhook: unreadable update refused: %s", exc)
            return web.Response(status=400, text="bad update\n")
        await app.update_queue.put(update)
        return web.Response(text="ok\n")

    web_app = web.Application()
    web_app.router.add_post(path, receive)
    return web_app


async def register(app: TelegramApp, url: str, secret: str) -> None:
    """setWebhook with the secret, at every start: it replaces a secret from a run before,
    and undoes a deleteWebhook that long polling makes when the bot ran without a webhook."""
    await app.bot.set_webhook(url=url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES))
