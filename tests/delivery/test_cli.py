"""`newswatch digest CHANNEL --dry-run | --send` with a real config, database and fake API."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import open_store
from bot.store.base import utcnow
from tests.fakes.telegram_api import FakeTelegram
from tests.world import add_story

CONFIG = """\
database: nw.db
rules: ["rules.yaml"]
channels:
  - id: ops
    platform: telegram
    destination: "5001"
    subscriptions: [drones]
  - id: desk
    platform: console
    subscriptions: [drones]
    language: ar
"""
RULES = """\
topics:
  drones:
    name: Armed drones
    query: drone*
"""


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "newswatch.yaml").write_text(CONFIG)
    (tmp_path / "rules.yaml").write_text(RULES)
    store = open_store(tmp_path / "nw.db")
    add_story(
        store, "Drone strike <b>reported</b>", ["alpha", "beta"], utcnow() - timedelta(hours=1)
    )
    store.close()
    for var in ("TELEGRAM_BOT_TOKEN", "SLACK_BOT_TOKEN", "NEWSWATCH_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path / "newswatch.yaml"


def test_dry_run_renders_without_sending(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "ops", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "<b>1. Drone strike &lt;b&gt;reported&lt;/b&gt;</b>" in out
    assert "Armed drones" in out and "nothing sent" in out
    assert main(["digest", "desk", "--dry-run", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "موجز" in out and "https://alpha.example/" in out
    store = open_store(config.parent / "nw.db")
    assert store.outbox_counts() == {} and store.delivered_outlets("ops") == {}
    store.close()


def test_send_goes_through_the_outbox(
    config: Path,
    tg: FakeTelegram,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", tg.token)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", tg.base_url)
    assert main(["digest", "ops", "--send", "--config", str(config)]) == 0
    assert "1 sent now" in capsys.readouterr().out
    assert len(tg.messages) == 1 and "Drone strike" in tg.texts("5001")[0]
    assert main(["digest", "ops", "--send", "--config", str(config)]) == 0
    assert len(tg.messages) == 1  # nothing new the second time
    store = open_store(config.parent / "nw.db")
    (sent,) = store.outbox_messages()  # claimed by the command as its own, then let go
    assert sent.status == "sent" and store.live_owners(utcnow() - timedelta(days=1)) == []
    store.close()


def test_send_to_a_kicked_bot_pauses_and_says_why(
    config: Path,
    tg: FakeTelegram,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", tg.token)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", tg.base_url)
    tg.fail("sendMessage", 403, times=5)
    assert main(["digest", "ops", "--send", "--config", str(config)]) == 1
    assert "paused" in capsys.readouterr().err
    main(["digest", "ops", "--config", str(config)])
    assert "bot was kicked" in capsys.readouterr().err
    tg.failures.clear()
    assert main(["digest", "ops", "--send", "--resume", "--config", str(config)]) == 0
    assert len(tg.messages) == 1


def test_errors_are_clean(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "nope", "--config", str(config)]) == 2
    assert "no channel 'nope'" in capsys.readouterr().err
    assert main(["digest", "ops", "--send", "--config", str(config)]) == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in capsys.readouterr().err
