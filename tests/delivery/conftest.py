from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.models import Channel
from bot.store import Store, open_store
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    fake = FakeTelegram()
    with fake:
        yield fake


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    with fake:
        yield fake


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path / "newswatch.db")
    yield s
    s.close()


@pytest.fixture
def s(db_target: str) -> Iterator[Store]:
    """A store with two channels (c on Telegram, d on Slack), on SQLite and on PostgreSQL."""
    opened = open_store(db_target)
    opened.sync_channels([Channel("c", "telegram", "100"), Channel("d", "slack", "C1")])
    yield opened
    opened.close()
