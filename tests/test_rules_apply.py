"""`newswatch rules apply`: a topic added after articles were stored tags their stories,
without alerting old stories unless --alert; and the chat commands on the command line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.app.assembly import assemble
from bot.cli import main
from bot.config import load_config
from bot.models import RawItem, Source
from bot.store import open_store
from bot.store.base import utcnow

RULES_BEFORE = """
entities:
  harbor: {name: Harbor Council, kind: org, aliases: [Harbor Council, مجلس الميناء]}
topics:
  council: {name: Council news, query: '@harbor'}
"""
RULES_AFTER = (
    RULES_BEFORE
    + """
  budgets: {name: {en: Budgets, ar: ميزانيات}, query: 'budget* OR ميزانية'}
"""
)
CONFIG = """
database: nw.db
rules: ["rules.yaml"]
channels:
  - {{id: desk, platform: console, destination: "-", subscriptions: [{subs}]}}
  - {{id: ar-desk, platform: console, destination: "ar", language: ar, subscriptions: [council]}}
"""
SOURCE = Source(id="tide", url="https://tide.example/", name="Tidewater Gazette")


def _world(tmp_path: Path) -> Path:
    """Two stored stories under the first rules; then rules and subscriptions that add a
    budgets topic. Returns the configuration file."""
    (tmp_path / "rules.yaml").write_text(RULES_BEFORE, encoding="utf-8")
    cfg = tmp_path / "newswatch.yaml"
    cfg.write_text(CONFIG.format(subs="council"), encoding="utf-8")
    config = load_config(cfg, env={})
    instance = assemble(config, config.database)
    now = utcnow()
    items = [
        RawItem("tide", "Harbor Council approves a new budget for the docks",
                url="https://tide.example/1", guid="1", published=now - timedelta(hours=5),
                text="The Harbor Council approved a budget of two million for dock repairs."),
        RawItem("tide", "Ferry timetable changes next week", url="https://tide.example/2",
                guid="2", published=now - timedelta(hours=4),
                text="The ferry company said the budget for new boats was not yet set."),
    ]  # fmt: skip
    try:
        for raw in items:
            assert instance.pipeline.ingest(raw, SOURCE, now) is not None
    finally:
        instance.close()
    (tmp_path / "rules.yaml").write_text(RULES_AFTER, encoding="utf-8")
    cfg.write_text(CONFIG.format(subs="council, budgets"), encoding="utf-8")
    return cfg


def _topics(db: Path) -> dict[str, tuple[str, ...]]:
    store = open_store(db)
    try:
        return {s.title: s.topic_ids for s in store.stories_since(utcnow() - timedelta(days=2))}
    finally:
        store.close()


def test_rules_apply_tags_stored_stories_with_a_topic_added_after_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = _world(tmp_path)
    db = tmp_path / "nw.db"
    assert _topics(db) == {
        "Harbor Council approves a new budget for the docks": ("council",),
        "Ferry timetable changes next week": (),
    }
    assert main(["rules", "apply", "--since", "2d", "--config", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert "2 stored articles matched again, 2 changed; 2 stories retagged" in out
    assert "1 old stories now match a channel's subscription: recorded as sent" in out
    assert _topics(db) == {
        "Harbor Council approves a new budget for the docks": ("budgets", "council"),
        "Ferry timetable changes next week": ("budgets",),
    }
    # The ferry story was never sent to the desk and now matches `budgets`: no alert for it,
    # while the council story (matched before, not yet sent) still goes in the next digest.
    assert main(["digest", "desk", "--config", str(cfg)]) == 0
    digest = capsys.readouterr().out
    assert "Harbor Council approves" in digest and "Ferry timetable" not in digest
    assert "[Council news · Budgets" in digest or "Budgets · Council news" in digest
    # A second run changes nothing.
    assert main(["rules", "apply", "--since", "2d", "--config", str(cfg)]) == 0
    assert "0 changed; 0 stories retagged" in capsys.readouterr().out


def test_rules_apply_with_alert_lets_old_stories_go_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = _world(tmp_path)
    assert main(["rules", "apply", "--alert", "--config", str(cfg)]) == 0
    assert "1 old stories now match a subscription and will go out" in capsys.readouterr().out
    assert main(["digest", "desk", "--config", str(cfg)]) == 0
    assert "Ferry timetable" in capsys.readouterr().out


def test_rules_apply_refuses_a_bad_duration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = _world(tmp_path)
    assert main(["rules", "apply", "--since", "soon", "--config", str(cfg)]) == 2
    assert "--since: not a duration: 'soon'" in capsys.readouterr().err


def test_chat_commands_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = _world(tmp_path)
    c = ["--config", str(cfg)]
    assert main(["latest", *c]) == 0
    out = capsys.readouterr().out
    assert "Latest stories:" in out and "Ferry timetable changes next week" in out
    assert main(["search", "budget*", "--days", "3", *c]) == 0
    assert "Harbor Council approves a new budget" in capsys.readouterr().out
    assert main(["why", "1", *c]) == 0
    out = capsys.readouterr().out
    assert "Story 1:" in out and "Harbor Council" in out
    assert main(["chat", "topics", "--channel", "ar-desk", *c]) == 0
    assert "\u200fالمواضيع المتاحة للاشتراك:" in capsys.readouterr().out
    assert main(["chat", "subscribe budgets", "--channel", "desk", *c]) == 0
    assert "Already subscribed to #budgets (Budgets)" in capsys.readouterr().out
    assert main(["chat", "subscribe budgets", "--channel", "ar-desk", *c]) == 0
    assert "تم الاشتراك في #budgets (ميزانيات)" in capsys.readouterr().out
    assert main(["chat", "subscribe budgets", *c]) == 2
    assert "name it with --channel" in capsys.readouterr().err
    assert main(["chat", "frobnicate", *c]) == 1
    assert "I don't know the command 'frobnicate'" in capsys.readouterr().out
    assert main(["chat", "list", "--channel", "nowhere", *c]) == 2
    assert "no channel 'nowhere'" in capsys.readouterr().err
