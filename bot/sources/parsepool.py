"""Where CPU work on fetched bytes runs: parsing feeds and pages, preparing items.

Kept apart from the HTTP client, which only fetches: the fetch job (bot.app.ingest) and
`collect` hand parsing here. With `workers` > 0 it is a process pool (spawned, never forked
from a threaded process) so it can use every core; with 0, the event loop's threads.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")


class ParsePool:
    """Runs parsers off the event loop. Use `with`, or call `close()`."""

    def __init__(self, workers: int = 0) -> None:
        self.workers = workers
        self.executor: Executor | None = self._new_executor()
        self.closed = False

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _new_executor(self) -> Executor | None:
        if self.workers <= 0:
            return None
        ctx = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(self.workers, mp_context=ctx)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` in a thread or a worker process. A process pool whose worker died
        (killed, out of memory) refuses all work from then on: the call that finds it so
        fails, and a new pool takes the next ones, so a long-lived pool (the daemon's)
        keeps working."""
        if self.closed:
            raise RuntimeError("the parse pool is closed")
        loop = asyncio.get_running_loop()
        executor = self.executor
        try:
            return await loop.run_in_executor(executor, functools.partial(fn, *args))
        except BrokenProcessPool:
            if executor is self.executor and executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)
                self.executor = self._new_executor()
            raise

    def close(self) -> None:
        self.closed = True
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


THREADS = ParsePool(0)  # holds nothing (the event loop's threads): never closed
