"""Documentation backed by tests: every setting, command and config key is in the README."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from bot.cli import build_parser
from bot.config import CHANNEL_KEYS, SOURCE_KEYS, settings_markdown

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_settings_table_is_generated_from_the_settings() -> None:
    m = re.search(r"<!-- settings-table -->\n(.*?)\n<!-- /settings-table -->", README, re.S)
    assert m, "README lacks the settings-table markers"
    assert m.group(1) == settings_markdown(), "run `make docs` to regenerate the table"


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> list[str]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                full = f"{prefix} {name}".strip()
                found.append(full)
                found.extend(_commands(sub, full))
    return found


def test_every_command_is_documented() -> None:
    for command in _commands(build_parser()):
        assert f"newswatch {command}" in README, f"README does not document `{command}`"


def test_every_config_key_is_documented() -> None:
    for key in SOURCE_KEYS | CHANNEL_KEYS:
        assert f"`{key}`" in README, key
