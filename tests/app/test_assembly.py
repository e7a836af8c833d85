"""bot.app.assembly: the one way a running newswatch is built, for the CLI, the demo, eval
and the daemon."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.app.assembly import assemble, chat_adapters, make_senders, open_store
from bot.app.ingest import Pipeline
from bot.config import Config, Secrets, config_from_text
from bot.core.commands import Env
from bot.core.rules import RulesError, RuleSet
from bot.store.base import utcnow

CONFIG = """\
database: nw.db
sources:
  - id: alpha
    url: https://alpha.example/rss.xml
  - id: beta
    url: https://beta.example/rss.xml
    enabled: false
channels:
  - id: desk
    platform: console
    subscriptions: [harbour]
"""
RULES = """\
topics:
  harbour:
    name: Harbour news
    query: 'harbour OR ferry'
"""


def _config(home: Path, text: str = CONFIG) -> Config:
    (home / "rules").mkdir(exist_ok=True)
    (home / "rules" / "r.yaml").write_text(RULES, encoding="utf-8")
    return config_from_text(text, "<test>", home, {})


def test_assemble_opens_the_store_mirrors_the_configuration_and_builds_the_pipeline(
    tmp_path: Path,
) -> None:
    config = _config(tmp_path)
    instance = assemble(config, tmp_path / "nw.db")
    try:
        assert isinstance(instance.pipeline, Pipeline)
        assert set(instance.rules.topics) == {"harbour"}
        assert [c.id for c in instance.store.channels()] == ["desk"]
        stored = {state.id for state in instance.store.source_states()}
        assert stored == {"alpha", "beta"}
        # one decision of which sources a cycle fetches: enabled ones, never checked = due
        chosen = instance.pipeline.sources_to_fetch(instance.config.sources, utcnow())
        assert [s.id for s in chosen] == ["alpha"]
    finally:
        instance.close()


def test_given_rules_are_used_instead_of_the_files(tmp_path: Path) -> None:
    config = _config(tmp_path)
    instance = assemble(config, tmp_path / "nw.db", RuleSet())
    try:
        assert instance.rules.topics == {}
    finally:
        instance.close()


def test_broken_rules_stop_the_assembly_before_any_database_exists(tmp_path: Path) -> None:
    config = _config(tmp_path)
    (tmp_path / "rules" / "bad.yaml").write_text("topics: [", encoding="utf-8")
    with pytest.raises(RulesError, match=r"bad\.yaml"):
        assemble(config, tmp_path / "nw.db")
    assert not (tmp_path / "nw.db").exists()


def test_open_store_is_the_stores_own_opener(tmp_path: Path) -> None:
    store = open_store(tmp_path / "x.db")
    try:
        assert store.channels() == []
    finally:
        store.close()


async def test_senders_and_adapters_follow_the_tokens(tmp_path: Path) -> None:
    config = _config(tmp_path)
    settings = config.settings
    assert sorted(make_senders(settings, Secrets())) == ["console"]
    with_token = make_senders(settings, Secrets(telegram_bot_token="1:x", slack_bot_token="xb"))
    assert sorted(with_token) == ["console", "slack", "telegram"]
    for sender in with_token.values():
        await sender.close()
    env = Env(store=None, rules=RuleSet, matcher=lambda: None)  # type: ignore[arg-type]
    assert chat_adapters(settings, Secrets(), env) == []
    # Slack without an app token or signing secret sends but answers no commands
    assert chat_adapters(settings, Secrets(slack_bot_token="xb"), env) == []


def test_store_and_pipeline_are_built_only_in_the_assembly() -> None:
    """Outside bot/store (the store's own opener) and bot/app/assembly.py, nothing in bot/
    imports the store's opener or the SQLite class, nor calls Pipeline(...)."""
    bot = Path(__file__).parent.parent.parent / "bot"
    offenders = []
    for path in sorted(bot.rglob("*.py")):
        rel = path.relative_to(bot).as_posix()
        if rel.startswith("store/") or rel == "app/assembly.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot.store"):
                names = {a.name for a in node.names} & {"open_store", "SqliteStore"}
                offenders += [f"bot/{rel}:{node.lineno}: imports {n}" for n in sorted(names)]
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Pipeline"
            ):
                offenders.append(f"bot/{rel}:{node.lineno}: Pipeline(...)")
    assert not offenders, "\n".join(offenders)
