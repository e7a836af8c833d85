"""Outbox claims owned by the process that took them.

A process that sends (the single daemon, role `all`; a `--role deliver` process; `newswatch
digest`) has an owner name, host:pid:role:nonce (the nonce is drawn at start, so a restarted
container with the same host name and pid is someone else), and a liveness row in the
store, renewed every OWNER_BEAT seconds to OWNER_TTL ahead and deleted at a clean stop. On
PostgreSQL a thread renews it, so a process whose event loop is busy for a while (a long
analysis) is not taken for gone; it stops only when the process does. Each message it
claims for sending carries the name. So:

- at a stop a process releases only its own claims (each counts one uncertain send);
- at start and every OWNER_BEAT seconds it recovers the claims of owners that are gone:
  their liveness row expired, or, with no liveness record at all (a claim made by an older
  version), claimed more than STALE_CLAIM ago; each counts one uncertain send (sent once
  more as a possible repeat, or held after its second: never a third time on its own);
- a live process's claims are never touched by another process's start or stop.

On SQLite one process uses the file: the daemon's start releases every claim left, since
the run that made them is dead (the behaviour before owners existed).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from bot.app.deliver import recover_outbox
from bot.store import Store
from bot.store.base import utcnow
from bot.store.postgres import PostgresStore

log = logging.getLogger(__name__)

OWNER_BEAT = 5.0  # seconds between renewals of a process's liveness row
OWNER_TTL = 30.0  # seconds a liveness row lasts unless renewed: then its owner is gone
STALE_CLAIM = 900.0  # seconds after which a claim with no liveness record counts as dead
_NONCE = secrets.token_hex(4)  # this process's start, told apart from a pid reused later


def owner_name(role: str) -> str:
    """This process as the owner of leases and claims: host, pid, role and start nonce."""
    return f"{socket.gethostname()}:{os.getpid()}:{role}:{_NONCE}"


def shared(store: Store) -> bool:
    """Several processes may use this store (PostgreSQL; a SQLite file is one process's)."""
    return isinstance(store, PostgresStore)


class ClaimOwner:
    """This process's side of claim ownership: `start`, `keep_alive` (or `beat`), `stop`.

    `release_all` (the daemon on SQLite): the start releases every claim left.
    """

    def __init__(self, store: Store, role: str, *, release_all: bool = False) -> None:
        self.store = store
        self.role = role
        self.name = owner_name(role)
        self.release_all = release_all
        self.threaded = shared(store)  # a SQLite connection stays in its own thread
        self._registered = False
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, now: datetime | None = None) -> int:
        """Register as alive, then take back what the dead left in flight; how many."""
        now = now or utcnow()
        self._renew(now)
        if self.threaded:
            self._thread = threading.Thread(
                target=self._renewing, name=f"claims-{self.role}", daemon=True
            )
            self._thread.start()
        return recover_outbox(self.store) if self.release_all else self.recover(now)

    def _renew(self, now: datetime) -> None:
        alive = self.store.renew_owner(
            self.name, self.role, now, now + timedelta(seconds=OWNER_TTL)
        )
        if not alive and self._registered:
            log.error(
                "this process (%s) missed its heartbeat for over %.0fs and was taken for gone: "
                "its messages in flight then count as uncertain and may be sent again",
                self.name,
                OWNER_TTL,
            )
        self._registered = True

    def _renewing(self) -> None:
        while not self._stopping.wait(OWNER_BEAT):
            try:
                self._renew(utcnow())
            except Exception:
                log.exception("claim owner heartbeat failed; trying again in %.0fs", OWNER_BEAT)

    def recover(self, now: datetime) -> int:
        """Claims of processes that are gone count one uncertain send each; how many."""
        recovered = self.store.recover_claims(self.name, now, now - timedelta(seconds=STALE_CLAIM))
        if recovered:
            log.warning(
                "%d message(s) were in flight in a process that is gone (no heartbeat for "
                "%.0fs): each is sent once more as a possible repeat, or held after its second "
                "uncertain send (newswatch outbox)",
                recovered,
                OWNER_TTL,
            )
        return recovered

    def beat(self, now: datetime | None = None) -> int:
        """Renew this process's liveness (unless a thread does), then recover the claims
        of the gone; how many."""
        now = now or utcnow()
        if not self.threaded:
            self._renew(now)
        return self.recover(now)

    async def keep_alive(self) -> None:
        """`beat` every OWNER_BEAT seconds until cancelled; a failed beat is logged and the
        next one tried (the row lasts OWNER_TTL, several beats)."""
        while True:
            await asyncio.sleep(OWNER_BEAT)
            try:
                self.beat()
            except Exception:
                log.exception("claim owner heartbeat failed; trying again in %.0fs", OWNER_BEAT)

    def stop(self) -> int:
        """A clean stop: this process's own claims still in flight count one uncertain
        send each (nobody else's); then its liveness row goes. How many released."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=OWNER_TTL / 3)  # a renewal under way finishes first
        released = self.store.release_claims(owner=self.name)
        if released:
            log.warning(
                "%d message(s) were in flight at the stop: each counts an uncertain send "
                "(sent once more as a possible repeat)",
                released,
            )
        self.store.forget_owner(self.name)
        return released


@asynccontextmanager
async def owning(store: Store, role: str) -> AsyncIterator[str]:
    """Claims for a short-lived sender (`newswatch digest`): its owner name, alive while
    the block runs, its claims released and its row gone at the end."""
    owner = ClaimOwner(store, role)
    owner.start()
    beating = asyncio.create_task(owner.keep_alive())
    try:
        yield owner.name
    finally:
        beating.cancel()
        owner.stop()
