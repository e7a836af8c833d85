"""Socket Mode: the same bolt app over a WebSocket that a fake Slack opens on 127.0.0.1.

The fake answers apps.connections.open with its ws:// URL, sends `hello` and a
slash_commands envelope; the app must ack the envelope over the socket and answer at the
command's response_url."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import WSMsgType, web

from bot.chat.slack_commands import slack_app, slack_socket_mode
from tests.fakes.slack_api import FakeSlack
from tests.loopback import serving
from tests.world import build_world


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


async def test_slash_command_over_socket_mode(tmp_path: Path, fake: FakeSlack) -> None:
    world = build_world(tmp_path / "nw.db")
    acks: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def socket(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1})
        payload = {
            "token": "legacy",
            "team_id": "T1",
            "channel_id": "C200",
            "user_id": "UADMIN",
            "command": "/newswatch",
            "text": "topics",
            "response_url": fake.response_url("sock"),
            "trigger_id": "trig",
        }
        await ws.send_json(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "payload": payload,
                "accepts_response_payload": True,
            }
        )
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                await acks.put(json.loads(message.data))
        return ws

    app = web.Application()
    app.router.add_get("/link", socket)
    async with serving(app) as url:
        fake.results["apps.connections.open"] = {
            "ok": True,
            "url": url.replace("http", "ws") + "/link",
        }
        bolt = slack_app(
            "xoxb-test",
            "unused-in-socket-mode",
            env=world.env(),
            base_url=fake.base_url,
            clock=lambda: world.now,
        )
        handler = slack_socket_mode(bolt, "xapp-test")
        await handler.connect_async()
        try:
            ack = await asyncio.wait_for(acks.get(), 10)
            assert ack["envelope_id"] == "env-1"
            for _ in range(500):
                if fake.calls("response_url"):
                    break
                await asyncio.sleep(0.02)
            (answer,) = fake.calls("response_url")
            sections = [
                b["text"]["text"] for b in answer.params["blocks"] if b["type"] == "section"
            ]
            assert "#naval-drills — Naval drills" in "\n".join(sections)
            opened = fake.calls("apps.connections.open")
            assert opened and opened[0].headers["Authorization"] == "Bearer xapp-test"
        finally:
            await handler.close_async()
