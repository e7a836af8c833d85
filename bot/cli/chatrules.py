"""`newswatch rules export-chat`: the entities and watches made in chat as a rules file on
standard output (bot.core.chatexport), e.g. `> rules/chat.yaml`.

Registered by bot.cli.rules under `rules`; this module has no top-level command of its own.
"""

from __future__ import annotations

import argparse
import sys

from bot.cli.common import add_config_arguments, open_config, open_store


def add_export_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = sub.add_parser(
        "export-chat", help="write the entities and watches made in chat as a rules file"
    )
    add_config_arguments(export)
    export.set_defaults(func=run_export)


def run_export(args: argparse.Namespace) -> int:
    from bot.app.assembly import load_rules
    from bot.config import ConfigError
    from bot.core.chatexport import export_yaml
    from bot.core.rules import RulesError
    from bot.store.base import utcnow

    config = open_config(args)
    try:
        in_files = set(load_rules(config).entities)
    except (RulesError, ConfigError) as exc:
        print(
            f"newswatch: the rule files do not load ({exc}); exporting everything", file=sys.stderr
        )
        in_files = set()
    store = open_store(args, config, existing=True)
    try:
        chat = store.chat_rules()
    finally:
        store.close()
    when = utcnow().strftime(" on %Y-%m-%d %H:%M UTC")
    sys.stdout.write(export_yaml(chat, in_files, when))
    print(
        f"exported {len(chat.entities)} entities and {len(chat.watches)} watches made in chat",
        file=sys.stderr,
    )
    return 0
