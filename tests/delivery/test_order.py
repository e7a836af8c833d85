"""A channel's messages arrive in the order they were recorded (issue 15, item 1): a message
waiting for its retry, or in flight, holds back its channel's later messages; other
channels are not held up. Real python-telegram-bot client, fake Bot API on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.app.deliver import Vocabulary, flush_outbox, run_instant
from bot.chat.telegram import TelegramSender
from bot.store import Store
from bot.store.base import utcnow
from tests.delivery.tally import identify, tally
from tests.fakes.telegram_api import FakeTelegram
from tests.world import add_story, channel

LEAD = "A long first sentence about the invented harbour strike and its many delays. " * 4


@pytest.fixture
async def sender(tg: FakeTelegram) -> AsyncIterator[TelegramSender]:
    s = TelegramSender("123:TEST", tg.base_url, per_chat_interval=0)
    yield s
    await s.close()


def add_stories(store: Store, first: int, count: int, topic: str) -> None:
    now = utcnow()
    for i in range(first, first + count):
        add_story(store, f"Story {i} headline", ["alpha", "beta"], now, topics=[topic], lead=LEAD)


async def test_429_then_500_holds_the_channel_in_order_and_not_the_others(
    store: Store, tg: FakeTelegram, sender: TelegramSender
) -> None:
    store.sync_channels(
        [
            channel("ops", "telegram", "5001", ("drones",), mode="instant", max_stories=100),
            channel("side", "telegram", "5002", ("ports",), mode="instant", max_stories=100),
        ]
    )
    senders = {"telegram": sender}
    add_stories(store, 0, 24, "drones")
    add_stories(store, 100, 3, "ports")
    tg.fail("sendMessage", 429, retry_after=2, only_to="5001")
    tg.fail("sendMessage", 500, only_to="5001")
    now = utcnow()
    first = await run_instant(store, senders, Vocabulary(), now)
    parts = {r.channel_id: r.messages for r in first}
    assert parts["ops"] >= 3, parts  # a message in parts
    # part 1 waits for its retry (429 waited out by the client, then 500): nothing of that
    # channel may go before it, at any flush, while the other channel is served at once
    assert tg.texts("5001") == [] and len(tg.texts("5002")) == parts["side"]
    assert (await flush_outbox(store, senders, now + timedelta(seconds=1))).sent == 0
    add_stories(store, 200, 2, "drones")  # a later batch, recorded while part 1 waits
    add_stories(store, 300, 1, "ports")
    later = await run_instant(store, senders, Vocabulary(), now + timedelta(seconds=2))
    assert {r.channel_id for r in later} == {"ops", "side"}
    assert tg.texts("5001") == [] and len(tg.texts("5002")) == parts["side"] + 1
    done = await flush_outbox(store, senders, now + timedelta(minutes=1))
    assert done.sent == parts["ops"] + 1
    messages = store.outbox_messages()
    for chat, cid in (("5001", "ops"), ("5002", "side")):
        counted = tally(store, cid, identify(messages, tg.texts(chat)))
        counted.check()
        assert counted.arrived == counted.messages and counted.duplicates == 0, counted.line()
    statuses = [r.status for r in tg.calls("sendMessage") if r.params["chat_id"] == "5001"]
    assert statuses[:2] == [429, 500] and set(statuses[2:]) == {200}
