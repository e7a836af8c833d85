"""Digests through the real python-telegram-bot client to a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.app.deliver import FlushReport, Vocabulary, flush_outbox, run_digest, run_instant
from bot.chat.telegram import TelegramSender
from bot.core.render import Labels
from bot.store import Store
from bot.store.base import utcnow
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_html import parse
from tests.world import add_story, channel

VOCAB = Vocabulary(Labels({"drones": "Drones"}, {"shoigu": "Sergei Shoigu"}), {"nuclear": "high"})
HOSTILE = [
    '<b>bold</b> <a href="javascript:alert(1)">click me</a>',
    "<!channel> @here @everyone <@U123> <#C1|general>",
    "\u202eReversed\u202c and \u2066isolated text",
    "تقرير عاجل \u202eعن\u202c @here في موسكو",
    "T" * 10_000,
]


@pytest.fixture
async def sender(tg: FakeTelegram) -> AsyncIterator[TelegramSender]:
    s = TelegramSender("123:TEST", tg.base_url, per_chat_interval=0, max_retries=2)
    yield s
    await s.close()


def story_numbers(texts: list[str]) -> list[int]:
    return [int(n) for t in texts for n in re.findall(r"Story (\d+) headline", t)]


async def test_200_story_digest_arrives_whole_valid_and_in_order(
    store: Store, tg: FakeTelegram, sender: TelegramSender
) -> None:
    store.sync_channels([channel("ops", "telegram", "5001", max_stories=200)])
    now = utcnow()
    for i in range(200):
        outlets = [f"outlet{k}" for k in range(1 + (i * 7) % 6)]
        add_story(store, f"Story {i} headline", outlets, now - timedelta(minutes=i))
    report = await run_digest(store, "ops", {"telegram": sender}, VOCAB, now)
    assert report.stories == 200 and report.flush is not None
    assert report.flush.sent == report.messages > 1
    sent = [r.params for r in tg.messages]
    assert len(sent) == report.messages
    for params in sent:
        assert params["parse_mode"] == "HTML"
        assert params["link_preview_options"] == {"is_disabled": True}
        assert len(params["text"].encode("utf-16-le")) // 2 <= 4096
        assert set(parse(params["text"]).tags) <= {"b", "i", "a"}
    numbers = story_numbers(tg.texts())
    assert sorted(numbers) == list(range(200))  # none lost, none repeated
    outlets = [1 + (n * 7) % 6 for n in numbers]
    assert outlets == sorted(outlets, reverse=True)  # rank order: most outlets first
    ranks = [int(n) for t in tg.texts() for n in re.findall(r"<b>(\d+)\. Story", t)]
    assert ranks == list(range(1, 201))
    # the next digest has nothing new: delivered stories are not sent again
    again = await run_digest(store, "ops", {"telegram": sender}, VOCAB, now + timedelta(hours=1))
    assert again.messages == 0 and len(tg.messages) == report.messages


async def test_hostile_text_arrives_inert(
    store: Store, tg: FakeTelegram, sender: TelegramSender
) -> None:
    store.sync_channels([channel("ops", "telegram", "5001")])
    now = utcnow()
    for i, title in enumerate(HOSTILE):
        add_story(store, title, ["alpha", "beta"], now - timedelta(minutes=i), lead=title)
    report = await run_digest(store, "ops", {"telegram": sender}, VOCAB, now)
    assert report.flush == FlushReport(sent=report.messages)
    assert [r.status for r in tg.calls("sendMessage")] == [200] * report.messages
    for text in tg.texts():
        parsed = parse(text)
        assert all(h.startswith("https://") for h, _ in parsed.links)
        assert not re.search("[\u202a-\u202e\u2066\u2067]", parsed.text)
        assert "@here" not in parsed.text and "@everyone" not in parsed.text
    visible = "\n".join(parse(t).text for t in tg.texts())
    assert '<a href="javascript:alert(1)">click me</a>' in visible  # shown as text
    assert "TTTT" in visible and "…" in visible  # the 10,000-character title, shortened


async def test_429_is_waited_out_and_retried(
    store: Store, tg: FakeTelegram, sender: TelegramSender
) -> None:
    store.sync_channels([channel("ops", "telegram", "5001")])
    add_story(store, "Story 1 headline", ["alpha"], utcnow())
    tg.fail("sendMessage", 429, retry_after=1)
    report = await run_digest(store, "ops", {"telegram": sender}, VOCAB)
    assert report.flush == FlushReport(sent=1)
    assert [r.status for r in tg.calls("sendMessage")] == [429, 200]
    assert len(tg.messages) == 1


async def test_500_leaves_the_message_for_a_later_flush(
    store: Store, tg: FakeTelegram, sender: TelegramSender
) -> None:
    store.sync_channels([channel("ops", "telegram", "5001")])
    add_story(store, "Story 1 headline", ["alpha"], utcnow())
    tg.fail("sendMessage", 500)
    now = utcnow()
    report = await run_digest(store, "ops", {"telegram": sender}, VOCAB, now)
    assert report.flush == FlushReport(retried=1)
    assert tg.messages == []
    # not due yet, then due
    assert await flush_outbox(store, {"telegram": sender}, now) == FlushReport()
    later = await flush_outbox(store, {"telegram": sender}, now + timedelta(minutes=1))
    assert later == FlushReport(sent=1) and len(tg.messages) == 1
    assert (
        await flush_outbox(store, {"telegram": sender}, now + timedelta(hours=1)) == FlushReport()
    )
    assert len(tg.messages) == 1


@pytest.mark.parametrize(
    ("status", "description"),
    [
        (403, "Forbidden: bot was kicked from the group chat"),
        (400, "Bad Request: chat not found"),
    ],
)
async def test_permanent_errors_pause_only_that_channel(
    store: Store, tg: FakeTelegram, sender: TelegramSender, status: int, description: str
) -> None:
    store.sync_channels([channel("gone", "telegram", "-100404"), channel("ok", "telegram", "5001")])
    add_story(store, "Story 1 headline", ["alpha"], utcnow())
    tg.fail("sendMessage", status, times=99, description=description, only_to="-100404")
    senders = {"telegram": sender}
    shown = description.split(": ", 1)[1].lower()  # PTB drops Telegram's "Bad Request: "
    gone = await run_digest(store, "gone", senders, VOCAB)
    assert gone.flush is not None and shown in gone.flush.paused["gone"].lower()
    state = store.pause_state("gone")
    assert state.paused and state.reason is not None and shown in state.reason.lower()
    ok = await run_digest(store, "ok", senders, VOCAB)
    assert ok.flush == FlushReport(sent=1)
    # the paused channel is not retried, and its next digest is skipped with the reason
    before = len(tg.calls("sendMessage"))
    assert await flush_outbox(store, senders, utcnow() + timedelta(hours=1)) == FlushReport()
    again = await run_digest(store, "gone", senders, VOCAB)
    assert again.paused is not None and shown in again.paused.lower()
    assert len(tg.calls("sendMessage")) == before
    # resumed: the held message goes out once
    store.resume_channel("gone")
    tg.failures.clear()
    assert await flush_outbox(store, senders) == FlushReport(sent=1)
    assert len(tg.texts("-100404")) == 1


async def test_instant_sends_high_priority_once_and_leaves_the_rest(
    store: Store, tg: FakeTelegram, sender: TelegramSender
) -> None:
    store.sync_channels([channel("ops", "telegram", "5001", ("drones", "nuclear"), mode="both")])
    now = utcnow()
    add_story(store, "Story 1 headline", ["alpha"], now, topics=["nuclear"])
    add_story(store, "Story 2 headline", ["alpha"], now, topics=["drones"])
    senders = {"telegram": sender}
    (report,) = await run_instant(store, senders, VOCAB, now)
    assert report.stories == 1 and story_numbers(tg.texts()) == [1]
    assert await run_instant(store, senders, VOCAB, now + timedelta(minutes=5)) == []
    digest = await run_digest(store, "ops", senders, VOCAB, now + timedelta(hours=1))
    assert digest.stories == 1 and story_numbers(tg.texts()) == [1, 2]
