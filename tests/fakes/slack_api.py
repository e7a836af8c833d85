"""A fake Slack Web API: POST /api/<method>, answered like the real one.

Records every call; chat.postMessage checks the documented limits (≤50 blocks, section text
≤3,000 characters) and counts delivered messages in `messages`. Scripted failures:
`fail("chat.postMessage", 429, retry_after=1)` (Retry-After header), `fail(..., 500)`,
`fail(..., 200, error="channel_not_found", only_to="C404")`, `fail(..., 403)`.
For chat-command tests: auth.test answers a bot identity; `results[method] = value`
overrides any answer (views.open, users.info, conversations.info, ...); POSTs to
/response/<id> (slash-command response_url) are recorded under method "response_url".
Posted messages are kept per channel with their metadata, and conversations.history serves
them as Slack does: newest first, `oldest`, `limit`, `cursor` pages, metadata only with
`include_all_metadata` (a lost reply's message is there too: Slack did post it).
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from aiohttp import web

from tests.fakes.base import Failure, FakeAPI, Recorded


class FakeSlack(FakeAPI):
    send_methods = frozenset({"chat.postMessage"})

    def __init__(self) -> None:
        super().__init__()
        self.results: dict[str, Any] = {}
        self._ts = itertools.count(1)
        self.history: dict[str, list[dict[str, Any]]] = {}  # channel → posted, oldest first

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "1") -> str:
        return f"http://127.0.0.1:{self.port}/response/{name}"

    def route(self) -> str:
        return "/api/{method}"

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/response/{name}", self._response_url)

    async def _response_url(self, request: web.Request) -> web.Response:
        params = await self._parse(request)
        params["_name"] = request.match_info["name"]
        with self._lock:
            self.requests.append(Recorded("response_url", params, dict(request.headers)))
        return web.Response(text="ok")

    def destination(self, params: dict[str, Any]) -> Any:
        return params.get("channel")

    def texts(self, channel: str | None = None) -> list[str]:
        """Every section text of every delivered message (to one channel), in order."""
        with self._lock:
            out = []
            for r in self.messages:
                if channel is None or r.params.get("channel") == channel:
                    blocks = r.params.get("blocks") or []
                    out += [b["text"]["text"] for b in blocks if "text" in b]
            return out

    def failure_response(self, failure: Failure) -> web.Response:
        status = failure.status
        error = failure.extra.get("error") or {
            429: "ratelimited",
            500: "internal_error",
            403: "access_denied",
        }.get(status, "fatal_error")
        headers = {}
        if status == 429:
            headers["Retry-After"] = str(failure.extra.get("retry_after", 1))
        return web.json_response({"ok": False, "error": error}, status=status, headers=headers)

    def delivered(self, body: Any) -> bool:
        return bool(body.get("ok"))

    async def answer(self, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        if method in self.results:
            value = self.results[method]
            return 200, value(params) if callable(value) else value
        if method == "auth.test":
            return 200, {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1",
                         "user": "newswatch", "team": "Test"}  # fmt: skip
        if method == "chat.postMessage":
            return 200, self._post(params)
        if method == "conversations.history":
            return 200, self._history(params)
        return 200, {"ok": True}

    def _history(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            posted = list(self.history.get(str(params.get("channel")), []))
        oldest = float(params.get("oldest") or 0)
        newest_first = [m for m in reversed(posted) if float(m["ts"]) >= oldest]
        start = int(params.get("cursor") or 0)
        limit = int(params.get("limit") or 100)
        page = newest_first[start : start + limit]
        if str(params.get("include_all_metadata")).lower() not in ("1", "true"):
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = start + limit < len(newest_first)
        cursor = str(start + limit) if more else ""
        return {"ok": True, "messages": page, "has_more": more,
                "response_metadata": {"next_cursor": cursor}}  # fmt: skip

    def _post(self, params: dict[str, Any]) -> dict[str, Any]:
        blocks = params.get("blocks") or []
        if not params.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not params.get("text") and not blocks:
            return {"ok": False, "error": "no_text"}
        if len(blocks) > 50:
            return {"ok": False, "error": "invalid_blocks"}
        for b in blocks:
            if b.get("type") == "section" and len(b.get("text", {}).get("text", "")) > 3000:
                return {"ok": False, "error": "invalid_blocks"}
        ts = f"{int(time.time())}.{next(self._ts):06d}"
        message = {"type": "message", "ts": ts, "text": params.get("text", "")}
        if params.get("metadata"):
            message["metadata"] = params["metadata"]
        with self._lock:
            self.history.setdefault(str(params["channel"]), []).append(message)
        return {"ok": True, "channel": params["channel"], "ts": ts,
                "message": {"text": params.get("text", ""), "ts": ts}}  # fmt: skip
