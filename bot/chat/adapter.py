"""What every chat command adapter shares: connect (retrying in the background), report for
/readyz, disconnect. An adapter that cannot connect at start keeps retrying, and /readyz says
it is not connected meanwhile: a chat platform's outage must not stop fetching or digests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiohttp import web

log = logging.getLogger(__name__)
RETRY_MAX = 60.0


class ChatAdapter:
    """One command adapter: connect (retrying in the background), report, disconnect."""

    name = ""

    def __init__(self) -> None:
        self.connected = False
        self._task: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        raise NotImplementedError

    async def disconnect(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        self._task = asyncio.create_task(self._connect_loop(), name=f"connect-{self.name}")

    async def _connect_loop(self) -> None:
        wait = 2.0
        while True:
            try:
                await self.connect()
            except Exception as exc:
                log.warning("%s: cannot connect, retrying in %.0fs: %s", self.name, wait, exc)
                await asyncio.sleep(wait)
                wait = min(wait * 2, RETRY_MAX)
                continue
            self.connected = True
            log.info("%s: connected", self.name)
            return

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.connected:
            self.connected = False
            try:
                await self.disconnect()
            except Exception as exc:  # shutting down anyway; say so and go on
                log.warning("%s: error while disconnecting: %s", self.name, exc)

    def check(self) -> tuple[bool, str]:
        return self.connected, "connected" if self.connected else "not connected"


async def serve(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Serve `app` on host:port; nothing is left half set up when the port is taken."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError:
        await runner.cleanup()
        raise
    return runner
