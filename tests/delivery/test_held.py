"""A message held after two sends with no answer is shown to people (`newswatch outbox`,
`newswatch digest CHANNEL`, the chat `status` command) and goes only when one releases it:
once more through the real client to the fake Bot API, marked as a possible repeat."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app.deliver import FlushReport, Vocabulary, flush_outbox, run_digest
from bot.chat.telegram import TelegramSender
from bot.cli import main
from bot.core.commands import Env, Request, execute
from bot.store import Store, open_store
from bot.store.base import utcnow
from tests.delivery.test_cli import config as config  # the fixture
from tests.fakes.telegram_api import FakeTelegram
from tests.world import add_story


def hold_first(db: Path, tg: FakeTelegram) -> int:
    """Record ops's digest and lose both replies to its message: the message is held."""
    store = open_store(db)
    try:
        report = asyncio.run(run_digest(store, "ops", {}, Vocabulary(), send=False))
        (m,) = store.outbox_messages(report.batch)
        tg.lose_reply("sendMessage", times=2)
        for day in (1, 2):
            asyncio.run(send_due(store, tg, day))
        assert store.message_status(m.id)[0] == "uncertain"
        return m.id
    finally:
        store.close()


async def send_due(store: Store, tg: FakeTelegram, days: int = 10) -> FlushReport:
    """A flush `days` ahead: past every retry time set before."""
    sender = TelegramSender("123:TEST", tg.base_url, per_chat_interval=0)
    try:
        return await flush_outbox(store, {"telegram": sender}, utcnow() + timedelta(days=days))
    finally:
        await sender.close()


def test_held_message_is_listed_released_and_sent_once_more(
    config: Path, tg: FakeTelegram, capsys: pytest.CaptureFixture[str]
) -> None:
    db = config.parent / "nw.db"
    assert main(["outbox", "--config", str(config)]) == 0
    assert "0 held" in capsys.readouterr().out
    assert main(["digest", "ops", "--config", str(config)]) == 0  # syncs the channels
    capsys.readouterr()
    mid = hold_first(db, tg)
    assert len(tg.messages) == 2  # the platform did get it, twice; the client never heard

    assert main(["outbox", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "1 held" in out and f"#{mid}  ops" in out and "newswatch outbox release" in out
    assert main(["digest", "ops", "--config", str(config)]) == 0
    assert f"#{mid}  ops" in capsys.readouterr().err

    store = open_store(db)
    env = Env(store=store, rules=lambda: None, matcher=lambda: None)  # type: ignore[arg-type]
    reply = asyncio.run(execute("status", Request("telegram", "5001", "u1", False, utcnow()), env))
    assert "1 message(s) held" in reply.text and "newswatch outbox" in reply.text
    # nothing sends it on its own
    assert asyncio.run(send_due(store, tg)) == FlushReport() and len(tg.messages) == 2
    store.close()

    assert main(["outbox", "release", "999", "--config", str(config)]) == 1
    assert f"held now: #{mid}" in capsys.readouterr().err
    assert main(["outbox", "release", str(mid), "--config", str(config)]) == 0
    assert "released" in capsys.readouterr().out
    store = open_store(db)
    assert asyncio.run(send_due(store, tg)) == FlushReport(sent=1)
    assert tg.texts()[-1].startswith("<i>Sent again: an earlier attempt got no answer")
    assert store.outbox_counts() == {"sent": 1}
    store.close()


def test_a_dropped_message_is_never_sent(
    config: Path, tg: FakeTelegram, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["digest", "ops", "--config", str(config)]) == 0
    db = config.parent / "nw.db"
    mid = hold_first(db, tg)
    assert main(["outbox", "drop", str(mid), "--config", str(config)]) == 0
    assert "dropped" in capsys.readouterr().out
    store = open_store(db)
    add_story(store, "Drone story two", ["gamma"], utcnow())
    assert asyncio.run(send_due(store, tg)) == FlushReport()
    assert store.message_status(mid) == ("failed", "held; dropped by hand")
    store.close()
