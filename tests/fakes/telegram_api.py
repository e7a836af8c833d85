"""A fake Telegram Bot API: POST /bot<token>/<method>, answered like the real one.

Records every call; sendMessage checks parse_mode=HTML text the way Telegram does (400
"can't parse entities", "message is too long") and counts delivered messages in `messages`.
Scripted failures: `fail("sendMessage", 429, retry_after=1)`, `fail(..., 500)`,
`fail(..., 403, description="Forbidden: bot was kicked from the group chat")`,
`fail(..., 400, description="Bad Request: chat not found", only_to="-100")` (times=N).
For chat-command tests: `push_update({...})` queues an update for getUpdates (served with
offset semantics and a short long-poll); `await say(text, ...)` and `await press(data, ...)`
craft a user's message or button press; `admins` answers getChatMember (user id →
"administrator"/"creator", everyone else a member); `of(method)` and `await
wait_for(method, n)` read the record; `results[method] = value` overrides an answer; and
getMe/setMyCommands/deleteWebhook/editMessageText work out of the box. This is the tests'
one fake Bot API (delivery, chat commands and the daemon).
Webhooks as the real API keeps them: setWebhook stores url and secret_token in `webhook`,
deleteWebhook clears it, and getUpdates answers 409 Conflict while one is set.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from typing import Any

from aiohttp import web

from tests.fakes.base import Failure, FakeAPI
from tests.fakes.telegram_html import TelegramHTMLError, parse

_ADMIN_RIGHTS = dict.fromkeys(
    ["can_be_edited", "is_anonymous", "can_post_stories", "can_edit_stories",
     "can_delete_stories"],
    False,
) | dict.fromkeys(
    ["can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
     "can_promote_members", "can_change_info", "can_invite_users"],
    True,
)  # fmt: skip


def text_message(
    text: str, message_id: int, chat: dict[str, Any], user: dict[str, Any]
) -> dict[str, Any]:
    """A Message as Telegram sends it; a leading /command gets its bot_command entity."""
    entities = []
    if text.startswith("/"):
        entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": chat,
        "from": user,
        "text": text,
        "entities": entities,
    }


def _json(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


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

    def __init__(
        self,
        token: str = "123:TEST",
        admins: dict[int, str] | None = None,
        username: str = "newswatch_test_bot",
    ) -> None:
        super().__init__()
        self.token = token
        self.admins = admins or {}  # user id → "administrator" or "creator"
        self.bot_user = {**BOT_USER, "username": username}
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

    async def say(
        self, text: str, chat_id: int = -100, user_id: int = 7, chat_type: str = "group"
    ) -> None:
        """A user's message in a chat; a leading /command gets its bot_command entity."""
        chat = {"id": chat_id, "type": chat_type, "title": "Ops room"}
        user = {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"}
        message_id = 500 + len(self.updates)
        self.push_update({"message": text_message(text, message_id, chat, user)})

    async def press(
        self, data: str, message_id: int, chat_id: int = -100, user_id: int = 7
    ) -> None:
        """A user presses an inline button with callback_data `data` on a bot message."""
        self.push_update(
            {
                "callback_query": {
                    "id": f"cb{len(self.updates) + 1}",
                    "from": {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"},
                    "chat_instance": "ci1",
                    "data": data,
                    "message": {
                        "message_id": message_id,
                        "date": int(time.time()),
                        "chat": {"id": chat_id, "type": "group", "title": "Ops room"},
                        "from": self.bot_user,
                        "text": "(earlier reply)",
                    },
                }
            }
        )

    def of(self, method: str) -> list[dict[str, Any]]:
        """The parameters of every call of `method`, in order, each form value read as JSON
        where it is JSON (python-telegram-bot sends ids and markup that way)."""
        return [{k: _json(v) for k, v in r.params.items()} for r in self.calls(method)]

    async def wait_for(
        self, method: str, count: int, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """The first `count` calls of `method`, once they have arrived."""
        deadline = time.monotonic() + timeout
        while len(self.of(method)) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(self.of(method))} {method} calls, not {count}")
            await asyncio.sleep(0.01)
        return self.of(method)[:count]

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
        return 200, self.bot_user

    async def do_editMessageText(self, params: dict[str, Any]) -> tuple[int, Any]:
        chat_id = params.get("chat_id")
        return 200, {
            "message_id": int(params.get("message_id") or 0),
            "date": int(time.time()),
            "chat": {"id": int(str(chat_id)), "type": "group"},
            "from": self.bot_user,
            "text": params.get("text", ""),
        }

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
            "from": self.bot_user,
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
        user_id = int(params.get("user_id", 0))
        user = {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"}
        status = self.admins.get(user_id, "member")
        if status == "administrator":
            return 200, {"status": status, "user": user, **_ADMIN_RIGHTS}
        if status == "creator":
            return 200, {"status": status, "user": user, "is_anonymous": False}
        return 200, {"status": "member", "user": user}
