"""A fake Telegram Bot API: POST /bot<token>/<method>, answered like the real one.

Records every call; sendMessage checks parse_mode=HTML text the way Telegram does (400
"can't parse entities", "message is too long") and counts delivered messages in `messages`.
Scripted failures: `fail("sendMessage", 429, retry_after=1)`, `fail(..., 500)`,
`fail(..., 403, description="Forbidden: bot was kicked from the group chat")`,
`fail(..., 400, description="Bad Request: chat not found", only_to="-100")` (times=N).
For chat-command tests: `push_update({...})` queues an update for getUpdates (served with
offset semantics and a short long-poll), `results[method] = value` overrides an answer
(getChatMember, ...), and getMe/setMyCommands/deleteWebhook work out of the box.
Webhooks as the real API keeps them: setWebhook stores url and secret_token in `webhook`,
deleteWebhook clears it, and getUpdates answers 409 Conflict while one is set.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

from aiohttp import web

from tests.fakes.base import Failure, FakeAPI
from tests.fakes.telegram_html import TelegramHTMLError, parse

BOT_USER = {
    "id": 4242,
    "is_bot": True,
    "first_name": "newswatch",
    "username": "newswatch_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


class FakeTelegram(FakeAPI):
    send_methods = frozenset({"sendMessage"})

    def __init__(self, token: str = "123:TEST") -> None:
        super().__init__()
        self.token = token
        self.results: dict[str, Any] = {}
        self.updates: list[dict[str, Any]] = []
        self.webhook: dict[str, Any] = {}  # url and secret_token of the registered webhook
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def route(self) -> str:
        return "/bot{token}/{method}"

    def destination(self, params: dict[str, Any]) -> Any:
        return params.get("chat_id")

    def push_update(self, update: dict[str, Any]) -> int:
        update = {"update_id": next(self._update_ids), **update}
        with self._lock:
            self.updates.append(update)
        return int(update["update_id"])

    def texts(self, chat_id: str | int | None = None) -> list[str]:
        """Text of every delivered message (to one chat), in order."""
        with self._lock:
            return [
                str(r.params["text"])
                for r in self.messages
                if chat_id is None or str(r.params.get("chat_id")) == str(chat_id)
            ]

    def failure_response(self, failure: Failure) -> web.Response:
        status = failure.status
        description = failure.extra.get("description") or {
            429: "Too Many Requests: retry after {}",
            500: "Internal Server Error",
            403: "Forbidden: bot was kicked from the group chat",
            400: "Bad Request: chat not found",
        }.get(status, "Error")
        body: dict[str, Any] = {"ok": False, "error_code": status}
        if status == 429:
            retry = failure.extra.get("retry_after", 1)
            body["parameters"] = {"retry_after": retry}
            description = description.format(retry)
        if "migrate_to_chat_id" in failure.extra:
            body["parameters"] = {"migrate_to_chat_id": failure.extra["migrate_to_chat_id"]}
        body["description"] = description
        return web.json_response(body, status=status)

    def encode(self, status: int, body: Any) -> web.Response:
        if status != 200:
            return web.json_response(
                {"ok": False, "error_code": status, "description": body}, status=status
            )
        return web.json_response({"ok": True, "result": body})

    async def answer(self, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        if method in self.results:
            value = self.results[method]
            return 200, value(params) if callable(value) else value
        handler = getattr(self, "do_" + method, None)
        if handler is not None:
            result: tuple[int, Any] = await handler(params)
            return result
        return 200, True

    async def do_getMe(self, params: dict[str, Any]) -> tuple[int, Any]:
        return 200, BOT_USER

    async def do_sendMessage(self, params: dict[str, Any]) -> tuple[int, Any]:
        text = str(params.get("text", ""))
        if params.get("parse_mode") == "HTML":
            try:
                visible = parse(text).text
            except TelegramHTMLError as exc:
                return 400, f"Bad Request: {exc}"
        else:
            visible = text
        if not visible.strip():
            return 400, "Bad Request: message text is empty"
        if len(visible.encode("utf-16-le")) // 2 > 4096:
            return 400, "Bad Request: message is too long"
        chat_id = params.get("chat_id")
        chat_type = "supergroup" if str(chat_id).startswith("-") else "private"
        return 200, {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": int(str(chat_id)), "type": chat_type},
            "text": visible,
            "from": BOT_USER,
        }

    async def do_setWebhook(self, params: dict[str, Any]) -> tuple[int, Any]:
        url = str(params.get("url", ""))
        if not url.startswith("https://"):
            return 400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
        with self._lock:
            self.webhook = {"url": url, "secret_token": params.get("secret_token")}
        return 200, True

    async def do_deleteWebhook(self, params: dict[str, Any]) -> tuple[int, Any]:
        with self._lock:
            self.webhook = {}
        return 200, True

    async def do_getUpdates(self, params: dict[str, Any]) -> tuple[int, Any]:
        if self.webhook:
            return 409, (
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first"
            )
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
        while True:
            with self._lock:
                pending = [u for u in self.updates if u["update_id"] >= offset]
            if pending or time.monotonic() >= deadline:
                return 200, pending
            await asyncio.sleep(0.02)

    async def do_getChatMember(self, params: dict[str, Any]) -> tuple[int, Any]:
        user = {"id": int(params.get("user_id", 0)), "is_bot": False, "first_name": "user"}
        return 200, {"status": "member", "user": user}
