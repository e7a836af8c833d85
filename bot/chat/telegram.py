"""Sending to Telegram through python-telegram-bot's ExtBot.

Limits (Bot API FAQ): about 1 message per second per chat (our own pacing), 20 per minute per
group and 30 per second overall (PTB's AIORateLimiter, which also waits out a RetryAfter and
tries again `max_retries` times). Messages go as parse_mode=HTML with link previews off.
`base_url` lets a self-hosted Bot API server (or the tests' fake) stand in for
api.telegram.org.
"""

from __future__ import annotations

import asyncio
import html
import os
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, TextIO

import httpx
from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
)
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from bot.chat.sender import (
    DestinationMovedError,
    MessageRejectedError,
    PermanentDeliveryError,
    Sender,
    TransientDeliveryError,
    UncertainDeliveryError,
)
from bot.core.render import Kind, Labels, render_telegram
from bot.models import Digest
from bot.settings import Secrets, Settings

# Opt in to PTB's timedelta time periods (read at each use); the int form warns on every
# RetryAfter, and warnings are errors in the tests.
os.environ.setdefault("PTB_TIMEDELTA", "1")

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
# BadRequest descriptions that mean the chat, not the message, is the problem.
CHAT_GONE = (
    "chat not found",
    "not enough rights",
    "have no rights",
    "need administrator rights",
    "bot was kicked",
    "group chat was deactivated",
    "peer_id_invalid",
    "chat_write_forbidden",
)


# httpx errors raised before the request left: nothing can have arrived.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def _no_answer(exc: TelegramError) -> bool:
    """Whether PTB raised this because no answer came back to a request that went out (a
    read timeout, a dropped connection) rather than on an answer or a refused connection."""
    cause = exc.__cause__
    return isinstance(cause, httpx.HTTPError) and not isinstance(cause, NOT_SENT)


def message_text(payload: Mapping[str, Any]) -> str:
    """The HTML text to send: the rendered message, after the resend note if there is one."""
    text = str(payload["text"])
    note = payload.get("resent")
    return f"<i>{html.escape(str(note), quote=False)}</i>\n\n{text}" if note else text


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender:
    platform = "telegram"

    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        per_chat_interval: float = 1.0,
        overall_per_second: float = 30,
        group_per_minute: float = 20,
        max_retries: int = 2,
        timeout: float = 20.0,
    ) -> None:
        request = HTTPXRequest(
            connection_pool_size=8, connect_timeout=timeout, read_timeout=timeout
        )
        self.bot: ExtBot[int] = ExtBot(
            token,
            base_url=base_url,
            request=request,
            get_updates_request=HTTPXRequest(),
            rate_limiter=AIORateLimiter(
                overall_max_rate=overall_per_second,
                group_max_rate=group_per_minute,
                max_retries=max_retries,
            ),
        )
        self.per_chat_interval = per_chat_interval
        self._next_at: dict[str, float] = {}
        self._started = False

    async def start(self) -> None:
        if not self._started:
            try:
                await self.bot.initialize()
            except InvalidToken as exc:
                raise PermanentDeliveryError(f"telegram: token refused: {exc}") from None
            except TelegramError as exc:
                raise TransientDeliveryError(f"telegram: cannot reach the Bot API: {exc}") from None
            self._started = True

    async def _pace(self, chat: str) -> None:
        wait = self._next_at.get(chat, 0.0) - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        self._next_at[chat] = time.monotonic() + self.per_chat_interval

    async def send(self, destination: str, payload: Mapping[str, Any]) -> str:
        await self.start()
        await self._pace(destination)
        try:
            message = await self.bot.send_message(
                chat_id=destination,
                text=message_text(payload),
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except RetryAfter as exc:
            raise TransientDeliveryError(
                f"telegram: flood control: {exc}", retry_after=_seconds(exc.retry_after)
            ) from None
        except ChatMigrated as exc:
            raise DestinationMovedError(
                f"telegram: the group became supergroup {exc.new_chat_id}",
                str(exc.new_chat_id),
            ) from None
        except (Forbidden, InvalidToken) as exc:
            raise PermanentDeliveryError(f"telegram: {exc.message}") from None
        except BadRequest as exc:
            if any(s in exc.message.lower() for s in CHAT_GONE):
                raise PermanentDeliveryError(f"telegram: {exc.message}") from None
            raise MessageRejectedError(f"telegram: {exc.message}") from None
        except TelegramError as exc:  # NetworkError, TimedOut, 5xx
            if _no_answer(exc):
                raise UncertainDeliveryError(f"telegram: no answer: {exc.message}") from None
            raise TransientDeliveryError(f"telegram: {exc.message}") from None
        return f"{message.chat_id}:{message.message_id}"

    async def close(self) -> None:
        if self._started:
            await self.bot.shutdown()
            self._started = False


def make_sender(settings: Settings, secrets: Secrets, stream: TextIO | None) -> Sender | None:
    """A sender when TELEGRAM_BOT_TOKEN is set (the platform registry calls this)."""
    if not secrets.telegram_bot_token:
        return None
    return TelegramSender(secrets.telegram_bot_token, settings.telegram.api_base_url)


def render(digest: Digest, labels: Labels, kind: Kind) -> list[dict[str, Any]]:
    """The digest as sendMessage payloads (HTML text, split at Telegram's length limit)."""
    return [{"text": html} for html in render_telegram(digest, labels, kind)]
