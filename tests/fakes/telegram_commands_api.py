"""A fake Telegram Bot API on 127.0.0.1 for the chat-command tests.

It serves crafted updates through getUpdates (long polling, as the real API does), records
every call with its decoded parameters, and answers getChatMember from a table of admins.
python-telegram-bot posts form fields whose values are JSON; they are decoded here.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT = {"id": 4242, "is_bot": True, "first_name": "Newswatch", "username": "nwbot"}
_ADMIN_RIGHTS = dict.fromkeys(
    [
        "can_be_edited",
        "is_anonymous",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
    ],
    False,
) | dict.fromkeys(
    [
        "can_manage_chat",
        "can_delete_messages",
        "can_manage_video_chats",
        "can_restrict_members",
        "can_promote_members",
        "can_change_info",
        "can_invite_users",
    ],
    True,
)


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


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class FakeTelegram:
    """Start with `await fake.start()`; `base_url` is what the bot's base_url setting takes."""

    admins: dict[int, str] = field(default_factory=dict)  # user id → "administrator"/"creator"
    calls: list[Call] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(500))
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # crafting updates -------------------------------------------------------------------
    async def push(self, update: dict[str, Any]) -> None:
        async with self._changed:
            self.updates.append({"update_id": next(self._ids), **update})
            self._changed.notify_all()

    async def say(
        self, text: str, chat_id: int = -100, user_id: int = 7, chat_type: str = "group"
    ) -> None:
        """A user's message; a leading /command gets its bot_command entity."""
        chat = {"id": chat_id, "type": chat_type, "title": "Ops room"}
        user = {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"}
        await self.push({"message": text_message(text, next(self._message_ids), chat, user)})

    async def press(
        self, data: str, message_id: int, chat_id: int = -100, user_id: int = 7
    ) -> None:
        """A user presses an inline button with callback_data `data` on a bot message."""
        await self.push(
            {
                "callback_query": {
                    "id": f"cb{next(self._ids)}",
                    "from": {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"},
                    "chat_instance": "ci1",
                    "data": data,
                    "message": {
                        "message_id": message_id,
                        "date": int(time.time()),
                        "chat": {"id": chat_id, "type": "group", "title": "Ops room"},
                        "from": BOT,
                        "text": "(earlier reply)",
                    },
                }
            }
        )

    # reading the record -----------------------------------------------------------------
    def of(self, method: str) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method]

    async def wait_for(
        self, method: str, count: int, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """The first `count` calls of `method`, once they have arrived."""

        def ready() -> bool:
            return len(self.of(method)) >= count

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(ready), timeout)
        return self.of(method)[:count]

    # the API ----------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            try:
                params[key] = json.loads(str(value))
            except ValueError:
                params[key] = str(value)
        if method == "getUpdates":
            return _ok(await self._get_updates(params))
        async with self._changed:
            self.calls.append(Call(method, params))
            self._changed.notify_all()
        return _ok(self._answer(method, params))

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), 1.0)

        def pending() -> list[dict[str, Any]]:
            return [u for u in self.updates if u["update_id"] >= offset]

        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait_for(lambda: bool(pending())), wait)
            return pending()

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT
        if method in ("sendMessage", "editMessageText"):
            chat_id = params.get("chat_id")
            return {
                "message_id": params.get("message_id") or next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "group"},
                "from": BOT,
                "text": params.get("text", ""),
            }
        if method == "getChatMember":
            user_id = int(params["user_id"])
            user = {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"}
            status = self.admins.get(user_id, "member")
            if status == "administrator":
                return {"status": status, "user": user, **_ADMIN_RIGHTS}
            if status == "creator":
                return {"status": status, "user": user, "is_anonymous": False}
            return {"status": "member", "user": user}
        return True  # setMyCommands, answerCallbackQuery, deleteWebhook, ...


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})
