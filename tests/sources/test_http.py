"""The HTTP layer against a real misbehaving server on loopback."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import socket
from dataclasses import replace
from typing import Any

import pytest

from bot.sources import addresses
from bot.sources.errors import AddressError, FetchTimeout, HTTPStatusError, RedirectError, TooLarge
from bot.sources.http import Fetcher, parse_max_age
from tests.servers.misbehaving import DATA, MisbehavingServer
from tests.sources.conftest import TEST_SETTINGS


async def test_conditional_get_answers_304(server: MisbehavingServer, fetcher: Fetcher) -> None:
    first = await fetcher.get(server.url("/f/feed_en.xml"))
    assert first.status == 200 and first.etag and first.last_modified and first.max_age == 600
    again = await fetcher.get(server.url("/f/feed_en.xml"), etag=first.etag)
    assert again.not_modified and again.body == b"" and again.etag == first.etag
    by_date = await fetcher.get(server.url("/f/feed_en.xml"), last_modified=first.last_modified)
    assert by_date.not_modified


async def test_304_and_redirect_keep_the_connection(
    server: MisbehavingServer, fetcher: Fetcher
) -> None:
    """An unread 304 or redirect body would close the socket: an all-304 cycle would then
    open a new connection per feed."""
    first = await fetcher.get(server.url("/f/feed_en.xml"))
    for _ in range(3):
        assert (await fetcher.get(server.url("/f/feed_en.xml"), etag=first.etag)).not_modified
    await fetcher.get(server.url("/hop/2"))
    assert server.connections == 1


@pytest.mark.parametrize(("code", "retry"), [(429, 120), (500, None)])
async def test_error_statuses(
    server: MisbehavingServer, fetcher: Fetcher, code: int, retry: int | None
) -> None:
    with pytest.raises(HTTPStatusError) as info:
        await fetcher.get(server.url(f"/status/{code}"))
    assert info.value.status == code and info.value.retry_after == retry
    assert str(code) in info.value.reason


async def test_503_retry_after_as_a_date(server: MisbehavingServer, fetcher: Fetcher) -> None:
    with pytest.raises(HTTPStatusError) as info:
        await fetcher.get(server.url("/status/503"))
    assert info.value.retry_after is not None and info.value.retry_after > 86_400


async def test_slow_server_times_out(server: MisbehavingServer, fetcher: Fetcher) -> None:
    with pytest.raises(FetchTimeout):
        await fetcher.get(server.url("/slow"))


async def test_time_queued_behind_the_caps_is_not_a_timeout(server: MisbehavingServer) -> None:
    settings = replace(TEST_SETTINGS, concurrency=1, per_host=1, total_timeout=1.0)
    async with Fetcher(settings) as one_at_a_time:
        answers = await asyncio.gather(
            *(one_at_a_time.get(server.url("/delay/0.3")) for _ in range(5))
        )
    assert [a.body for a in answers] == [b"late but whole"] * 5


async def test_endless_body_is_cut(server: MisbehavingServer, fetcher: Fetcher) -> None:
    with pytest.raises(TooLarge):
        await fetcher.get(server.url("/endless"))


async def test_gzip_bomb_is_cut_while_inflating(
    server: MisbehavingServer, fetcher: Fetcher
) -> None:
    with pytest.raises(TooLarge, match="decompressed"):
        await fetcher.get(server.url("/bomb"))


async def test_gzip_body_is_inflated(server: MisbehavingServer, fetcher: Fetcher) -> None:
    resp = await fetcher.get(server.url("/gz/page_en.html"))
    assert resp.body == (DATA / "page_en.html").read_bytes()
    assert gzip.compress(resp.body) != resp.body


async def test_redirect_loop_and_cap(server: MisbehavingServer, fetcher: Fetcher) -> None:
    with pytest.raises(RedirectError, match="loop"):
        await fetcher.get(server.url("/loop/a"))
    ok = await fetcher.get(server.url("/hop/3"))
    assert ok.url == server.url("/f/feed_en.xml") and ok.status == 200
    with pytest.raises(RedirectError, match="more than 5"):
        await fetcher.get(server.url("/hop/9"))


async def test_user_agent_names_the_contact(server: MisbehavingServer, fetcher: Fetcher) -> None:
    resp = await fetcher.get(server.url("/ua"))
    assert resp.body.decode() == "newswatch/0.1 (+ops@example.org)"


async def test_private_addresses_are_refused_before_connecting(
    server: MisbehavingServer,
) -> None:
    async with Fetcher(replace(TEST_SETTINGS, allow_private=False)) as strict:
        for host in ("127.0.0.1", "localhost"):
            url = server.url("/f/feed_en.xml").replace("127.0.0.1", host)
            with pytest.raises(AddressError):
                await strict.get(url)
    assert server.hits["/f/feed_en.xml"] == 0


def _rebinding_dns(monkeypatch: pytest.MonkeyPatch, *answers: str) -> list[str]:
    """`rebind.test` resolves to each of `answers` in turn (the last one from then on), as a
    hostile DNS server with a zero TTL would; every lookup made is recorded."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def fake(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)
        answer = answers[min(len(asked), len(answers) - 1)]
        asked.append(answer)
        return real(answer, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return asked


async def test_dns_rebinding_cannot_reach_a_private_address(
    server: MisbehavingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Public at the check, loopback at the connection: the address checked is the one
    connected to (here refused by the test's own no-network guard), never the loopback
    server, and the name is looked up once."""
    asked = _rebinding_dns(monkeypatch, "93.184.216.34", "127.0.0.1")
    url = server.url("/f/feed_en.xml").replace("127.0.0.1", "rebind.test")
    async with Fetcher(replace(TEST_SETTINGS, allow_private=False)) as strict:
        # The guard's error, possibly inside anyio's exception group (happy eyeballs).
        with pytest.raises((RuntimeError, ExceptionGroup)) as refused:
            await strict.get(url)
    assert "reach the network: ('93.184.216.34'" in repr(refused.value)
    assert asked == ["93.184.216.34"] and server.connections == 0


async def test_a_name_resolving_to_loopback_is_refused_before_connecting(
    server: MisbehavingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _rebinding_dns(monkeypatch, "127.0.0.1")
    url = server.url("/f/feed_en.xml").replace("127.0.0.1", "rebind.test")
    async with Fetcher(replace(TEST_SETTINGS, allow_private=False)) as strict:
        with pytest.raises(AddressError, match=r"rebind\.test"):
            await strict.get(url)
    async with Fetcher(TEST_SETTINGS) as lenient:  # allow_private: the same name is fetched
        assert (await lenient.get(url)).status == 200
    assert server.connections == 1


@pytest.mark.parametrize(
    ("address", "blocked"),
    [
        ("10.1.2.3", True),
        ("192.168.0.10", True),
        ("172.16.5.4", True),
        ("169.254.169.254", True),
        ("127.0.0.1", True),
        ("0.0.0.0", True),
        ("::1", True),
        ("fe80::1", True),
        ("fd00::5", True),
        ("::ffff:10.0.0.1", True),
        ("93.184.216.34", False),
        ("2a00:1450:4001:80b::200e", False),
    ],
)
def test_address_table(address: str, blocked: bool) -> None:
    assert addresses.blocked(ipaddress.ip_address(address)) is blocked


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("max-age=600", 600), ("public, max-age=60", 60), ("no-cache, max-age=60", None), ("", None)],
)
def test_cache_control(header: str, seconds: int | None) -> None:
    assert parse_max_age(header) == seconds
