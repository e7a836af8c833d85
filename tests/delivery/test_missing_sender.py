"""A channel whose platform has no token: its messages wait, and the log says so once."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.app.deliver import Vocabulary, flush_outbox, run_digest
from bot.chat.telegram import TelegramSender
from bot.core.render import Labels
from bot.store import Store
from bot.store.base import utcnow
from tests.fakes.telegram_api import FakeTelegram
from tests.world import add_story, channel

VOCAB = Vocabulary(Labels({"drones": "Drones"}, {}), {})


async def test_messages_wait_for_a_sender_and_the_warning_is_not_repeated(
    store: Store, tg: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    store.sync_channels([channel("tokenless", "telegram", "7001")])
    now = utcnow()
    add_story(store, "Harbour cranes idle", ["alpha", "beta"], now - timedelta(minutes=5))
    caplog.set_level(logging.DEBUG, logger="bot.app.deliver")
    report = await run_digest(store, "tokenless", {}, VOCAB, now)
    assert report.messages == 1 and report.flush is not None and report.flush.sent == 0
    for _ in range(3):
        again = await flush_outbox(store, {}, now)
        assert again.sent == 0
    waiting = [r for r in caplog.records if "no telegram sender configured" in r.getMessage()]
    assert [r.levelno for r in waiting] == [logging.WARNING] + [logging.DEBUG] * 3
    # the token arrives (a restart with TELEGRAM_BOT_TOKEN): the waiting message goes out
    sender = TelegramSender("123:TEST", tg.base_url, per_chat_interval=0)
    try:
        done = await flush_outbox(store, {"telegram": sender}, now)
    finally:
        await sender.close()
    assert done.sent == 1
    assert "Harbour cranes idle" in tg.texts()[0]
