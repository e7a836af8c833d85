"""A flusher process for the kill tests:
`python -m tests.delivery.flusher DB TELEGRAM_URL [SLACK_URL START_HOURS]`.

With two arguments: one flush. With four (the kill loop): prints "ready", then flushes until
nothing is pending or in flight, on a clock that starts START_HOURS ahead and moves an hour
per flush, so retry times pass without waiting (each round starts further ahead)."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

from bot.app.deliver import flush_outbox, recover_outbox
from bot.chat.sender import Sender
from bot.chat.slack import SlackSender
from bot.chat.telegram import TelegramSender
from bot.store import open_store
from bot.store.base import utcnow


async def main(db: str, base_url: str, slack_url: str | None, start_hours: int) -> None:
    store = open_store(db)
    recover_outbox(store)
    senders: dict[str, Sender] = {
        "telegram": TelegramSender("123:TEST", base_url, per_chat_interval=0)
    }
    if slack_url:
        senders["slack"] = SlackSender("xoxb-test", slack_url)
    try:
        if slack_url is None:
            report = await flush_outbox(store, senders)
            print(f"sent={report.sent} retried={report.retried}", flush=True)
            return
        print("ready", flush=True)
        start = utcnow() + timedelta(hours=start_hours)
        for step in range(1000):
            await flush_outbox(store, senders, start + timedelta(hours=step))
            counts = store.outbox_counts()
            if not counts.get("pending") and not counts.get("sending"):
                print(f"settled {counts}", flush=True)
                return
    finally:
        for sender in senders.values():
            await sender.close()
        store.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    slack = args[2] if len(args) > 2 else None
    asyncio.run(main(args[0], args[1], slack, int(args[3]) if len(args) > 3 else 0))
