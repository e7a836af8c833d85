"""A flusher process for the kill test: `python -m tests.delivery.flusher DB BASE_URL`."""

from __future__ import annotations

import asyncio
import sys

from bot.app.deliver import flush_outbox, recover_outbox
from bot.chat.telegram import TelegramSender
from bot.store import open_store


async def main(db: str, base_url: str) -> None:
    store = open_store(db)
    recover_outbox(store)
    sender = TelegramSender("123:TEST", base_url, per_chat_interval=0)
    try:
        report = await flush_outbox(store, {"telegram": sender})
        print(f"sent={report.sent} retried={report.retried}", flush=True)
    finally:
        await sender.close()
        store.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
