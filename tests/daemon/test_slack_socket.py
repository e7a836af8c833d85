"""`newswatch run` with SLACK_APP_TOKEN: Socket Mode against a fake Slack on 127.0.0.1.

The fake answers apps.connections.open with its own ws:// URL, says hello and sends a slash
command envelope; the daemon must ack it over the socket, answer at the response_url, report
Slack ready, and deliver a digest to a Slack channel through chat.postMessage.
"""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

from tests.daemon.harness import Daemon, Outlets, free_port, write_config
from tests.fakes.slack_api import FakeSlack

BOT_TOKEN = "xoxb-socket-daemon-bot-token"
APP_TOKEN = "xapp-socket-daemon-app-token"


class SocketSlack(FakeSlack):
    """The fake Web API plus the Socket Mode WebSocket, which sends one /newswatch command."""

    def __init__(self) -> None:
        super().__init__()
        self.acks: list[dict[str, Any]] = []
        self.connections = 0
        self._sockets_lock = threading.Lock()

    def add_routes(self, app: web.Application) -> None:
        super().add_routes(app)
        app.router.add_get("/link", self._socket)

    def open_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link"

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        with self._sockets_lock:
            self.connections += 1
            first = self.connections == 1
        await ws.send_json({"type": "hello", "num_connections": 1})
        if first:
            payload = {
                "team_id": "T1",
                "channel_id": "C200",
                "user_id": "U7",
                "command": "/newswatch",
                "text": "topics",
                "response_url": self.response_url("socket"),
                "trigger_id": "trigger-1",
            }
            await ws.send_json(
                {
                    "envelope_id": "env-42",
                    "type": "slash_commands",
                    "payload": payload,
                    "accepts_response_payload": True,
                }
            )
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                with self._sockets_lock:
                    self.acks.append(json.loads(message.data))
        return ws


def test_socket_mode_commands_and_slack_delivery(home: Path, outlets: Outlets) -> None:
    with SocketSlack() as slack:
        slack.results["apps.connections.open"] = {"ok": True, "url": slack.open_url()}
        port = free_port()
        config = write_config(home, outlets, outlets.add_wave(0), port=port)
        with config.open("a", encoding="utf-8") as f:  # the channels list ends the file
            f.write("  - {id: room, platform: slack, destination: C900, mode: instant,\n")
            f.write("      subscriptions: [harbour]}\n")
        secrets = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_APP_TOKEN": APP_TOKEN,
            "SLACK_API_BASE_URL": slack.base_url,
        }
        daemon = Daemon(config, None, port, extra_env=secrets)
        try:
            daemon.wait("the command's ack", lambda: slack.acks)
            answers = daemon.wait("the answer", lambda: slack.calls("response_url"))
            daemon.wait("a digest on Slack", lambda: slack.texts("C900"), timeout=30)
            ready = daemon.wait(
                "readiness", lambda: (r := daemon.get("/readyz")) and r.status_code == 200 and r
            )
            code, seconds = daemon.signal(signal.SIGTERM)
        finally:
            daemon.kill()
        assert code == 0, daemon.logs()
        assert seconds < 10
        assert slack.acks[0]["envelope_id"] == "env-42"
        opened = slack.calls("apps.connections.open")
        assert opened and opened[0].headers["Authorization"] == f"Bearer {APP_TOKEN}"
        text = json.dumps(answers[0].params)
        assert "harbour" in text and "Harbour news" in text
        assert ready.json()["checks"]["slack"] == {"ok": True, "detail": "socket mode"}
        posted = slack.calls("chat.postMessage")
        assert posted and all(p.headers["Authorization"] == f"Bearer {BOT_TOKEN}" for p in posted)
        assert any("Ferry" in t or "ferry" in t for t in slack.texts("C900"))
        logs = daemon.out.read_text(encoding="utf-8") + daemon.err.read_text(encoding="utf-8")
        assert BOT_TOKEN not in logs and APP_TOKEN not in logs
