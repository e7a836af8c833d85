"""The parse pool: CPU work off the event loop, in threads or in worker processes."""

from __future__ import annotations

import os
from concurrent.futures.process import BrokenProcessPool

import pytest

from bot.sources.parsepool import THREADS, ParsePool


async def test_threads_by_default_and_a_process_pool_with_workers() -> None:
    assert THREADS.executor is None and await THREADS.run(len, b"abc") == 3
    with ParsePool(1) as pool:
        assert pool.executor is not None
        assert await pool.run(os.getpid) != os.getpid()  # another process did the work
    with pytest.raises(RuntimeError, match="closed"):
        await pool.run(len, b"late")


async def test_a_parse_worker_that_dies_costs_one_call_and_the_pool_is_renewed() -> None:
    with ParsePool(1) as pool:
        assert await pool.run(len, b"four") == 4
        first = pool.executor
        with pytest.raises(BrokenProcessPool):
            await pool.run(os._exit, 1)  # the worker process dies
        assert pool.executor is not first
        assert await pool.run(len, b"again") == 5
