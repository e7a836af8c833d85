"""The daemon's small HTTP server: /healthz (alive), /readyz (able to work), /metrics, and
whatever `mount` adds (the daemon mounts the web page and API there). A role process gives
`liveness`: /healthz then answers its JSON (role, lead held or standby), 503 when not alive."""

from __future__ import annotations

import json
from collections.abc import Callable

from aiohttp import web

from bot.app.metrics import Metrics

# A readiness check returns (ok, detail); the server runs them on each /readyz request.
ReadyCheck = Callable[[], tuple[bool, str]]


# Adds more routes to the server's application before it starts (the web page and API).
Mount = Callable[[web.Application], None]

# Whether the process is alive, and what to say about it (a role process: its role and state).
Liveness = Callable[[], tuple[bool, dict[str, object]]]


class HealthServer:
    def __init__(
        self,
        host: str,
        port: int,
        metrics: Metrics,
        checks: dict[str, ReadyCheck],
        mount: Mount | None = None,
        liveness: Liveness | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.metrics = metrics
        self.checks = checks
        self.mount = mount
        self.liveness = liveness
        self._runner: web.AppRunner | None = None

    async def start(self) -> int:
        """Listen; returns the bound port (useful when asked for port 0)."""
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics)
        if self.mount is not None:
            self.mount(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        address = self._runner.addresses[0]
        self.port = int(address[1])
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        if self.liveness is None:
            return web.Response(text="ok\n")
        alive, report = self.liveness()
        body = json.dumps(report, ensure_ascii=False)
        return web.Response(
            text=body + "\n", status=200 if alive else 503, content_type="application/json"
        )

    async def _readyz(self, request: web.Request) -> web.Response:
        results = {}
        for name, check in self.checks.items():
            try:
                ok, detail = check()
            except Exception as exc:  # a broken check means not ready, never a 500
                ok, detail = False, f"check failed: {exc}"
            results[name] = {"ok": ok, "detail": detail}
        ready = all(r["ok"] for r in results.values())
        body = json.dumps({"ready": ready, "checks": results}, ensure_ascii=False)
        return web.Response(
            text=body + "\n", status=200 if ready else 503, content_type="application/json"
        )

    async def _metrics(self, request: web.Request) -> web.Response:
        return web.Response(
            body=self.metrics.exposition(),
            headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"},
        )
