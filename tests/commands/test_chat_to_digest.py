"""End to end: a subscription made in a Telegram chat changes what that chat's next digest
holds — feed on loopback → fetch → match → group → /subscribe → /digest → delivery, all
through the real python-telegram-bot Application, pipeline, store and sender, and one fake
Bot API that records both the command replies and the digest messages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.app.deliver import Vocabulary, run_digest
from bot.app.ingest import Pipeline
from bot.chat.telegram import TelegramSender
from bot.chat.telegram_commands import TelegramApp, telegram_application
from bot.config import load_config
from bot.core.commands import Env
from bot.models import Channel
from bot.sources.http import Fetcher, FetchSettings
from bot.store import open_store
from tests.fakes.base import Recorded
from tests.fakes.telegram_api import FakeTelegram, text_message
from tests.loopback import serving
from tests.world import DATA, load_rules

CHAT = -100777
ADMIN = 7
ITEMS = [
    ("Admiral Vell opens naval drills off the cape", "The fleet began a drill at dawn."),
    ("Ostmark envoy arrives for summit talks", "The Ostmark envoy said talks last two days."),
    ("Town bakery wins a bread prize", "The judges liked the rye."),
]
LATER = ("Ostmark and the Harbor Council sign a port deal", "Ostmark signed the port deal today.")


def rss(items: list[tuple[str, str]], now: datetime) -> str:
    # guid and link stay with the item when the feed reorders (titles differ in length)
    body = "".join(
        f"<item><title>{title}</title><link>https://coast.example/{len(title)}</link>"
        f"<guid>coast-{len(title)}</guid><pubDate>{format_datetime(now - timedelta(hours=i + 1))}"
        f"</pubDate><description>{text}</description></item>"
        for i, (title, text) in enumerate(items)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Coast Wire</title>'
        f"<link>https://coast.example/</link>{body}</channel></rss>"
    )


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def feed() -> AsyncIterator[dict[str, Any]]:
    state: dict[str, Any] = {"items": list(ITEMS), "now": datetime.now(UTC).replace(microsecond=0)}

    async def serve(request: web.Request) -> web.Response:
        return web.Response(
            text=rss(state["items"], state["now"]), content_type="application/rss+xml"
        )

    app = web.Application()
    app.router.add_get("/feed.rss", serve)
    async with serving(app) as url:
        state["url"] = f"{url}/feed.rss"
        yield state


def update(text: str, n: int) -> dict[str, Any]:
    chat = {"id": CHAT, "type": "supergroup", "title": "Desk"}
    user = {"id": ADMIN, "is_bot": False, "first_name": "editor"}
    return {"message": text_message(text, 10 + n, chat, user)}


async def until(check: Any) -> None:
    for _ in range(500):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the fake never received what was expected")


async def test_subscription_in_chat_changes_the_next_digest(
    tmp_path: Path, tg: FakeTelegram, feed: dict[str, Any]
) -> None:
    config_path = tmp_path / "newswatch.yaml"
    config_path.write_text(
        f"rules: [{DATA / 'rules.yaml'}]\nfetch: {{allow_private: true}}\n"
        f"sources:\n  - {{id: coast, name: Coast Wire, url: '{feed['url']}'}}\n",
        encoding="utf-8",
    )
    config = load_config(config_path, env={})
    store = open_store(tmp_path / "nw.db")
    store.sync_sources(config.sources)
    rules = load_rules()
    pipeline = Pipeline(store, rules, config.settings)
    sender = TelegramSender("123:TEST", tg.base_url, per_chat_interval=0)
    vocab = Vocabulary.from_rules(rules)

    async def digest_now(channel: Channel) -> int:
        report = await run_digest(store, channel.id, {"telegram": sender}, vocab)
        return report.stories

    env = Env(store, lambda: rules, lambda: pipeline.matcher, digest_now)
    app: TelegramApp = telegram_application(
        "123:TEST", env=env, base_url=tg.base_url, admins=[ADMIN], publish_commands=False
    )
    n = 0

    async def say(text: str) -> str:
        nonlocal n
        n += 1
        before = len(replies())
        tg.push_update(update(text, n))
        await until(lambda: len(replies()) > before)
        return str(replies()[-1].params["text"])

    def replies() -> list[Recorded]:
        return [r for r in tg.messages if "parse_mode" not in r.params]

    def digests() -> list[str]:
        return [str(r.params["text"]) for r in tg.messages if r.params.get("parse_mode") == "HTML"]

    async with Fetcher(FetchSettings.from_settings(config.settings.fetch)) as fetcher:
        reports = await pipeline.fetch_cycle(fetcher, config.sources, feed["now"])
        assert [r.new for r in reports] == [3]
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            reply = await say("/subscribe@newswatch_test_bot naval-drills")
            assert "Subscribed to #naval-drills" in reply
            assert "Sent a digest of 1 stories." in await say("/digest")
            first = "\n".join(digests())
            assert "naval drills" in first and "Ostmark" not in first and "bakery" not in first

            assert "Subscribed to @ostmark" in await say("/subscribe @ostmark")
            feed["items"] = [LATER, *ITEMS]  # a new article arrives after the subscription
            feed["now"] = datetime.now(UTC).replace(microsecond=0)
            reports = await pipeline.fetch_cycle(fetcher, config.sources, feed["now"])
            assert sum(r.new for r in reports) == 1
            count = len(digests())
            assert "Sent a digest of" in await say("/digest")
            second = "\n".join(digests()[count:])
            assert "Ostmark envoy arrives" in second
            # the new article went out too: as its own story, or inside the envoy story
            everything = store.search_articles(None, datetime(2000, 1, 1, tzinfo=UTC), 1000, 0)
            later = [a.id for a in everything if a.title == LATER[0]]
            assert len(later) == 1 and later[0] is not None
            later_story = store.story_of(later[0])
            assert later_story in store.delivered_outlets(f"telegram-{CHAT}")
            assert "naval drills" not in second  # already delivered, not repeated
            assert "bakery" not in second  # nobody subscribed to it

            assert "Unsubscribed" in await say("/unsubscribe @ostmark")
            assert "Nothing new since the last digest." in await say("/digest")
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
            await sender.close()
