from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

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
