"""A fake HTTP API on 127.0.0.1 in its own thread, recording every request.

Subclasses answer methods; this base parses requests (form, multipart or JSON), records
them, and applies scripted failures and holds:

    fake.fail("sendMessage", status=429, retry_after=1)   # next call answers 429 (times=1)
    fake.hold_after(2)   # after 2 delivered messages, the next send hangs unrecorded until
                         # release(); `fake.held` is set once one is hanging
    fake.lose_reply("sendMessage", times=10, every=2)   # a lost reply: the send is done and
                         # recorded, then the connection drops without an answer (every
                         # second call, 10 times)
    fake.reply_delay = 0.3   # sends are done and recorded at once, answered after a delay
                             # (a kill in that window leaves a send the client never heard of)

It runs its own event loop, so both async tests and sync code (CLI, subprocesses) can use it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Recorded:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    status: int = 200  # what the fake answered


LOST_REPLY = -1  # a Failure status: perform the call, then drop the connection unanswered


@dataclass
class Failure:
    method: str
    status: int
    times: int
    extra: dict[str, Any] = field(default_factory=dict)
    every: int = 1  # applies to every n-th matching call
    seen: itertools.count[int] = field(default_factory=lambda: itertools.count(1))


class FakeAPI:
    send_methods: frozenset[str] = frozenset()

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.messages: list[Recorded] = []  # delivered messages, in order
        self.failures: list[Failure] = []
        self.held = threading.Event()
        self.reply_delay = 0.0
        self.lost: list[Recorded] = []  # calls performed whose answer was dropped
        self._hold_after: int | None = None
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- scripting ---------------------------------------------------------------------

    def fail(self, method: str, status: int, times: int = 1, **extra: Any) -> None:
        with self._lock:
            self.failures.append(Failure(method, status, times, extra))

    def lose_reply(self, method: str, times: int = 1, every: int = 1, **extra: Any) -> None:
        with self._lock:
            self.failures.append(Failure(method, LOST_REPLY, times, extra, every))

    def hold_after(self, delivered: int) -> None:
        self._hold_after = delivered
        self._release.clear()
        self.held.clear()

    def release(self) -> None:
        self._hold_after = None
        self._release.set()

    def calls(self, method: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.method == method]

    def _take_failure(self, method: str, params: dict[str, Any]) -> Failure | None:
        with self._lock:
            for f in self.failures:
                if (
                    f.method == method
                    and self.failure_applies(f, params)
                    and next(f.seen) % f.every == 0
                ):
                    f.times -= 1
                    if f.times <= 0:
                        self.failures.remove(f)
                    return f
        return None

    def failure_applies(self, failure: Failure, params: dict[str, Any]) -> bool:
        target = failure.extra.get("only_to")
        return target is None or str(self.destination(params)) == str(target)

    # --- subclass hooks ----------------------------------------------------------------

    def route(self) -> str:
        raise NotImplementedError

    def method_of(self, request: web.Request) -> str:
        return request.match_info["method"]

    def destination(self, params: dict[str, Any]) -> Any:
        return None

    def failure_response(self, failure: Failure) -> web.Response:
        raise NotImplementedError

    async def answer(self, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        raise NotImplementedError

    def encode(self, status: int, body: Any) -> web.Response:
        return web.json_response(body, status=status)

    # --- serving -----------------------------------------------------------------------

    async def _parse(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            body = await request.json() if request.can_read_body else {}
            params.update(body or {})
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                text = value if isinstance(value, str) else getattr(value, "filename", "")
                if isinstance(text, str) and text[:1] in "{[":
                    try:
                        params[key] = json.loads(text)
                        continue
                    except ValueError:
                        pass
                params[key] = text
        return params

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = self.method_of(request)
        params = await self._parse(request)
        record = Recorded(method, params, dict(request.headers))
        if method in self.send_methods and self._hold_after is not None:
            with self._lock:
                holding = len(self.messages) >= self._hold_after
            if holding:
                self.held.set()
                while not self._release.is_set():
                    await asyncio.sleep(0.02)
                return web.Response(status=502, text="released")
        failure = self._take_failure(method, params)
        if failure is not None and failure.status == LOST_REPLY:
            await self._perform(method, params, record)
            with self._lock:
                self.lost.append(record)
            assert request.transport is not None
            request.transport.close()  # the client sees the connection drop, no answer
            return web.Response(status=200)
        if failure is not None:
            response = self.failure_response(failure)
            record.status = response.status
            with self._lock:
                self.requests.append(record)
            return response
        status, body = await self._perform(method, params, record)
        if method in self.send_methods and self.reply_delay:
            await asyncio.sleep(self.reply_delay)
        return self.encode(status, body)

    async def _perform(
        self, method: str, params: dict[str, Any], record: Recorded
    ) -> tuple[int, Any]:
        status, body = await self.answer(method, params)
        record.status = status
        with self._lock:
            self.requests.append(record)
            if method in self.send_methods and status == 200 and self.delivered(body):
                self.messages.append(record)
        return status, body

    def delivered(self, body: Any) -> bool:
        return True

    def start(self) -> FakeAPI:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            app = web.Application(client_max_size=50 * 1024 * 1024)
            app.router.add_route("*", self.route(), self._handle)
            self.add_routes(app)
            self._runner = web.AppRunner(app, access_log=None)
            loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            loop.run_until_complete(site.start())
            server = site._server
            assert server is not None
            self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def add_routes(self, app: web.Application) -> None:
        pass

    def run_coroutine(self, factory: Callable[[], Awaitable[Any]]) -> Any:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(factory(), self._loop).result(10)  # type: ignore[arg-type]

    def stop(self) -> None:
        self.release()
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> FakeAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
