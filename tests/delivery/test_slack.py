"""Digests through the real slack_sdk AsyncWebClient to a fake Slack Web API on 127.0.0.1."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.app.deliver import FlushReport, Vocabulary, flush_outbox, run_digest
from bot.chat.slack import SlackSender
from bot.store import Store
from bot.store.base import utcnow
from tests.delivery.test_telegram import HOSTILE
from tests.fakes.slack_api import FakeSlack
from tests.world import add_story, channel

VOCAB = Vocabulary()


@pytest.fixture
async def sender(slack: FakeSlack) -> AsyncIterator[SlackSender]:
    s = SlackSender("xoxb-test", slack.base_url, server_error_retries=1)
    yield s
    await s.close()


async def test_digest_within_slack_limits(
    store: Store, slack: FakeSlack, sender: SlackSender
) -> None:
    store.sync_channels([channel("desk", "slack", "C100", max_stories=120)])
    now = utcnow()
    for i in range(120):
        add_story(store, f"Story {i} headline", ["alpha", "beta"], now - timedelta(minutes=i))
    report = await run_digest(store, "desk", {"slack": sender}, VOCAB, now)
    assert report.flush == FlushReport(sent=3)
    for r in slack.messages:
        assert r.headers["Authorization"] == "Bearer xoxb-test"
        assert r.params["unfurl_links"] is False and r.params["parse"] == "none"
        assert len(r.params["blocks"]) <= 50 and r.params["text"]
    numbers = [int(n) for t in slack.texts() for n in re.findall(r"Story (\d+) headline", t)]
    assert numbers == list(range(120))  # same outlets: newest first


async def test_hostile_text_arrives_inert(
    store: Store, slack: FakeSlack, sender: SlackSender
) -> None:
    store.sync_channels([channel("desk", "slack", "C100")])
    now = utcnow()
    for i, title in enumerate(HOSTILE):
        add_story(store, title, ["alpha"], now - timedelta(minutes=i), lead=title)
    report = await run_digest(store, "desk", {"slack": sender}, VOCAB, now)
    assert report.flush == FlushReport(sent=1)
    (message,) = slack.messages
    for text in [message.params["text"], *slack.texts()]:
        assert len(text) <= 3000
        assert not re.search(r"<[!@#]", text)  # no mention or channel link survives
        assert not re.search(r"@(here|channel|everyone)\b", text)
        assert not re.search("[\u202a-\u202e]", text)
        assert all(link.startswith("<https://") for link in re.findall(r"<[^>]*>", text))
    assert "&lt;!channel&gt;" in "".join(slack.texts())  # readable as text


async def test_429_retry_after_is_honoured(
    store: Store, slack: FakeSlack, sender: SlackSender
) -> None:
    store.sync_channels([channel("desk", "slack", "C100")])
    add_story(store, "Story 1 headline", ["alpha"], utcnow())
    slack.fail("chat.postMessage", 429, retry_after=1)
    report = await run_digest(store, "desk", {"slack": sender}, VOCAB)
    assert report.flush == FlushReport(sent=1)
    assert [r.status for r in slack.calls("chat.postMessage")] == [429, 200]


async def test_500_beyond_the_sdk_retries_waits_for_a_later_flush(
    store: Store, slack: FakeSlack, sender: SlackSender
) -> None:
    store.sync_channels([channel("desk", "slack", "C100")])
    add_story(store, "Story 1 headline", ["alpha"], utcnow())
    slack.fail("chat.postMessage", 500, times=2)  # the first try and the SDK's one retry
    now = utcnow()
    report = await run_digest(store, "desk", {"slack": sender}, VOCAB, now)
    assert report.flush == FlushReport(retried=1) and slack.messages == []
    later = await flush_outbox(store, {"slack": sender}, now + timedelta(minutes=1))
    assert later == FlushReport(sent=1) and len(slack.messages) == 1


@pytest.mark.parametrize(("status", "error"), [(200, "channel_not_found"), (403, "access_denied")])
async def test_permanent_errors_pause_the_channel(
    store: Store, slack: FakeSlack, sender: SlackSender, status: int, error: str
) -> None:
    store.sync_channels([channel("desk", "slack", "C404")])
    add_story(store, "Story 1 headline", ["alpha"], utcnow())
    slack.fail("chat.postMessage", status, times=9, error=error)
    report = await run_digest(store, "desk", {"slack": sender}, VOCAB)
    assert report.flush is not None and error in report.flush.paused["desk"]
    assert store.paused_channels() == {"desk": f"slack: {error}"}
    assert len(slack.calls("chat.postMessage")) == 1
