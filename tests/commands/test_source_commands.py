"""`source add|remove|pause|resume` through the real python-telegram-bot Application polling
the fake Bot API on 127.0.0.1, with the feed served on loopback: instance admins only; what
a chat adds is the instance's (fetched by `newswatch fetch`, in the OPML export); the replies
in a Persian and a Russian channel."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.app.sourceadd import source_adder
from bot.chat.telegram_commands import TelegramApp, telegram_application
from bot.cli import main
from bot.config import config_from_text
from tests.fakes.telegram_api import FakeTelegram
from tests.loopback import LoopbackServer
from tests.sources.truthsite import site
from tests.world import World, build_world

CHAT_ADMIN, MEMBER, LISTED = 1, 2, 99


@pytest.fixture
def served() -> Iterator[LoopbackServer]:
    with site() as server:
        yield server


@pytest.fixture
def world(tmp_path: Path) -> World:
    return build_world(tmp_path / "nw.db")


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(admins={CHAT_ADMIN: "administrator"}, username="nwbot") as f:
        yield f


@pytest.fixture
async def app(fake: FakeTelegram, world: World, tmp_path: Path) -> AsyncIterator[TelegramApp]:
    config = config_from_text("fetch: {allow_private: true}\n", "<test>", tmp_path, {})
    env = replace(world.env(), add_source=source_adder(world.store, lambda: config))
    application = telegram_application(
        "123:TEST", env=env, base_url=fake.base_url, admins=[str(LISTED)], clock=lambda: world.now
    )
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=1)
    yield application
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


async def _say(fake: FakeTelegram, text: str, user: int) -> str:
    before = len(fake.of("sendMessage"))
    await fake.say(text, user_id=user)
    sent: dict[str, Any] = (await fake.wait_for("sendMessage", before + 1))[-1]
    return str(sent["text"])


async def test_instance_admins_manage_the_sources_from_chat(
    app: TelegramApp, fake: FakeTelegram, world: World, served: LoopbackServer, tmp_path: Path
) -> None:
    feed = f"{served.base}/saltpost.xml"
    for user in (CHAT_ADMIN, MEMBER):  # a chat admin is not an instance admin
        refusal = await _say(fake, f"/source add {feed}", user)
        assert "only the instance's administrators" in refusal
    assert "only the instance's administrators" in await _say(fake, "/source pause qamar", MEMBER)
    added = await _say(fake, f"/source add {feed}", LISTED)
    assert f"Added 127-0-0-1: feed at {feed} (items listed now: 1)" in added
    again = await _say(fake, f"/source add {feed}", LISTED)
    assert f"{feed} is already a source: 127-0-0-1" in again
    page = await _say(fake, f"/source add {served.base}/front.html", LISTED)
    assert "front.html offers nothing to follow: no feed, news sitemap nor" in page
    assert "Did you mean tidewater?" in await _say(fake, "/source pause tidewatr", LISTED)
    assert "Paused tidewater" in await _say(fake, "/source pause Tidewater Gazette", LISTED)
    assert "• Tidewater Gazette: paused" in await _say(fake, "/sources", MEMBER)
    refused = await _say(fake, "/source remove tidewater", LISTED)
    assert "tidewater comes from the configuration file: remove it there" in refused
    assert "Resumed tidewater" in await _say(fake, "/source resume tidewater", LISTED)
    assert "Usage: source add <url>" in await _say(fake, "/source drop qamar", LISTED)
    entry = {e.source.id: e for e in world.store.source_entries()}["127-0-0-1"]
    assert (entry.origin, entry.added_by) == ("chat", f"telegram:{LISTED}")

    # shared by the instance: the CLI fetches it and exports it
    config = tmp_path / "newswatch.yaml"
    config.write_text("rules: []\nfetch: {allow_private: true}\n", encoding="utf-8")
    db = ["--config", str(config), "--db", str(tmp_path / "nw.db")]
    assert await asyncio.to_thread(main, ["fetch", "--once", *db]) == 0
    assert {h.id: h.articles_stored for h in world.store.source_health()}["127-0-0-1"] == 1
    out = tmp_path / "out.opml"
    assert await asyncio.to_thread(main, ["sources", "export", "-o", str(out), *db]) == 0
    assert f'xmlUrl="{feed}"' in out.read_text(encoding="utf-8")
    assert "Removed 127-0-0-1" in await _say(fake, "/source remove 127-0-0-1", LISTED)


async def test_the_source_commands_answer_in_persian_and_russian(
    app: TelegramApp, fake: FakeTelegram
) -> None:
    """Persian right to left (each line opened by a right-to-left mark), Russian as is; no
    English left in either."""
    assert "فارسی" in await _say(fake, "/language fa", CHAT_ADMIN)
    paused = await _say(fake, "/source pause tidewater", LISTED)
    assert paused == "\u200ftidewater متوقف شد: تا کسی آن را از سر نگیرد دریافت نمی‌شود."
    again = await _say(fake, "/source pause tidewater", LISTED)
    assert again.startswith("\u200ftidewater از پیش متوقف بود (telegram:99،")
    assert "• Tidewater Gazette: متوقف" in await _say(fake, "/sources", MEMBER)
    unknown = await _say(fake, "/source resume tidewatr", LISTED)
    assert unknown == "\u200fمنبعی به نام 'tidewatr' نیست. منظورتان tidewater بود؟"

    assert "на русском" in await _say(fake, "/language ru", CHAT_ADMIN)
    resumed = await _say(fake, "/source resume tidewater", LISTED)
    assert resumed == "Источник tidewater возобновлён: снова загружается со следующего цикла."
    same = await _say(fake, "/source resume tidewater", LISTED)
    assert same == "Источник tidewater не приостановлен."
