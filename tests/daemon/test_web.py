"""`newswatch run` serves the web page and API on its health server: the same app as
`newswatch web`, beside /healthz, with changes allowed only with NEWSWATCH_WEB_TOKEN."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import httpx

from tests.daemon.harness import Daemon, Outlets, free_port, write_config

WEB_TOKEN = "daemon-web-token-0123456789abcdef"


def multi_outlet(daemon: Daemon) -> list[dict[str, Any]]:
    response = daemon.get("/api/stories")
    found = response.json() if response is not None and response.status_code == 200 else []
    return [s for s in found if len(s["outlets"]) >= 2]


def test_the_daemon_serves_the_web_page_and_api(home: Path, outlets: Outlets) -> None:
    port = free_port()
    config = write_config(home, outlets, outlets.add_wave(0), port=port)
    daemon = Daemon(config, None, port, extra_env={"NEWSWATCH_WEB_TOKEN": WEB_TOKEN})
    try:
        daemon.wait("the health server", lambda: daemon.get("/healthz"))
        stories = daemon.wait(
            "a story of several outlets in /api/stories", lambda: multi_outlet(daemon), timeout=30
        )
        page = daemon.get("/")
        assert page is not None and page.status_code == 200
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert stories[0]["title"].split()[0] in page.text
        health = daemon.get("/healthz")
        assert health is not None and health.text == "ok\n"
        assert "content-security-policy" not in health.headers  # its routes stay as they were
        refused = httpx.post(daemon.url("/api/channels/ops/pause"), json={}, timeout=5)
        assert refused.status_code == 403
        bearer = {"Authorization": f"Bearer {WEB_TOKEN}"}
        channels = httpx.get(daemon.url("/api/channels"), headers=bearer, timeout=5).json()
        channel = channels[0]["id"]
        paused = httpx.post(daemon.url(f"/api/channels/{channel}/pause"), headers=bearer, timeout=5)
        assert paused.status_code == 200 and paused.json()["paused"] is True
        code, _ = daemon.signal(signal.SIGTERM)
    finally:
        daemon.kill()
    assert code == 0, daemon.logs()
