"""Killing the sender with a message in flight and restarting: that message is uncertain (it
may have arrived) and is sent once more with a note saying so; the others once each."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from bot.app.deliver import Vocabulary, run_digest
from bot.store import open_store
from bot.store.base import utcnow
from tests.fakes.telegram_api import FakeTelegram
from tests.world import add_story, channel

ROOT = Path(__file__).parent.parent.parent


def flusher(db: Path, tg: FakeTelegram) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.delivery.flusher", str(db), tg.base_url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )


def test_sigkill_in_flight_then_restart_resends_that_one_marked_and_the_rest_once(
    tmp_path: Path, tg: FakeTelegram
) -> None:
    db = tmp_path / "newswatch.db"
    store = open_store(db)
    store.sync_channels([channel("ops", "telegram", "5001", max_stories=100)])
    now = utcnow()
    for i in range(100):
        add_story(store, f"Story {i} headline " + "words " * 60, ["alpha", "beta"],
                  now - timedelta(minutes=i))  # fmt: skip
    report = asyncio.run(run_digest(store, "ops", {}, Vocabulary(), now, send=False))
    expected = [m.payload["text"] for m in store.outbox_messages(report.batch)]
    store.close()
    assert len(expected) >= 5

    tg.hold_after(2)  # the third message's request hangs: two are confirmed and recorded
    first = flusher(db, tg)
    held = tg.held.wait(60)
    first.send_signal(signal.SIGKILL)
    _, err = first.communicate(timeout=10)
    assert held, err
    assert first.returncode == -signal.SIGKILL
    tg.release()
    assert tg.texts() == expected[:2]

    second = flusher(db, tg)
    out, err = second.communicate(timeout=120)
    assert f"sent={len(expected) - 2}" in out
    assert second.returncode == 0, err
    texts = tg.texts()
    assert [t.endswith(e) for t, e in zip(texts, expected, strict=True)] == [True] * len(texts)
    assert texts[:2] + texts[3:] == expected[:2] + expected[3:]  # the others once, in order
    assert texts[2].startswith("<i>Sent again: an earlier attempt got no answer")
    store = open_store(db)
    assert store.outbox_counts() == {"sent": len(expected)}
    assert [m.uncertain for m in store.outbox_messages()][:4] == [0, 0, 1, 0]
    store.close()
