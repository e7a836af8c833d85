"""A misbehaving fixture server per test module, and a fetcher allowed to reach it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot.sources.http import Fetcher, FetchSettings
from tests.loopback import serving
from tests.servers.misbehaving import MisbehavingServer
from tests.sources.kinds_site import KindsSite

TEST_SETTINGS = FetchSettings(
    connect_timeout=2.0,
    read_timeout=0.5,
    total_timeout=5.0,
    max_bytes=1_000_000,
    max_redirects=5,
    contact="ops@example.org",
    allow_private=True,  # the fixture server is on loopback
)


@pytest.fixture
def server() -> Iterator[MisbehavingServer]:
    with MisbehavingServer(slow_seconds=3.0) as srv:
        yield srv


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(TEST_SETTINGS) as f:
        yield f


@pytest.fixture
async def site() -> AsyncIterator[KindsSite]:
    """The loopback site of the telegram, sitemap and jsonfeed kinds (kinds_site.py)."""
    site = KindsSite()
    async with serving(site.app()) as base:
        site.base = base
        yield site
