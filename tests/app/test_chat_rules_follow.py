"""Rules made in chat reach a running daemon without a restart: through the command that
makes them, through the store when another process made them, and across a reload of the
rule files, where a file entity with a chat entity's id wins (with a warning)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.app.daemon import Daemon
from bot.app.reload import load
from bot.config import Secrets
from bot.core.chatrules import ChatEntity, ChatWatch
from bot.core.commands import Request, execute
from bot.store import open_store
from bot.store.base import utcnow

CONFIG = """\
database: nw.db
rules: [rules.yaml]
health: {port: 0}
reload: {poll_interval: 0}
channels:
  - {id: desk, platform: console, destination: desk-room}
"""
RULES = "topics:\n  harbour: {name: Harbour news, query: 'harbour OR port'}\n"


@pytest.fixture
def daemon(tmp_path: Path) -> Daemon:
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    config = tmp_path / "newswatch.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    return Daemon(config, load(config), tmp_path / "nw.db", Secrets())


async def test_a_watch_command_changes_the_matcher_at_once(daemon: Daemon) -> None:
    try:
        env = daemon._env()
        request = Request("console", "desk-room", "u1", True, utcnow())
        reply = await execute("watch caspian Caspian OR Kura", request, env)
        assert reply.ok, reply.text
        hit = daemon.pipeline.matcher.match("Ferries cross the Caspian", "")
        assert hit.topic_ids == {"chat:desk:caspian"}
        assert daemon.vocab.labels.topics["chat:desk:caspian"] == "caspian"
        assert (await execute("unwatch caspian", request, env)).ok
        assert daemon.pipeline.matcher.match("Ferries cross the Caspian", "").topic_ids == set()
    finally:
        daemon.store.close()


def test_changes_by_another_process_arrive_through_the_store(
    daemon: Daemon, tmp_path: Path
) -> None:
    try:
        daemon.chat_rules_changed()  # nothing changed: nothing to do
        other = open_store(tmp_path / "nw.db")  # another process on the same database
        try:
            entity = ChatEntity("kestrin", "Kestrin Dagh", ("كسترين",))
            other.add_chat_entity(entity, "9", utcnow())
            other.save_watch(ChatWatch("desk", "k", "@kestrin"), "instant", "7", utcnow())
        finally:
            other.close()
        assert "kestrin" not in daemon.pipeline.rules.entities
        daemon.chat_rules_changed()  # what the daemon's poll does
        hit = daemon.pipeline.matcher.match("وصل لكسترين", "")
        assert hit.entity_ids == {"kestrin"} and hit.topic_ids == {"chat:desk:k"}
    finally:
        daemon.store.close()


def test_a_rule_file_that_defines_a_chat_entity_wins_at_reload(
    daemon: Daemon, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    try:
        daemon.store.add_chat_entity(
            ChatEntity("kestrin", "Chat Kestrin", ("Kestrin",)), "9", utcnow()
        )
        daemon.chat_rules_changed()
        assert daemon.pipeline.rules.entities["kestrin"].name == "Chat Kestrin"
        (tmp_path / "rules.yaml").write_text(
            RULES + "entities:\n  kestrin: {name: File Kestrin, aliases: [Kestrin, Kestrine]}\n",
            encoding="utf-8",
        )
        with caplog.at_level(logging.WARNING):
            assert daemon.reload("test") is True
        assert daemon.pipeline.rules.entities["kestrin"].name == "File Kestrin"
        assert daemon.pipeline.matcher.match("Kestrine spoke", "").entity_ids == {"kestrin"}
        assert "chat entity @kestrin is also defined in the rule files" in caplog.text
    finally:
        daemon.store.close()


async def test_a_channel_has_at_most_max_watches(daemon: Daemon) -> None:
    from bot.core.commands.watches import MAX_WATCHES

    try:
        env = daemon._env()
        request = Request("console", "desk-room", "u1", True, utcnow())
        for n in range(MAX_WATCHES):
            assert (await execute(f"watch w{n} harbour{n}", request, env)).ok
        refused = await execute("watch one-more harbour", request, env)
        assert not refused.ok and f"{MAX_WATCHES} watches already" in refused.text
        assert (await execute("watch w0 quay", request, env)).ok  # replacing one is fine
        assert len(daemon.pipeline.rules.topics) == 1 + MAX_WATCHES
    finally:
        daemon.store.close()


def test_the_roles_look_at_the_store_at_most_every_poll(tmp_path: Path) -> None:
    from bot.app.roles import _following
    from bot.core.rules import RuleSet

    store = open_store(tmp_path / "nw.db")
    try:
        seen: list[RuleSet] = []
        follower, look = _following(store, RuleSet(), seen.append)
        desk = store.ensure_channel("console", "desk-room", "UTC")
        store.save_watch(ChatWatch(desk.id, "k", "Kura"), "instant", "7", utcnow())
        look(False)  # within CHAT_RULES_POLL of the start: not yet
        assert seen == []
        look(True)  # a command in this process, or the poll's time has come
        assert len(seen) == 1 and set(seen[0].topics) == {"chat:console-desk-room:k"}
        look(True)  # nothing changed since: nothing handed on
        assert len(seen) == 1
        assert follower.rules is seen[0]
    finally:
        store.close()
