"""Counting what a fake platform received against what the outbox recorded, per channel:
order violations (a copy of a message arriving after a later message of its channel),
messages that arrived three or more times, duplicates, and the outbox's uncertain sends.
The tests print these counts (pytest -s) and put them in their assertion messages."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.app.deliver import marker_of
from bot.store import OutboxMessage, Store
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram


@dataclass(frozen=True)
class Tally:
    channel: str
    messages: int  # recorded in the outbox
    arrived: int  # distinct messages that arrived at least once
    order_violations: int
    thrice: int  # messages that arrived 3+ times
    duplicates: int  # messages that arrived 2+ times
    uncertain: int  # uncertain sends the outbox counted (no answer, or died in flight)
    held: int  # messages held for a person after two uncertain sends

    def line(self) -> str:
        return (
            f"{self.channel}: {self.messages} messages, {self.arrived} arrived, "
            f"order violations {self.order_violations}, sent 3+ times {self.thrice}, "
            f"duplicates {self.duplicates}, uncertain sends {self.uncertain}, "
            f"held {self.held}"
        )

    def check(self) -> None:
        """The delivery guarantee as documented (README, Delivery)."""
        assert self.order_violations == 0, self.line()
        assert self.thrice == 0, self.line()
        assert self.duplicates <= self.uncertain, self.line()


def identify(messages: Sequence[OutboxMessage], texts: Sequence[str]) -> list[int]:
    """Outbox ids of the arrived texts (a resent copy carries a note before the text)."""
    ids = []
    for text in texts:
        found = [m.id for m in messages if text.endswith(str(m.payload["text"]))]
        assert len(found) == 1, f"cannot tell which message arrived: {text[:200]!r}"
        ids.append(found[0])
    return ids


def tally(store: Store, channel: str, arrivals: Sequence[int]) -> Tally:
    messages = [m for m in store.outbox_messages() if m.channel_id == channel]
    violations, latest = 0, 0
    for mid in arrivals:
        if mid < latest:
            violations += 1
        latest = max(latest, mid)
    counts = Counter(arrivals)
    result = Tally(
        channel=channel,
        messages=len(messages),
        arrived=len(counts),
        order_violations=violations,
        thrice=sum(1 for n in counts.values() if n >= 3),
        duplicates=sum(1 for n in counts.values() if n >= 2),
        uncertain=sum(m.uncertain for m in messages),
        held=sum(1 for m in messages if m.status == "uncertain"),
    )
    print(result.line())
    return result


def telegram_arrivals(store: Store, fake: FakeTelegram, chat: str) -> list[int]:
    """Outbox ids of the messages a Telegram chat received, by their text."""
    mine = [m for m in store.outbox_messages() if m.destination == chat]
    return identify(mine, fake.texts(chat))


def slack_arrivals(store: Store, fake: FakeSlack, channel: str) -> list[int]:
    """Outbox ids of the messages posted to a Slack channel, by the marker each carries."""
    ids = {marker_of(m): m.id for m in store.outbox_messages()}
    with fake._lock:
        posted = [r.params for r in fake.messages if r.params.get("channel") == channel]
    return [ids[p["metadata"]["event_payload"]["marker"]] for p in posted]
