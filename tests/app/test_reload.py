"""bot.app.reload: configuration and rules load together or not at all; a change is seen by
file times, sizes and the set of rule files; settings read only at start are named."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.app.reload import Refused, load, restart_only_changes, snapshot

RULES = """\
topics:
  harbour:
    name: Harbour news
    query: 'harbour OR ferry'
"""
MORE_RULES = """\
topics:
  drills:
    name: Drills
    query: 'drill*'
"""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "a.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "newswatch.yaml").write_text("database: nw.db\n", encoding="utf-8")
    return tmp_path


def test_load_gives_configuration_and_rules_together(home: Path) -> None:
    loaded = load(home / "newswatch.yaml")
    assert loaded.config.database == home / "nw.db"
    assert set(loaded.rules.topics) == {"harbour"}


def test_a_broken_rule_file_refuses_the_whole_load_naming_the_file(home: Path) -> None:
    (home / "rules" / "b.yaml").write_text("topics:\n  x: [unclosed\n", encoding="utf-8")
    with pytest.raises(Refused, match=r"invalid rules:\n.*b\.yaml:\d+"):
        load(home / "newswatch.yaml")


def test_a_broken_configuration_refuses_the_load_naming_the_line(home: Path) -> None:
    (home / "newswatch.yaml").write_text("database: nw.db\nfetch: [1, 2\n", encoding="utf-8")
    with pytest.raises(Refused, match=r"invalid configuration:\n.*newswatch\.yaml:\d+"):
        load(home / "newswatch.yaml")
    assert not (home / "nw.db").exists()


def test_snapshot_changes_with_an_edit_and_with_a_new_rule_file(home: Path) -> None:
    config = home / "newswatch.yaml"
    loaded = load(config)
    first = snapshot(config, loaded.config)
    assert snapshot(config, loaded.config) == first  # nothing changed: the same
    assert set(first) == {str(config), str(home / "rules" / "a.yaml")}

    (home / "rules" / "b.yaml").write_text(MORE_RULES, encoding="utf-8")
    second = snapshot(config, loaded.config)
    assert str(home / "rules" / "b.yaml") in second and second != first

    rule = home / "rules" / "a.yaml"
    st = rule.stat()
    rule.write_text(RULES + "\n", encoding="utf-8")  # one byte more, same second or not
    os.utime(rule, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert snapshot(config, loaded.config) != second  # the size tells


def test_a_vanished_file_shows_in_the_snapshot(home: Path) -> None:
    config = home / "newswatch.yaml"
    loaded = load(config)
    before = snapshot(config, loaded.config)
    (home / "rules" / "a.yaml").unlink()  # a removed rule file leaves the set
    after = snapshot(config, loaded.config)
    assert str(home / "rules" / "a.yaml") not in after and after != before
    config.unlink()
    assert snapshot(config, loaded.config)[str(config)] == (-1, -1)


def test_settings_read_only_at_start_are_named_and_others_are_not(home: Path) -> None:
    config = home / "newswatch.yaml"
    old = load(config).config
    config.write_text(
        "database: nw.db\nfetch: {concurrency: 4}\nhealth: {port: 9191}\n"
        "telegram: {api_base_url: 'http://127.0.0.1:9/bot'}\nlog: {level: DEBUG}\n",
        encoding="utf-8",
    )
    new = load(config).config
    assert sorted(restart_only_changes(old, new)) == ["health.port", "telegram.api_base_url"]
    assert restart_only_changes(old, old) == []
