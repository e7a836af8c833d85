"""The daemon's chat lifecycle adapters (bot.chat.adapter and each platform's own): connect
retried in the background, reported to /readyz, stopped cleanly; and each platform's
factory choosing polling, webhook, Socket Mode or HTTP from the settings and tokens."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.chat.adapter import ChatAdapter
from bot.chat.slack_adapter import SlackHTTPAdapter, SlackSocketAdapter
from bot.chat.slack_adapter import make_adapter as slack_adapter
from bot.chat.telegram_adapter import TelegramAdapter, TelegramWebhookAdapter
from bot.chat.telegram_adapter import make_adapter as telegram_adapter
from bot.chat.telegram_commands import telegram_application
from bot.config import Secrets, config_from_text
from bot.core.commands import Env
from bot.settings import Settings
from tests.fakes.telegram_api import FakeTelegram
from tests.world import World, build_world

SECRET = "a-webhook-secret-of-some-length"


class Scripted(ChatAdapter):
    """Fails to connect `failures` times, then connects; records disconnects."""

    name = "scripted"

    def __init__(self, failures: int = 0, disconnect_error: bool = False) -> None:
        super().__init__()
        self.failures = failures
        self.attempts = 0
        self.disconnects = 0
        self.disconnect_error = disconnect_error

    async def connect(self) -> None:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise ConnectionError("platform unreachable")

    async def disconnect(self) -> None:
        self.disconnects += 1
        if self.disconnect_error:
            raise RuntimeError("already gone")


async def _until(condition: object, what: str) -> None:
    for _ in range(500):
        if callable(condition) and condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


async def test_an_adapter_connects_in_the_background_and_stops_cleanly() -> None:
    adapter = Scripted()
    assert adapter.check() == (False, "not connected")
    adapter.start()
    await _until(lambda: adapter.connected, "connected")
    assert adapter.check() == (True, "connected")
    await adapter.stop()
    assert adapter.disconnects == 1 and adapter.check() == (False, "not connected")


async def test_an_adapter_that_cannot_connect_keeps_trying_and_stop_ends_that(
    caplog: pytest.LogCaptureFixture,
) -> None:
    adapter = Scripted(failures=10**6)
    adapter.start()
    await _until(lambda: adapter.attempts >= 1, "a first attempt")
    assert adapter.check() == (False, "not connected")
    await adapter.stop()  # cancels the retry wait: no hang, and nothing to disconnect
    assert adapter.disconnects == 0
    assert "scripted: cannot connect, retrying in 2s: platform unreachable" in caplog.text


async def test_a_failing_disconnect_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    adapter = Scripted(disconnect_error=True)
    adapter.start()
    await _until(lambda: adapter.connected, "connected")
    with caplog.at_level(logging.WARNING):
        await adapter.stop()
    assert "scripted: error while disconnecting: already gone" in caplog.text


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram("123:TEST") as server:
        yield server


@pytest.fixture
def world(tmp_path: Path) -> World:
    return build_world(tmp_path / "nw.db")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_telegram_long_polling_adapter(fake: FakeTelegram, world: World) -> None:
    app = telegram_application("123:TEST", env=world.env(), base_url=fake.base_url,
                               publish_commands=False)  # fmt: skip
    adapter = TelegramAdapter(app)
    adapter.start()
    await _until(lambda: adapter.check()[0], "polling")
    assert adapter.check() == (True, "polling")
    assert fake.calls("getMe") and fake.calls("setMyCommands")
    await _until(lambda: fake.calls("getUpdates"), "a getUpdates call")
    await adapter.stop()
    assert adapter.check() == (False, "not connected")


async def test_telegram_webhook_adapter_registers_and_guards_its_route(
    fake: FakeTelegram, world: World
) -> None:
    app = telegram_application("123:TEST", env=world.env(), base_url=fake.base_url,
                               publish_commands=False, polling=False)  # fmt: skip
    port = _free_port()
    url = "https://bot.example/tg"
    adapter = TelegramWebhookAdapter(app, url, SECRET, "127.0.0.1", port, "/tg")
    adapter.start()
    await _until(lambda: adapter.connected, "webhook registered")
    assert adapter.check() == (True, "webhook")
    assert fake.webhook == {"url": url, "secret_token": SECRET}
    async with httpx.AsyncClient() as client:
        unsigned = await client.post(f"http://127.0.0.1:{port}/tg", json={"update_id": 1})
        assert unsigned.status_code in (401, 403)
    await adapter.stop()
    assert adapter.check() == (False, "webhook: not registered")
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient() as client:
            await client.post(f"http://127.0.0.1:{port}/tg", json={})


async def test_slack_http_adapter_serves_and_stops(world: World) -> None:
    from bot.chat.slack_commands import slack_app, slack_web_app

    app = slack_app("xoxb-test", "signing-secret", env=world.env(), base_url="http://127.0.0.1:9/")
    port = _free_port()
    adapter = SlackHTTPAdapter(slack_web_app(app), "127.0.0.1", port)
    adapter.start()
    await _until(lambda: adapter.connected, "listening")
    async with httpx.AsyncClient() as client:
        unsigned = await client.post(f"http://127.0.0.1:{port}/slack/events", data={"a": "b"})
    assert unsigned.status_code == 401  # bolt refuses an unsigned request
    await adapter.stop()
    assert adapter.runner is None


def _settings(home: Path, text: str = "") -> Settings:
    return config_from_text(text or "database: nw.db\n", "<t>", home, {}).settings


def test_telegram_factory_polls_without_a_webhook_url_and_hooks_with_one(
    tmp_path: Path, world: World
) -> None:
    env: Env = world.env()
    assert telegram_adapter(_settings(tmp_path), Secrets(), env) is None
    polling = telegram_adapter(_settings(tmp_path), Secrets(telegram_bot_token="1:a"), env)
    assert isinstance(polling, TelegramAdapter)
    hooked = telegram_adapter(
        _settings(tmp_path, "telegram: {webhook_url: 'https://bot.example/tg', webhook_port: 9}"),
        Secrets(telegram_bot_token="1:a", telegram_webhook_secret=SECRET),
        env,
    )
    assert isinstance(hooked, TelegramWebhookAdapter)
    assert (hooked.url, hooked.secret, hooked.port) == ("https://bot.example/tg", SECRET, 9)


async def test_slack_factory_picks_socket_mode_or_http_by_token(
    tmp_path: Path, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    settings, env = _settings(tmp_path), world.env()
    assert slack_adapter(settings, Secrets(), env) is None
    assert slack_adapter(settings, Secrets(slack_bot_token="xoxb-1"), env) is None
    assert "slack: sending only" in caplog.text
    http = slack_adapter(settings, Secrets(slack_bot_token="xoxb-1", slack_signing_secret="s"), env)
    assert isinstance(http, SlackHTTPAdapter) and http.port == settings.slack.port
    socket_mode = slack_adapter(
        settings, Secrets(slack_bot_token="xoxb-1", slack_app_token="xapp-1"), env
    )
    assert isinstance(socket_mode, SlackSocketAdapter)
    await socket_mode.handler.close_async()
