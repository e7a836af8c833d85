"""One pinned pool per origin (bot.sources.hostpools) against the misbehaving loopback server:
connections kept within a host, pools closed when unused or over the cap, never while a
request is in flight, and the in-flight count given back whatever the answer."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from bot.sources.errors import FetchTimeout, HTTPStatusError
from bot.sources.hostpools import HostPools
from bot.sources.http import Fetcher
from tests.servers.misbehaving import MisbehavingServer
from tests.sources.conftest import TEST_SETTINGS


def _fetcher(pools: HostPools) -> Fetcher:
    return Fetcher(TEST_SETTINGS, transport=pools)


def _by_name(server: MisbehavingServer, path: str) -> str:
    """The same server under another origin (host name instead of address)."""
    return server.url(path).replace("127.0.0.1", "localhost")


async def test_the_least_recently_used_pool_makes_room(server: MisbehavingServer) -> None:
    pools = HostPools(per_host=2, max_pools=1, allow_private=True)
    async with _fetcher(pools) as fetcher:
        first = await fetcher.get(server.url("/f/feed_en.xml"))
        assert (await fetcher.get(server.url("/f/feed_en.xml"), etag=first.etag)).not_modified
        assert server.connections == 1  # kept alive within its origin
        assert (await fetcher.get(_by_name(server, "/ua"))).status == 200
        assert pools.pool_count == 1 and server.connections == 2
        await fetcher.get(server.url("/ua"))  # its old pool was closed: a new connection
        assert pools.pool_count == 1 and server.connections == 3
    assert pools.pool_count == 0


async def test_a_pool_unused_past_the_keepalive_is_closed(server: MisbehavingServer) -> None:
    pools = HostPools(per_host=2, max_pools=8, allow_private=True, keepalive=0.0)
    async with _fetcher(pools) as fetcher:
        await fetcher.get(server.url("/ua"))
        await fetcher.get(_by_name(server, "/ua"))
        assert pools.pool_count == 1


async def test_a_pool_in_use_is_never_closed(server: MisbehavingServer) -> None:
    pools = HostPools(per_host=2, max_pools=1, allow_private=True)
    async with _fetcher(pools) as fetcher:
        slow = asyncio.create_task(fetcher.get(server.url("/delay/0.4")))

        async def busy() -> None:
            while pools.in_use == 0:
                await asyncio.sleep(0.01)

        await asyncio.wait_for(busy(), 5)  # fails, rather than hangs, if it never starts
        other = await fetcher.get(_by_name(server, "/ua"))  # over the cap: the busy pool stays
        assert other.status == 200 and pools.pool_count == 2
        assert (await slow).body == b"late but whole"
        assert pools.in_use == 0


async def test_every_answer_gives_its_request_back(server: MisbehavingServer) -> None:
    pools = HostPools(per_host=2, max_pools=4, allow_private=True)
    settings = replace(TEST_SETTINGS, total_timeout=1.0)
    async with Fetcher(settings, transport=pools) as fetcher:
        with pytest.raises(HTTPStatusError):
            await fetcher.get(server.url("/status/500"))
        with pytest.raises(FetchTimeout):
            await fetcher.get(server.url("/slow"))
        await fetcher.get(server.url("/hop/2"))  # redirects, their bodies drained
        assert pools.in_use == 0
        assert (await fetcher.get(server.url("/ua"))).status == 200
