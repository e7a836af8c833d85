"""`newswatch rules export-chat`: the rules made in chat (here through `newswatch chat`, as an
operator would) written as a rules file that `rules check` accepts beside the other files,
and that, once loaded, replaces the chat entities (the rule files win)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.app.chatrules import ChatRulesFollower
from bot.app.rulefiles import load_rule_files
from bot.cli import main
from bot.store import open_store

DATA = Path(__file__).parent / "data" / "watch"


def _home(tmp_path: Path) -> Path:
    (tmp_path / "rules").mkdir()
    shutil.copy(DATA / "rules.yaml", tmp_path / "rules" / "base.yaml")
    config = tmp_path / "newswatch.yaml"
    config.write_text(
        "database: nw.db\nrules: ['rules/*.yaml']\nchannels:\n"
        "  - {id: desk, platform: console, destination: desk-room}\n",
        encoding="utf-8",
    )
    return config


def test_export_chat_is_a_rules_file_that_check_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(_home(tmp_path))
    add = 'entity add zarifi --kind person "Ilyas Zarifi" زريفي "Ilyas Zarifi"'
    assert main(["chat", add, "--config", config]) == 0
    assert main(["chat", "entity alias zarifi زریفی", "--config", config]) == 0
    watch = 'watch caspian "بحر قزوين" OR Caspian OR @zarifi'
    assert main(["chat", watch, "--channel", "desk", "--config", config]) == 0
    assert main(["chat", "watch quay #harbour", "--channel", "desk", "--config", config]) == 0
    assert main(["chat", 'entity add ostmark "O" O', "--config", config]) == 1  # in the files
    capsys.readouterr()

    assert main(["rules", "export-chat", "--config", config]) == 0
    out, err = capsys.readouterr()
    assert "exported 1 entities and 2 watches made in chat" in err
    exported = yaml.safe_load(out)
    assert exported["entities"] == {
        "zarifi": {
            "name": "Ilyas Zarifi",
            "kind": "person",
            "aliases": ["زريفي", "Ilyas Zarifi", "زریفی"],
        }
    }
    assert exported["topics"]["desk-caspian"]["query"] == '"بحر قزوين" OR Caspian OR @zarifi'
    assert exported["topics"]["desk-quay"]["query"] == "#harbour"

    chat_file = tmp_path / "rules" / "chat.yaml"
    chat_file.write_text(out, encoding="utf-8")
    assert main(["rules", "check", "--config", config]) == 0
    assert "ok: 2 files, 2 entities, 3 topics" in capsys.readouterr().out

    # loaded with the rule files, the exported entity is the one used; the chat one is
    # left out with a warning, and the watches still match as before
    files = load_rule_files(sorted((tmp_path / "rules").glob("*.yaml")))
    store = open_store(tmp_path / "nw.db")
    try:
        follower = ChatRulesFollower(store, files)
    finally:
        store.close()
    rules = follower.rules
    assert rules.entities["zarifi"] == files.entities["zarifi"]
    assert any("@zarifi" in w and "file" in w for w in follower.warnings)
    assert {"chat:desk:caspian", "chat:desk:quay", "desk-caspian"} <= set(rules.topics)


def test_export_with_nothing_made_in_chat_is_still_a_rules_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(_home(tmp_path))
    assert main(["chat", "status", "--config", config]) == 0  # makes the database
    capsys.readouterr()
    assert main(["rules", "export-chat", "--config", config]) == 0
    out = capsys.readouterr().out
    (tmp_path / "rules" / "chat.yaml").write_text(out, encoding="utf-8")
    assert main(["rules", "check", "--config", config]) == 0
