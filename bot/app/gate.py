"""The delivery gate: how shutdown "stops taking work" without losing a message.

The gate wraps every sender: once closed, a send that has not begun never starts (it raises
SendNotStarted, and the flusher leaves its message pending: nothing went out), while
sends already on the wire are counted so the daemon can wait for them to be confirmed and
marked sent. Also here: a bounded shutdown step.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Mapping
from typing import Any

from bot.chat.sender import Sender, SendNotStarted

log = logging.getLogger(__name__)


class GatedSender:
    """A sender that refuses to start new sends once the gate closes."""

    def __init__(self, inner: Sender, gate: Gate) -> None:
        self.inner = inner
        self.platform = inner.platform
        self.gate = gate

    async def send(self, destination: str, payload: Mapping[str, Any]) -> str:
        if self.gate.closed:
            raise SendNotStarted(f"{self.platform}: stopping; not sent")
        self.gate.inflight += 1
        try:
            return await self.inner.send(destination, payload)
        finally:
            self.gate.inflight -= 1

    async def close(self) -> None:
        await self.inner.close()

    def __getattr__(self, name: str) -> Any:
        """The inner sender's other abilities (find_sent) pass through."""
        return getattr(self.inner, name)


class Gate:
    def __init__(self) -> None:
        self.closed = False
        self.inflight = 0

    def wrap(self, senders: Mapping[str, Sender]) -> dict[str, Sender]:
        return {name: GatedSender(s, self) for name, s in senders.items()}


async def bounded(what: str, step: Awaitable[object], seconds: float) -> None:
    """Run one shutdown step, giving up (with a log line) after `seconds`."""
    try:
        await asyncio.wait_for(step, seconds)
    except TimeoutError:
        log.warning("%s did not finish within %.0fs; going on", what, seconds)
    except Exception as exc:
        log.warning("%s failed: %s", what, exc)
