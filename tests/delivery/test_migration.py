"""A Telegram group that becomes a supergroup: the channel follows the new chat id."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.app.deliver import Vocabulary, run_digest
from bot.chat.telegram import TelegramSender
from bot.core.render import Labels
from bot.store import Store
from bot.store.base import utcnow
from tests.fakes.telegram_api import FakeTelegram
from tests.world import add_story, channel

VOCAB = Vocabulary(Labels({"drones": "Drones"}, {}), {})
OLD, NEW = "-4001", "-1009001"


@pytest.fixture
async def sender(tg: FakeTelegram) -> AsyncIterator[TelegramSender]:
    s = TelegramSender("123:TEST", tg.base_url, per_chat_interval=0, max_retries=0)
    yield s
    await s.close()


async def test_group_upgraded_to_supergroup_is_followed(
    store: Store, tg: FakeTelegram, sender: TelegramSender
) -> None:
    configured = channel("ops", "telegram", OLD, max_stories=200)
    store.sync_channels([configured])
    tg.fail(
        "sendMessage",
        400,
        times=1000,
        only_to=OLD,
        description="Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=int(NEW),
    )
    now = utcnow()
    for i in range(150):
        add_story(store, f"Convoy {i} reached the border crossing", ["a", "b"], now)
    report = await run_digest(store, "ops", {"telegram": sender}, VOCAB, now)
    assert report.messages > 1 and report.flush is not None
    assert report.flush.sent == report.messages and not report.flush.paused
    to_old = [c for c in tg.calls("sendMessage") if str(c.params["chat_id"]) == OLD]
    assert [c.status for c in to_old] == [400]  # only the first message tried the old id
    assert len(tg.texts(NEW)) == report.messages
    assert not store.pause_state("ops").paused
    # a restart re-reads the config file, which still names the old group
    store.sync_channels([configured])
    got = store.channel("ops")
    assert got is not None and got.destination == NEW
    add_story(store, "Ferry service resumed", ["a", "b"], now + timedelta(hours=1))
    later = await run_digest(store, "ops", {"telegram": sender}, VOCAB, now + timedelta(hours=2))
    assert later.flush is not None and later.flush.sent == later.messages == 1
    assert "Ferry service resumed" in tg.texts(NEW)[-1]
    assert len([c for c in tg.calls("sendMessage") if str(c.params["chat_id"]) == OLD]) == 1


async def test_pending_messages_for_the_old_id_are_redirected(store: Store) -> None:
    store.sync_channels([channel("ops", "telegram", OLD), channel("other", "telegram", "-55")])
    now = utcnow()
    add_story(store, "Grain barges delayed", ["a", "b"], now)
    waiting = await run_digest(store, "ops", {}, VOCAB, now)  # no sender yet: it waits
    assert waiting.messages == 1
    store.move_destination("telegram", OLD, NEW, now)
    assert [m.destination for m in store.outbox_messages()] == [NEW]
    store.move_destination("telegram", NEW, "-1009002", now)  # moved again: chains resolve
    assert store.channel("ops").destination == "-1009002"  # type: ignore[union-attr]
    assert store.channel("other").destination == "-55"  # type: ignore[union-attr]
    store.sync_channels([channel("ops", "telegram", OLD)])
    assert store.channel("ops").destination == "-1009002"  # type: ignore[union-attr]
